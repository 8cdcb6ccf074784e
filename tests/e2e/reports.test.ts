// The report routes (issue 15, ADR 21) over real HTTP against real PostgreSQL: rows seeded straight
// into a fresh database with known due dates, payments, restorations, tasks, cases and alerts, and
// every figure checked exactly. Fixed dates (asOf, months, periods) keep the answers hour-independent.
// The reports never ask the workflows: the workflow service is a fake that fails if called (the
// arrears test at the end serves its own fake that answers the bill's episode).
import type { CollectionClient } from '../../api/collection-client';
import { ROUTES } from '../../api/routes/table';
import { KNOWN_POLICIES } from '../../config/policy-schema';
import { apiKeys } from '../../db/stores/api-keys';
import { recordEpisodeView } from '../../db/stores/read-model';
import { reportsStore } from '../../db/stores/reports';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import { contractFetch } from '../support/contract';
import { freshDatabase, type FreshDatabase } from '../support/db';
import { serveApp, type ServedApp } from '../support/app-server';
import { REPORT_ROUTES_COVERED } from './reports.covered';

const fetch = contractFetch(ROUTES);
let db: FreshDatabase;
let served: ServedApp | undefined;
let key: string;

const noWorkflows = new Proxy(
  {},
  { get: (_t, p) => (p === 'then' ? undefined : () => Promise.reject(new Error(`a report asked the workflows (${String(p)})`))) },
);

const DAY = 86_400_000;
const AS_OF = '2026-06-30';
const daysBefore = (date: string, n: number) => new Date(Date.parse(date) - n * DAY).toISOString().slice(0, 10);

async function account(id: string): Promise<void> {
  await db.pool.query(
    "INSERT INTO accounts (account_id, customer_name, phone, segment, timezone) VALUES ($1, 'x', '10000', 'consumer', 'UTC') ON CONFLICT DO NOTHING",
    [id],
  );
}

async function view(accountId: string, status: string, balance: number, currency: string, anchorDueDate: string, service = 'active'): Promise<void> {
  await recordEpisodeView(db.pool, {
    accountId,
    episodeId: `${accountId}-E1`,
    episodeStartedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
    status,
    stage: 'sms',
    service,
    balance,
    currency,
    segment: 'consumer',
    lists: [],
    anchorDueDate,
    nextAction: null,
    nextActionAt: null,
    updatedAt: '2026-06-01T00:00:00.000Z',
  });
}

async function charge(accountId: string, billId: string, amount: number, currency: string, at: string, dueDate: string): Promise<void> {
  await account(accountId);
  await db.pool.query("INSERT INTO bills (bill_id, account_id, amount_minor, currency, due_date, request_hash) VALUES ($1, $2, $3, $4, $5, 'h')", [
    billId,
    accountId,
    amount,
    currency,
    dueDate,
  ]);
  await db.pool.query(
    "INSERT INTO ledger_entries (entry_key, account_id, episode_id, kind, amount_minor, currency, at, bill_id) VALUES ($1, $2, $3, 'charge', $4, $5, $6, $7)",
    [`charge:${billId}`, accountId, `${accountId}-E1`, amount, currency, at, billId],
  );
}

async function payment(accountId: string, paymentId: string, amount: number, currency: string, paidAt: string): Promise<void> {
  await db.pool.query(
    "INSERT INTO payments (payment_id, account_id, amount_minor, currency, paid_at, channel, request_hash, applied_at, episode_id) VALUES ($1, $2, $3, $4, $5, 'bank', 'h', now(), $6)",
    [paymentId, accountId, amount, currency, paidAt, `${accountId}-E1`],
  );
  // the ledger records it later than it was paid: the curve reads the payment's own time
  await db.pool.query(
    "INSERT INTO ledger_entries (entry_key, account_id, episode_id, kind, amount_minor, currency, at, payment_id) VALUES ($1, $2, $3, 'payment', $4, $5, '2026-06-01T00:00:00Z', $6)",
    [`payment:${paymentId}`, accountId, `${accountId}-E1`, -amount, currency, paymentId],
  );
}

const RESTORATION_SECONDS = [1, 30, 59, 60, 300, 3599, 3600, 7200, 86_399, 86_400, 90_000];

