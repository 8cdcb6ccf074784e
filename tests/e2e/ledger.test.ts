// The ledger end to end on the dev server (issue 13): a bill, a partial payment, a late-fee waiver
// and an upheld dispute each leave their entries (kinds, signs, sums, allocation oldest first), the
// balance from the ledger is the episode's; billing's late-fee feed lists each fee until it is
// acknowledged; the reconciliation is clean, then finds an entry put in by hand.
import pino from 'pino';
import { startPaymentDelivery, type PaymentDelivery } from '../../api/payment-delivery';
import { reconcile } from '../../api/services/reconcile';
import { ledger } from '../../db/stores/ledger';
import { ledgerEntries } from '../../db/stores/ledger-entries';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import { ROUTES } from '../../api/routes/table';
import { collectionWorkflowId } from '../../workflows/messages';
import { zoneAtLocalHour } from '../support/clock';
import { contractFetch } from '../support/contract';
import { useE2eStack } from '../support/e2e-stack';
import { waitFor } from '../support/wait';
import { LEDGER_ROUTES_COVERED } from './ledger.covered';
import { roleCalls } from '../support/role-call';

const fetch = contractFetch(ROUTES);
let delivery: PaymentDelivery;
const stack = useE2eStack({
  name: 'ledger',
  extend: ({ db, collection }) => {
    delivery = startPaymentDelivery({ ledger: ledger(db.pool), collection, log: pino({ level: 'silent' }), intervalMs: 300 });
    return { deps: { onPaymentPending: delivery.nudge }, stop: () => delivery.stop() };
  },
});
type Role = 'billing' | 'ops' | 'finance';
const { call } = roleCalls<Role>(stack, fetch, ['billing', 'ops', 'finance'], 'ledger');
const post = (url: string, body: unknown, role: Role = 'billing') => call('POST', url, role, body);
const get = (url: string, role: Role = 'ops') => call('GET', url, role);

// midday where the customer lives (the hour does not matter to the money, only to the rungs)
const zone = zoneAtLocalHour(12, Date.now());
const today = localDateOf(Date.now(), zone);
const bill = (billId: string, amount: number, daysAgo: number) => ({
  billId,
  customerName: '测试',
  phone: '13700000098',
  segment: 'consumer',
  timezone: zone,
  amount,
  currency: 'CNY',
  dueDate: addDays(today, -daysAgo),
});
const payment = (paymentId: string, accountId: string, amount: number) => ({
  paymentId,
  accountId,
  amount,
  currency: 'CNY',
  paidAt: new Date().toISOString(),
  channel: 'counter',
});

interface Row {
  kind: string;
  amount: number;
  bill_id: string | null;
  episode_id: string;
}
async function entriesOf(accountId: string): Promise<Row[]> {
  const { rows } = await stack.db.pool.query<Row>(
    'SELECT kind, amount_minor::int AS amount, bill_id, episode_id FROM ledger_entries WHERE account_id = $1 ORDER BY seq',
    [accountId],
  );
  return rows;
}
const sumOf = (rows: Row[], kind: string) => rows.filter((r) => r.kind === kind).reduce((t, r) => t + r.amount, 0);
const store = () => ledgerEntries(stack.db.pool);
const runReconcile = () => reconcile({ entries: store(), state: (id) => stack.collection.state(id) });

/** Every late fee in the feed, following `next`. */
async function feed(limit = 2): Promise<{ cursor: string; accountId: string; kind: string; amount: number }[]> {
  const out: { cursor: string; accountId: string; kind: string; amount: number }[] = [];
  let after: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await get(`/v1/billing/late-fees?limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`, 'billing');
    expect(r.status).toBe(200);
    out.push(...r.body['fees']);
    after = r.body['next'];
    if (!after) return out;
  }
  throw new Error('paging did not end');
}

