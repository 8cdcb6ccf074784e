// The restoration queue on the time-skipping server (issue 11): a restoration the network refuses
// opens a `restoration` work task; operations restore the line by hand and complete the task
// `restored` (through the API's task service, as the route does): the episode records the
// restoration, with its latency from the payment (the 24-hour rule stays measured).
import type { PoolClient } from 'pg';
import type { Caller } from '../../api/routes/mount';
import { taskService } from '../../api/services/tasks';
import { enrolDueYesterday, untilState } from '../support/episodes';
import { useWorkflowHarness } from '../support/temporal';
import { waitFor } from '../support/wait';
import { collectionWorkflowId } from '../../workflows/messages';

const ctx = useWorkflowHarness();
const caller: Caller = { keyId: 'k1', name: 'noc', roles: ['ops'], actor: 'key:k1:noc' };
const noAudit = async (_tx: PoolClient) => undefined;

/** An account suspended for its unpaid bill, the network's fault set up, then paid in full. */
async function suspendedThenPaid(prefix: string, fault: () => void): Promise<string> {
  const accountId = await enrolDueYesterday(ctx.h, prefix);
  await untilState(ctx.h, accountId, (s) => s.service === 'suspended');
  fault();
  await ctx.h.collection.postPayment(accountId, {
    paymentId: `${accountId}-P1`,
    amount: 12_050,
    currency: 'CNY',
    paidAt: new Date().toISOString(),
    channel: 'bank',
  });
  return accountId;
}

test('a restoration the network refuses opens a restoration task; completing it restored records the restoration', async () => {
  // The network refuses every restoration of the line: only a person can restore it.
  const accountId = await suspendedThenPaid('RQ', () => ctx.h.simulator.refuseNext('setServiceState:active', 1_000));

  const tasks = taskService({ pool: ctx.db.pool, collection: ctx.h.collection });
  const taskId = await waitFor(async () => (await tasks.list({ queue: 'restoration', limit: 50 })).tasks.find((t) => t.accountId === accountId)?.taskId, {
    what: 'the restoration task',
  });
  const listed = (await tasks.list({ queue: 'restoration', status: 'open', limit: 50 })).tasks.find((t) => t.taskId === taskId)!;
  expect(listed).toMatchObject({
    queue: 'restoration',
    status: 'open',
    stepId: 'restore',
    detail: { reason: 'network_refused', paymentId: `${accountId}-P1` },
  });
  expect((await ctx.h.collection.state(accountId))!.service).toBe('suspended'); // not marked active before it is
  // Paid, but the workflow still runs (the restoration): an update other than a payment is refused as
  // "no open episode" (the API's 404), not accepted into an episode that will not act on it.
  expect((await ctx.h.collection.state(accountId))!.status).toBe('paid');
  expect(await ctx.h.collection.pause(accountId, { requestId: `${accountId}-pause`, reason: 'late request', by: 'key:k1:noc' })).toBeUndefined();
  expect((await ctx.h.collection.state(accountId))!.paused).toBeNull();

  // A call outcome does not close it; `restored` does.
  await expect(tasks.complete(taskId, { outcome: 'reached' }, caller, noAudit)).rejects.toThrow(/cannot end reached/);
  const done = await tasks.complete(taskId, { outcome: 'restored', note: 'restored at the HLR by hand' }, caller, noAudit);
  expect(done).toMatchObject({ status: 201, body: { delivered: true, task: { status: 'done' } } });

  const outcome = await ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId)).result();
  expect(outcome).toMatchObject({ status: 'paid', service: 'active' });
  // Restored by the person, not by the network (which refused every attempt).
  const after = (await ctx.h.collection.state(accountId))!;
  expect(after.steps.filter((x) => x.action === 'restore')).toEqual([expect.objectContaining({ outcome: 'done', reason: `restored by hand (${taskId})` })]);
  const restoredByNetwork = await ctx.db.pool.query("SELECT 1 FROM provider_requests WHERE account_id = $1 AND operation = 'setServiceState:active'", [
    accountId,
  ]);
  expect(restoredByNetwork.rows).toHaveLength(0);
  const { rows } = await ctx.db.pool.query<{ latency_ms: string }>('SELECT latency_ms FROM restorations WHERE account_id = $1', [accountId]);
  expect(rows).toHaveLength(1);
  expect(Number(rows[0]!.latency_ms)).toBeGreaterThan(0);
  const alerts = await ctx.db.pool.query<{ kind: string }>('SELECT DISTINCT kind FROM alerts WHERE account_id = $1', [accountId]);
  expect(alerts.rows.map((r) => r.kind)).toContain('restoration_refused');
  // One task per restoration, however many attempts the network refused.
  const all = await ctx.db.pool.query("SELECT task_id FROM work_tasks WHERE account_id = $1 AND kind = 'restoration'", [accountId]);
  expect(all.rows).toHaveLength(1);
});

test('a restoration not confirmed in time opens a restoration task; restored by hand, the network attempt is given up', async () => {
  // The switch does not answer (transient errors, retried by Temporal without end).
  const accountId = await suspendedThenPaid('RT', () => ctx.h.simulator.failNext('setServiceState:active', 100_000));

  const tasks = taskService({ pool: ctx.db.pool, collection: ctx.h.collection });
  // Time moves only while something waits on the server: sleep simulated time until the task appears.
  let taskId: string | undefined;
  for (let i = 0; i < 200 && !taskId; i++) {
    taskId = (await tasks.list({ queue: 'restoration', limit: 50 })).tasks.find((t) => t.accountId === accountId)?.taskId;
    if (!taskId) await ctx.h.env.sleep('10 minutes');
  }
  expect(taskId).toBeDefined();
  const task = (await tasks.list({ queue: 'restoration', limit: 50 })).tasks.find((t) => t.taskId === taskId)!;
  expect(task.detail).toMatchObject({ reason: 'not_confirmed' });
  const atRisk = await ctx.db.pool.query<{ kind: string }>('SELECT kind FROM alerts WHERE account_id = $1', [accountId]);
  expect(atRisk.rows.map((r) => r.kind)).toEqual(['restoration_at_risk']);

  await tasks.complete(taskId!, { outcome: 'restored' }, caller, noAudit);
  const outcome = await ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId)).result();
  expect(outcome).toMatchObject({ status: 'paid', service: 'active' });
  const s = (await ctx.h.collection.state(accountId))!;
  expect(s.steps.filter((x) => x.action === 'restore')).toEqual([expect.objectContaining({ outcome: 'done', reason: `restored by hand (${taskId})` })]);
  const { rows } = await ctx.db.pool.query('SELECT latency_ms FROM restorations WHERE account_id = $1', [accountId]);
  expect(rows).toHaveLength(1);
  ctx.h.simulator.failNext('setServiceState:active', 0);
});
