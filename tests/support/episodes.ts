// Helpers for workflow tests: enrol an account due yesterday (in simulated time) and advance
// simulated time until the episode's state satisfies a predicate.
import type { CollectionSnapshot } from '../../domain/episode/snapshot';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import type { Bill, ListFlag } from '../../domain/policy/types';
import { testZone } from './clock';
import type { WorkflowHarness } from './temporal';

/** The customers' zone: local time there is TEST_LOCAL_HOUR when the run starts (tests/support/clock.ts). */
export const ZONE = testZone();
let seq = 0;

export async function simulatedToday(h: WorkflowHarness): Promise<string> {
  return localDateOf(await h.env.currentTimeMs(), ZONE);
}

export async function enrolDueYesterday(
  h: WorkflowHarness,
  prefix: string,
  opts: { amount?: number; lists?: ListFlag[]; bill?: Partial<Bill> } = {},
): Promise<string> {
  const accountId = `${prefix}-${++seq}-${Date.now()}`;
  await h.collection.enrol({
    accountId,
    customer: { name: '测试', phone: '13500000000', segment: 'consumer', lists: opts.lists ?? [], timezone: ZONE },
    bill: { billId: `${accountId}-B1`, amount: opts.amount ?? 12_050, currency: 'CNY', dueDate: addDays(await simulatedToday(h), -1), ...opts.bill },
    policy: DEFAULT_POLICY,
  });
  return accountId;
}

export async function untilState(
  h: WorkflowHarness,
  accountId: string,
  predicate: (s: CollectionSnapshot) => boolean,
  { step = '6 hours', maxSteps = 800 } = {},
): Promise<CollectionSnapshot> {
  for (let i = 0; i < maxSteps; i++) {
    const s = (await h.collection.state(accountId, await h.env.currentTimeMs()))!;
    if (predicate(s)) return s;
    await h.env.sleep(step);
  }
  throw new Error(`condition not reached: ${JSON.stringify(await h.collection.state(accountId))}`);
}
