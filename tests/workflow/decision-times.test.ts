// Times written by activities come from the workflow's own time (ADR 25: when the rung was taken,
// when the dispute was opened), never from the clock while the activity runs. On the time-skipping
// server simulated time runs days ahead of the real clock, so a time read in an activity shows here.
import { addDays } from '../../domain/policy/calendar';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import { enrolDueYesterday, simulatedToday, untilState, ZONE } from '../support/episodes';
import { useWorkflowHarness } from '../support/temporal';
import { waitFor } from '../support/wait';

const ctx = useWorkflowHarness();
const HOUR = 3_600_000;

const taskOf = (accountId: string, kind: string) =>
  waitFor(async () => {
    const { rows } = await ctx.db.pool.query<{ due_at: Date }>('SELECT due_at FROM work_tasks WHERE account_id = $1 AND kind = $2', [accountId, kind]);
    return rows[0];
  });

test('a dispute opened weeks into the episode: its review task is due counted from when it was opened, in workflow time', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'DT');
  await ctx.h.env.sleep('20 days');
  await ctx.h.collection.openDispute(accountId, { disputeId: 'D1', amount: 1_000, reason: 'roaming charges' });
  const openedAt = Date.parse((await ctx.h.collection.state(accountId))!.disputes[0]!.openedAt);
  const task = await taskOf(accountId, 'dispute_review');
  expect(task.due_at.getTime()).toBe(openedAt + DEFAULT_POLICY.taskDueHours!.dispute_review! * HOUR);
});

test('a call task with no limit in the policy is due when the rung was taken, not when the activity ran', async () => {
  const accountId = `DT-nolimit-${Date.now()}`;
  const { manual_call: _none, ...others } = DEFAULT_POLICY.taskDueHours!;
  void _none;
  await ctx.h.collection.enrol({
    accountId,
    customer: { name: '测试', phone: '13500000000', segment: 'consumer', lists: [], timezone: ZONE },
    bill: { billId: `${accountId}-B1`, amount: 12_050, currency: 'CNY', dueDate: addDays(await simulatedToday(ctx.h), -1) },
    policy: { ...DEFAULT_POLICY, taskDueHours: others },
  });
  const called = await untilState(ctx.h, accountId, (s) => s.steps.some((x) => x.stepId === 'call-1'), { step: '1 day', maxSteps: 60 });
  const callAt = Date.parse(called.steps.find((x) => x.stepId === 'call-1')!.at);
  const task = await taskOf(accountId, 'manual_call');
  expect(task.due_at.getTime()).toBe(callAt);
});
