// Bulk intake end to end (issue 13): a file posted to POST /v1/arrears/batches, its rows validated
// one by one and kept, enrolled by the background job on the real dev server exactly as the
// single route enrols; a re-send changes nothing; a crash in the middle is resumed without any
// row enrolled twice; the `intake` script's core against the same stack.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { BackgroundLoop } from '../../api/background-loop';
import { startBatchEnrolment } from '../../api/batch-enrolment';
import { startPaymentDelivery } from '../../api/payment-delivery';
import type { CollectionClient } from '../../api/collection-client';
import { ROUTES } from '../../api/routes/table';
import { arrearsWiring, type arrearsService } from '../../api/services/arrears';
import type { BatchPage, BatchView } from '../../api/services/batches';
import { KNOWN_POLICIES } from '../../config/policy-schema';
import { apiKeys } from '../../db/stores/api-keys';
import { batchStore, type BatchStore } from '../../db/stores/batches';
import { ledger } from '../../db/stores/ledger';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { runIntake } from '../../scripts/intake';
import { zoneAtLocalHour } from '../support/clock';
import { contractFetch } from '../support/contract';
import { useE2eStack, type E2eStack } from '../support/e2e-stack';
import { BATCH_ROUTES_COVERED } from './batches.covered';
import { waitFor } from '../support/wait';

const fetch = contractFetch(ROUTES);

/** enrol calls per bill id: the production client, counted. */
const enrolCalls = new Map<string, number>();
let job: BackgroundLoop | undefined;
let store: BatchStore;
let postArrears: ReturnType<typeof arrearsService>;

function startJob() {
  job = startBatchEnrolment({ store, postArrears, log: pino({ level: 'silent' }) }, { concurrency: 4, leaseMs: 1500, intervalMs: 200, retryMs: 500 });
}

const stack: E2eStack = useE2eStack({
  name: 'batches',
  extend: ({ db, collection }) => {
    const counted = Object.create(collection) as CollectionClient;
    counted.enrol = (req, extra) => {
      enrolCalls.set(req.bill.billId, (enrolCalls.get(req.bill.billId) ?? 0) + 1);
      return collection.enrol(req, extra);
    };
    store = batchStore(db.pool);
    // batch payments are applied by the payment outbox's deliverer, as in production
    const delivery = startPaymentDelivery({ ledger: ledger(db.pool), collection, log: pino({ level: 'silent' }), intervalMs: 200 });
    // the production wiring (api/server.ts): the single route's, with early payments and credit
    postArrears = arrearsWiring({ pool: db.pool, collection: counted, policy: () => KNOWN_POLICIES['default']!, onPaymentPending: delivery.nudge }).postArrears;
    startJob();
    return {
      deps: { onBatchReceived: () => job?.nudge(), onPaymentPending: delivery.nudge },
      stop: async () => {
        await job?.stop();
        await delivery.stop();
      },
    };
  },
});

let billing: string;
let ops: string;
beforeAll(async () => {
  billing = (await apiKeys(stack.db.pool).create('batch-billing', ['billing'])).key;
  ops = (await apiKeys(stack.db.pool).create('batch-ops', ['ops'])).key;
});

const zone = zoneAtLocalHour(12, Date.now());
const due = addDays(localDateOf(Date.now(), zone), -3);
const HEADER = 'accountId,billId,customerName,phone,amount,currency,dueDate,timezone,lists';
const csvLine = (acc: string, over: Partial<Record<'amount' | 'phone' | 'name' | 'currency' | 'lists', string>> = {}) =>
  [acc, `${acc}-B1`, over.name ?? '测试', over.phone ?? '13700000001', over.amount ?? '12050', over.currency ?? 'CNY', due, zone, over.lists ?? ''].join(',');

