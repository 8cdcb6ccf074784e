// The collection workflow on the time-skipping test server with the real workflow and activity
// code: months of simulated time in seconds.
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import { collectionWorkflowId, postPaymentUpdate, waiveLateFeeUpdate } from '../../workflows/messages';
import type { ListFlag } from '../../domain/policy/types';
import { ZONE } from '../support/episodes';
import { useWorkflowHarness } from '../support/temporal';

const HOUR = 3_600_000;
const ctx = useWorkflowHarness();
let seq = 0;

async function enrol(opts: { amount?: number; lists?: ListFlag[]; continueAsNewAfterEvents?: number; dueInDays?: number } = {}) {
  const accountId = `ACC-${++seq}-${Date.now()}`;
  const dueDate = addDays(localDateOf(await ctx.h.env.currentTimeMs(), ZONE), opts.dueInDays ?? -1);
  await ctx.h.collection.enrol(
    {
      accountId,
      customer: { name: '李四', phone: '13900000000', segment: 'consumer', lists: opts.lists ?? [], timezone: ZONE },
      bill: { billId: `${accountId}-B1`, amount: opts.amount ?? 12_050, currency: 'CNY', dueDate },
      policy: DEFAULT_POLICY,
    },
    opts.continueAsNewAfterEvents ? { continueAsNewAfterEvents: opts.continueAsNewAfterEvents } : {},
  );
  return accountId;
}

const state = async (accountId: string) => (await ctx.h.collection.state(accountId))!;
const payment = (id: string, amount: number) => ({ paymentId: id, amount, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'bank' });
const taken = async (accountId: string) => (await state(accountId)).steps.filter((s) => s.outcome === 'done').map((s) => s.action);

async function providerOps(accountId: string): Promise<string[]> {
  const { rows } = await ctx.db.pool.query('SELECT operation FROM provider_requests WHERE account_id = $1 ORDER BY requested_at', [accountId]);
  return rows.map((r) => r.operation);
}

/** Sleeps simulated time in daily steps until the predicate holds (or the budget runs out). */
async function until(accountId: string, predicate: (s: Awaited<ReturnType<typeof state>>) => boolean, maxDays = 400) {
  for (let day = 0; day < maxDays; day++) {
    const s = await state(accountId);
    if (predicate(s)) return s;
    await ctx.h.env.sleep('1 day');
  }
  throw new Error(`condition not reached in ${maxDays} simulated days: ${JSON.stringify(await state(accountId))}`);
}

test('with no payment the whole ladder runs to legal referral, with attempt records', async () => {
  const wall = Date.now();
  const accountId = await enrol();
  const final = await until(accountId, (s) => s.status === 'legal');
  expect(final.steps.map((s) => s.action)).toEqual([
    'sms',
    'voice',
    'manual_call',
    'manual_call',
    'manual_call',
    'field_visit',
    'sms', // the pre-suspension warning (policy v7)
    'suspend_outgoing',
    'suspend_full',
    'deregister',
    'agency_referral',
    'demand_letter',
    'legal_referral',
  ]);
  expect(final.service).toBe('deregistered');
  expect(final.next).toBeNull();
  const { rows } = await ctx.db.pool.query('SELECT action, outcome FROM collection_attempts WHERE account_id = $1', [accountId]);
  expect(rows).toHaveLength(13);
  expect(await providerOps(accountId)).toEqual([
    'send',
    'call',
    'send',
    'setServiceState:outgoing_barred',
    'setServiceState:suspended',
    'setServiceState:deregistered',
    'refer',
    'sendDemandLetter',
    'openCase',
  ]);
  const tasks = await ctx.db.pool.query('SELECT kind FROM work_tasks WHERE account_id = $1 ORDER BY created_at', [accountId]);
  expect(tasks.rows.map((r) => r.kind)).toEqual(['manual_call', 'manual_call', 'manual_call', 'field_visit']);
  console.log(`full ladder (${final.steps.length} rungs, ~8 simulated months) took ${((Date.now() - wall) / 1000).toFixed(1)} s wall`);
});

