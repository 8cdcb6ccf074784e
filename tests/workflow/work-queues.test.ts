// What work-queue outcomes do to an episode, on the time-skipping server. Red-list reviews: the
// rung the red list keeps from automation becomes a manual_review task; completed `approve`, the
// rung's own action is taken (inside its window and after the legal floor) without moving the
// ladder on; `reject`, it is skipped with the reason (the completion goes through the API's task
// service, as the route does). A wrong number: reminders and calls to it are skipped until billing
// gives another. A task past its queue's time raises one alert; the ladder does not wait.
import type { PoolClient } from 'pg';
import pino from 'pino';
import { startTaskDeadlines } from '../../api/task-deadlines';
import { workTasks } from '../../db/stores/work-tasks';
import { taskService } from '../../api/services/tasks';
import type { Caller } from '../../api/routes/mount';
import { addDays } from '../../domain/policy/calendar';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import { enrolDueYesterday, simulatedToday, untilState, ZONE } from '../support/episodes';
import { waitFor } from '../support/wait';
import { useWorkflowHarness } from '../support/temporal';

const ctx = useWorkflowHarness();
const caller: Caller = { keyId: 'k1', name: 'reviewer', roles: ['ops'], actor: 'key:k1:reviewer' };
const noAudit = async (_tx: PoolClient) => undefined;

const networkOps = async (accountId: string) =>
  (await ctx.db.pool.query("SELECT operation FROM provider_requests WHERE account_id = $1 AND provider = 'network'", [accountId])).rows.map((r) => r.operation);

async function reviewTask(accountId: string, stepId: string): Promise<string> {
  return waitFor(async () => {
    const { rows } = await ctx.db.pool.query<{ task_id: string }>(
      "SELECT task_id FROM work_tasks WHERE account_id = $1 AND kind = 'manual_review' AND step_id = $2",
      [accountId, stepId],
    );
    return rows[0]?.task_id;
  });
}

test('approved, the red-list suspension is taken inside its window; the same completion answers the same', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'RV', { lists: ['red'] });
  const reviewed = await untilState(ctx.h, accountId, (s) => s.steps.some((x) => x.stepId === 'suspend-outgoing'), { step: '1 day', maxSteps: 60 });
  expect(reviewed.steps.find((x) => x.stepId === 'suspend-outgoing')).toMatchObject({ action: 'manual_review', outcome: 'done' });
  expect(reviewed.service).toBe('active');
  const taskId = await reviewTask(accountId, 'suspend-outgoing');
  const tasks = taskService({ pool: ctx.db.pool, collection: ctx.h.collection });

  const first = await tasks.complete(taskId, { outcome: 'approve', note: 'no hardship on file' }, caller, noAudit);
  expect(first).toMatchObject({
    status: 201,
    body: { delivered: true, review: { stepId: 'suspend-outgoing', action: 'suspend_outgoing', decision: 'approved' } },
  });
  const again = await tasks.complete(taskId, { outcome: 'approve', note: 'no hardship on file' }, caller, noAudit);
  expect(again).toEqual({ status: 200, body: first.body });
  await expect(tasks.complete(taskId, { outcome: 'reject', reason: 'changed my mind' }, caller, noAudit)).rejects.toMatchObject({ status: 409 });

  const barred = await untilState(ctx.h, accountId, (s) => s.service === 'outgoing_barred', { step: '2 hours', maxSteps: 48 });
  const taken = barred.steps.filter((x) => x.stepId === 'suspend-outgoing');
  expect(taken.map((x) => [x.action, x.outcome])).toEqual([
    ['manual_review', 'done'],
    ['suspend_outgoing', 'done'],
  ]);
  const localHour = Number(taken[1]!.atLocal.slice(11, 13));
  expect(localHour).toBeGreaterThanOrEqual(9); // the sanction window, 09:00–17:00 customer-local
  expect(localHour).toBeLessThan(17);
  expect(await networkOps(accountId)).toEqual(['setServiceState:outgoing_barred']);
  // the ladder was not moved on twice: the next rung is the (red-list) two-way suspension's review
  expect(barred.next).toMatchObject({ stepId: 'suspend-full', action: 'manual_review' });
});