beforeAll(async () => {
  db = await freshDatabase();
  key = (await apiKeys(db.pool).create('reports-admin', ['admin'])).key;

  // ---- aging (asOf 2026-06-30) and the policies' episodes
  await view('A1', 'open', 1000, 'CNY', daysBefore(AS_OF, 1));
  await view('A2', 'open', 2000, 'CNY', daysBefore(AS_OF, 30));
  await view('A3', 'legal', 3000, 'CNY', daysBefore(AS_OF, 31));
  await view('A4', 'open', 4000, 'CNY', daysBefore(AS_OF, 366));
  await view('A5', 'open', 5000, 'CNY', daysBefore(AS_OF, 365));
  await view('A6', 'open', 700, 'USD', daysBefore(AS_OF, 100));
  await view('A7', 'paid', 9000, 'CNY', daysBefore(AS_OF, 50), 'suspended'); // ended: not in arrears; waiting for its restoration
  await view('A8', 'open', 0, 'CNY', daysBefore(AS_OF, 50)); // owes nothing
  await view('A9', 'open', 800, 'CNY', AS_OF); // due today: not overdue yet
  await view('A10', 'written_off', 600, 'CNY', daysBefore(AS_OF, 400), 'suspended');
  const pins = reportsStore(db.pool);
  await pins.pinPolicy('A1', 'A1-E1', { id: 'default', version: 6 });
  await pins.pinPolicy('A2', 'A2-E1', { id: 'default', version: 5 });
  await db.pool.query(
    `INSERT INTO policy_migrations (migration_id, account_id, episode_id, from_policy, from_version, to_policy, to_version, reason, actor, migrated_at)
     VALUES ('M1', 'A2', 'A2-E1', 'default', 5, 'default', 6, 'new ladder', 'key:k1:ops', now() + interval '1 minute')`,
  );
  await pins.pinPolicy('A3', 'A3-E1', { id: 'default', version: 5 });
  await pins.pinPolicy('A7', 'A7-E1', { id: 'default', version: 6 });

  // ---- recovery: enrolment months 2026-01 and 2026-02
  await charge('R1', 'R1-B1', 10_000, 'CNY', '2026-01-05T08:00:00Z', '2026-01-10');
  await payment('R1', 'R1-P1', 2000, 'CNY', '2026-01-10T03:00:00Z'); // day 0
  await payment('R1', 'R1-P2', 3000, 'CNY', '2026-01-25T03:00:00Z'); // day 15
  await payment('R1', 'R1-P3', 5000, 'CNY', '2026-04-10T03:00:00Z'); // day 90
  await charge('R2', 'R2-B1', 6000, 'CNY', '2026-01-20T08:00:00Z', '2026-01-25');
  await charge('R2', 'R2-B2', 4000, 'CNY', '2026-02-03T08:00:00Z', '2026-02-25'); // same episode: enrolled in January
  await payment('R2', 'R2-P1', 12_000, 'CNY', '2026-03-01T03:00:00Z'); // day 35, more than billed: counts as 10,000
  await charge('R3', 'R3-B1', 5000, 'CNY', '2026-02-10T08:00:00Z', '2026-02-15'); // never paid
  await charge('R5', 'R5-B1', 3000, 'USD', '2026-02-12T08:00:00Z', '2026-02-12');
  await payment('R5', 'R5-P1', 1000, 'USD', '2026-02-12T09:00:00Z');
  await charge('R4', 'R4-B1', 7000, 'CNY', '2025-12-31T23:00:00Z', '2026-01-05'); // December (UTC): outside
  await charge('R6', 'R6-B1', 7000, 'CNY', '2026-03-01T00:00:00Z', '2026-03-05'); // March: outside

  // ---- restorations (payments seen in March 2026)
  let i = 0;
  for (const s of RESTORATION_SECONDS) {
    const seen = Date.parse('2026-03-02T00:00:00Z') + i * 3_600_000;
    await db.pool.query(
      'INSERT INTO restorations (idempotency_key, account_id, episode_id, payment_seen_at, restored_at, latency_ms, line_id) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [`r${i}`, `S${i}`, `S${i}-E1`, new Date(seen).toISOString(), new Date(seen + s * 1000).toISOString(), s * 1000, i % 2 ? 'L1' : null],
    );
    i++;
  }
  for (const [k, seen] of [
    ['before', '2026-02-28T23:59:59Z'],
    ['at-to', '2026-04-01T00:00:00Z'],
  ] as const) {
    await db.pool.query(
      "INSERT INTO restorations (idempotency_key, account_id, episode_id, payment_seen_at, restored_at, latency_ms) VALUES ($1, 'OUT', 'OUT-E1', $2, $2::timestamptz + interval '11 days', 950400000)",
      [k, seen],
    );
  }

  // ---- workload
  const task = (id: string, kind: string, status: string, due: string, claimedBy: string | null = null) =>
    db.pool.query(
      "INSERT INTO work_tasks (task_id, kind, account_id, episode_id, step_id, status, due_at, claimed_by) VALUES ($1, $2, 'W1', 'W1-E1', 's', $3, $4, $5)",
      [id, kind, status, due, claimedBy],
    );
  await task('t1', 'manual_call', 'open', '2020-01-01T00:00:00Z');
  await task('t2', 'manual_call', 'open', '2999-01-01T00:00:00Z');
  await task('t3', 'manual_call', 'claimed', '2020-01-01T00:00:00Z', 'key:k1:ops');
  await task('t4', 'manual_call', 'done', '2020-01-01T00:00:00Z');
  await task('t5', 'field_visit', 'claimed', '2999-01-01T00:00:00Z', 'key:k1:ops');
  await task('t6', 'other_kind', 'open', '2999-01-01T00:00:00Z');
  const legalCase = (id: string, state: string) =>
    db.pool.query(
      `INSERT INTO litigation_cases (case_id, case_number, account_id, episode_id, workflow_id, state, currency, principal_minor, opened_at, opened_by, version, terminal)
       VALUES ($1, $1, $1, 'E1', $1, $2, 'CNY', 1000, now(), 'key:k2:legal', 1, $3)`,
      [id, state, state === 'closed'],
    );
  await legalCase('C1', 'referred');
  await legalCase('C2', 'referred');
  await legalCase('C3', 'filed');
  await legalCase('C4', 'closed');
  for (const k of ['al1', 'al2', 'al3']) {
    await db.pool.query("INSERT INTO alerts (alert_key, kind, account_id, episode_id, message) VALUES ($1, 'restoration_slow', 'W1', 'W1-E1', 'm')", [k]);
  }
  await db.pool.query("UPDATE alerts SET acknowledged_at = now(), acknowledged_by = 'key:k1:ops' WHERE alert_key = 'al3'");

  served = await serveApp({ pool: db.pool, collection: noWorkflows as CollectionClient });
});

