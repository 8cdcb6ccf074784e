// The dashboard and the policy screen in headless Chromium against the real API, PostgreSQL and
// Temporal (dev server): every figure on the dashboard equals what the report routes answer
// (aging, recovery, restorations, workload), in Chinese and in English; the policy screen's ladder
// rows equal GET /v1/policies and its "episodes" link opens the account list of that version.
// Episodes are real; restorations and an alert are written as their activities write them.
import type { Browser, Locator } from 'playwright-core';
import { ROUTES } from '../../api/routes/table';
import { apiKeys } from '../../db/stores/api-keys';
import { collectionRecords } from '../../db/stores/collection-records';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { launchChromium } from '../support/browser';
import { zoneAtLocalHour } from '../support/clock';
import { axeViolations, buildConsoleForTests, openConsole, screenshot, signInWithKeyboard } from '../support/console';
import { contractFetch } from '../support/contract';
import { useE2eStack } from '../support/e2e-stack';
import { waitFor } from '../support/wait';

const fetch = contractFetch(ROUTES);
const stack = useE2eStack({ name: 'console-dashboard' });
let browser: Browser;
const keys: Record<'billing' | 'ops' | 'legal', string> = {} as never;
const zone = zoneAtLocalHour(12, Date.now());
const today = localDateOf(Date.now(), zone);