test('rejected, the red-list suspension is skipped with the reason; the ladder goes on', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'RV', { lists: ['red'] });
  await untilState(ctx.h, accountId, (s) => s.steps.some((x) => x.stepId === 'suspend-outgoing'), { step: '1 day', maxSteps: 60 });
  const taskId = await reviewTask(accountId, 'suspend-outgoing');
  const tasks = taskService({ pool: ctx.db.pool, collection: ctx.h.collection });
  await expect(tasks.complete(taskId, { outcome: 'reached' }, caller, noAudit)).rejects.toMatchObject({ status: 422 });
  const rejected = await tasks.complete(taskId, { outcome: 'reject', reason: 'hospitalised customer' }, caller, noAudit);
  expect(rejected).toMatchObject({ status: 201, body: { review: { decision: 'rejected' } } });

  const s = await untilState(ctx.h, accountId, (x) => x.steps.some((y) => y.stepId === 'suspend-full'), { step: '1 day', maxSteps: 20 });
  expect(s.steps.filter((x) => x.stepId === 'suspend-outgoing').map((x) => [x.action, x.outcome, x.reason])).toEqual([
    ['manual_review', 'done', undefined],
    ['suspend_outgoing', 'skipped', 'review rejected: hospitalised customer'],
  ]);
  expect(s.service).toBe('active');
  expect(await networkOps(accountId)).toEqual([]);
});

test('a wrong number stops reminders and calls to it; a new number from billing lifts it', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'WN');
  await untilState(ctx.h, accountId, (s) => s.stage === 'sms');
  await ctx.h.collection.reportWrongNumber(accountId, 'sms');
  await ctx.h.collection.reportWrongNumber(accountId, 'sms'); // twice: nothing more
  const s = await untilState(ctx.h, accountId, (x) => x.steps.filter((y) => y.action === 'manual_call').length >= 3, { step: '1 day', maxSteps: 60 });
  expect(s.wrongNumber).toBe(true);
  const toTheNumber = s.steps.filter((x) => x.action === 'voice' || x.action === 'manual_call');
  expect(toTheNumber.map((x) => [x.action, x.outcome])).toEqual([
    ['voice', 'skipped'],
    ['manual_call', 'skipped'],
    ['manual_call', 'skipped'],
    ['manual_call', 'skipped'],
  ]);
  expect(toTheNumber[0]!.reason).toMatch(/wrong number/);
  const { rows } = await ctx.db.pool.query("SELECT count(*) AS n FROM provider_requests WHERE account_id = $1 AND provider IN ('sms', 'voice')", [accountId]);
  expect(rows[0].n).toBe(1); // the first SMS only

  // the next bill carries billing's new number: the block lifts
  const today = await simulatedToday(ctx.h);
  await ctx.h.collection.enrol({
    accountId,
    customer: { name: '测试', phone: '13900000001', segment: 'consumer', lists: [], timezone: ZONE },
    bill: { billId: `${accountId}-B2`, amount: 1_000, currency: 'CNY', dueDate: addDays(today, 20) },
    policy: DEFAULT_POLICY,
  });
  const lifted = await untilState(ctx.h, accountId, (x) => !x.wrongNumber);
  expect(lifted.wrongNumber).toBe(false);
});

test('a call task not done within the policy’s time for its queue raises one alert, and the ladder goes on', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'OD');
  const called = await untilState(ctx.h, accountId, (s) => s.steps.some((x) => x.stepId === 'call-1'), { step: '1 day', maxSteps: 60 });
  const callAt = Date.parse(called.steps.find((x) => x.stepId === 'call-1')!.at);
  const [task] = await waitFor(async () => {
    const { rows } = await ctx.db.pool.query<{ task_id: string; due_at: Date; overdue_alert_at: Date }>(
      "SELECT task_id, due_at, overdue_alert_at FROM work_tasks WHERE account_id = $1 AND step_id = 'call-1'",
      [accountId],
    );
    return rows.length ? rows : undefined;
  });
  const hours = DEFAULT_POLICY.taskDueHours!.manual_call!;
  expect(task!.overdue_alert_at.getTime()).toBe(callAt + hours * 3_600_000);
  expect(task!.due_at.getTime()).toBe(task!.overdue_alert_at.getTime());

  const deadlines = startTaskDeadlines({ tasks: workTasks(ctx.db.pool), log: pino({ level: 'silent' }), intervalMs: 3_600_000 });
  try {
    const alerts = async () =>
      (await ctx.db.pool.query("SELECT alert_key, kind, detail->>'queue' AS queue FROM alerts WHERE account_id = $1 AND kind = 'task_overdue'", [accountId]))
        .rows;
    await deadlines.sweep(new Date(callAt + hours * 3_600_000 - 60_000)); // a minute early: nothing
    expect(await alerts()).toEqual([]);
    await deadlines.sweep(new Date(callAt + (hours + 1) * 3_600_000));
    await deadlines.sweep(new Date(callAt + (hours + 2) * 3_600_000)); // once only
    expect(await alerts()).toEqual([{ alert_key: `${task!.task_id}/overdue`, kind: 'task_overdue', queue: 'manual_call' }]);
  } finally {
    await deadlines.stop();
  }
  // the ladder did not wait for the task
  await untilState(ctx.h, accountId, (s) => s.steps.some((x) => x.stepId === 'call-2' && x.outcome === 'done'), { step: '1 day', maxSteps: 10 });
});