test('a bill, a partial payment, a waiver and an upheld dispute: their entries, and the balance from the ledger is the episode’s', async () => {
  expect((await post('/v1/accounts/L-1/arrears', bill('L-1-B1', 10_000, 3))).status).toBe(201);
  expect((await post('/v1/accounts/L-1/arrears', bill('L-1-B2', 5_000, 1))).status).toBe(201);
  expect((await post('/v1/payments', payment('LP-1', 'L-1', 4_000))).status).toBe(201);
  // the late fee so far (3‰ a day on the overdue principal) is waived in part
  const state0 = (await get('/v1/accounts/L-1/collection')).body;
  const accrued = state0['lateFee']['accrued'] as number;
  expect(accrued).toBeGreaterThan(0);
  const waiver = await post('/v1/accounts/L-1/late-fee-waivers', { adjustmentId: 'LW-1', amount: 10, reason: 'goodwill' }, 'finance');
  expect(waiver.status).toBe(201);
  // a re-sent waiver writes no second entry
  expect((await post('/v1/accounts/L-1/late-fee-waivers', { adjustmentId: 'LW-1', amount: 10, reason: 'goodwill' }, 'finance')).status).toBe(201);
  expect((await post('/v1/accounts/L-1/disputes', { disputeId: 'LD-1', amount: 1_500, billId: 'L-1-B2', reason: 'roaming' }, 'ops')).status).toBe(201);
  expect((await post('/v1/accounts/L-1/disputes/LD-1/resolution', { upheld: true, note: 'wrong tariff' }, 'ops')).status).toBe(201);

  // the dispute's credit is recorded by the episode's activity: it comes shortly after
  const rows = await waitFor(async () => {
    const r = await entriesOf('L-1');
    return r.some((e) => e.kind === 'adjustment_credit') ? r : undefined;
  });
  expect(new Set(rows.map((r) => r.episode_id))).toEqual(new Set(['L-1-B1']));
  expect(rows.filter((r) => r.kind === 'charge').map((r) => [r.bill_id, r.amount])).toEqual([
    ['L-1-B1', 10_000],
    ['L-1-B2', 5_000],
  ]);
  expect(sumOf(rows, 'payment')).toBe(-4_000);
  expect(sumOf(rows, 'late_fee_waived')).toBe(-10);
  expect(sumOf(rows, 'adjustment_credit')).toBe(-1_500);
  // allocated oldest first: the payment to the older bill, the credit after it (still to the older bill)
  expect(rows.filter((r) => r.kind === 'allocation').map((r) => [r.bill_id, r.amount])).toEqual([
    ['L-1-B1', 4_000],
    ['L-1-B1', 1_500],
  ]);

  const state = (await get('/v1/accounts/L-1/collection')).body;
  expect(state['balance']).toBe(10_000 + 5_000 - 4_000 - 1_500);
  const [balance] = await store().ledgerBalance('L-1');
  expect(balance).toMatchObject({ episodeId: 'L-1-B1', currency: 'CNY', balance: state['balance'], lateFees: -10, writtenOff: 0 });
});