afterAll(async () => {
  await served?.close();
  await db?.drop();
});

async function get(path: string, k = key): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${served!.base}${path}`, { headers: { authorization: `Bearer ${k}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const zeroBuckets = (currency: string) =>
  [
    ['1-30', 1, 30],
    ['31-60', 31, 60],
    ['61-90', 61, 90],
    ['91-180', 91, 180],
    ['181-365', 181, 365],
    ['366+', 366, null],
  ].map(([bucket, minDays, maxDays]) => ({ bucket, minDays, maxDays, currency, accounts: 0, amount: 0 }));

test('aging: running episodes owing money, every bucket per currency, as of the day asked', async () => {
  const r = await get(`/v1/reports/aging?asOf=${AS_OF}`);
  expect(r.status).toBe(200);
  const cny = zeroBuckets('CNY');
  cny[0] = { ...cny[0]!, accounts: 2, amount: 3000 }; // A1 (1 day), A2 (30 days)
  cny[1] = { ...cny[1]!, accounts: 1, amount: 3000 }; // A3 (31 days, with legal)
  cny[4] = { ...cny[4]!, accounts: 1, amount: 5000 }; // A5 (365 days)
  cny[5] = { ...cny[5]!, accounts: 1, amount: 4000 }; // A4 (366 days)
  const usd = zeroBuckets('USD');
  usd[3] = { ...usd[3]!, accounts: 1, amount: 700 };
  expect(r.body).toEqual({
    asOf: AS_OF,
    buckets: [...cny, ...usd],
    totals: [
      { currency: 'CNY', accounts: 5, amount: 15_000 },
      { currency: 'USD', accounts: 1, amount: 700 },
    ],
  });
  // a day later every account is a day older: A2 moves to 31-60, A5 to 366+
  const later = await get(`/v1/reports/aging?asOf=${daysBefore(AS_OF, -1)}`);
  const buckets = later.body['buckets'] as { bucket: string; currency: string; accounts: number; amount: number }[];
  expect(buckets.filter((b) => b.currency === 'CNY').map((b) => [b.bucket, b.accounts, b.amount])).toEqual([
    ['1-30', 2, 1800], // A1 (2 days), A9 (1 day)
    ['31-60', 2, 5000],
    ['61-90', 0, 0],
    ['91-180', 0, 0],
    ['181-365', 0, 0],
    ['366+', 2, 9000],
  ]);
  // without asOf: today (UTC)
  const before = new Date().toISOString().slice(0, 10);
  const today = await get('/v1/reports/aging');
  expect([before, new Date().toISOString().slice(0, 10)]).toContain(today.body['asOf']);
});

