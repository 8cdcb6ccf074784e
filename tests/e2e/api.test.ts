// End to end on the real Temporal dev server: HTTP API → client → workflow → activities →
// PostgreSQL, with the provider simulator.
import fc from 'fast-check';
import type { Server } from 'node:http';
import pino from 'pino';
import { createApp } from '../../api/app';
import { CollectionClient } from '../../api/collection-client';
import { startPaymentDelivery, type PaymentDelivery } from '../../api/payment-delivery';
import { apiKeys } from '../../db/stores/api-keys';
import { verifyAuditChain } from '../../db/stores/audit';
import { ledger } from '../../db/stores/ledger';
import { KNOWN_POLICIES } from '../../config/policy-schema';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { zoneAtLocalHour } from '../support/clock';
import { waitFor } from '../support/wait';
import { ROUTES } from '../../api/routes/table';
import { contractFetch } from '../support/contract';
import { OPS_ROUTES_COVERED } from './ops-routes.covered';
import { STEERING_ROUTES_COVERED } from './steering.covered';
import { STORY_ROUTES_COVERED } from './timeline.covered';
import { BATCH_ROUTES_COVERED } from './batches.covered';
import { LEDGER_ROUTES_COVERED } from './ledger.covered';
import { CODEC_ROUTES_COVERED } from './codec.covered';
import { REPORT_ROUTES_COVERED } from './reports.covered';
import { CONSOLE_ROUTES_COVERED } from './console.covered';
import { type FreshDatabase } from '../support/db';
import { useE2eStack } from '../support/e2e-stack';

/** Every answer this suite gets is checked against its route's response schema (tests/support/contract.ts). */
const fetch = contractFetch(ROUTES);

const stack = useE2eStack({
  name: 'api',
  // the payment outbox's deliverer runs beside the API, as in production
  extend: ({ db, collection }) => {
    delivery = startPaymentDelivery({ ledger: ledger(db.pool), collection, log: pino({ level: 'silent' }), intervalMs: 500 });
    return { deps: { onPaymentPending: delivery.nudge }, stop: () => delivery.stop() };
  },
});
let db: FreshDatabase;
let collection: CollectionClient;
let base: string;
let delivery: PaymentDelivery;
/** API keys by role, made through the store as `npm run keys` would. */
const keys: Record<'billing' | 'ops' | 'finance' | 'legal', { keyId: string; key: string }> = {} as never;

beforeAll(async () => {
  ({ db, collection, base } = stack);
  for (const role of ['billing', 'ops', 'finance', 'legal'] as const) keys[role] = await apiKeys(db.pool).create(`e2e-${role}`, [role]);
});

const auth = (role: keyof typeof keys) => ({ authorization: `Bearer ${keys[role].key}` });

