// The console's working screens in headless Chromium against the real API, PostgreSQL and Temporal
// (dev server), the batch enrolment job and the payment deliverer running as in production:
// the work queue (claim the next manual call, the story beside it, complete it "promised" with a
// form offering only a call's outcomes, the promise then in the account's timeline); legal (a case
// listed, a step taken, a stale page's out-of-order step refused and explained, the evidence pack);
// batches (a CSV with a bad row uploaded, its progress to done, the rejected row read). Nothing
// leaves 127.0.0.1; axe-core finds no WCAG A/AA violation on each screen.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Browser } from 'playwright-core';
import type { BackgroundLoop } from '../../api/background-loop';
import { startBatchEnrolment } from '../../api/batch-enrolment';
import { startPaymentDelivery } from '../../api/payment-delivery';
import { ROUTES } from '../../api/routes/table';
import { arrearsWiring } from '../../api/services/arrears';
import { KNOWN_POLICIES } from '../../config/policy-schema';
import { apiKeys } from '../../db/stores/api-keys';
import { batchStore } from '../../db/stores/batches';
import { collectionRecords } from '../../db/stores/collection-records';
import { ledger } from '../../db/stores/ledger';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { launchChromium } from '../support/browser';
import { zoneAtLocalHour } from '../support/clock';
import { axeViolations, buildConsoleForTests, openConsole, screenshot, signInWithKeyboard } from '../support/console';
import { contractFetch } from '../support/contract';
import { useE2eStack } from '../support/e2e-stack';
import { waitFor } from '../support/wait';

const fetch = contractFetch(ROUTES);
let job: BackgroundLoop | undefined;
const stack = useE2eStack({
  name: 'console-work',
  extend: ({ db, collection }) => {
    const delivery = startPaymentDelivery({ ledger: ledger(db.pool), collection, log: pino({ level: 'silent' }), intervalMs: 200 });
    // the production wiring (api/server.ts): the charge booked in the ledger, so the file reconciles
    const { postArrears } = arrearsWiring({ pool: db.pool, collection, policy: () => KNOWN_POLICIES['default']!, onPaymentPending: delivery.nudge });
    job = startBatchEnrolment(
      { store: batchStore(db.pool), postArrears, log: pino({ level: 'silent' }) },
      { concurrency: 2, leaseMs: 1500, intervalMs: 200, retryMs: 500 },
    );
    return {
      deps: { onBatchReceived: () => job?.nudge(), onPaymentPending: delivery.nudge },
      stop: async () => {
        await job?.stop();
        await delivery.stop();
      },
    };
  },
});
let browser: Browser;
const keys: Record<'billing' | 'ops' | 'legal', string> = {} as never;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'console-work-'));

/** Midday where the customers live: nothing here depends on the hour. */
const zone = zoneAtLocalHour(12, Date.now());
const today = localDateOf(Date.now(), zone);