test('billing’s late-fee feed: each fee listed until acknowledged, then never again', async () => {
  expect((await post('/v1/accounts/L-2/arrears', bill('L-2-B1', 20_000, 4))).status).toBe(201);
  await waitFor(async () => ((await get('/v1/accounts/L-2/collection')).status === 200 ? true : undefined));
  // the first page brings the accruals up to date from every open episode
  const fees = await feed(1);
  const l2 = fees.filter((f) => f.accountId === 'L-2');
  expect(l2).toHaveLength(1);
  expect(l2[0]).toMatchObject({ kind: 'late_fee_accrued' });
  expect(l2[0]!.amount).toBe((await get('/v1/accounts/L-2/collection')).body['lateFee']['accrued']);
  expect(fees.some((f) => f.accountId === 'L-1' && f.kind === 'late_fee_waived')).toBe(true);
  // listed again until acknowledged, and nothing new accrued today
  expect((await feed(5)).map((f) => f.cursor)).toEqual(fees.map((f) => f.cursor));

  const bad = await post('/v1/billing/late-fees/acknowledgements', { upTo: 'bm9wZQ' }, 'billing');
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).toContain('body.upTo');
  expect((await post('/v1/billing/late-fees/acknowledgements', { upTo: fees[0]!.cursor }, 'ops')).status).toBe(403);

  const upTo = fees[fees.length - 1]!.cursor;
  const ack = await post('/v1/billing/late-fees/acknowledgements', { upTo }, 'billing');
  expect(ack).toMatchObject({ status: 201, body: { upTo, acknowledged: true } });
  expect((await post('/v1/billing/late-fees/acknowledgements', { upTo }, 'billing')).body).toMatchObject({ acknowledged: false });
  expect(await feed()).toEqual([]);
  // a new waiver after the acknowledgement is the only fee listed
  expect((await post('/v1/accounts/L-2/late-fee-waivers', { adjustmentId: 'LW-2', amount: 5, reason: 'goodwill' }, 'finance')).status).toBe(201);
  expect((await feed()).map((f) => [f.accountId, f.kind, f.amount])).toEqual([['L-2', 'late_fee_waived', -5]]);
  expect((await get('/v1/billing/late-fees?after=not*a*cursor', 'billing')).status).toBe(400);
  const { rows } = await stack.db.pool.query("SELECT count(*)::int AS n FROM audit_events WHERE route = '/v1/billing/late-fees/acknowledgements'");
  expect(rows[0].n).toBeGreaterThanOrEqual(3);
});

test('an overpayment: its credit leaves the ended episode and is applied in the next one, both in the ledger', async () => {
  expect((await post('/v1/accounts/L-3/arrears', bill('L-3-B1', 5_000, 1))).status).toBe(201);
  expect((await post('/v1/payments', payment('LP-3', 'L-3', 7_000))).status).toBe(201);
  await expect(stack.client.workflow.getHandle(collectionWorkflowId('L-3')).result()).resolves.toMatchObject({ status: 'paid', balance: -2_000 });
  // the next bill: the credit is recorded off the ended episode and carried into the new one
  expect((await post('/v1/accounts/L-3/arrears', bill('L-3-B2', 8_000, 1))).status).toBe(201);
  const state = (await get('/v1/accounts/L-3/collection')).body;
  expect(state).toMatchObject({ episodeId: 'L-3-B2', balance: 6_000 });
  const rows = await entriesOf('L-3');
  expect(rows.filter((r) => r.kind !== 'allocation').map((r) => [r.episode_id, r.kind, r.amount])).toEqual([
    ['L-3-B1', 'charge', 5_000],
    ['L-3-B1', 'payment', -7_000],
    ['L-3-B1', 'overpayment_credit', 2_000],
    ['L-3-B2', 'charge', 8_000],
    ['L-3-B2', 'credit_applied', -2_000],
  ]);
  const { rows: linked } = await stack.db.pool.query("SELECT credit_entry_id FROM ledger_entries WHERE account_id = 'L-3' AND credit_entry_id IS NOT NULL");
  expect(linked).toHaveLength(2);
  expect((await store().ledgerBalance('L-3')).map((b) => [b.episodeId, b.balance])).toEqual([
    ['L-3-B1', 0],
    ['L-3-B2', 6_000],
  ]);
  expect((await runReconcile()).differences.filter((d) => d.accountId === 'L-3')).toEqual([]);
});