test('a payment in full mid-way ends the episode before any suspension', async () => {
  const accountId = await enrol();
  await until(accountId, (s) => s.stage === 'voice');
  const result = await ctx.h.collection.postPayment(accountId, payment(`${accountId}-P1`, 12_050));
  expect(result).toMatchObject({ outcome: 'applied', balance: 0, status: 'paid', restoring: false });
  const outcome = await ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId)).result();
  expect(outcome).toMatchObject({ status: 'paid', service: 'active', balance: 0 });
  expect(outcome.lateFeeDue).toBeGreaterThan(0); // for billing's next bill
  expect(await providerOps(accountId)).toEqual(['send', 'call']);
});

test('a payment while suspended restores the line within 24 hours of simulated time', async () => {
  const accountId = await enrol();
  await until(accountId, (s) => s.service === 'suspended');
  const result = await ctx.h.collection.postPayment(accountId, payment(`${accountId}-P1`, 12_050));
  expect(result).toMatchObject({ status: 'paid', restoring: true });
  const outcome = await ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId)).result();
  expect(outcome).toMatchObject({ status: 'paid', service: 'active' });
  const ops = await providerOps(accountId);
  expect(ops.slice(-2)).toEqual(['setServiceState:active', 'send']); // the line, then the restoration notice
  const { rows } = await ctx.db.pool.query('SELECT latency_ms FROM restorations WHERE account_id = $1', [accountId]);
  expect(rows).toHaveLength(1);
  expect(rows[0].latency_ms).toBeLessThan(24 * HOUR);
});

test('a partial payment lowers the balance and the ladder goes on; the same payment id twice changes nothing', async () => {
  const accountId = await enrol({ amount: 10_000 });
  await until(accountId, (s) => s.stage === 'sms');
  const first = await ctx.h.collection.postPayment(accountId, payment(`${accountId}-P1`, 4_000));
  expect(first).toMatchObject({ outcome: 'applied', balance: 6_000, status: 'open' });
  // the client re-sends under the same update id: Temporal answers with the first result
  const again = await ctx.h.collection.postPayment(accountId, payment(`${accountId}-P1`, 4_000));
  expect(again).toEqual(first);
  // a re-delivery under another update id (e.g. after continue-as-new) is recognised by the workflow
  const redelivered = await ctx.h.client.workflow
    .getHandle(collectionWorkflowId(accountId))
    .executeUpdate(postPaymentUpdate, { args: [payment(`${accountId}-P1`, 4_000)], updateId: 'another-delivery' });
  expect(redelivered).toMatchObject({ outcome: 'duplicate', balance: 6_000 });
  const s = await until(accountId, (x) => x.stage === 'voice');
  expect(s.payments).toHaveLength(1);
  expect(s.balance).toBe(6_000);
});

test('a new charge adds to the balance and keeps the ladder anchored on the oldest bill', async () => {
  const accountId = await enrol({ amount: 5_000 });
  const before = await state(accountId);
  const dueDate = addDays(before.bills[0]!.dueDate, 30);
  await ctx.h.collection.enrol({
    accountId,
    customer: { name: '李四', phone: '13900000000', segment: 'consumer', lists: [], timezone: ZONE },
    bill: { billId: `${accountId}-B2`, amount: 3_000, currency: 'CNY', dueDate },
    policy: DEFAULT_POLICY,
  });
  const after = await until(accountId, (s) => s.bills.length === 2);
  expect(after.balance).toBe(8_000);
  // paying the first bill restarts the ladder for the younger bill (a new cycle)
  const r = await ctx.h.collection.postPayment(accountId, payment(`${accountId}-P1`, 5_000));
  expect(r).toMatchObject({ balance: 3_000, status: 'open' });
  expect((await state(accountId)).cycle).toBe(2);
});