async function send(body: string, type: string, headers: Record<string, string> = {}, route = '/v1/arrears/batches') {
  const res = await fetch(`${stack.base}${route}`, {
    method: 'POST',
    headers: { 'content-type': type, authorization: `Bearer ${billing}`, ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as BatchView & Record<string, unknown> };
}
async function read(batchId: string, q = '', key = ops, route = '/v1/arrears/batches/'): Promise<BatchPage> {
  const res = await fetch(`${stack.base}${route}${batchId}${q}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as BatchPage;
}
const done = (batchId: string, route?: string) =>
  waitFor(
    async () => {
      const b = await read(batchId, '', ops, route);
      return b.state === 'done' ? b : undefined;
    },
    { ms: 90_000, what: `batch ${batchId} done` },
  );
const delivered = async (prefix: string) =>
  Number((await stack.db.pool.query('SELECT count(*)::int AS n FROM bills WHERE bill_id LIKE $1 AND delivered_at IS NOT NULL', [`${prefix}%`])).rows[0].n);

test('a CSV with bad rows mixed in: good rows enrolled, bad rows reported with row number and field, nothing lost; a re-send changes nothing', async () => {
  // one bill of the file was posted alone before: the batch leaves it unchanged
  const single = await fetch(`${stack.base}/v1/accounts/BAT-1-A6/arrears`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${billing}` },
    body: JSON.stringify({ billId: 'BAT-1-A6-B1', customerName: '测试', phone: '13700000001', amount: 12050, currency: 'CNY', dueDate: due, timezone: zone }),
  });
  expect(single.status).toBe(201);
  const csv = [
    HEADER,
    csvLine('BAT-1-A1'),
    csvLine('BAT-1-A2', { lists: 'red' }),
    csvLine('BAT-1-A3', { amount: '120.50' }), // row 3: not minor units
    csvLine('BAT-1-A4'),
    csvLine('BAT-1-A5', { phone: 'call me' }), // row 5
    csvLine('BAT-1-A6'), // row 6: posted before, same content
    csvLine('BAT-1-A6', { amount: '999' }), // row 7: the same bill id with another amount
    'BAT-1-A8,BAT-1-A8-B1,,13700000001,100,CNY,2026-13-01,UTC,', // row 8: no name, no such date
  ].join('\r\n');
  const first = await send(csv, 'text/csv');
  expect(first.status).toBe(202);
  expect(first.body.counts).toMatchObject({ rows: 8, rejected: 3 });
  const batchId = first.body.batchId;

  const end = await done(batchId);
  expect(end.counts).toEqual({ rows: 8, pending: 0, accepted: 3, updated: 0, unchanged: 1, rejected: 4, enrolled: 4 });
  expect(end.rejectedRows.map((r) => [r.row, [...new Set(r.errors.map((e) => e.field))].sort()])).toEqual([
    [3, ['amount']],
    [5, ['phone']],
    [7, ['billId']],
    [8, ['customerName', 'dueDate']],
  ]);
  expect(await delivered('BAT-1-')).toBe(4); // A1, A2, A4 and A6, each once
  for (const acc of ['BAT-1-A1', 'BAT-1-A2', 'BAT-1-A4']) expect(enrolCalls.get(`${acc}-B1`)).toBe(1);
  expect(enrolCalls.get('BAT-1-A6-B1')).toBeUndefined(); // posted alone, then left unchanged by the batch
  const state = await stack.collection.state('BAT-1-A2');
  expect(state).toMatchObject({ balance: 12050, currency: 'CNY', bills: [expect.objectContaining({ billId: 'BAT-1-A2-B1', dueDate: due })] });
  const { rows: lists } = await stack.db.pool.query("SELECT lists FROM accounts WHERE account_id = 'BAT-1-A2'");
  expect(lists).toEqual([{ lists: ['red'] }]);

  // paged: one rejected row at a time
  const p1 = await read(batchId, '?limit=1');
  expect(p1.rejectedRows.map((r) => r.row)).toEqual([3]);
  const p2 = await read(batchId, `?limit=2&after=${p1.next}`);
  expect(p2.rejectedRows.map((r) => r.row)).toEqual([5, 7]);
  expect((await read(batchId, '', billing)).batchId).toBe(batchId);

  // the same file again, with or without a batch id: the first batch, nothing written
  const rowsBefore = (await stack.db.pool.query('SELECT count(*)::int AS n FROM batch_rows')).rows[0].n as number;
  const again = await send(csv, 'text/csv');
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ batchId, state: 'done', counts: end.counts });
  expect((await send(csv, 'text/csv', { 'idempotency-key': 'BAT-1-OTHER-ID' })).body.batchId).toBe(batchId);
  expect((await stack.db.pool.query('SELECT count(*)::int AS n FROM batch_rows')).rows[0].n).toBe(rowsBefore);
  expect((await stack.db.pool.query("SELECT count(*)::int AS n FROM batches WHERE batch_id = 'BAT-1-OTHER-ID'")).rows[0].n).toBe(0);
});

