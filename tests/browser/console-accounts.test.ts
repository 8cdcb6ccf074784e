// The web console in headless Chromium against the real API, PostgreSQL and Temporal (dev server):
// sign in with the keyboard only (a wrong key refused, explained), the menus follow the key's
// roles, GET /v1/session answers who the key is, the accounts list filtered and paged with its URL
// as the saved filter, one account opened (balance and late fee apart, lines, next action,
// the timeline with Temporal UI links), the language switched, and axe-core finds no WCAG A/AA
// violation on the screens. Nothing leaves 127.0.0.1.
import type { Browser } from 'playwright-core';
import { ROUTES } from '../../api/routes/table';
import { apiKeys } from '../../db/stores/api-keys';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { launchChromium } from '../support/browser';
import { zoneAtLocalHour } from '../support/clock';
import { axeViolations, buildConsoleForTests, openConsole, screenshot, signInWithKeyboard } from '../support/console';
import { contractFetch } from '../support/contract';
import { useE2eStack } from '../support/e2e-stack';
import { waitFor } from '../support/wait';
import { CONSOLE_ROUTES_COVERED } from '../e2e/console.covered';

const fetch = contractFetch(ROUTES);
const stack = useE2eStack({ name: 'console-accounts' });
let browser: Browser;
const keys: Record<'billing' | 'ops' | 'legal' | 'agency', string> = {} as never;

/** Midday where the customers live: nothing here depends on the hour. */
const zone = zoneAtLocalHour(12, Date.now());
const today = localDateOf(Date.now(), zone);

