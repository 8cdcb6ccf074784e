// Benchmark 3: payment posting throughput. Payments posted through the HTTP API (validated,
// recorded idempotently in PostgreSQL, applied to the episode by a workflow update, answered
// synchronously) against raw single-row INSERTs into the same PostgreSQL in the same run; the
// same workflow updates sent straight from the client (where the time goes); and bulk posting
// with `Prefer: respond-async` (kept in the outbox, 202, applied by the deliverer).
//   npm run bench:payments -- [--accounts 20] [--payments 400] [--concurrency 8]
import { parseArgs } from 'node:util';
import { addDays, localDateOf } from '../domain/policy/calendar';
import { postPaymentUpdate } from '../workflows/messages';
import { DEFAULT_POLICY } from '../domain/policy/default-policy';
import { metricsBetween, pooled, report, runBench, withBench, workerMetrics } from './harness';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { accounts: { type: 'string', default: '20' }, payments: { type: 'string', default: '400' }, concurrency: { type: 'string', default: '8' } },
  });
  const accounts = Number(values.accounts);
  const payments = Number(values.payments);
  const concurrency = Number(values.concurrency);
  await withBench(DEFAULT_POLICY, async ({ pool, post, temporal, enrol }) => {
    const dueDate = addDays(localDateOf(Date.now(), 'Asia/Shanghai'), -3);
    const ids = Array.from({ length: accounts }, (_, i) => `BP-${process.pid}-${i}`);
    for (const id of ids) await enrol(id, 10_000_000, dueDate);

    // Baseline: raw single-row inserts, one per transaction, same concurrency.
    await pool.query('CREATE TABLE bench_raw (id text PRIMARY KEY, amount bigint NOT NULL)');
    const raw = Array.from({ length: payments }, (_, i) => i);
    let t0 = performance.now();
    await pooled(raw, concurrency, async (i) => {
      await pool.query('INSERT INTO bench_raw (id, amount) VALUES ($1, $2)', [`R${i}`, 100]);
    });
    const rawPerSecond = payments / ((performance.now() - t0) / 1000);

    // Small partial payments spread over the accounts, so every episode stays open.
    const items = Array.from({ length: payments }, (_, i) => ({ id: `BP-${process.pid}-P${i}`, account: ids[i % accounts]! }));
    let m0 = await workerMetrics();
    t0 = performance.now();
    await pooled(items, concurrency, async ({ id, account }) => {
      const res = await post('/v1/payments', {
        paymentId: id,
        accountId: account,
        amount: 100,
        currency: 'CNY',
        paidAt: new Date().toISOString(),
        channel: 'bank',
      });
      if (res.status !== 201) throw new Error(`pay ${id}: ${res.status} ${await res.text()}`);
    });
    const apiPerSecond = payments / ((performance.now() - t0) / 1000);
    const apiMetrics = metricsBetween(m0, await workerMetrics());

    // Where the time goes: the same workflow update sent straight from the client (no HTTP, no ledger).
    m0 = await workerMetrics();
    t0 = performance.now();
    await pooled(items, concurrency, async ({ id, account }) => {
      const payment = { paymentId: `${id}-direct`, amount: 100, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'bank' };
      await temporal.client.workflow
        .getHandle(`collection-${account}`)
        .executeUpdate(postPaymentUpdate, { args: [payment], updateId: `payment-${payment.paymentId}` });
    });
    const updatesPerSecond = payments / ((performance.now() - t0) / 1000);
    const directMetrics = metricsBetween(m0, await workerMetrics());

    // Bulk posting (`Prefer: respond-async`): each payment is kept in the outbox and answered 202;
    // the deliverer applies them. Accept rate, and the rate until the last one is applied.
    t0 = performance.now();
    await pooled(items, concurrency, async ({ id, account }) => {
      const res = await post(
        '/v1/payments',
        { paymentId: `${id}-async`, accountId: account, amount: 100, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'bank' },
        { prefer: 'respond-async' },
      );
      if (res.status !== 202) throw new Error(`pay ${id} async: ${res.status} ${await res.text()}`);
    });
    const acceptedPerSecond = payments / ((performance.now() - t0) / 1000);
    for (;;) {
      const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM payments WHERE result IS NULL AND payment_id LIKE '%-async'");
      if (rows[0]!.n === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const asyncAppliedPerSecond = payments / ((performance.now() - t0) / 1000);
    report('payment-throughput', {
      accounts,
      payments,
      concurrency,
      apiPaymentsPerSecond: Math.round(apiPerSecond),
      rawInsertsPerSecond: Math.round(rawPerSecond),
      directWorkflowUpdatesPerSecond: Math.round(updatesPerSecond),
      asyncAcceptedPerSecond: Math.round(acceptedPerSecond),
      asyncAppliedPerSecond: Math.round(asyncAppliedPerSecond),
      ratioAsyncAcceptedToRaw: Math.round((acceptedPerSecond / rawPerSecond) * 1000) / 1000,
      ratioApiToRaw: Math.round((apiPerSecond / rawPerSecond) * 1000) / 1000,
      // The worker's Temporal metrics during the synchronous API phase and the direct-update phase.
      workerMetrics: { api: apiMetrics, direct: directMetrics },
    });
  });
}

runBench(main);