async function api(method: 'GET' | 'POST', url: string, key: string, body?: unknown) {
  const res = await fetch(stack.base + url, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function enrol(accountId: string, amount = 50_000): Promise<string> {
  const arrears = {
    billId: `${accountId}-B1`,
    customerName: '赵六',
    phone: '13700000006',
    timezone: zone,
    amount,
    currency: 'CNY',
    dueDate: addDays(today, -5),
  };
  expect((await api('POST', `/v1/accounts/${accountId}/arrears`, keys.billing, arrears)).status).toBe(201);
  return waitFor(async () => (await stack.collection.state(accountId))?.episodeId, { what: `${accountId}'s episode` });
}

beforeAll(async () => {
  buildConsoleForTests();
  const store = apiKeys(stack.db.pool);
  keys.billing = (await store.create('console-billing', ['billing'])).key;
  keys.ops = (await store.create('console-ops', ['ops'])).key;
  keys.legal = (await store.create('console-legal', ['legal'])).key;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('work queue: claim the next manual call, read the story, complete it "promised"; the promise is in the account’s timeline', async () => {
  const accountId = 'CON-W1';
  const episodeId = await enrol(accountId);
  // a call task as the ladder's activity writes it (on the real clock the call rungs come weeks later)
  const taskId = `${accountId}/${episodeId}/c1/call-1/manual_call`;
  await collectionRecords(stack.db.pool).createTask({
    taskId,
    kind: 'manual_call',
    accountId,
    episodeId,
    stepId: 'call-1',
    detail: { balance: 50_000, currency: 'CNY' },
  });

  const { page, blocked, problems } = await openConsole(browser, stack.base);
  await signInWithKeyboard(page, keys.ops);
  await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '工作队列' }).click();
  await page.getByLabel('队列').selectOption('manual_call');
  await page.getByRole('button', { name: '领取下一个任务' }).click();
  await page.getByRole('heading', { name: /任务: 人工外呼 · call-1/ }).waitFor();
  // the story beside it: the account's balance and timeline
  const story = page.getByRole('region', { name: /账户经过/ });
  await story.getByRole('table', { name: '时间线' }).waitFor();
  expect((await story.getByText('CNY').first().textContent())!.replace(/\s/g, '')).toContain('CNY500.00');
  // only a call's outcomes are offered
  const outcome = page.getByRole('combobox', { name: '结果' });
  expect(await outcome.locator('option').allTextContents()).toEqual(['—', '已接通', '无人接听', '承诺缴费', '拒绝', '提出争议', '号码错误']);
  await outcome.selectOption('promised');
  const form = page.getByRole('form', { name: '完成任务: 承诺缴费' });
  const promised = addDays(today, 3);
  await form.getByLabel('日期 *').fill(promised);
  await form.getByLabel('金额（元）').fill('200');
  await screenshot(page, 'work-queue');
  expect(await axeViolations(page)).toEqual([]);
  await form.getByRole('button', { name: '完成任务' }).click();
  // the form gives way to the task's end and the episode's answer: the promise and what it must bring in
  await page
    .getByRole('status')
    .filter({ hasText: new RegExp(`完成: 承诺缴费\\s*结果: 已完成 · 预约缴费 ${promised} CNY\\s*200\\.00 \\(进行中\\)`) })
    .waitFor();

  // the task is done in the API, and the promise reached the episode and its timeline
  const done = await api('GET', '/v1/tasks?queue=manual_call&status=done', keys.ops);
  expect(done.body['tasks'].map((t: { taskId: string; outcome: { outcome: string } }) => [t.taskId, t.outcome.outcome])).toEqual([[taskId, 'promised']]);
  await page.goto(`${stack.base}/console/#/accounts/${accountId}`);
  const timeline = page.getByRole('table', { name: '时间线' });
  await timeline.getByRole('row', { name: new RegExp(`promise .*by ${promised}`) }).waitFor();
  expect(blocked).toEqual([]);
  expect(problems).toEqual([]);
  await page.context().close();
});

test('legal: a case listed, a step taken, an out-of-order step from a stale page refused and explained, the evidence pack opened', async () => {
  const accountId = 'CON-L1';
  await enrol(accountId, 300_000);
  const opened = await api('POST', '/v1/legal/cases', keys.legal, { caseId: 'CON-C1', accountId, caseNumber: '（2026）催字第1号' });
  expect(opened.status).toBe(201);

  const { page, blocked, problems } = await openConsole(browser, stack.base);
  await signInWithKeyboard(page, keys.legal);
  await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '法务' }).click();
  const cases = page.getByRole('table', { name: '案件' });
  await cases.getByRole('row', { name: /（2026）催字第1号.*已移交/ }).waitFor();
  await page.getByLabel('状态').selectOption('referred');
  await page.getByRole('button', { name: '应用' }).click();
  await cases.getByRole('link', { name: '（2026）催字第1号' }).click();
  await page.getByRole('heading', { name: '案件 （2026）催字第1号' }).waitFor();
  await expect(page.getByTestId('case-state').textContent()).resolves.toBe('已移交');

  // a second tab on the same case: it still offers what fitted when it was opened
  const stale = await page.context().newPage();
  await stale.goto(page.url());
  await signInWithKeyboard(stale, keys.legal); // the key is kept per tab
  await stale.getByRole('heading', { name: '案件 （2026）催字第1号' }).waitFor();

  // accept, in the first tab
  const steps = page.getByRole('region', { name: '当前可办步骤' });
  expect(await steps.locator('summary').allTextContents()).toEqual(['受理', '不予受理']);
  await steps.getByText('受理', { exact: true }).click();
  await steps.getByRole('form', { name: '受理' }).getByRole('button', { name: '提交' }).click();
  await steps.getByRole('status').filter({ hasText: '案件当前状态: 已受理' }).first().waitFor();
  // the page reads the case again: its state and history follow
  await page
    .getByTestId('case-state')
    .filter({ hasText: /^已受理$/ })
    .waitFor();
  await page
    .getByRole('table', { name: '经过' })
    .getByRole('row', { name: /受理.*已移交 → 已受理/ })
    .waitFor();
  await screenshot(page, 'legal-case');
  expect(await axeViolations(page)).toEqual([]);

  // decline, in the stale tab: refused, with the state the case is in and what fits now
  const staleSteps = stale.getByRole('region', { name: '当前可办步骤' });
  await staleSteps.getByText('不予受理', { exact: true }).click();
  const decline = staleSteps.getByRole('form', { name: '不予受理' });
  await decline.getByLabel('备注 *').fill('证据不足');
  await decline.getByRole('button', { name: '提交' }).click();
  const refusal = decline.getByRole('alert');
  await refusal.waitFor();
  expect(await refusal.textContent()).toMatch(/案件拒绝了此步骤.*案件当前状态: 已受理; 当前可办步骤: 发出催告函/);
  expect((await api('GET', '/v1/legal/cases/CON-C1', keys.legal)).body['state']).toBe('accepted');
  await stale.close();

  // the evidence pack: the API's printable page, fetched with the key, opened in a new tab
  const [pack] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: '证据包' }).click()]);
  await pack.getByText('（2026）催字第1号').first().waitFor();
  await pack.close();

  await page.goto(`${stack.base}/console/#/legal`);
  await cases.waitFor();
  await screenshot(page, 'legal');
  expect(await axeViolations(page)).toEqual([]);
  expect(blocked).toEqual([]);
  expect(problems).toEqual([]);
  await page.context().close();
});

