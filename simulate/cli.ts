// `npm run simulate -- --scenario <file.json> [--out <result.json>] [--batch 200] [--parallel 2]`: runs the
// scenario on the real workflows (time-skipping test server, simulated providers, a throw-away
// embedded PostgreSQL) and writes the result. A progress bar on the terminal for long runs.
import { SingleBar, Presets } from 'cli-progress';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { quietTemporalRuntime } from '../config/logger';
import { withThrowawayDatabase } from '../db/throwaway';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../worker/create-worker';
import { runScenario } from './run';
import { parseScenario } from './scenario';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { scenario: { type: 'string' }, out: { type: 'string' }, batch: { type: 'string' }, parallel: { type: 'string' } },
  });
  if (!values.scenario) throw new Error('usage: npm run simulate -- --scenario <file.json> [--out <result.json>] [--batch 200] [--parallel 2]');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(values.scenario, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read scenario ${values.scenario}: ${(err as Error).message}`);
  }
  const { scenario, policy } = parseScenario(raw);
  quietTemporalRuntime('ERROR');

  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'simulating [{bar}] {value}/{total} accounts | {eta_formatted} left' }, Presets.shades_classic)
    : undefined;
  try {
    const result = await withThrowawayDatabase({ name: 'simulate', port: 55000 + (process.pid % 1000), fast: true }, async ({ pool }) => {
      const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
      bar?.start(scenario.accounts.length, 0);
      return runScenario(scenario, policy, {
        pool,
        bundle,
        ...(values.batch ? { batchSize: Number(values.batch) } : {}),
        ...(values.parallel ? { parallel: Number(values.parallel) } : {}),
        onProgress: (done) => bar?.update(done),
      });
    });
    bar?.stop();
    const json = JSON.stringify(result, null, 2);
    if (values.out) {
      fs.writeFileSync(values.out, json);
      console.error(`wrote ${values.out}: ${JSON.stringify(result.summary)}`);
    } else {
      process.stdout.write(json + '\n');
    }
  } finally {
    bar?.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