async function enrol(accountId: string, amount: number, segment: string) {
  const res = await fetch(`${stack.base}/v1/accounts/${accountId}/arrears`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.billing}` },
    body: JSON.stringify({
      billId: `${accountId}-B1`,
      customerName: '王五',
      phone: '13700000005',
      timezone: zone,
      amount,
      currency: 'CNY',
      dueDate: addDays(today, -5),
      segment,
    }),
  });
  expect(res.status).toBe(201);
}

beforeAll(async () => {
  buildConsoleForTests();
  const store = apiKeys(stack.db.pool);
  keys.billing = (await store.create('console-billing', ['billing'])).key;
  keys.ops = (await store.create('console-ops', ['ops'])).key;
  keys.legal = (await store.create('console-legal', ['legal'])).key;
  keys.agency = (await store.create('console-agency', ['agency'], { agency: 'AG-1' })).key;
  await enrol('CON-A1', 12_050, 'consumer');
  await enrol('CON-A2', 88_000, 'enterprise');
  await enrol('CON-A3', 150_000, 'enterprise');
  // the read model lists an account once its episode wrote its row
  await waitFor(async () => {
    const n = Number((await stack.db.pool.query("SELECT count(*)::int AS n FROM episode_read_model WHERE account_id LIKE 'CON-A%'")).rows[0].n);
    return n === 3 ? n : undefined;
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

test('GET /v1/session: the key’s id, roles and agency, nothing else', async () => {
  const ops = await fetch(`${stack.base}/v1/session`, { headers: { authorization: `Bearer ${keys.ops}` } });
  expect(ops.status).toBe(200);
  expect(await ops.json()).toEqual({ keyId: expect.stringMatching(/^[0-9a-f]{16}$/), roles: ['ops'], agency: null });
  const agency = await fetch(`${stack.base}/v1/session`, { headers: { authorization: `Bearer ${keys.agency}` } });
  expect(await agency.json()).toMatchObject({ roles: ['agency'], agency: 'AG-1' });
  expect((await fetch(`${stack.base}/v1/session`)).status).toBe(401);
  expect([...fetch.checked.keys()].filter((op) => CONSOLE_ROUTES_COVERED.includes(op))).toEqual(CONSOLE_ROUTES_COVERED);
});

test('/console is served from the API with a strict CSP and no outside address; a wrong key is refused and explained', async () => {
  const res = await globalThis.fetch(`${stack.base}/console`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  const html = await res.text();
  expect(html).not.toMatch(/https?:\/\//);
  expect((await globalThis.fetch(`${stack.base}/console/app.js`)).status).toBe(200);
  // not a route of the table: the OpenAPI document does not list it
  const doc = (await (await globalThis.fetch(`${stack.base}/openapi.json`)).json()) as { paths: Record<string, unknown> };
  expect(Object.keys(doc.paths).filter((p) => p.startsWith('/console'))).toEqual([]);

  const { page, blocked, problems } = await openConsole(browser, stack.base);
  await expect(page.getByRole('heading', { name: '登录' }).isVisible()).resolves.toBe(true);
  await signInWithKeyboard(page, 'ak_0000000000000000_not-a-real-key-not-a-real-key-not-a-real-k');
  await page.getByRole('alert').filter({ hasText: '密钥被拒绝' }).waitFor();
  await screenshot(page, 'sign-in');
  expect(await axeViolations(page)).toEqual([]);
  expect(blocked).toEqual([]);
  expect(problems).toEqual([]);
  await page.context().close();
});

test('menus follow the key’s roles: legal sees accounts and legal, not the work queue or batches; billing batches, not accounts; ops every screen', async () => {
  for (const [role, shown, hidden] of [
    ['legal', ['概览', '账户', '法务', '催缴策略'], ['工作队列', '批量导入']],
    ['billing', ['概览', '批量导入', '催缴策略'], ['账户', '工作队列', '法务']],
    ['ops', ['概览', '账户', '工作队列', '法务', '批量导入', '催缴策略'], []],
  ] as const) {
    const { page } = await openConsole(browser, stack.base);
    await signInWithKeyboard(page, keys[role]);
    await page.getByRole('button', { name: '退出' }).waitFor();
    const menu = page.getByRole('navigation', { name: '主菜单' });
    for (const name of shown) await menu.getByRole('link', { name, exact: true }).waitFor();
    for (const name of hidden) expect(await menu.getByRole('link', { name, exact: true }).count()).toBe(0);
    await page.context().close();
  }
});

test('ops signs in with the keyboard, filters accounts (the URL is the saved filter), pages, opens one and reads it in both languages', async () => {
  const { page, blocked, problems } = await openConsole(browser, stack.base);
  await signInWithKeyboard(page, keys.ops);
  const menu = page.getByRole('navigation', { name: '主菜单' });
  // keyboard only: Tab to the menu's Accounts link, Enter
  await menu.getByRole('link', { name: '账户', exact: true }).focus();
  await page.keyboard.press('Enter');
  const table = page.getByRole('table', { name: '账户' });
  await table.getByRole('link', { name: 'CON-A3' }).waitFor();
  expect(await table.getByRole('row').count()).toBe(4); // header + 3
  await screenshot(page, 'accounts');
  expect(await axeViolations(page)).toEqual([]);

  // filter: enterprise accounts owing at least 1,000 yuan
  await page.getByLabel('客户类别').selectOption(['enterprise']);
  await page.getByLabel('欠费不少于（元）').fill('1000');
  await page.getByLabel('欠费不少于（元）').press('Tab');
  await page.getByRole('button', { name: '应用' }).click();
  await waitFor(async () => ((await table.getByRole('row').count()) === 2 ? true : undefined), { what: 'one account left' });
  expect(await table.getByRole('link').allTextContents()).toEqual(['CON-A3']);
  expect(new URL(page.url()).hash).toBe('#/accounts?segment=enterprise&balanceMin=100000');

  // the saved filter opens the same list in a new tab (the key lives in the tab: sign in again)
  const saved = await page.getByRole('link', { name: '此筛选的链接' }).getAttribute('href');
  expect(saved).toBe(`${stack.base}/console/#/accounts?segment=enterprise&balanceMin=100000`);
  const other = await page.context().newPage();
  await other.goto(saved!);
  await signInWithKeyboard(other, keys.ops);
  await other.getByRole('table', { name: '账户' }).getByRole('link', { name: 'CON-A3' }).waitFor();
  expect(await other.getByRole('table', { name: '账户' }).getByRole('row').count()).toBe(2);
  await other.close();

  // paging: two per page, sorted by balance, the next page by its cursor
  await page.goto(`${stack.base}/console/#/accounts?sort=balance&order=desc&limit=2`);
  await table.getByRole('link', { name: 'CON-A3' }).waitFor();
  expect(await table.getByRole('link').allTextContents()).toEqual(['CON-A3', 'CON-A2']);
  await page.getByRole('link', { name: '下一页' }).click();
  await table.getByRole('link', { name: 'CON-A1' }).waitFor();
  expect(await table.getByRole('link').allTextContents()).toEqual(['CON-A1']);

  // open it: the balance in yuan with its currency, the late fee apart, its line, the timeline
  await table.getByRole('link', { name: 'CON-A1' }).click();
  await page.getByRole('heading', { name: '账户 CON-A1' }).waitFor();
  const balance = page.getByTestId('balance');
  await balance.waitFor();
  expect((await balance.textContent())!.replace(/\s/g, '')).toBe('CNY120.50');
  await page.getByRole('table', { name: '号码' }).getByRole('row', { name: /L1/ }).waitFor();
  const timeline = page.getByRole('table', { name: '时间线' });
  await timeline.getByRole('cell', { name: /bill/ }).first().waitFor();
  const temporalLinks = timeline.getByRole('link', { name: 'Temporal 界面' });
  await temporalLinks.first().waitFor();
  expect(await temporalLinks.first().getAttribute('href')).toMatch(/^http:\/\/127\.0\.0\.1:8233\/namespaces\/default\/workflows\/collection-CON-A1\//);
  // the ops key's actions, each a labelled form
  const actions = page.getByRole('region', { name: '操作' });
  await actions.getByText('预约缴费').waitFor();
  expect(await actions.getByText('核销').count()).toBe(0); // finance's
  expect(await actions.getByText('立案（法务）').count()).toBe(0); // legal's
  await screenshot(page, 'account');
  expect(await axeViolations(page)).toEqual([]);

  // an action asks what its route requires and shows the episode's answer; a refusal shows why
  await actions.getByText('预约缴费').click();
  const promise = actions.getByRole('form', { name: '预约缴费' });
  const promised = addDays(today, 2);
  await promise.getByLabel('日期 *').fill(promised);
  await promise.getByRole('button', { name: '提交' }).click();
  await promise
    .getByRole('status')
    .filter({ hasText: new RegExp(`结果: ${promised} · CNY\\s*120\\.50 · 进行中`) })
    .waitFor();
  await timeline.getByRole('row', { name: new RegExp(`promise .*by ${promised}`) }).waitFor();
  await actions.getByText('减免违约金').click();
  const waiver = actions.getByRole('form', { name: '减免违约金' });
  await waiver.getByLabel('金额（元） *').fill('5');
  await waiver.getByLabel('原因 *').fill('客户投诉');
  await waiver.getByRole('button', { name: '提交' }).click();
  await waiver
    .getByRole('alert')
    .filter({ hasText: /^422: / })
    .waitFor();
  // a required field left empty: the browser refuses the form before anything is sent
  await waiver.getByLabel('原因 *').fill('');
  await waiver.getByRole('button', { name: '提交' }).click();
  await expect(waiver.getByLabel('原因 *').evaluate((el: any) => el.validity.valueMissing as boolean)).resolves.toBe(true);

  // English: the same page, the same figures
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'Account CON-A1' }).waitFor();
  expect((await balance.textContent())!.replace(/\s/g, '')).toBe('CNY120.50');
  await page.getByRole('table', { name: 'Timeline' }).waitFor();
  await page.getByRole('button', { name: '中文' }).click();
  await page.getByRole('heading', { name: '账户 CON-A1' }).waitFor();

  expect(blocked).toEqual([]);
  expect(problems).toEqual([]);
  await page.context().close();
});