test('NDJSON: one object per line, bad lines reported; a batch id with other content is a conflict', async () => {
  const row = (acc: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      accountId: acc,
      billId: `${acc}-B1`,
      customerName: '测试',
      phone: '13700000002',
      amount: 500,
      currency: 'CNY',
      dueDate: due,
      timezone: zone,
      ...extra,
    });
  const body =
    [row('BAT-2-A1'), '', '{"accountId": "BAT-2-A2", ', row('BAT-2-A3', { amount: 0 }), '[1]', row('BAT-2-A5', { segment: 'enterprise' })].join('\n') + '\n';
  const first = await send(body, 'application/x-ndjson', { 'idempotency-key': 'BAT-2' });
  expect(first.status).toBe(202);
  expect(first.body.batchId).toBe('BAT-2');
  const end = await done('BAT-2');
  expect(end.counts).toMatchObject({ rows: 5, accepted: 2, rejected: 3, enrolled: 2 });
  expect(end.rejectedRows).toEqual([
    { row: 2, errors: [{ field: 'row', message: 'not valid JSON' }] },
    { row: 3, errors: [{ field: 'amount', message: expect.any(String) }] },
    { row: 4, errors: [{ field: 'row', message: 'expected a JSON object' }] },
  ]);
  expect(await delivered('BAT-2-')).toBe(2);
  expect((await send(body, 'application/x-ndjson', { 'idempotency-key': 'BAT-2' })).status).toBe(200);
  expect((await send(row('BAT-2-A9'), 'application/x-ndjson', { 'idempotency-key': 'BAT-2' })).status).toBe(409);
  // the body is not a file of rows, or names a column the route does not know
  expect((await send('{}', 'application/json')).status).toBe(415);
  const unknown = await send(`${HEADER},colour\n${csvLine('BAT-2-X')},red`, 'text/csv');
  expect(unknown.status).toBe(400);
  expect(unknown.body['errors']).toEqual([{ field: 'body.header', message: expect.stringContaining('colour') }]);
  expect((await send('', 'text/csv')).status).toBe(400);
  expect((await send(row('BAT-2-A1'), 'application/x-ndjson', { 'idempotency-key': 'bad key!' })).status).toBe(400);
});

test('a crash in the middle of a batch is resumed: every row enrolled once', async () => {
  await job!.stop(); // the process is down while the batch arrives
  const n = 12;
  const csv = [HEADER, ...Array.from({ length: n }, (_, i) => csvLine(`BAT-3-A${i + 1}`))].join('\n');
  const first = await send(csv, 'text/csv', { 'idempotency-key': 'BAT-3' });
  expect(first.body).toMatchObject({ state: 'received', counts: { rows: n, pending: n } });

  // The crashed process had taken four rows and got as far as enrolling one of them (its bill is
  // delivered), without marking any of them: their leases run out and they are taken again.
  const taken = await store.claimPending(4, 1500);
  expect(taken.map((r) => r.rowNo)).toEqual([1, 2, 3, 4]);
  const { accountId, ...body } = taken[1]!.payload as { accountId: string } & Parameters<typeof postArrears>[1];
  await postArrears(accountId, body);
  expect((await read('BAT-3')).state).toBe('enrolling');

  startJob(); // the restart
  const end = await done('BAT-3');
  expect(end.counts).toEqual({ rows: n, pending: 0, accepted: n - 1, updated: 0, unchanged: 1, rejected: 0, enrolled: n });
  expect(await delivered('BAT-3-')).toBe(n);
  for (let i = 1; i <= n; i++) expect([i, enrolCalls.get(`BAT-3-A${i}-B1`)]).toEqual([i, 1]);
  // and on the server: each episode got its bill once (one start, one addCharge signal)
  for (let i = 1; i <= n; i++) {
    const history = await stack.client.workflow.getHandle(`collection-BAT-3-A${i}`).fetchHistory();
    const events = history.events ?? [];
    const started = events.filter((e) => e.workflowExecutionStartedEventAttributes).length;
    const signals = events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'addCharge').length;
    expect([i, started, signals]).toEqual([i, 1, 1]);
  }
});