test('batches: a CSV of arrears with a bad row uploaded, followed to done, its rejected row read', async () => {
  const due = addDays(today, -3);
  const csv = [
    'accountId,billId,customerName,phone,amount,currency,dueDate,timezone',
    `CON-B1,CON-B1-B1,孙七,13700000007,12050,CNY,${due},${zone}`,
    `CON-B2,CON-B2-B1,孙八,13700000008,120.50,CNY,${due},${zone}`,
    `CON-B3,CON-B3-B1,孙九,13700000009,30000,CNY,${due},${zone}`,
  ].join('\n');
  const file = path.join(tmp, 'arrears.csv');
  fs.writeFileSync(file, csv);

  const { page, blocked, problems } = await openConsole(browser, stack.base);
  await signInWithKeyboard(page, keys.billing);
  await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '批量导入' }).click();
  const upload = page.getByRole('form', { name: '上传' });
  await upload.getByLabel('批量类型').selectOption('arrears');
  await upload.getByLabel('CSV 文件').setInputFiles(file);
  await upload.getByRole('button', { name: '上传' }).click();
  await page.getByTestId('batch-state').filter({ hasText: 'done (3 / 3)' }).waitFor({ timeout: 90_000 });
  const counts = page.getByRole('table', { name: '批次' });
  expect(await counts.getByRole('row').allInnerTexts()).toEqual(
    ['行数\t3', '待处理\t0', '已受理\t2', '已更新\t0', '未变\t0', '已拒绝\t1', '已入册\t2'].map((r) => r),
  );
  const rejected = page.getByRole('table', { name: '被拒绝的行' });
  expect(await rejected.getByRole('row').count()).toBe(2);
  await rejected.getByRole('row', { name: /^2 amount / }).waitFor();
  await screenshot(page, 'batches');
  expect(await axeViolations(page)).toEqual([]);

  // the same figures as the API's
  const batchId = decodeURIComponent(new URL(page.url()).hash.split('/').pop()!);
  const b = await api('GET', `/v1/arrears/batches/${batchId}`, keys.billing);
  expect(b.body).toMatchObject({ state: 'done', counts: { rows: 3, accepted: 2, rejected: 1 }, rejectedRows: [{ row: 2, errors: [{ field: 'amount' }] }] });
  expect(blocked).toEqual([]);
  expect(problems).toEqual([]);
  await page.context().close();
});
