// Benchmark 1: enrolment throughput. N overdue bills posted through the HTTP API (validation,
// ledger rows, signal-with-start of the account's collection workflow, whose first task runs on the
// worker) against N no-op workflows started directly with the client on the same dev server and
// completed by a worker in the same process. Rounds alternate so drift hits both sides alike.
//   npm run bench:enrol -- [--accounts 1000] [--concurrency 16] [--rounds 2]
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import { parseArgs } from 'node:util';
import { addDays, localDateOf } from '../domain/policy/calendar';
import { DEFAULT_POLICY } from '../domain/policy/default-policy';
import { baselineActivities } from './baseline/activities';
import { pooled, report, runBench, withBench } from './harness';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { accounts: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '16' }, rounds: { type: 'string', default: '2' } },
  });
  const n = Number(values.accounts);
  const concurrency = Number(values.concurrency);
  const rounds = Number(values.rounds);
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./baseline/workflows'), logger: new DefaultLogger('WARN') });

  await withBench(DEFAULT_POLICY, async ({ temporal, enrol }) => {
    const native = await NativeConnection.connect({ address: temporal.address });
    const baselineWorker = await Worker.create({ connection: native, taskQueue: 'baseline', workflowBundle: bundle, activities: baselineActivities });
    // Due yesterday: every episode starts, plans its first reminder and sleeps.
    const dueDate = addDays(localDateOf(Date.now(), 'Asia/Shanghai'), -1);
    const results: { round: number; apiPerSecond: number; noopPerSecond: number }[] = [];
    try {
      await baselineWorker.runUntil(async () => {
        for (let round = 1; round <= rounds; round++) {
          const ids = Array.from({ length: n }, (_, i) => `${process.pid}-${round}-${i}`);
          let t0 = performance.now();
          await pooled(ids, concurrency, async (id) => {
            await temporal.client.workflow.start('noopWorkflow', { taskQueue: 'baseline', workflowId: `noop-${id}` });
          });
          const noopPerSecond = n / ((performance.now() - t0) / 1000);

          t0 = performance.now();
          await pooled(ids, concurrency, async (id) => {
            await enrol(`BE-${id}`, 10_000, dueDate);
          });
          const apiPerSecond = n / ((performance.now() - t0) / 1000);
          results.push({ round, apiPerSecond: Math.round(apiPerSecond), noopPerSecond: Math.round(noopPerSecond) });
          console.error(`round ${round}: API ${Math.round(apiPerSecond)}/s, no-op ${Math.round(noopPerSecond)}/s`);
        }
        // Not timed: let the started workflows finish their first task before the servers stop.
        await new Promise((r) => setTimeout(r, 3000));
      });
    } finally {
      await native.close();
    }
    const api = results.reduce((t, r) => t + r.apiPerSecond, 0) / results.length;
    const noop = results.reduce((t, r) => t + r.noopPerSecond, 0) / results.length;
    report('enrolment-throughput', {
      accounts: n,
      concurrency,
      rounds: results,
      apiEnrolmentsPerSecond: Math.round(api),
      noopStartsPerSecond: Math.round(noop),
      ratioApiToNoop: Math.round((api / noop) * 1000) / 1000,
    });
  });
}

runBench(main);
