// Benchmark 7: batch payments (issue 13). In one run, on loopback, each figure a ratio against a
// baseline measured in the same run on the same servers:
//  1. acceptance: one `POST /v1/payments/batches` (NDJSON, N rows) until its 202 (the batch and its
//     rows stored in the payments outbox), vs N raw single-row INSERTs into the same PostgreSQL
//     (one per transaction, `--concurrency` at a time); the medians of `--rounds`. Goal ≥ 2×.
//  2. application: the same batch's payments applied to their episodes by the outbox deliverer
//     (from the 202 until every row is answered), vs the same number of `postPayment` workflow
//     updates sent straight from the client, as many at a time as the deliverer runs (8), to a
//     second set of as many open episodes (the same history lengths). Goal ≥ 0.8×.
//  3. burst: B accounts suspended at once (a ladder whose only rung is the suspension, due dates
//     40 days back) are paid in full by one batch: per account, the time from the deliverer sending
//     the payment to its episode until the network adapter (the simulator) receives `restore`
//     (p50/p99, goal p99 < 1 s); and the whole burst (from the POST until the last restore) vs a
//     second set of B suspended accounts paid by direct updates (first update sent until the last
//     restore). Goal ≤ 1.25×.
//   npm run bench:batches -- [--payments 200] [--accounts 20] [--burst 200] [--rounds 3] [--concurrency 8] [--timeout 900]
//   npm run bench:batches -- --profile    (CPU profiles of the main thread per phase, bench/results/tmp/)
//   npm run bench:batches -- --full        (the sizes: 1,000 payments, 1,000 + 1,000 burst accounts)
// Sizes also from BENCH_BATCH_PAYMENTS, BENCH_BATCH_ACCOUNTS, BENCH_BATCH_BURST.
import type { Client } from '@temporalio/client';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CollectionClient } from '../api/collection-client';
import type { SimulatedRequest } from '../activities/providers/simulator';
import { addDays, localDateOf } from '../domain/policy/calendar';
import { DEFAULT_POLICY } from '../domain/policy/default-policy';
import type { CollectionPolicy, Payment } from '../domain/policy/types';
import { postPaymentUpdate } from '../workflows/messages';
import { metricsBetween, percentile, pooled, report, runBench, withBench, workerMetrics } from './harness';

// A ladder whose only rung is the suspension, due 31 days after the due date, at any hour: a bill
// due 40 days back is suspended as soon as it is enrolled; one due 3 days back sleeps (stays open).
const SUSPEND_NOW: CollectionPolicy = {
  ...DEFAULT_POLICY,
  id: 'bench-suspend-now',
  minHoursBetweenSteps: 0,
  unwindowedActions: ['restore', 'suspend_outgoing'],
  contact: undefined,
  ladders: { standard: [{ id: 'suspend-outgoing', action: 'suspend_outgoing', at: { kind: 'days_after_due', days: 31 } }] },
  segmentLadders: { consumer: 'standard', enterprise: 'standard', ecommerce: 'standard', key_account: 'standard' },
  blackListLadder: 'standard',
};

/** The deliverer's default concurrency (api/payment-delivery.ts): the direct baselines use as many. */
const DELIVERER_CONCURRENCY = 8;

/** The collection client of the API and the deliverer, noting when each payment is sent and answered. */
class TimedCollectionClient extends CollectionClient {
  readonly sentAt = new Map<string, number>();
  readonly answeredAt = new Map<string, number>();
  override async postPayment(accountId: string, payment: Payment) {
    this.sentAt.set(payment.paymentId, performance.now());
    const result = await super.postPayment(accountId, payment);
    this.answeredAt.set(payment.paymentId, performance.now());
    return result;
  }
}

/**
 * `--profile`: a CPU profile of this process's main thread (the API, the deliverer, the client and
 * the worker's activities; not the workflow thread) over a phase, written to
 * bench/results/tmp/batch-<phase>.cpuprofile (open in Chrome DevTools), and its top self times.
 */
async function profiled<T>(on: boolean, phase: string, fn: () => Promise<T>): Promise<T> {
  if (!on) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const dir = path.join(__dirname, 'results', 'tmp');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `batch-${phase}.cpuprofile`), JSON.stringify(profile));
    const interval = (profile.endTime - profile.startTime) / 1000 / (profile.samples?.length ?? 1);
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    for (const id of profile.samples ?? []) {
      const f = byId.get(id)!.callFrame;
      const where = f.url ? f.url.replace(/^.*node_modules\//, '').replace(/^.*?\/(api|db|activities|worker|bench)\//, '$1/') : '';
      const key = `${f.functionName || '(anonymous)'} ${where.split('/').slice(0, 3).join('/')}`.trim();
      self.set(key, (self.get(key) ?? 0) + interval);
    }
    const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 12);
    console.error(`profile ${phase} (ms of main-thread self time):\n` + top.map(([k, v]) => `  ${Math.round(v)}  ${k}`).join('\n'));
  }
}

