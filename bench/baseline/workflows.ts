// Baseline workflows for the benchmarks: the cheapest workflows the same server can run, so our
// figures are ratios against a floor measured in the same run (absolute times drift on shared
// machines). Bundled only by the benchmarks, never by the production worker.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { BaselineActivities } from './activities';

/** Starts and completes at once: the floor for enrolment throughput. */
export async function noopWorkflow(): Promise<void> {}

const { baselineStep } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '1 minute' });

/** `steps` × (one no-op activity, then a timer): the floor for a simulated collection step. */
export async function stepsWorkflow(steps: number, gapMs: number): Promise<void> {
  for (let i = 0; i < steps; i++) {
    await baselineStep();
    await sleep(gapMs);
  }
}