test('the late fee is shown apart from the principal and can be waived', async () => {
  const accountId = await enrol({ amount: 10_000 });
  await ctx.h.env.sleep('10 days');
  const before = (await ctx.h.collection.state(accountId, await ctx.h.env.currentTimeMs()))!;
  expect(before.balance).toBe(10_000);
  expect(before.lateFee!.accrued).toBeGreaterThanOrEqual(9 * 30);
  const after = await ctx.h.client.workflow
    .getHandle(collectionWorkflowId(accountId))
    .executeUpdate(waiveLateFeeUpdate, { args: [{ adjustmentId: 'W1', amount: 100, reason: 'first arrears, goodwill' }] });
  expect(after).toMatchObject({ waived: 100 });
  await expect(
    ctx.h.client.workflow
      .getHandle(collectionWorkflowId(accountId))
      .executeUpdate(waiveLateFeeUpdate, { args: [{ adjustmentId: 'W2', amount: 1, reason: ' ' }] }),
  ).rejects.toThrow();
});

test('an opted-out customer gets no reminders, but the calls and legal notices still come', async () => {
  // Due today: the first SMS is tomorrow morning whatever the hour now, so the opt-out is in first.
  const accountId = await enrol({ dueInDays: 0 });
  await ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId)).signal('setContactPreference', { optOut: true, source: 'sms reply TD' });
  const s = await until(accountId, (x) => x.stage === 'suspend_outgoing');
  expect(s.optedOut).toBe(true);
  expect(s.steps.slice(0, 2).map((x) => [x.action, x.outcome])).toEqual([
    ['sms', 'skipped'],
    ['voice', 'skipped'],
  ]);
  expect(await providerOps(accountId)).toEqual(['setServiceState:outgoing_barred']);
});

test('a payment in another currency is refused by the workflow and changes nothing', async () => {
  const accountId = await enrol();
  await expect(ctx.h.collection.postPayment(accountId, { ...payment(`${accountId}-P1`, 100), currency: 'USD' })).rejects.toThrow(/currency/);
  expect((await state(accountId)).payments).toHaveLength(0);
});

test('a red-list account is never suspended automatically: a person reviews instead', async () => {
  const accountId = await enrol({ lists: ['red'] });
  const final = await until(accountId, (s) => s.status === 'legal');
  expect(final.service).toBe('active');
  const ops = await providerOps(accountId);
  expect(ops.some((o) => o.startsWith('setServiceState'))).toBe(false);
  expect(await taken(accountId)).toEqual(expect.arrayContaining(['manual_review']));
});

test('a long episode continues as new and keeps its state', async () => {
  const accountId = await enrol({ continueAsNewAfterEvents: 40 });
  const final = await until(accountId, (s) => s.status === 'legal');
  expect(final.steps).toHaveLength(13);
  const described = await ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId)).describe();
  expect(described.raw.workflowExecutionInfo?.firstRunId).not.toBe(described.runId);
});

test('closing a legal episode ends the workflow', async () => {
  const accountId = await enrol({ lists: ['black'] });
  await until(accountId, (s) => s.status === 'legal');
  await ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId)).signal('closeEpisode', { reason: 'judgment enforced' });
  await expect(ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId)).result()).resolves.toMatchObject({ status: 'closed' });
});

test('a restoration the network refuses is alerted and tried again; the line is only marked active once restored', async () => {
  const accountId = await enrol();
  await until(accountId, (s) => s.service === 'suspended');
  ctx.h.simulator.refuseNext('setServiceState:active', 1);
  await ctx.h.collection.postPayment(accountId, payment(`${accountId}-P1`, 12_050));
  const outcome = await ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId)).result();
  expect(outcome).toMatchObject({ status: 'paid', service: 'active' });
  const alerts = await ctx.db.pool.query('SELECT kind FROM alerts WHERE account_id = $1', [accountId]);
  expect(alerts.rows.map((r) => r.kind)).toEqual(['restoration_refused']);
  const attempts = await ctx.db.pool.query("SELECT outcome FROM collection_attempts WHERE account_id = $1 AND action = 'restore' ORDER BY performed_at", [
    accountId,
  ]);
  expect(attempts.rows.map((r) => r.outcome)).toEqual(['failed', 'done']);
});
