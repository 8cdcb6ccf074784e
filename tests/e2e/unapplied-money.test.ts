// Money nobody can place, end to end on the dev server: a payment kept while its account had no
// open episode is listed as unapplied, applied when the account's next episode starts (no reminder
// is sent for what it paid), or moved by ops to the right account; an overpayment's credit is kept
// on the account and carried into the next episode.
import pino from 'pino';
import { startPaymentDelivery, type PaymentDelivery } from '../../api/payment-delivery';
import { ledger } from '../../db/stores/ledger';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { collectionWorkflowId } from '../../workflows/messages';
import { ROUTES } from '../../api/routes/table';
import { zoneAtLocalHour } from '../support/clock';
import { contractFetch } from '../support/contract';
import { useE2eStack } from '../support/e2e-stack';
import { waitFor } from '../support/wait';
import { roleCalls } from '../support/role-call';

const fetch = contractFetch(ROUTES);
let delivery: PaymentDelivery;
const stack = useE2eStack({
  name: 'money',
  extend: ({ db, collection }) => {
    delivery = startPaymentDelivery({ ledger: ledger(db.pool), collection, log: pino({ level: 'silent' }), intervalMs: 300 });
    return { deps: { onPaymentPending: delivery.nudge }, stop: () => delivery.stop() };
  },
});
type Role = 'billing' | 'ops' | 'finance';
const { call } = roleCalls<Role>(stack, fetch, ['billing', 'ops', 'finance'], 'money');
const post = (url: string, body: unknown, role: Role = 'billing') => call('POST', url, role, body);
const get = (url: string, role: Role = 'ops') => call('GET', url, role);

// midday where the customer lives: a new episode's SMS rung is due at once
const zone = zoneAtLocalHour(12, Date.now());
const bill = (accountId: string, billId: string, amount: number) => ({
  billId,
  customerName: '测试',
  phone: '13700000099',
  segment: 'consumer',
  timezone: zone,
  amount,
  currency: 'CNY',
  dueDate: addDays(localDateOf(Date.now(), zone), -3),
});
const payment = (paymentId: string, accountId: string, amount: number) => ({
  paymentId,
  accountId,
  amount,
  currency: 'CNY',
  paidAt: new Date().toISOString(),
  channel: 'counter',
});