test('npm run intake: the file streamed from disk, progress until done, counts and rejected rows', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-'));
  try {
    const file = path.join(dir, 'overdue.csv');
    fs.writeFileSync(file, [HEADER, csvLine('BAT-4-A1'), csvLine('BAT-4-A2', { currency: 'cny' }), csvLine('BAT-4-A3')].join('\n') + '\n');
    const seen: string[] = [];
    const result = await runIntake({ file, url: stack.base, key: billing, pollMs: 100, timeoutMs: 90_000, onProgress: (b) => seen.push(b.state) });
    expect(result.status).toBe(202);
    expect(result.batch).toMatchObject({ state: 'done', counts: { rows: 3, accepted: 2, rejected: 1, enrolled: 2 } });
    expect(result.rejectedRows).toEqual([{ row: 2, errors: [{ field: 'currency', message: expect.any(String) }] }]);
    expect(seen.at(-1)).toBe('done');
    const again = await runIntake({ file, url: stack.base, key: billing, pollMs: 100 });
    expect(again).toMatchObject({ status: 200, batch: { batchId: result.batch.batchId } });
    await expect(runIntake({ file, url: stack.base, key: ops })).rejects.toThrow(/403/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('batch payments: idempotent by payment id (duplicates of single payments too), stored in chunks, applied by the deliverer', async () => {
  const arrears = (acc: string) =>
    fetch(`${stack.base}/v1/accounts/${acc}/arrears`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${billing}` },
      body: JSON.stringify({ billId: `${acc}-B1`, customerName: '测试', phone: '13700000005', amount: 12050, currency: 'CNY', dueDate: due, timezone: zone }),
    });
  expect((await arrears('BAT-5-A1')).status).toBe(201);
  expect((await arrears('BAT-5-A2')).status).toBe(201);
  const paidAt = new Date(Date.now() - 60_000).toISOString();
  const single = await fetch(`${stack.base}/v1/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${billing}` },
    body: JSON.stringify({ paymentId: 'BAT-5-P1', accountId: 'BAT-5-A1', amount: 2000, currency: 'CNY', paidAt, channel: 'bank' }),
  });
  expect(single.status).toBe(201);
  const line = (id: string, acc: string, amount: string) => [id, acc, amount, 'CNY', paidAt, 'bank'].join(',');
  const csv = [
    'paymentId,accountId,amount,currency,paidAt,channel',
    line('BAT-5-P1', 'BAT-5-A1', '2000'), // row 1: the single payment again
    line('BAT-5-P2', 'BAT-5-A1', '3000'), // row 2: new
    line('BAT-5-P1', 'BAT-5-A1', '999'), // row 3: a known payment id with another amount
    line('BAT-5-P3', 'BAT-5-A2', '12050'), // row 4: pays A2 in full
    line('BAT-5-P4', 'BAT-5-A2', '1.5'), // row 5: not minor units
    line('BAT-5-P2', 'BAT-5-A1', '3000'), // row 6: row 2 again
  ].join('\n');
  const route = '/v1/payments/batches';
  const first = await send(csv, 'text/csv', {}, route);
  expect(first.status).toBe(202);
  expect(first.body).toMatchObject({ kind: 'payments', counts: { rows: 6, accepted: 2, unchanged: 2, rejected: 2 } });
  const end = await done(first.body.batchId, `${route}/`);
  expect(end.counts).toEqual({ rows: 6, pending: 0, accepted: 2, updated: 0, unchanged: 2, rejected: 2, enrolled: 4 });
  expect(end.rejectedRows.map((r) => [r.row, r.errors.map((e) => e.field)])).toEqual([
    [3, ['paymentId']],
    [5, ['amount']],
  ]);
  // each payment once in the outbox, applied once by its episode
  const { rows } = await stack.db.pool.query("SELECT payment_id, amount_minor FROM payments WHERE payment_id LIKE 'BAT-5-%' ORDER BY payment_id");
  expect(rows).toEqual([
    { payment_id: 'BAT-5-P1', amount_minor: 2000 },
    { payment_id: 'BAT-5-P2', amount_minor: 3000 },
    { payment_id: 'BAT-5-P3', amount_minor: 12050 },
  ]);
  const a1 = await stack.collection.state('BAT-5-A1');
  expect(a1).toMatchObject({ balance: 12050 - 2000 - 3000, paid: 5000 });
  expect(a1!.payments.map((p) => p.paymentId).sort()).toEqual(['BAT-5-P1', 'BAT-5-P2']);
  await waitFor(async () => ((await stack.collection.state('BAT-5-A2'))?.status === 'paid' ? true : undefined), { what: 'BAT-5-A2 paid' });
  // a re-send changes nothing; an arrears batch id is not a payments batch
  expect((await send(csv, 'text/csv', {}, route)).status).toBe(200);
  const wrong = await fetch(`${stack.base}/v1/arrears/batches/${first.body.batchId}`, { headers: { authorization: `Bearer ${ops}` } });
  expect(wrong.status).toBe(404);
});

test('a batch-enrolled bill starts with the account’s early payment applied, like the single route: no SMS for what it paid', async () => {
  const pay = (paymentId: string, accountId: string, amount: number) =>
    fetch(`${stack.base}/v1/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${billing}` },
      body: JSON.stringify({ paymentId, accountId, amount, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'counter' }),
    });
  // paid before billing's overdue list arrived: kept as unapplied (no episode yet)
  expect((await pay('BAT-6-P1', 'BAT-6-A1', 12050)).status).toBe(201); // covers A1's bill
  expect((await pay('BAT-6-P2', 'BAT-6-A2', 2050)).status).toBe(201); // part of A2's
  const first = await send([HEADER, csvLine('BAT-6-A1'), csvLine('BAT-6-A2')].join('\n'), 'text/csv');
  expect(first.status).toBe(202);
  const end = await done(first.body.batchId);
  expect(end.counts).toMatchObject({ rows: 2, accepted: 2, rejected: 0, enrolled: 2 });
  // A1: the episode started with the payment applied and ended paid before planning any rung
  await expect(stack.client.workflow.getHandle('collection-BAT-6-A1').result()).resolves.toMatchObject({ status: 'paid', balance: 0 });
  const a1 = await stack.collection.state('BAT-6-A1');
  expect(a1).toMatchObject({ status: 'paid', balance: 0, steps: [] });
  expect(a1!.payments.map((p) => p.paymentId)).toEqual(['BAT-6-P1']);
  const a2 = await stack.collection.state('BAT-6-A2');
  expect(a2).toMatchObject({ balance: 10000, paid: 2050 });
  expect(a2!.payments.map((p) => p.paymentId)).toEqual(['BAT-6-P2']);
  const { rows: sent } = await stack.db.pool.query("SELECT provider FROM provider_requests WHERE account_id = 'BAT-6-A1'");
  expect(sent).toEqual([]);
  const { rows: payments } = await stack.db.pool.query("SELECT payment_id, episode_id FROM payments WHERE payment_id LIKE 'BAT-6-%' ORDER BY payment_id");
  expect(payments).toEqual([
    { payment_id: 'BAT-6-P1', episode_id: 'BAT-6-A1-B1' },
    { payment_id: 'BAT-6-P2', episode_id: 'BAT-6-A2-B1' },
  ]);
});

test('CSV rows carry lines (lineId:number:service|…): stored and started per line; a bad part reported as lines.<i>.<field>', async () => {
  const header = `${HEADER},lines`;
  const csv = [
    header,
    `${csvLine('BAT-7-A1')},L1:13700000071:mobile|L2:02088880071:fixed| L3 : 02088880072 : broadband `, // row 1: three lines
    `${csvLine('BAT-7-A2')},`, // row 2: no lines: the phone is line L1
    `${csvLine('BAT-7-A3')},L1:13700000073:satellite`, // row 3: no such service
    `${csvLine('BAT-7-A4')},L1:13700000074:mobile|L2:fixed`, // row 4: the second line has two parts, not three
    `${csvLine('BAT-7-A5')},L1:13700000075:mobile|L1:13700000076:tv`, // row 5: the same line id twice
    `${csvLine('BAT-7-A6')},ACC:L:9:13700000077:tv`, // row 6: a line id with ':' in it
  ].join('\n');
  const first = await send(csv, 'text/csv');
  expect(first.status).toBe(202);
  const end = await done(first.body.batchId);
  expect(end.counts).toMatchObject({ rows: 6, accepted: 3, rejected: 3, enrolled: 3 });
  expect(end.rejectedRows.map((r) => [r.row, r.errors.map((e) => e.field)])).toEqual([
    [3, ['lines.0.service']],
    [4, ['lines.1.number', 'lines.1.service']], // read as number "fixed", no service
    [5, ['lines']],
  ]);
  const { rows } = await stack.db.pool.query(
    "SELECT account_id, line_id, number, service FROM account_lines WHERE account_id LIKE 'BAT-7-%' ORDER BY account_id, line_id",
  );
  expect(rows).toEqual([
    { account_id: 'BAT-7-A1', line_id: 'L1', number: '13700000071', service: 'mobile' },
    { account_id: 'BAT-7-A1', line_id: 'L2', number: '02088880071', service: 'fixed' },
    { account_id: 'BAT-7-A1', line_id: 'L3', number: '02088880072', service: 'broadband' },
    { account_id: 'BAT-7-A2', line_id: 'L1', number: '13700000001', service: 'mobile' },
    { account_id: 'BAT-7-A6', line_id: 'ACC:L:9', number: '13700000077', service: 'tv' },
  ]);
  const a1 = await stack.collection.state('BAT-7-A1');
  expect(a1!.lines.map((l) => [l.lineId, l.service])).toEqual([
    ['L1', 'mobile'],
    ['L2', 'fixed'],
    ['L3', 'broadband'],
  ]);
});

test('the answers checked against their schemas cover exactly the batch routes', () => {
  expect([...fetch.checked.keys()].filter((op) => op !== '(no route)' && op !== 'postArrears' && op !== 'postPayment').sort()).toEqual(
    [...BATCH_ROUTES_COVERED].sort(),
  );
});