test('recovery: per enrolment month, billed and the share recovered by each point since due', async () => {
  const r = await get('/v1/reports/recovery?from=2026-01&to=2026-02');
  expect(r.status).toBe(200);
  const points = [0, 7, 15, 30, 45, 60, 90, 120, 180];
  const curve = (recovered: number[], billed: number) =>
    points.map((days, i) => ({ days, recovered: recovered[i]!, share: Math.round((recovered[i]! / billed) * 1e4) / 1e4 }));
  expect(r.body).toEqual({
    points,
    cohorts: [
      // R1: 2,000 on day 0, 3,000 on day 15, 5,000 on day 90; R2: 12,000 on day 35, at most its 10,000
      {
        month: '2026-01',
        currency: 'CNY',
        accounts: 2,
        billed: 20_000,
        curve: curve([2000, 2000, 5000, 5000, 15_000, 15_000, 20_000, 20_000, 20_000], 20_000),
      },
      { month: '2026-02', currency: 'CNY', accounts: 1, billed: 5000, curve: curve([0, 0, 0, 0, 0, 0, 0, 0, 0], 5000) },
      { month: '2026-02', currency: 'USD', accounts: 1, billed: 3000, curve: curve(Array(9).fill(1000) as number[], 3000) },
    ],
  });
  const usd = (r.body['cohorts'] as { currency: string; curve: { share: number }[] }[]).find((c) => c.currency === 'USD')!;
  expect(usd.curve[0]!.share).toBe(0.3333);
  // one month asked
  const jan = await get('/v1/reports/recovery?from=2026-01&to=2026-01');
  expect((jan.body['cohorts'] as { month: string }[]).map((c) => c.month)).toEqual(['2026-01']);
  // December 2025 (UTC) has R4 only
  const dec = await get('/v1/reports/recovery?from=2025-12&to=2025-12');
  expect(dec.body['cohorts']).toEqual([{ month: '2025-12', currency: 'CNY', accounts: 1, billed: 7000, curve: curve(Array(9).fill(0) as number[], 7000) }]);
});