const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const env = process.env;
  const { values } = parseArgs({
    options: {
      full: { type: 'boolean', default: false },
      payments: { type: 'string' },
      accounts: { type: 'string' },
      burst: { type: 'string' },
      concurrency: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '3' },
      timeout: { type: 'string', default: '900' },
      profile: { type: 'boolean', default: false },
    },
  });
  const size = (flag: string | undefined, envValue: string | undefined, quick: number, full: number) => {
    const n = Number(flag ?? envValue ?? (values.full ? full : quick));
    if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive integer: ${flag ?? envValue}`);
    return n;
  };
  const payments = size(values.payments, env.BENCH_BATCH_PAYMENTS, 200, 1000);
  const accounts = size(values.accounts, env.BENCH_BATCH_ACCOUNTS, 20, 50);
  const burst = size(values.burst, env.BENCH_BATCH_BURST, 200, 1000);
  const concurrency = Number(values.concurrency);
  const rounds = Number(values.rounds);
  const deadline = performance.now() + Number(values.timeout) * 1000;
  const until = async (what: string, done: () => boolean | Promise<boolean>, pollMs = 10) => {
    while (!(await done())) {
      if (performance.now() > deadline) throw new Error(`timed out (--timeout ${values.timeout} s) waiting for ${what}`);
      await sleep(pollMs);
    }
  };
  let timed: TimedCollectionClient | undefined;
  const collectionClient = (client: Client, taskQueue: string) => (timed = new TimedCollectionClient(client, taskQueue));

  await withBench(
    SUSPEND_NOW,
    async ({ pool, temporal, enrol, simulator, api }) => {
      const tag = `${process.pid}`;
      const today = localDateOf(Date.now(), 'Asia/Shanghai');
      const suspended = new Set<string>();
      const restoredAt = new Map<string, number>();
      simulator.events.on('request', (r: SimulatedRequest) => {
        if (r.operation === 'setServiceState:outgoing_barred') suspended.add(r.accountId);
        if (r.operation === 'setServiceState:active' && !restoredAt.has(r.accountId)) restoredAt.set(r.accountId, performance.now());
      });
      const postBatch = async (rows: object[]) => {
        const res = await fetch(`${api.url}/v1/payments/batches`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${api.key}` },
          body: rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
        });
        const body = (await res.json()) as { batchId: string; counts: { rows: number; accepted: number; rejected: number } };
        if (res.status !== 202 || body.counts.accepted !== rows.length) throw new Error(`batch: ${res.status} ${JSON.stringify(body)}`);
        return body;
      };
      const unanswered = async (prefix: string) =>
        (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM payments WHERE result IS NULL AND payment_id LIKE $1', [`${prefix}%`])).rows[0]!.n;
      const direct = (accountId: string, paymentId: string, amount: number) => {
        const payment: Payment = { paymentId, amount, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'bank' };
        return temporal.client.workflow
          .getHandle(`collection-${accountId}`)
          .executeUpdate(postPaymentUpdate, { args: [payment], updateId: `payment-${paymentId}` });
      };

      // Set-up: open episodes for phases 1-2 (due 3 days back: asleep until day 31), and two sets
      // of burst accounts (due 40 days back: suspended at once).
      let t0 = performance.now();
      // two disjoint sets of open episodes, so the batch and the direct updates meet the same history lengths
      const openIds = Array.from({ length: accounts }, (_, i) => `BB-${tag}-O${i}`);
      const directIds = Array.from({ length: accounts }, (_, i) => `BB-${tag}-Q${i}`);
      const batchBurst = Array.from({ length: burst }, (_, i) => `BB-${tag}-A${i}`);
      const directBurst = Array.from({ length: burst }, (_, i) => `BB-${tag}-D${i}`);
      await pooled([...openIds, ...directIds], 16, (id) => enrol(id, 100_000_000, addDays(today, -3)));
      await pooled([...batchBurst, ...directBurst], 16, (id) => enrol(id, 10_000, addDays(today, -40)));
      await until(`${2 * burst} suspensions`, () => [...batchBurst, ...directBurst].every((id) => suspended.has(id)), 50);
      const setupSeconds = (performance.now() - t0) / 1000;
      // Each phase starts on a quiet worker: no workflow task completed for half a second.
      const quiet = async () => {
        const tasks = async () => (await workerMetrics()).temporal_workflow_task_execution_latency?.count ?? 0;
        let last = await tasks();
        for (let i = 0; i < 60; i++) {
          await sleep(500);
          const now = await tasks();
          if (now === last) return;
          last = now;
        }
      };
      console.error(`set-up: ${2 * accounts + 2 * burst} accounts enrolled, ${2 * burst} suspended in ${round(setupSeconds, 1)} s`);

      // 1. Acceptance, `--rounds` times, alternating which goes first: N raw single-row inserts
      // (one per transaction) vs one batch of N rows. The rounds' batches are for accounts with no
      // episode (the deliverer answers them "recorded" at once), so they add no episode work; the
      // figure is the median of the rounds (one upload is short and this machine is shared).
      await quiet();
      await pool.query('CREATE TABLE bench_raw_payments (id text PRIMARY KEY, account_id text NOT NULL, amount bigint NOT NULL)');
      const rawRates: number[] = [];
      const acceptRates: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const raw = async () => {
          const t = performance.now();
          await pooled(
            Array.from({ length: payments }, (_, i) => i),
            concurrency,
            async (i) => {
              await pool.query('INSERT INTO bench_raw_payments (id, account_id, amount) VALUES ($1, $2, $3)', [
                `R${r}-${i}`,
                `BB-${tag}-N${i % accounts}`,
                100,
              ]);
            },
          );
          rawRates.push(payments / ((performance.now() - t) / 1000));
        };
        const batch = async () => {
          const paidAt = new Date().toISOString();
          const t = performance.now();
          await profiled(values.profile && r === 0, 'accept', () =>
            postBatch(
              Array.from({ length: payments }, (_, i) => ({
                paymentId: `BB-${tag}-X${r}-${i}`,
                accountId: `BB-${tag}-N${i % accounts}`,
                amount: 100,
                currency: 'CNY',
                paidAt,
                channel: 'bank',
              })),
            ),
          );
          acceptRates.push(payments / ((performance.now() - t) / 1000));
        };
        if (r % 2 === 0) {
          await raw();
          await batch();
        } else {
          await batch();
          await raw();
        }
        await until(`round ${r + 1}'s batch answered`, async () => (await unanswered(`BB-${tag}-X${r}-`)) === 0, 200);
      }
      const median = (xs: number[]) => percentile(xs, 50);

      // 1b + 2a. One batch of small partial payments over the open episodes (they stay open).
      const paidAt = new Date().toISOString();
      const rows = Array.from({ length: payments }, (_, i) => ({
        paymentId: `BB-${tag}-P${i}`,
        accountId: openIds[i % accounts]!,
        amount: 100,
        currency: 'CNY',
        paidAt,
        channel: 'bank',
      }));
      let m0 = await workerMetrics();
      t0 = performance.now();
      await profiled(values.profile, 'accept', () => postBatch(rows));
      const acceptSeconds = (performance.now() - t0) / 1000;
      t0 = performance.now();
      // applied: every payment answered by its episode (noted in memory, not by polling the database)
      await profiled(values.profile, 'apply', () => until(`${payments} batch payments applied`, () => rows.every((r) => timed!.answeredAt.has(r.paymentId))));
      const applySeconds = (Math.max(...rows.map((r) => timed!.answeredAt.get(r.paymentId)!)) - t0) / 1000;
      await until('the batch answers stored', async () => (await unanswered(`BB-${tag}-P`)) === 0, 100);
      const batchMetrics = metricsBetween(m0, await workerMetrics());

      // 2b. Baseline: the same number of workflow updates straight from the client, 8 at a time.
      await quiet();
      m0 = await workerMetrics();
      t0 = performance.now();
      await profiled(values.profile, 'direct', () =>
        pooled(
          Array.from({ length: payments }, (_, i) => i),
          DELIVERER_CONCURRENCY,
          async (i) => {
            await direct(directIds[i % accounts]!, `BB-${tag}-U${i}`, 100);
          },
        ),
      );
      const directSeconds = (performance.now() - t0) / 1000;
      const directMetrics = metricsBetween(m0, await workerMetrics());

      // 3a. Burst by batch: every suspended account of the first set paid in full in one file.
      await quiet();
      const burstRows = batchBurst.map((id) => ({ paymentId: `${id}-P`, accountId: id, amount: 10_000, currency: 'CNY', paidAt, channel: 'online' }));
      t0 = performance.now();
      await postBatch(burstRows);
      const burstAcceptMs = performance.now() - t0;
      await until(`${burst} restorations (batch)`, () => batchBurst.every((id) => restoredAt.has(id)), 5);
      const batchBurstMs = Math.max(...batchBurst.map((id) => restoredAt.get(id)!)) - t0;
      const fromSend = batchBurst.map((id) => restoredAt.get(id)! - timed!.sentAt.get(`${id}-P`)!);
      const fromAnswer = batchBurst.map((id) => restoredAt.get(id)! - timed!.answeredAt.get(`${id}-P`)!);

      // 3b. The same burst by direct updates on the second set, as many at a time as the deliverer.
      await quiet();
      const directSentAt = new Map<string, number>();
      const directAnsweredAt = new Map<string, number>();
      t0 = performance.now();
      await pooled(directBurst, DELIVERER_CONCURRENCY, async (id) => {
        directSentAt.set(id, performance.now());
        await direct(id, `${id}-P`, 10_000);
        directAnsweredAt.set(id, performance.now());
      });
      await until(`${burst} restorations (direct)`, () => directBurst.every((id) => restoredAt.has(id)), 5);
      const directBurstMs = Math.max(...directBurst.map((id) => restoredAt.get(id)!)) - t0;
      const directFromSend = directBurst.map((id) => restoredAt.get(id)! - directSentAt.get(id)!);
      const directFromAnswer = directBurst.map((id) => restoredAt.get(id)! - directAnsweredAt.get(id)!);

      const ms = (xs: number[]) => ({ p50: round(percentile(xs, 50)), p99: round(percentile(xs, 99)), max: round(Math.max(...xs)) });
      const acceptedPerSecond = median(acceptRates);
      const rawPerSecond = median(rawRates);
      const appliedPerSecond = payments / applySeconds;
      const directPerSecond = payments / directSeconds;
      const figures = {
        sizes: { payments, accounts, burst, rounds, rawConcurrency: concurrency, delivererConcurrency: DELIVERER_CONCURRENCY, full: values.full },
        setupSeconds: round(setupSeconds, 1),
        acceptance: {
          batchAcceptedPerSecond: round(acceptedPerSecond),
          rawInsertsPerSecond: round(rawPerSecond),
          ratio: round(acceptedPerSecond / rawPerSecond, 2),
          rounds: acceptRates.map((a, i) => ({ batch: round(a), raw: round(rawRates[i]!) })),
          // the acceptance of the batch of phase 2 (for open episodes), for comparison
          episodeBatchAcceptedPerSecond: round(payments / acceptSeconds),
          goal: '≥ 2',
          met: acceptedPerSecond / rawPerSecond >= 2,
        },
        application: {
          batchAppliedPerSecond: round(appliedPerSecond, 1),
          directUpdatesPerSecond: round(directPerSecond, 1),
          ratio: round(appliedPerSecond / directPerSecond, 2),
          goal: '≥ 0.8',
          met: appliedPerSecond / directPerSecond >= 0.8,
        },
        burst: {
          accounts: burst,
          batchAcceptMs: round(burstAcceptMs),
          // from the payment's application (the episode's answer to the deliverer's update: the
          // update completes in the workflow task that applied it) to the network adapter's restore
          restoreFromApplicationMs: ms(fromAnswer),
          // from the deliverer sending the update (includes its wait for the busy workflow service)
          restoreFromSendMs: ms(fromSend),
          directRestoreFromApplicationMs: ms(directFromAnswer),
          directRestoreFromSendMs: ms(directFromSend),
          p99Goal: '< 1000 ms',
          p99Met: percentile(fromAnswer, 99) < 1000,
          batchBurstMs: round(batchBurstMs),
          directBurstMs: round(directBurstMs),
          ratio: round(batchBurstMs / directBurstMs, 2),
          goal: '≤ 1.25',
          met: batchBurstMs / directBurstMs <= 1.25,
        },
        // The worker's Temporal metrics while the direct updates and the batch's deliveries ran.
        workerMetrics: { direct: directMetrics, batch: batchMetrics },
      };
      const a = figures.acceptance;
      const b = figures.application;
      const c = figures.burst;
      const row = (figure: string, batch: number, baseline: number, ratio: number | '' = '', goal = '', met: boolean | '' = '') => ({
        figure,
        batch,
        baseline,
        ratio,
        goal,
        met,
      });
      console.table([
        row(`accepted/s (${payments} rows)`, a.batchAcceptedPerSecond, a.rawInsertsPerSecond, a.ratio, a.goal, a.met),
        row(`applied/s (${accounts} episodes)`, b.batchAppliedPerSecond, b.directUpdatesPerSecond, b.ratio, b.goal, b.met),
        row(`burst ${burst}: applied→restored p50 ms`, c.restoreFromApplicationMs.p50, c.directRestoreFromApplicationMs.p50),
        row(`burst ${burst}: applied→restored p99 ms`, c.restoreFromApplicationMs.p99, c.directRestoreFromApplicationMs.p99, '', c.p99Goal, c.p99Met),
        row(`burst ${burst}: sent→restored p99 ms`, c.restoreFromSendMs.p99, c.directRestoreFromSendMs.p99),
        row(`burst ${burst}: all restored ms`, c.batchBurstMs, c.directBurstMs, c.ratio, c.goal, c.met),
      ]);
      report('batch-payments', figures);
    },
    { collectionClient },
  );
}

runBench(main);
