// Benchmark 5: simulation speed. Generates the synthetic portfolio (simulate/generate.ts, seeded)
// and runs it with `runScenario` exactly as `npm run simulate` does; prints simulated
// account-months per wall second. Baseline in the same run: bare workflows of (no-op activity,
// timer) steps on the same test server binary, same batch size and parallelism, so the ratio says
// how close a collection step comes to the cheapest step the server can run.
//   npm run bench:simulate -- [--accounts 10000] [--seed 1] [--parallel 2] [--baseline-accounts 1000]
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { parseArgs } from 'node:util';
import { quietTemporalRuntime } from '../config/logger';
import { withThrowawayDatabase } from '../db/throwaway';
import { testServerPath } from '../scripts/temporal-bins';
import { generateScenario } from '../simulate/generate';
import { runScenario } from '../simulate/run';
import { parseScenario } from '../simulate/scenario';
import { WORKFLOWS_PATH } from '../worker/create-worker';
import { baselineActivities } from './baseline/activities';
import { pooled, report, runBench } from './harness';

const BATCH = 200;
const BASELINE_STEPS = 10;
const BASELINE_GAP_MS = 18 * 86_400_000; // ten steps over six months

async function baselineBatch(bundle: WorkflowBundleWithSourceMap, accounts: number): Promise<void> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServerPath() } } });
  try {
    const taskQueue = 'baseline';
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: baselineActivities });
    await worker.runUntil(async () => {
      const handles = await Promise.all(
        Array.from({ length: accounts }, (_, i) =>
          env.client.workflow.start('stepsWorkflow', { taskQueue, workflowId: `baseline-${i}`, args: [BASELINE_STEPS, BASELINE_GAP_MS] }),
        ),
      );
      // One unlock for all results (TOOLCHAIN.md: overlapping result() calls break time skipping).
      const testService = env.connection.testService;
      if (!testService) throw new Error('not a time-skipping test server');
      await testService.unlockTimeSkipping({});
      try {
        const plain = new Client({ connection: env.connection });
        await Promise.all(handles.map((h) => plain.workflow.getHandle(h.workflowId).result()));
      } finally {
        await testService.lockTimeSkipping({});
      }
    });
  } finally {
    await env.teardown();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      accounts: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '1' },
      parallel: { type: 'string', default: '2' },
      'baseline-accounts': { type: 'string', default: '1000' },
    },
  });
  const accounts = Number(values.accounts);
  const parallel = Number(values.parallel);
  const baselineAccounts = Number(values['baseline-accounts']);
  quietTemporalRuntime('ERROR');
  const { scenario, policy } = parseScenario(generateScenario({ accounts, seed: Number(values.seed) }));
  const months = 6;

  await withThrowawayDatabase({ name: 'bench-simulate', port: 56500 + (process.pid % 400), fast: true }, async ({ pool }) => {
    const quiet = new DefaultLogger('WARN');

    // Baseline: bare (activity, timer) steps, batches of 200, same parallelism.
    const baselineBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./baseline/workflows'), logger: quiet });
    const sizes = Array.from({ length: Math.ceil(baselineAccounts / BATCH) }, (_, i) => Math.min(BATCH, baselineAccounts - i * BATCH));
    let t0 = performance.now();
    await pooled(sizes, parallel, (n) => baselineBatch(baselineBundle, n));
    const baselineSeconds = (performance.now() - t0) / 1000;
    const baselineStepsPerSecond = (baselineAccounts * BASELINE_STEPS) / baselineSeconds;

    const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet });
    t0 = performance.now();
    let lastPrint = 0;
    const result = await runScenario(scenario, policy, {
      pool,
      bundle,
      parallel,
      onProgress: (done, total) => {
        if (performance.now() - lastPrint > 30_000 || done === total) {
          lastPrint = performance.now();
          console.error(`  ${done}/${total} accounts, ${Math.round((performance.now() - t0) / 1000)} s`);
        }
      },
    });
    const wallSeconds = (performance.now() - t0) / 1000;
    const actions = result.accounts.reduce((t, a) => t + a.actions.length, 0);
    const stepsPerSecond = actions / wallSeconds;
    report('simulation-speed', {
      accounts,
      months,
      events: scenario.events.length,
      parallel,
      wallSeconds: Math.round(wallSeconds),
      accountMonthsPerSecond: Math.round((accounts * months) / wallSeconds),
      actions,
      actionsPerSecond: Math.round(stepsPerSecond),
      baseline: {
        accounts: baselineAccounts,
        stepsPerAccount: BASELINE_STEPS,
        wallSeconds: Math.round(baselineSeconds),
        stepsPerSecond: Math.round(baselineStepsPerSecond),
      },
      ratioActionsToBaselineSteps: Math.round((stepsPerSecond / baselineStepsPerSecond) * 1000) / 1000,
      summary: result.summary,
    });
  });
}

runBench(main);