test('restorations: percentiles, histogram, breaches of the 24-hour rule, the slowest ten, lines still waiting', async () => {
  const r = await get(`/v1/reports/restorations?from=${encodeURIComponent('2026-03-01T00:00:00Z')}&to=${encodeURIComponent('2026-04-01T00:00:00+00:00')}`);
  expect(r.status).toBe(200);
  const b = r.body;
  expect(b['ruleHours']).toBe(24);
  expect(b['count']).toBe(11);
  expect(b['withinRule']).toBe(9);
  expect(b['breaches']).toBe(2);
  // percentile_cont over [1, 30, 59, 60, 300, 3599, 3600, 7200, 86399, 86400, 90000]
  expect(b['p50Seconds']).toBe(3599);
  expect(b['p99Seconds']).toBe(89_640);
  expect(b['maxSeconds']).toBe(90_000);
  expect(b['histogram']).toEqual([
    { bucket: '<1m', upToSeconds: 60, count: 3 },
    { bucket: '1-10m', upToSeconds: 600, count: 2 },
    { bucket: '10-60m', upToSeconds: 3600, count: 1 },
    { bucket: '1-6h', upToSeconds: 21_600, count: 2 },
    { bucket: '6-24h', upToSeconds: 86_400, count: 1 },
    { bucket: '>=24h', upToSeconds: null, count: 2 },
  ]);
  const slowest = b['slowest'] as { accountId: string; lineId: string | null; paidAt: string; restoredAt: string; seconds: number }[];
  expect(slowest.map((s) => s.seconds)).toEqual([...RESTORATION_SECONDS].reverse().slice(0, 10));
  expect(slowest[0]).toEqual({ accountId: 'S10', lineId: null, paidAt: '2026-03-02T10:00:00.000Z', restoredAt: '2026-03-03T11:00:00.000Z', seconds: 90_000 });
  expect(slowest[1]!.lineId).toBe('L1');
  expect(b['pending']).toBe(1); // A7: paid, line suspended
  // a period with none
  const none = await get(`/v1/reports/restorations?from=${encodeURIComponent('2025-01-01T00:00:00Z')}&to=${encodeURIComponent('2025-02-01T00:00:00Z')}`);
  expect(none.body).toMatchObject({ count: 0, withinRule: 0, breaches: 0, p50Seconds: null, p99Seconds: null, maxSeconds: null, slowest: [] });
  expect((none.body['histogram'] as { count: number }[]).map((h) => h.count)).toEqual([0, 0, 0, 0, 0, 0]);
});

test('workload: tasks per queue, legal cases by state, open alerts', async () => {
  const r = await get('/v1/reports/workload');
  expect(r.status).toBe(200);
  const zero = (queue: string) => ({ queue, open: 0, claimed: 0, overdue: 0 });
  expect(r.body).toEqual({
    tasks: [
      { queue: 'manual_call', open: 2, claimed: 1, overdue: 2 },
      { queue: 'field_visit', open: 0, claimed: 1, overdue: 0 },
      zero('manual_review'),
      zero('dispute_review'),
      zero('bill_review'),
      zero('restoration'),
      zero('find_contact'),
      { queue: 'other_kind', open: 1, claimed: 0, overdue: 0 },
    ],
    cases: [
      { state: 'closed', count: 1 },
      { state: 'filed', count: 1 },
      { state: 'referred', count: 2 },
    ],
    alerts: { open: 2 },
  });
});

test('policies: the default ladder as readable rows, episodes per version, and the list filtered by version', async () => {
  const r = await get('/v1/policies');
  expect(r.status).toBe(200);
  expect(r.body['active']).toEqual({ name: 'default', version: DEFAULT_POLICY.version });
  const policies = r.body['policies'] as {
    name: string;
    version: number;
    active: boolean;
    known: boolean;
    ladder: {
      ladderName: string;
      step: string;
      action: string;
      timing: string;
      afterDays: number | null;
      window: string | null;
      threshold: unknown;
      notes: string | null;
    }[];
    episodes: { open: number; ended: number };
  }[];
  expect(policies.map((p) => [p.name, p.version, p.active, p.known, p.episodes])).toEqual([
    ['default', 6, true, true, { open: 2, ended: 1 }], // A1, A2 (migrated to 6), A7
    ['default', 5, false, false, { open: 1, ended: 0 }], // A3
  ]);
  expect(r.body['unpinned']).toEqual({ open: 5, ended: 1 });
  const active = policies[0]!;
  // one row per rung of every ladder, in the policy's order
  const rungs = Object.entries(KNOWN_POLICIES['default']!.ladders).flatMap(([name, ladder]) => ladder.map((s) => [name, s.id, s.action]));
  expect(active.ladder.map((l) => [l.ladderName, l.step, l.action])).toEqual(rungs);
  expect(rungs.length).toBeGreaterThan(10);
  const row = (step: string) => active.ladder.find((l) => l.ladderName === 'standard' && l.step === step);
  expect(row('sms')).toEqual({
    ladderName: 'standard',
    step: 'sms',
    action: 'sms',
    timing: '1 day after due',
    afterDays: 1,
    window: '08:00–21:00 customer time',
    threshold: null,
    notes: null,
  });
  expect(row('voice')).toMatchObject({ timing: 'on the 15th of the month, at least 3 days after due', afterDays: 3 });
  expect(row('call-2')).toMatchObject({ timing: '2 days after call-1', afterDays: null });
  expect(row('field-visit')).toMatchObject({
    afterDays: 20,
    timing: 'on the 6th of the month, at least 20 days after due',
    threshold: { amount: 2000, currency: 'CNY' },
    notes: 'balance at least 100.00 CNY: 1 day after call-3; sooner after 3 unanswered calls: 1 day after the last; skipped below 20.00 CNY',
  });
  expect(row('suspend-outgoing')).toMatchObject({
    timing: '31 days after due',
    afterDays: 31,
    window: '09:00–17:00 customer time',
    notes: 'red list: a manual review instead',
  });
  expect(policies[1]!.ladder).toEqual([]);

  const ids = async (q: string) => {
    const list = await get(`/v1/accounts?${q}&sort=balance&order=asc`);
    expect(list.status).toBe(200);
    return (list.body['accounts'] as { accountId: string }[]).map((a) => a.accountId);
  };
  expect(await ids('policyVersion=6')).toEqual(['A1', 'A2', 'A7']);
  expect(await ids('policyVersion=5')).toEqual(['A3']);
  expect(await ids('policy=default&policyVersion=6&status=open')).toEqual(['A1', 'A2']);
  expect(await ids('policy=other')).toEqual([]);
});