/** Every unapplied payment, following `next`. */
async function allUnapplied(limit: number, role: Role = 'finance'): Promise<{ paymentId: string; accountId: string; reason: string }[]> {
  const out: { paymentId: string; accountId: string; reason: string }[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 200; page++) {
    const r = await get(`/v1/payments?status=unapplied&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, role);
    expect(r.status).toBe(200);
    expect(r.body['payments'].length).toBeLessThanOrEqual(limit);
    out.push(...r.body['payments']);
    cursor = r.body['next'];
    if (!cursor) return out;
  }
  throw new Error('paging did not end');
}

const episodeEnded = (accountId: string) => stack.client.workflow.getHandle(collectionWorkflowId(accountId)).result();

test('an early payment is applied to the episode that starts later: paid at once, no reminder for it', async () => {
  const early = await post('/v1/payments', payment('MP-1', 'M-1', 12_000));
  expect(early.status).toBe(201);
  expect(early.body).toMatchObject({ applied: false, outcome: 'recorded' });
  const listed = (await allUnapplied(50)).find((p) => p.paymentId === 'MP-1');
  expect(listed).toMatchObject({ accountId: 'M-1', reason: 'no open collection episode for this account' });
  expect((await get('/v1/payments/MP-1', 'billing')).body).toMatchObject({ status: 'unapplied', episodeId: null });

  expect((await post('/v1/accounts/M-1/arrears', bill('M-1', 'M-1-B1', 12_000))).status).toBe(201);
  // the episode started with the payment applied and so ended paid before planning any rung
  await expect(episodeEnded('M-1')).resolves.toMatchObject({ status: 'paid', balance: 0 });
  const state = (await get('/v1/accounts/M-1/collection')).body;
  expect(state).toMatchObject({ episodeId: 'M-1-B1', status: 'paid', balance: 0, steps: [] });
  expect(state['payments'].map((p: { paymentId: string }) => p.paymentId)).toEqual(['MP-1']);
  const { rows: sent } = await stack.db.pool.query("SELECT provider, operation FROM provider_requests WHERE account_id = 'M-1'");
  expect(sent).toEqual([]);
  const { rows: attempts } = await stack.db.pool.query("SELECT action FROM collection_attempts WHERE account_id = 'M-1'");
  expect(attempts).toEqual([]);
  expect((await get('/v1/payments/MP-1', 'billing')).body).toMatchObject({
    status: 'applied',
    episodeId: 'M-1-B1',
    result: { applied: true, outcome: 'applied' },
  });
  expect((await allUnapplied(50)).map((p) => p.paymentId)).not.toContain('MP-1');

  // applied once: a re-sent bill and a re-sent payment change nothing
  expect((await post('/v1/accounts/M-1/arrears', bill('M-1', 'M-1-B1', 12_000))).body).toMatchObject({ status: 'duplicate' });
  expect((await post('/v1/payments', payment('MP-1', 'M-1', 12_000))).status).toBe(409); // paidAt differs: another body
  const { rows } = await stack.db.pool.query("SELECT episode_id, opening_episode_id FROM payments WHERE payment_id = 'MP-1'");
  expect(rows).toEqual([{ episode_id: 'M-1-B1', opening_episode_id: null }]);
});

test('a partial early payment: the episode starts with the rest owed, and reminds of the rest only', async () => {
  expect((await post('/v1/payments', payment('MP-2', 'M-2', 4_000))).body).toMatchObject({ outcome: 'recorded' });
  expect((await post('/v1/accounts/M-2/arrears', bill('M-2', 'M-2-B1', 10_000))).status).toBe(201);
  const state = await waitFor(async () => {
    const s = (await get('/v1/accounts/M-2/collection')).body;
    return s['stage'] === 'sms' ? s : undefined;
  });
  expect(state).toMatchObject({ status: 'open', balance: 6_000 });
  expect((await get('/v1/payments/MP-2', 'billing')).body).toMatchObject({ status: 'applied', episodeId: 'M-2-B1' });
  // the SMS rung saw the balance with the early payment already taken off
  const rows = await waitFor(async () => {
    const { rows } = await stack.db.pool.query("SELECT payload FROM provider_requests WHERE account_id = 'M-2' AND provider = 'sms'");
    return rows.length ? rows : undefined;
  });
  expect(rows[0].payload.text).toContain('欠费为60.00元');
});

test('ops moves a payment posted for the wrong account: applied by that account’s open episode; a second move is 409', async () => {
  expect((await post('/v1/accounts/M-3/arrears', bill('M-3', 'M-3-B1', 10_000))).status).toBe(201);
  await waitFor(async () => ((await get('/v1/accounts/M-3/collection')).status === 200 ? true : undefined));
  expect((await post('/v1/payments', payment('MP-3', 'M-WRONG', 2_500))).body).toMatchObject({ outcome: 'recorded' });

  expect((await post('/v1/payments/MP-3/reassign', { accountId: 'M-3' }, 'ops')).status).toBe(400);
  expect((await post('/v1/payments/MP-3/reassign', { accountId: 'M-3', reason: 'typo' }, 'billing')).status).toBe(403);
  expect((await post('/v1/payments/NOPE/reassign', { accountId: 'M-3', reason: 'typo' }, 'ops')).status).toBe(404);

  const moved = await post('/v1/payments/MP-3/reassign', { accountId: 'M-3', reason: 'cashier keyed the wrong account number' }, 'ops');
  expect(moved.status).toBe(200);
  expect(moved.body).toMatchObject({
    paymentId: 'MP-3',
    fromAccountId: 'M-WRONG',
    accountId: 'M-3',
    status: 'applied',
    result: { applied: true, balance: 7_500 },
  });
  expect((await get('/v1/accounts/M-3/collection')).body).toMatchObject({ balance: 7_500 });
  expect((await get('/v1/payments/MP-3', 'billing')).body).toMatchObject({ accountId: 'M-3', status: 'applied', episodeId: 'M-3-B1' });

  const again = await post('/v1/payments/MP-3/reassign', { accountId: 'M-4', reason: 'again' }, 'finance');
  expect(again.status).toBe(409);
  const { rows } = await stack.db.pool.query("SELECT from_account, to_account, reason FROM payment_reassignments WHERE payment_id = 'MP-3'");
  expect(rows).toEqual([{ from_account: 'M-WRONG', to_account: 'M-3', reason: 'cashier keyed the wrong account number' }]);
  const { rows: audit } = await stack.db.pool.query(
    "SELECT status, account_id FROM audit_events WHERE route = '/v1/payments/:paymentId/reassign' AND status IN (200, 409) ORDER BY id",
  );
  expect(audit).toEqual([
    { status: 200, account_id: 'M-3' },
    { status: 409, account_id: 'M-4' },
  ]);
});

test('a move to an account with no open episode keeps it unapplied there, applied when that account’s episode starts', async () => {
  expect((await post('/v1/payments', payment('MP-5', 'M-WRONG-5', 3_000))).body).toMatchObject({ outcome: 'recorded' });
  const moved = await post('/v1/payments/MP-5/reassign', { accountId: 'M-5', reason: 'belongs to the neighbour' }, 'finance');
  expect(moved.body).toMatchObject({ status: 'unapplied', accountId: 'M-5' });
  expect((await allUnapplied(50)).find((p) => p.paymentId === 'MP-5')).toMatchObject({ accountId: 'M-5', originalAccountId: 'M-WRONG-5' });
  expect((await post('/v1/accounts/M-5/arrears', bill('M-5', 'M-5-B1', 3_000))).status).toBe(201);
  await expect(episodeEnded('M-5')).resolves.toMatchObject({ status: 'paid', balance: 0 });
  expect((await get('/v1/payments/MP-5', 'billing')).body).toMatchObject({ status: 'applied', episodeId: 'M-5-B1' });
});

test('a bill that joins a running episode hands the account’s kept payments to the outbox, which applies them there', async () => {
  expect((await post('/v1/accounts/M-7/arrears', bill('M-7', 'M-7-B1', 10_000))).status).toBe(201);
  await waitFor(async () => ((await get('/v1/accounts/M-7/collection')).status === 200 ? true : undefined));
  // kept as if it had found no episode a moment before this one started (the race a start can lose)
  await stack.db.pool.query(
    `INSERT INTO payments (payment_id, account_id, amount_minor, currency, paid_at, channel, request_hash, result)
     VALUES ('MP-7', 'M-7', 1500, 'CNY', now(), 'counter', 'h', $1)`,
    [JSON.stringify({ paymentId: 'MP-7', accountId: 'M-7', applied: false, outcome: 'recorded', reason: 'no open collection episode for this account' })],
  );
  // the running episode ignores the start input: the payment is not held by it, so it is delivered
  expect((await post('/v1/accounts/M-7/arrears', bill('M-7', 'M-7-B2', 2_000))).status).toBe(201);
  const status = await waitFor(async () => {
    const p = (await get('/v1/payments/MP-7', 'billing')).body;
    return p['status'] === 'applied' ? p : undefined;
  });
  expect(status).toMatchObject({ accountId: 'M-7', result: { applied: true, outcome: 'applied' } });
  expect((await get('/v1/accounts/M-7/collection')).body).toMatchObject({ episodeId: 'M-7-B1', balance: 10_500 });
});

test('an overpayment is kept as the account’s credit and carried into the next episodes, first bill first', async () => {
  expect((await post('/v1/accounts/M-6/arrears', bill('M-6', 'M-6-B1', 10_000))).status).toBe(201);
  await waitFor(async () => ((await get('/v1/accounts/M-6/collection')).status === 200 ? true : undefined));
  expect((await post('/v1/payments', payment('MP-6', 'M-6', 15_000))).body).toMatchObject({ applied: true, status: 'paid', balance: -5_000 });
  await expect(episodeEnded('M-6')).resolves.toMatchObject({ status: 'paid', balance: -5_000 });
  expect((await get('/v1/accounts/M-6/collection')).body).toMatchObject({ accountCredit: [{ amount: 5_000, currency: 'CNY' }] });

  // the next bill is smaller than the credit: the episode starts paid, the rest of the credit stays
  expect((await post('/v1/accounts/M-6/arrears', bill('M-6', 'M-6-B2', 3_000))).status).toBe(201);
  await waitFor(async () => ((await get('/v1/accounts/M-6/collection')).body['episodeId'] === 'M-6-B2' ? true : undefined));
  await expect(episodeEnded('M-6')).resolves.toMatchObject({ status: 'paid', balance: 0 });
  expect((await get('/v1/accounts/M-6/collection')).body).toMatchObject({ episodeId: 'M-6-B2', status: 'paid', accountCredit: [{ amount: 2_000 }] });
  const { rows: sentForB2 } = await stack.db.pool.query(
    "SELECT count(*)::int AS n FROM provider_requests WHERE account_id = 'M-6' AND payload::text LIKE '%M-6-B2%'",
  );
  expect(sentForB2).toEqual([{ n: 0 }]);

  // the next bill is larger: the credit left is taken off it, the rest is owed
  expect((await post('/v1/accounts/M-6/arrears', bill('M-6', 'M-6-B3', 8_000))).status).toBe(201);
  const third = await waitFor(async () => {
    const s = (await get('/v1/accounts/M-6/collection')).body;
    return s['episodeId'] === 'M-6-B3' ? s : undefined;
  });
  expect(third).toMatchObject({ status: 'open', balance: 6_000 });
  expect(third['accountCredit']).toBeUndefined();
  const { rows } = await stack.db.pool.query(
    "SELECT kind, amount_minor AS amount, episode_id FROM account_credits WHERE account_id = 'M-6' ORDER BY created_at, entry_id",
  );
  expect(rows).toEqual([
    { kind: 'overpayment', amount: 5_000, episode_id: 'M-6-B1' },
    { kind: 'opening_credit', amount: -3_000, episode_id: 'M-6-B2' },
    { kind: 'opening_credit', amount: -2_000, episode_id: 'M-6-B3' },
  ]);
  await expect(stack.db.pool.query("DELETE FROM account_credits WHERE account_id = 'M-6'")).rejects.toThrow(/append-only/);
});

test('the unapplied list pages oldest first through every kept payment, none twice, none missed', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 8; i++) {
    const id = `MU-${i}`;
    expect((await post('/v1/payments', payment(id, `M-U-${i % 3}`, 100 + i))).status).toBe(201);
    ids.push(id);
  }
  const { rows } = await stack.db.pool.query(
    'SELECT payment_id FROM payments WHERE applied_at IS NULL AND result IS NOT NULL ORDER BY received_at, payment_id',
  );
  const want = rows.map((r: { payment_id: string }) => r.payment_id);
  for (const id of ids) expect(want).toContain(id);
  for (const limit of [1, 3, 500]) expect((await allUnapplied(limit, 'billing')).map((p) => p.paymentId)).toEqual(want);
  expect((await get('/v1/payments?status=unapplied&accountId=M-U-1&limit=2', 'ops')).body['payments'].map((p: { paymentId: string }) => p.paymentId)).toEqual([
    'MU-1',
    'MU-4',
  ]);
  expect((await get('/v1/payments?status=applied')).status).toBe(400);
  expect((await get('/v1/payments')).status).toBe(400);
  const bad = await get('/v1/payments?status=unapplied&cursor=bm90LWEtY3Vyc29y');
  expect(bad.status).toBe(400);
});