test('a payment to an episode with no charge in the ledger (opened before it) is booked to that episode, not the previous one', async () => {
  // the first episode through the API: charged, paid in full, ended
  expect((await post('/v1/accounts/L-4/arrears', bill('L-4-B1', 5_000, 1))).status).toBe(201);
  expect((await post('/v1/payments', payment('LP-4A', 'L-4', 5_000))).status).toBe(201);
  await expect(stack.client.workflow.getHandle(collectionWorkflowId('L-4')).result()).resolves.toMatchObject({ status: 'paid', balance: 0 });
  // the next episode opened around the API, as one opened before the ledger existed: no charge entry
  await stack.collection.enrol({
    accountId: 'L-4',
    customer: { name: '测试', phone: '13700000098', segment: 'consumer', lists: [], timezone: zone },
    bill: { billId: 'L-4-B2', amount: 8_000, currency: 'CNY', dueDate: addDays(today, -1) },
    policy: DEFAULT_POLICY,
  });
  await waitFor(async () => ((await stack.collection.state('L-4'))?.episodeId === 'L-4-B2' ? true : undefined), { what: 'the second episode' });
  expect((await entriesOf('L-4')).some((e) => e.episode_id === 'L-4-B2')).toBe(false);

  const paid = await post('/v1/payments', payment('LP-4B', 'L-4', 3_000));
  expect(paid).toMatchObject({ status: 201, body: { applied: true, balance: 5_000 } });
  const rows = await entriesOf('L-4');
  expect(rows.filter((r) => r.kind === 'payment').map((r) => [r.episode_id, r.amount])).toEqual([
    ['L-4-B1', -5_000],
    ['L-4-B2', -3_000],
  ]);
  // the payment names its episode too
  expect((await get('/v1/payments/LP-4B', 'billing')).body).toMatchObject({ status: 'applied', episodeId: 'L-4-B2' });
  expect((await store().ledgerBalance('L-4')).map((b) => [b.episodeId, b.balance])).toEqual([
    ['L-4-B1', 0],
    ['L-4-B2', -3_000],
  ]);
  // its charge booked as the back-fill (migration 1766700000000) books a pre-ledger bill: the books agree
  await store().append({ key: 'charge:L-4-B2', accountId: 'L-4', episodeId: 'L-4-B2', kind: 'charge', amount: 8_000, currency: 'CNY', billId: 'L-4-B2' });
  expect((await runReconcile()).differences.filter((d) => d.accountId === 'L-4')).toEqual([]);
});

test('reconcile: clean, then an entry put in by hand is reported; the ledger refuses updates and deletes', async () => {
  const clean = await runReconcile();
  expect(clean.episodes).toBeGreaterThanOrEqual(2);
  expect(clean.differences).toEqual([]);

  await stack.db.pool.query(
    `INSERT INTO ledger_entries (entry_key, account_id, episode_id, kind, amount_minor, currency) VALUES ('stray-1', 'L-2', 'L-2-B1', 'payment', -700, 'CNY')`,
  );
  const broken = await runReconcile();
  const state = (await get('/v1/accounts/L-2/collection')).body;
  expect(broken.differences).toEqual([
    { accountId: 'L-2', episodeId: 'L-2-B1', currency: 'CNY', figure: 'balance', ledger: state['balance'] - 700, episode: state['balance'], delta: -700 },
  ]);

  await expect(stack.db.pool.query("UPDATE ledger_entries SET amount_minor = 0 WHERE entry_key = 'stray-1'")).rejects.toThrow(/append-only/);
  await expect(stack.db.pool.query("DELETE FROM ledger_entries WHERE entry_key = 'stray-1'")).rejects.toThrow(/append-only/);

  // repaired the append-only way, by a reversing entry: clean again (the teardown's reconcile needs it)
  await stack.db.pool.query(
    `INSERT INTO ledger_entries (entry_key, account_id, episode_id, kind, amount_minor, currency, ref) VALUES ('stray-1-reversal', 'L-2', 'L-2-B1', 'payment', 700, 'CNY', 'stray-1')`,
  );
  expect((await runReconcile()).differences).toEqual([]);
});

test('the answers checked against their schemas cover the ledger routes', () => {
  const checked = [...fetch.checked.keys()];
  for (const op of LEDGER_ROUTES_COVERED) expect(checked).toContain(op);
});