async function post(url: string, body: unknown, role: keyof typeof keys = 'billing') {
  const res = await fetch(base + url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth(role) }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** A read: the episode's state as ops, a payment's status as billing. */
const get = (url: string) => fetch(base + url, { headers: auth(url.startsWith('/v1/payments') ? 'billing' : 'ops') });

test('enrol, remind, pay: one payment row, attempt records, duplicates answered alike', async () => {
  // midday where the customer lives, whatever the hour here: the SMS rung is due at once
  const zone = zoneAtLocalHour(12, Date.now());
  const arrears = {
    billId: 'E2E-1-B1',
    customerName: '周八',
    phone: '13700000001',
    segment: 'consumer',
    timezone: zone,
    amount: 12_050,
    currency: 'CNY',
    dueDate: addDays(localDateOf(Date.now(), zone), -3),
  };
  expect((await post('/v1/accounts/E2E-1/arrears', arrears)).status).toBe(201);
  expect((await post('/v1/accounts/E2E-1/arrears', arrears)).body).toMatchObject({ status: 'duplicate' });
  expect((await post('/v1/accounts/E2E-1/arrears', { ...arrears, amount: 1, customerName: '冒名' })).status).toBe(409);
  // a refused bill changes nothing, not even the account's contact details
  const { rows: names } = await db.pool.query("SELECT customer_name FROM accounts WHERE account_id = 'E2E-1'");
  expect(names).toEqual([{ customer_name: '周八' }]);
  expect((await post('/v1/accounts/E2E-1/arrears', { ...arrears, billId: 'E2E-1-B9', currency: 'USD' })).status).toBe(422);

  // the SMS rung is due at once: its attempt record and the simulator's request appear
  await waitFor(async () => {
    const { rows } = await db.pool.query("SELECT * FROM collection_attempts WHERE account_id = 'E2E-1' AND action = 'sms'");
    return rows[0];
  });
  // the attempt row is written inside the activity; the episode records the rung once the activity
  // has answered, so wait for the episode itself rather than read it at once
  const state = await waitFor(async () => {
    const s = (await (await get('/v1/accounts/E2E-1/collection')).json()) as { stage?: string };
    return s.stage === 'sms' ? s : undefined;
  });
  expect(state).toMatchObject({ status: 'open', balance: 12_050, stage: 'sms', next: { action: 'voice' } });

  const payment = { paymentId: 'E2E-P1', accountId: 'E2E-1', amount: 12_050, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'online' };
  const answers = await Promise.all([1, 2, 3, 4, 5].map(() => post('/v1/payments', payment)));
  const created = answers.filter((a) => a.status === 201);
  expect(created).toHaveLength(1);
  expect(answers.every((a) => a.status === 201 || a.status === 200)).toBe(true);
  for (const a of answers) expect(a.body).toMatchObject({ applied: true, outcome: 'applied', balance: 0, status: 'paid' });
  expect((await post('/v1/payments', { ...payment, amount: 100 })).status).toBe(409);

  const { rows } = await db.pool.query("SELECT count(*) AS n FROM payments WHERE account_id = 'E2E-1'");
  expect(rows[0].n).toBe(1);
  const final = await waitFor(async () => {
    const s = (await (await get('/v1/accounts/E2E-1/collection')).json()) as { status: string };
    return s.status === 'paid' ? s : undefined;
  });
  expect(final).toMatchObject({ balance: 0, service: 'active' });
});

test('every episode action answers over HTTP: promise, dispute and its resolution, installment plan, policy migration, write-off', async () => {
  const zone = 'Asia/Shanghai';
  const today = localDateOf(Date.now(), zone);
  const bill = {
    billId: 'E2E-30-B1',
    customerName: '孙十二',
    phone: '13700000020',
    timezone: zone,
    amount: 10_000,
    currency: 'CNY',
    dueDate: addDays(today, -3),
  };
  expect((await post('/v1/accounts/E2E-30/arrears', bill)).status).toBe(201);
  const actions = '/v1/accounts/E2E-30';

  expect(await post(`${actions}/promises`, { promiseId: 'E2E-30-PR1', date: addDays(today, 2), source: 'ops' }, 'ops')).toMatchObject({
    status: 201,
    body: { promiseId: 'E2E-30-PR1', status: 'open' },
  });
  expect(await post(`${actions}/disputes`, { disputeId: 'E2E-30-D1', amount: 1_000, reason: 'roaming charge' }, 'ops')).toMatchObject({
    status: 201,
    body: { status: 'open', kind: 'dispute' },
  });
  expect(await post(`${actions}/disputes/E2E-30-D1/resolution`, { upheld: false, note: 'charge stands' }, 'ops')).toMatchObject({
    status: 201,
    body: { status: 'rejected' },
  });
  const plan = {
    planId: 'E2E-30-PL1',
    installments: [
      { dueDate: addDays(today, 10), amount: 5_000 },
      { dueDate: addDays(today, 40), amount: 5_000 },
    ],
    source: 'ops',
  };
  expect(await post(`${actions}/installment-plans`, plan, 'ops')).toMatchObject({
    status: 201,
    body: { planId: 'E2E-30-PL1', status: 'active', restoring: false },
  });
  expect(await post(`${actions}/policy-migrations`, { migrationId: 'E2E-30-M1', policy: 'default', reason: 'review' }, 'ops')).toMatchObject({
    status: 201,
    body: { migrationId: 'E2E-30-M1', to: { id: KNOWN_POLICIES['default']!.id } },
  });
  expect(await post(`${actions}/write-off`, { writeOffId: 'E2E-30-W1', reason: 'uncollectable' }, 'finance')).toMatchObject({
    status: 201,
    body: { amount: 10_000, status: 'written_off' },
  });
  expect((await post(`${actions}/promises`, { promiseId: 'E2E-30-PR2', date: today, source: 'ops' }, 'ops')).status).toBe(422);
  expect((await post('/v1/accounts/NOBODY/promises', { promiseId: 'E2E-30-PR3', date: today, source: 'ops' }, 'ops')).status).toBe(404);

  // a payment after the write-off is a recovery; the state shows every one of these
  const recovery = await post('/v1/payments', {
    paymentId: 'E2E-30-P1',
    accountId: 'E2E-30',
    amount: 2_000,
    currency: 'CNY',
    paidAt: new Date().toISOString(),
    channel: 'bank',
  });
  expect(recovery).toMatchObject({ status: 201, body: { applied: true, recovery: true, status: 'written_off' } });
  const state = await (await get(`${actions}/collection`)).json();
  expect(state).toMatchObject({
    status: 'written_off',
    promises: [{ promiseId: 'E2E-30-PR1' }],
    disputes: [{ disputeId: 'E2E-30-D1', status: 'rejected' }],
    installmentPlan: { planId: 'E2E-30-PL1' },
    policyMigrations: [{ migrationId: 'E2E-30-M1' }],
    writeOff: { writeOffId: 'E2E-30-W1', recovered: 2_000 },
  });
  const audit = await (await get(`${actions}/audit`)).json();
  expect(audit).toMatchObject({
    accountId: 'E2E-30',
    events: expect.arrayContaining([expect.objectContaining({ route: '/v1/accounts/:accountId/write-off', status: 201 })]),
  });
  // the public routes: liveness and the document
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
  expect(await (await fetch(`${base}/openapi.json`)).json()).toMatchObject({ openapi: '3.1.0' });
});

test('payments are an outbox: respond-async is answered 202 at once, an unreachable workflow service loses nothing', async () => {
  const zone = 'Asia/Shanghai';
  const dueDate = addDays(localDateOf(Date.now(), zone), -3);
  for (const id of ['E2E-5', 'E2E-6']) {
    const enrolled = await post(`/v1/accounts/${id}/arrears`, {
      billId: `${id}-B1`,
      customerName: '吴九',
      phone: '13700000009',
      timezone: zone,
      amount: 5_000,
      currency: 'CNY',
      dueDate,
    });
    expect(enrolled.status).toBe(201);
  }

  // Bulk posting: accepted and kept at once, applied by the deliverer moments later.
  const payment = { paymentId: 'E2E-P5', accountId: 'E2E-5', amount: 5_000, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'bank' as const };
  const res = await fetch(`${base}/v1/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', prefer: 'respond-async', ...auth('billing') },
    body: JSON.stringify(payment),
  });
  expect(res.status).toBe(202);
  expect(res.headers.get('location')).toBe('/v1/payments/E2E-P5');
  expect(await res.json()).toMatchObject({ applied: null, delivery: 'pending' });
  const delivered = await waitFor(async () => {
    const s = (await (await get('/v1/payments/E2E-P5')).json()) as Record<string, any>;
    return s['delivery'] === 'delivered' ? s : undefined;
  });
  expect(delivered).toMatchObject({ amount: 5_000, currency: 'CNY', result: { applied: true, balance: 0, status: 'paid' } });
  expect((await post('/v1/payments', payment)).body).toMatchObject({ duplicate: true, applied: true, balance: 0 });

  // The workflow service is down (an API whose client fails): the payment is kept (202), and the
  // deliverer applies it once it can.
  const down = { postPayment: async () => Promise.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED')) } as unknown as CollectionClient;
  const downApp = createApp({ pool: db.pool, collection: down, policy: () => KNOWN_POLICIES['default']!, log: pino({ level: 'silent' }) });
  const downServer = await new Promise<Server>((resolve) => {
    const s = downApp.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const port = (downServer.address() as { port: number }).port;
    const kept = await fetch(`http://127.0.0.1:${port}/v1/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth('billing') },
      body: JSON.stringify({ ...payment, paymentId: 'E2E-P6', accountId: 'E2E-6' }),
    });
    expect(kept.status).toBe(202);
    expect(kept.headers.get('location')).toBe('/v1/payments/E2E-P6');
    expect(await kept.json()).toMatchObject({ applied: null, delivery: 'pending', reason: expect.stringContaining('UNAVAILABLE') });
  } finally {
    await new Promise((r) => downServer.close(r));
  }
  const { rows } = await db.pool.query("SELECT delivery_attempts, delivery_error, result FROM payments WHERE payment_id = 'E2E-P6'");
  expect(rows[0]).toMatchObject({ delivery_attempts: 1, delivery_error: expect.stringContaining('UNAVAILABLE'), result: null });
  const applied = await waitFor(async () => {
    const s = (await (await get('/v1/payments/E2E-P6')).json()) as Record<string, any>;
    return s['delivery'] === 'delivered' ? s : undefined;
  });
  expect(applied).toMatchObject({ deliveryAttempts: 1, lastDeliveryError: null, result: { applied: true, balance: 0 } });

  // A kept payment the episode refuses (another currency) is answered 'rejected', not retried.
  const refused = { ...payment, paymentId: 'E2E-P7', accountId: 'E2E-7', currency: 'USD' };
  const enrolled = await post('/v1/accounts/E2E-7/arrears', {
    billId: 'E2E-7-B1',
    customerName: '郑十',
    phone: '13700000010',
    timezone: zone,
    amount: 5_000,
    currency: 'CNY',
    dueDate,
  });
  expect(enrolled.status).toBe(201);
  const res7 = await fetch(`${base}/v1/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', prefer: 'respond-async', ...auth('billing') },
    body: JSON.stringify(refused),
  });
  expect(res7.status).toBe(202);
  const rejected = await waitFor(async () => {
    const s = (await (await get('/v1/payments/E2E-P7')).json()) as Record<string, any>;
    return s['delivery'] === 'delivered' ? s : undefined;
  });
  expect(rejected).toMatchObject({ result: { applied: false, outcome: 'rejected' } });

  // Backoff doubles from 2 s and stops at 5 min, however many attempts failed.
  const store = ledger(db.pool);
  // (due in an hour, so the running deliverer leaves it alone)
  await db.pool.query(
    `INSERT INTO payments (payment_id, account_id, amount_minor, currency, paid_at, channel, request_hash, delivery_attempts, next_delivery_at)
     VALUES ('E2E-P8', 'E2E-8', 1, 'CNY', now(), 'bank', 'h', 5000, now() + interval '1 hour')`,
  );
  const client = await db.pool.connect();
  try {
    await store.noteDeliveryFailure(client, 'E2E-P8', 'still down');
  } finally {
    client.release();
  }
  const { rows: backoff } = await db.pool.query(
    "SELECT delivery_attempts, extract(epoch FROM next_delivery_at - now())::int AS wait FROM payments WHERE payment_id = 'E2E-P8'",
  );
  expect(backoff[0].delivery_attempts).toBe(5001);
  expect(backoff[0].wait).toBeGreaterThan(295);
  expect(backoff[0].wait).toBeLessThanOrEqual(300);
  await db.pool.query("DELETE FROM payments WHERE payment_id = 'E2E-P8'");
  expect((await get('/v1/payments/NOPE')).status).toBe(404);
});

test('a retried payment whose first delivery reached an episode that has since ended is not applied again', async () => {
  const zone = 'Asia/Shanghai';
  const dueDate = addDays(localDateOf(Date.now(), zone), -3);
  const arrears = { customerName: '王十一', phone: '13700000011', timezone: zone, currency: 'CNY', dueDate };
  expect((await post('/v1/accounts/E2E-10/arrears', { ...arrears, billId: 'E2E-10-B1', amount: 5_000 })).status).toBe(201);
  // The first delivery reached the episode (it applied the payment and ended) but its answer was
  // lost: the row is still pending with one failed attempt.
  const paidAt = new Date().toISOString();
  await db.pool.query(
    `INSERT INTO payments (payment_id, account_id, amount_minor, currency, paid_at, channel, request_hash, delivery_attempts, next_delivery_at)
     VALUES ('E2E-P10', 'E2E-10', 5000, 'CNY', $1, 'bank', 'h', 1, now() + interval '1 hour')`,
    [paidAt],
  );
  expect(await collection.postPayment('E2E-10', { paymentId: 'E2E-P10', amount: 5_000, currency: 'CNY', paidAt, channel: 'bank' })).toMatchObject({
    status: 'paid',
  });
  await waitFor(async () => ((await collection.state('E2E-10'))?.status === 'paid' ? true : undefined));
  // The paid episode ends (after its last read-model write); a bill before that would reopen it.
  await stack.client.workflow.getHandle('collection-E2E-10').result();
  // A new bill opens another episode before the retry.
  expect((await post('/v1/accounts/E2E-10/arrears', { ...arrears, billId: 'E2E-10-B2', amount: 3_000, region: 'E2E-EAST' })).status).toBe(201);
  await waitFor(async () => ((await collection.state('E2E-10'))?.episodeId === 'E2E-10-B2' ? true : undefined));

  await db.pool.query("UPDATE payments SET next_delivery_at = now() WHERE payment_id = 'E2E-P10'");
  delivery.nudge();
  const answered = await waitFor(async () => {
    const s = (await (await get('/v1/payments/E2E-P10')).json()) as Record<string, any>;
    return s['delivery'] === 'delivered' ? s : undefined;
  });
  expect(answered['result']).toMatchObject({ applied: true, outcome: 'applied', status: 'paid', note: expect.stringContaining('since ended') });
  expect(await collection.state('E2E-10')).toMatchObject({ episodeId: 'E2E-10-B2', balance: 3_000, payments: [] });
  // in the ledger it is the ended episode's payment, not the new one's (which owes its bill in full)
  const { rows } = await db.pool.query("SELECT episode_id, amount_minor FROM ledger_entries WHERE payment_id = 'E2E-P10' AND kind = 'payment'");
  expect(rows).toEqual([{ episode_id: 'E2E-10-B1', amount_minor: -5000 }]);
});

test('the account list answers from the read model the episodes write (GET /v1/accounts)', async () => {
  // E2E-10's second episode (region E2E-EAST, above): the row follows the workflow, not a query to it.
  const listed = await waitFor(async () => {
    const res = await get('/v1/accounts?region=E2E-EAST&status=open');
    const body = (await res.json()) as { accounts: Record<string, unknown>[] };
    return body.accounts.length === 1 && body.accounts[0]!['episodeId'] === 'E2E-10-B2' ? body.accounts[0] : undefined;
  });
  expect(listed).toMatchObject({ accountId: 'E2E-10', status: 'open', service: 'active', balance: 3_000, currency: 'CNY', region: 'E2E-EAST' });
  expect(listed['version']).toBeGreaterThanOrEqual(1);
  const others = (await (await get('/v1/accounts?region=E2E-EAST&status=paid')).json()) as { accounts: unknown[] };
  expect(others.accounts).toEqual([]);
  expect((await get('/v1/accounts?status=nope')).status).toBe(400);
});

test('bad input gets 400 naming the fields; unknown accounts 404; payments without an episode are kept', async () => {
  const bad = await post('/v1/accounts/E2E-2/arrears', { billId: 'x', amount: 1.5, currency: 'yuan', dueDate: '2026-02-30', timezone: 'Mars/Base' });
  expect(bad.status).toBe(400);
  const fields = bad.body['errors'].map((e: { field: string }) => e.field);
  expect(fields).toEqual(expect.arrayContaining(['body.amount', 'body.currency', 'body.dueDate', 'body.timezone', 'body.customerName', 'body.phone']));
  expect((await get('/v1/accounts/NOBODY/collection')).status).toBe(404);
  const odd = await post('/v1/accounts/E2E-3/arrears', {
    billId: 'E2E-3-B1',
    customerName: 'a\u0000b',
    phone: '13700000003',
    amount: 100,
    currency: 'CNY',
    dueDate: '9999-12-31',
  });
  expect(odd.status).toBe(400);
  expect(odd.body['errors'].map((e: { field: string }) => e.field)).toEqual(['body.customerName', 'body.dueDate']);
  expect((await get(`/v1/accounts/${'x'.repeat(100)}/collection`)).status).toBe(400);

  const orphan = await post('/v1/payments', {
    paymentId: 'E2E-P9',
    accountId: 'NOBODY',
    amount: 500,
    currency: 'CNY',
    paidAt: '2026-01-01T08:00:00+08:00',
    channel: 'counter',
  });
  expect(orphan.status).toBe(201);
  expect(orphan.body).toMatchObject({ applied: false, outcome: 'recorded' });
  const { rows } = await db.pool.query("SELECT paid_at FROM payments WHERE payment_id = 'E2E-P9'");
  expect(rows[0].paid_at.toISOString()).toBe('2026-01-01T00:00:00.000Z');
});

test('a payment without an episode is listed as unapplied and can be moved to another account (the whole of it: tests/e2e/unapplied-money.test.ts)', async () => {
  const listed = (await (await fetch(`${base}/v1/payments?status=unapplied&accountId=NOBODY`, { headers: auth('finance') })).json()) as {
    payments: { paymentId: string }[];
  };
  expect(listed.payments.map((p) => p.paymentId)).toEqual(['E2E-P9']);
  const moved = await post('/v1/payments/E2E-P9/reassign', { accountId: 'NOBODY-ELSE', reason: 'keyed the wrong account' }, 'ops');
  expect(moved).toMatchObject({ status: 200, body: { fromAccountId: 'NOBODY', accountId: 'NOBODY-ELSE', status: 'unapplied' } });
});

test('random bodies never produce a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.anything(), fc.object()), fc.constantFrom('/v1/payments', '/v1/accounts/FUZZ/arrears'), async (body, url) => {
      const res = await fetch(base + url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth('billing') },
        body: JSON.stringify(body) ?? 'null',
      });
      expect(res.status).toBeLessThan(500);
    }),
    { numRuns: 150 },
  );
});

test("the write-off approver and the policy-migration actor are the caller's key; the old free-text fields are only a note", async () => {
  const zone = 'Asia/Shanghai';
  const dueDate = addDays(localDateOf(Date.now(), zone), -3);
  expect(
    (
      await post('/v1/accounts/E2E-20/arrears', {
        billId: 'E2E-20-B1',
        customerName: '钱二十',
        phone: '13700000020',
        timezone: zone,
        amount: 7_000,
        currency: 'CNY',
        dueDate,
      })
    ).status,
  ).toBe(201);
  const moved = await post(
    '/v1/accounts/E2E-20/policy-migrations',
    { migrationId: 'M1', policy: 'default', reason: 'same policy again', actor: 'someone else' },
    'ops',
  );
  expect(moved.status).toBe(201);
  // billing may not write off, finance may; the approver is finance's key, whatever the body says
  expect((await post('/v1/accounts/E2E-20/write-off', { writeOffId: 'WO-1', reason: 'uncollectable' }, 'billing')).status).toBe(403);
  const written = await post('/v1/accounts/E2E-20/write-off', { writeOffId: 'WO-1', reason: 'uncollectable', approvedBy: 'the director' }, 'finance');
  expect(written.status).toBe(201);
  const state = (await (await get('/v1/accounts/E2E-20/collection')).json()) as Record<string, any>;
  expect(state['writeOff']).toMatchObject({ approvedBy: `key:${keys.finance.keyId}:e2e-finance`, reason: 'uncollectable (note: the director)' });
  expect(state['policyMigrations']).toEqual([
    expect.objectContaining({ migrationId: 'M1', actor: `key:${keys.ops.keyId}:e2e-ops`, reason: 'same policy again (note: someone else)' }),
  ]);
  // the episode's record of it (written by an activity, moments later)
  const recorded = await waitFor(async () => (await db.pool.query("SELECT approved_by FROM write_offs WHERE write_off_id = 'WO-1'")).rows[0]);
  expect(recorded).toEqual({ approved_by: `key:${keys.finance.keyId}:e2e-finance` });
});

// Last: every request above left its audit rows; the chain they form must verify.
test('a dispute review task is listed, claimed, released and completed with the resolution (the rest in tasks.test.ts)', async () => {
  const zone = 'Asia/Shanghai';
  const bill = {
    billId: 'E2E-40-B1',
    customerName: '钱十三',
    phone: '13700000040',
    timezone: zone,
    amount: 9_000,
    currency: 'CNY',
    dueDate: addDays(localDateOf(Date.now(), zone), -3),
  };
  expect((await post('/v1/accounts/E2E-40/arrears', bill)).status).toBe(201);
  expect((await post('/v1/accounts/E2E-40/disputes', { disputeId: 'E2E-40-D1', amount: 500, reason: 'double charge' }, 'ops')).status).toBe(201);
  const review = await waitFor(async () => {
    const page = (await (await get('/v1/tasks?queue=dispute_review&status=open')).json()) as { tasks: { taskId: string; accountId: string }[] };
    return page.tasks.find((t) => t.accountId === 'E2E-40');
  });
  const path = (verb: string) => `/v1/tasks/${encodeURIComponent(review.taskId)}/${verb}`;
  expect(await post(path('claim'), {}, 'ops')).toMatchObject({ status: 200, body: { status: 'claimed' } });
  expect(await post(path('release'), {}, 'ops')).toMatchObject({ status: 200, body: { status: 'open' } });
  expect(await post(path('complete'), { outcome: 'resolved', upheld: false }, 'ops')).toMatchObject({ status: 201, body: { dispute: { status: 'rejected' } } });
});

test('a litigation case: opened by legal, a step recorded and one refused, read and listed (the whole of it: tests/e2e/legal.test.ts)', async () => {
  expect(
    (
      await post('/v1/accounts/E2E-LC/arrears', {
        billId: 'E2E-LC-B1',
        customerName: '王五',
        phone: '13700000077',
        amount: 9_900,
        currency: 'CNY',
        dueDate: '2026-01-05',
      })
    ).status,
  ).toBe(201);
  await waitFor(() => collection.state('E2E-LC'));
  expect(await post('/v1/legal/cases', { caseId: 'E2E-LC-1', accountId: 'E2E-LC' }, 'legal')).toMatchObject({ status: 201, body: { state: 'referred' } });
  expect(await post('/v1/legal/cases/E2E-LC-1/steps', { stepId: 'E2E-LC-S1', step: 'closed', outcome: 'collected' }, 'legal')).toMatchObject({
    status: 409,
    body: { allowedSteps: ['accept', 'decline'] },
  });
  expect(await post('/v1/legal/cases/E2E-LC-1/steps', { stepId: 'E2E-LC-S2', step: 'accept' }, 'legal')).toMatchObject({
    status: 201,
    body: { state: 'accepted' },
  });
  expect(await (await get('/v1/legal/cases/E2E-LC-1')).json()).toMatchObject({ state: 'accepted', history: [{ step: 'accept' }] });
  expect((await get('/v1/legal/cases')).status).toBe(200);
});

test('the audit chain of the whole suite verifies', async () => {
  const result = await verifyAuditChain(db.pool);
  expect(result).toMatchObject({ ok: true });
  expect(result.rows).toBeGreaterThan(150);
});

test('the answers checked against their schemas cover every JSON route of the table (but those another e2e file covers)', () => {
  const json = ROUTES.filter((r) => Object.values(r.responses).some((spec) => 'schema' in spec))
    .map((r) => r.operationId)
    .filter((op) => !OPS_ROUTES_COVERED.includes(op))
    .filter((op) => !STEERING_ROUTES_COVERED.includes(op))
    .filter((op) => !STORY_ROUTES_COVERED.includes(op))
    .filter((op) => !BATCH_ROUTES_COVERED.includes(op))
    .filter((op) => !LEDGER_ROUTES_COVERED.includes(op))
    .filter((op) => !CODEC_ROUTES_COVERED.includes(op))
    .filter((op) => !REPORT_ROUTES_COVERED.includes(op))
    .filter((op) => !CONSOLE_ROUTES_COVERED.includes(op));
  expect([...fetch.checked.keys()].filter((op) => op !== '(no route)').sort()).toEqual([...json].sort());
});