test('bad input is 400 naming the field', async () => {
  const field = async (path: string) => {
    const r = await get(path);
    expect(r.status).toBe(400);
    return (r.body['errors'] as { field: string }[]).map((e) => e.field);
  };
  expect(await field('/v1/reports/aging?asOf=2026-13-01')).toEqual(['query.asOf']);
  expect(await field('/v1/reports/recovery?from=2026-05&to=2026-01')).toEqual(['query.to']);
  expect(await field('/v1/reports/recovery?from=2026-5')).toEqual(['query.from']);
  expect(await field(`/v1/reports/restorations?from=${encodeURIComponent('2026-03-02T00:00:00Z')}&to=${encodeURIComponent('2026-03-01T00:00:00Z')}`)).toEqual([
    'query.to',
  ]);
  expect(await field('/v1/accounts?policyVersion=x')).toEqual(['query.policyVersion']);
  // PostgreSQL has no year 0: refused as input, never a 5xx
  expect(await field('/v1/reports/aging?asOf=0000-01-01')).toEqual(['query.asOf']);
  expect(await field('/v1/reports/recovery?from=0000-01')).toEqual(['query.from']);
  expect(await field(`/v1/reports/restorations?from=${encodeURIComponent('0000-01-01T00:00:00Z')}`)).toEqual(['query.from']);
  expect(await field('/v1/reports/workload?x=1')).toEqual(['query']);
});

test('a bill records the policy its episode runs (the snapshot names it)', async () => {
  // A workflow service that has the bill in episode P1-E1 pinned to default v6.
  const collection = {
    enrol: async () => ({ workflowId: 'collection-P1', runId: 'r1' }),
    state: async () => ({ episodeId: 'P1-E1', bills: [{ billId: 'P1-B1' }], policy: { id: 'default', version: 6 } }),
    endedState: async () => undefined,
    endedEpisodeWithPayment: async () => undefined,
  } as unknown as CollectionClient;
  const own = await serveApp({ pool: db.pool, collection });
  try {
    const res = await fetch(`${own.base}/v1/accounts/P1/arrears`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ billId: 'P1-B1', customerName: 'x', phone: '13800000000', amount: 5000, currency: 'CNY', dueDate: '2026-06-01' }),
    });
    expect(res.status).toBe(201);
    const { rows } = await db.pool.query("SELECT policy_id, policy_version FROM episode_policies WHERE account_id = 'P1'");
    expect(rows).toEqual([{ policy_id: 'default', policy_version: 6 }]);
  } finally {
    await own.close();
  }
});

test('the answers checked against their schemas cover the report routes', () => {
  const checked = [...fetch.checked.keys()];
  for (const op of REPORT_ROUTES_COVERED) expect(checked).toContain(op);
});