async function api(method: 'GET' | 'POST', url: string, key: string, body?: unknown) {
  const res = await fetch(stack.base + url, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  expect(res.status).toBeLessThan(300);
  return (await res.json()) as any;
}

async function enrol(accountId: string, amount: number, daysAgo: number): Promise<string> {
  const arrears = {
    billId: `${accountId}-B1`,
    customerName: '钱二',
    phone: '13700000002',
    timezone: zone,
    amount,
    currency: 'CNY',
    dueDate: addDays(today, -daysAgo),
  };
  await api('POST', `/v1/accounts/${accountId}/arrears`, keys.billing, arrears);
  return waitFor(async () => (await stack.collection.state(accountId))?.episodeId, { what: `${accountId}'s episode` });
}

beforeAll(async () => {
  buildConsoleForTests();
  const store = apiKeys(stack.db.pool);
  keys.billing = (await store.create('dash-billing', ['billing'])).key;
  keys.ops = (await store.create('dash-ops', ['ops'])).key;
  keys.legal = (await store.create('dash-legal', ['legal'])).key;
  const e1 = await enrol('DASH-1', 12_050, 5);
  await enrol('DASH-2', 88_000, 45);
  await enrol('DASH-3', 230_000, 100);
  // a part payment on DASH-2: the recovery curve moves
  await api('POST', '/v1/payments', keys.billing, {
    paymentId: 'DASH-P1',
    accountId: 'DASH-2',
    amount: 20_000,
    currency: 'CNY',
    paidAt: new Date().toISOString(),
    channel: 'bank',
  });
  await collectionRecords(stack.db.pool).createTask({
    taskId: `DASH-1/${e1}/c1/call-1/manual_call`,
    kind: 'manual_call',
    accountId: 'DASH-1',
    episodeId: e1,
    stepId: 'call-1',
    detail: {},
  });
  await api('POST', '/v1/legal/cases', keys.legal, { caseId: 'DASH-C1', accountId: 'DASH-3' });
  // two restorations as the restore activity records them (one inside the 24-hour rule, one not), and an alert
  for (const [k, seconds] of [
    ['r1', 42],
    ['r2', 26 * 3600],
  ] as const) {
    const seen = Date.now() - 3 * 86_400_000;
    await stack.db.pool.query(
      "INSERT INTO restorations (idempotency_key, account_id, episode_id, payment_seen_at, restored_at, latency_ms, line_id) VALUES ($1, 'DASH-R', 'DASH-R-E1', $2, $3, $4, 'L1')",
      [`DASH-${k}`, new Date(seen).toISOString(), new Date(seen + seconds * 1000).toISOString(), seconds * 1000],
    );
  }
  await stack.db.pool.query(
    "INSERT INTO alerts (alert_key, kind, account_id, episode_id, message) VALUES ('DASH-A1', 'restoration_slow', 'DASH-R', 'DASH-R-E1', 'slow')",
  );
  // the read model holds the three episodes (and the payment) before the figures are read
  await waitFor(async () => {
    const { rows } = await stack.db.pool.query("SELECT count(*)::int AS n FROM episode_read_model WHERE account_id LIKE 'DASH-%'");
    return rows[0].n === 3 ? true : undefined;
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

const squash = (s: string) => s.replace(/\s+/g, '');
/** A table's body rows as their cells' texts, whitespace removed (currency formats put a no-break space in). */
async function rows(table: Locator): Promise<string[][]> {
  await table.locator('tbody tr').first().waitFor();
  const out: string[][] = [];
  for (const row of await table.locator('tbody tr').all()) out.push((await row.locator('th, td').allInnerTexts()).map(squash));
  return out;
}

function formats(lang: 'zh-CN' | 'en') {
  const money = (amount: number, currency: string) =>
    squash(new Intl.NumberFormat(lang, { style: 'currency', currency, currencyDisplay: 'code' }).format(amount / 100));
  const n = (x: number) => squash(new Intl.NumberFormat(lang).format(x));
  const pct = (x: number) => squash(new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(x));
  return { money, n, pct };
}

for (const lang of ['zh-CN', 'en'] as const) {
  test(`the dashboard’s figures are the report routes’ answers (${lang})`, async () => {
    const [aging, recovery, restorations, workload] = await Promise.all(
      ['aging', 'recovery', 'restorations', 'workload'].map((r) => api('GET', `/v1/reports/${r}`, keys.ops)),
    );
    // what was set up shows in the reports (so an empty dashboard cannot pass)
    expect(aging.totals).toEqual([{ currency: 'CNY', accounts: 3, amount: 12_050 + 68_000 + 230_000 }]);
    expect(restorations).toMatchObject({ count: 2, withinRule: 1, breaches: 1 });
    expect(workload.alerts.open).toBe(1);

    const zh = lang === 'zh-CN';
    const { money, n, pct } = formats(lang);
    const { page, blocked, problems } = await openConsole(browser, stack.base, { lang });
    await signInWithKeyboard(page, keys.ops);
    await page.getByRole('heading', { name: zh ? '概览' : 'Dashboard', level: 1 }).waitFor();

    const agingTable = page.getByRole('table', { name: zh ? '欠费账龄' : 'Arrears by days past due' });
    expect(await rows(agingTable)).toEqual([
      ...aging.buckets.map((b: any) => [`${b.bucket}${zh ? '天' : 'days'}`, b.currency, n(b.accounts), money(b.amount, b.currency)]),
      ...aging.totals.map((x: any) => [zh ? '合计' : 'Total', x.currency, n(x.accounts), money(x.amount, x.currency)]),
    ]);

    const recoveryTable = page.getByRole('table', { name: zh ? '回收曲线（按逾期天数的回收比例）' : 'Recovery by days since due (share of billed)' });
    expect(recovery.cohorts.length).toBeGreaterThan(0);
    expect(await rows(recoveryTable)).toEqual(
      recovery.cohorts.map((c: any) => [c.month, n(c.accounts), money(c.billed, c.currency), ...c.curve.map((p: any) => pct(p.share))]),
    );

    const restorationTable = page.getByRole('table', { name: zh ? '复机与 24 小时规则' : 'Restorations against the 24-hour rule', exact: true });
    const secs = (s: number | null) => (s === null ? '—' : n(Math.round(s)));
    expect((await rows(restorationTable)).map((r) => r[1])).toEqual([
      n(restorations.count),
      n(restorations.withinRule),
      n(restorations.breaches),
      secs(restorations.p50Seconds),
      secs(restorations.p99Seconds),
      secs(restorations.maxSeconds),
      n(restorations.pending),
    ]);
    const histogram = page.getByRole('table', { name: zh ? '复机与 24 小时规则: 次数' : 'Restorations against the 24-hour rule: Count' });
    expect(await rows(histogram)).toEqual([restorations.histogram.map((h: any) => n(h.count))]);
    const slowest = page.getByRole('table', { name: zh ? '最慢的复机' : 'Slowest restorations' });
    expect((await rows(slowest)).map((r) => [r[0], r[1], r[4]])).toEqual(restorations.slowest.map((s: any) => [s.accountId, s.lineId ?? '—', secs(s.seconds)]));

    const workloadTable = page.getByRole('table', { name: zh ? '各队列待办任务' : 'Open tasks per queue' });
    expect((await rows(workloadTable)).map((r) => r.slice(1))).toEqual(workload.tasks.map((q: any) => [n(q.open), n(q.claimed), n(q.overdue)]));
    const casesTable = page.getByRole('table', { name: zh ? '法务案件（按状态）' : 'Legal cases by state' });
    expect((await rows(casesTable)).map((r) => r[1])).toEqual(workload.cases.map((c: any) => n(c.count)));
    await expect(page.getByTestId('open-alerts').textContent()).resolves.toBe(n(workload.alerts.open));
    // every chart is drawn (a canvas with its label)
    expect(await page.locator('canvas[role="img"]').count()).toBe(3);

    if (zh) {
      await screenshot(page, 'dashboard');
      expect(await axeViolations(page)).toEqual([]);
    }
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });
}

test('a key without ops sees only the reports its roles may read (legal: aging and workload)', async () => {
  const { page } = await openConsole(browser, stack.base);
  await signInWithKeyboard(page, keys.legal);
  await page.getByRole('table', { name: '欠费账龄' }).waitFor();
  await page.getByRole('table', { name: '各队列待办任务' }).waitFor();
  expect(await page.getByRole('heading', { name: '复机与 24 小时规则' }).count()).toBe(0);
  expect(await page.getByRole('heading', { name: /回收曲线/ }).count()).toBe(0);
  await page.context().close();
});

test('policy: the ladder table is GET /v1/policies’ rows; the episodes link opens the account list of that version', async () => {
  const policies = await api('GET', '/v1/policies', keys.ops);
  const active = policies.policies.find((p: any) => p.active);
  expect(active.ladder.length).toBeGreaterThan(3);
  const { page, blocked, problems } = await openConsole(browser, stack.base);
  await signInWithKeyboard(page, keys.ops);
  await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '催缴策略' }).click();
  const section = page.getByRole('region', { name: new RegExp(`^${active.name} · 版本 ${active.version}`) });
  const ladder = section.getByRole('table', { name: `催缴阶梯 ${active.name} ${active.version}` });
  const shown = await rows(ladder);
  const money = formats('zh-CN').money;
  const withLadderName = active.ladder.some((r: any) => r.ladderName);
  expect(shown.map((r) => (withLadderName ? r.slice(1) : r)).map((r) => [r[0], r[2], r[3], r[4], r[5]])).toEqual(
    active.ladder.map((r: any) => [
      r.step,
      squash(r.timing),
      squash(r.window ?? '—'),
      r.threshold ? money(r.threshold.amount, r.threshold.currency) : '—',
      squash(r.notes ?? '—'),
    ]),
  );
  await section.getByText(`催缴周期：进行中 ${active.episodes.open}`).waitFor();
  await screenshot(page, 'policy');
  expect(await axeViolations(page)).toEqual([]);

  await section.getByRole('link', { name: '查看这些账户' }).click();
  const list = await api('GET', `/v1/accounts?policy=${active.name}&policyVersion=${active.version}`, keys.ops);
  const table = page.getByRole('table', { name: '账户' });
  await table.getByRole('link').first().waitFor();
  expect((await table.getByRole('link').allTextContents()).sort()).toEqual(list.accounts.map((a: any) => a.accountId).sort());
  expect(list.accounts.length).toBe(active.episodes.open + active.episodes.ended);
  expect(blocked).toEqual([]);
  expect(problems).toEqual([]);
  await page.context().close();
});
