// Disputes (art. 39), abnormal bills (art. 33), write-off (核销) and policy migration on the
// time-skipping server.
import { collectionWorkflowId, writeOffUpdate } from '../../workflows/messages';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import { addDays } from '../../domain/policy/calendar';
import { enrolDueYesterday, simulatedToday, untilState, ZONE } from '../support/episodes';
import { rowsEventually } from '../support/wait';
import { useWorkflowHarness } from '../support/temporal';

const ctx = useWorkflowHarness();

const networkOps = async (accountId: string) =>
  (await ctx.db.pool.query("SELECT operation FROM provider_requests WHERE account_id = $1 AND provider = 'network'", [accountId])).rows.map((r) => r.operation);

test('a dispute of the whole amount pauses all pressure; upheld, the charge comes off and the episode closes', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'DS');
  await untilState(ctx.h, accountId, (s) => s.stage === 'sms');
  const opened = await ctx.h.collection.openDispute(accountId, { disputeId: 'D1', amount: 12_050, reason: 'premium-rate calls by a relative' });
  expect(opened).toMatchObject({ status: 'open', kind: 'dispute' });
  await ctx.h.env.sleep('60 days');
  const held = (await ctx.h.collection.state(accountId))!;
  expect(held.steps.map((s) => s.action)).toEqual(['sms']);
  expect(held).toMatchObject({ disputed: 12_050, next: null, service: 'active' });

  const resolved = await ctx.h.collection.resolveDispute(accountId, { disputeId: 'D1', upheld: true, note: 'charges reversed' });
  expect(resolved).toMatchObject({ status: 'upheld', balance: 0, episodeStatus: 'closed' });
  await expect(ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId)).result()).resolves.toMatchObject({ status: 'closed', balance: 0 });
  await rowsEventually(async () => (await ctx.db.pool.query('SELECT status FROM disputes WHERE account_id = $1', [accountId])).rows, [{ status: 'upheld' }]);
  await rowsEventually(
    async () => (await ctx.db.pool.query("SELECT kind FROM work_tasks WHERE account_id = $1 AND kind = 'dispute_review'", [accountId])).rows,
    [{ kind: 'dispute_review' }],
  );
});

test('a partial dispute: reminders go on for the rest, no suspension until it is resolved; confirmed, the ladder resumes', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'DS');
  await ctx.h.collection.openDispute(accountId, { disputeId: 'D1', amount: 6_000, reason: 'shared line, calls not ours' });
  // the reminders go on, the pre-suspension warning (v7) too; the suspension waits
  const held = await untilState(ctx.h, accountId, (s) => s.steps.length >= 7 && s.next === null, { step: '1 day', maxSteps: 120 });
  expect(held.steps.map((s) => s.action)).toEqual(['sms', 'voice', 'manual_call', 'manual_call', 'manual_call', 'field_visit', 'sms']);
  await ctx.h.env.sleep('30 days');
  expect(await networkOps(accountId)).toEqual([]);

  await ctx.h.collection.resolveDispute(accountId, { disputeId: 'D1', upheld: false, note: 'itemised bill confirms the calls' });
  const after = await untilState(ctx.h, accountId, (s) => s.service === 'outgoing_barred', { step: '1 day', maxSteps: 10 });
  expect(after.balance).toBe(12_050);
  expect(await networkOps(accountId)).toEqual(['setServiceState:outgoing_barred']);
});

test('an abnormal bill (over 5× the three-month average) is reviewed before any suspension', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'AB', { amount: 60_000, bill: { previousAverage: 5_000 } });
  const s = await untilState(ctx.h, accountId, (x) => x.steps.length >= 6 && x.next === null, { step: '1 day', maxSteps: 120 });
  expect(s.disputes).toEqual([expect.objectContaining({ kind: 'abnormal_bill', status: 'open', amount: 0 })]);
  expect(await networkOps(accountId)).toEqual([]);
  await rowsEventually(
    async () => (await ctx.db.pool.query("SELECT kind FROM work_tasks WHERE account_id = $1 AND kind = 'bill_review'", [accountId])).rows,
    [{ kind: 'bill_review' }],
  );
  await ctx.h.collection.resolveDispute(accountId, { disputeId: s.disputes[0]!.disputeId, upheld: false, note: 'customer confirmed the roaming' });
  await untilState(ctx.h, accountId, (x) => x.service === 'outgoing_barred', { step: '1 day', maxSteps: 10 });
});

test('a dispute larger than the undisputed balance is refused', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'DS', { amount: 1_000 });
  await expect(ctx.h.collection.openDispute(accountId, { disputeId: 'D1', amount: 1_001, reason: 'x' })).rejects.toThrow(/exceeds/);
});

test('a written-off debt keeps its case: no more rungs, and a later payment is a recovery', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'WO');
  await untilState(ctx.h, accountId, (s) => s.stage === 'legal_referral', { step: '1 day', maxSteps: 400 });
  const handle = ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId));
  const wo = await handle.executeUpdate(writeOffUpdate, {
    args: [{ writeOffId: `${accountId}-WO`, reason: 'uncollectable: moved away', approvedBy: 'finance:li' }],
  });
  expect(wo).toMatchObject({ amount: 12_050, status: 'written_off' });
  await ctx.h.env.sleep('30 days');
  const kept = (await ctx.h.collection.state(accountId))!;
  expect(kept).toMatchObject({ status: 'written_off', next: null, writeOff: { amount: 12_050, recovered: 0 } });
  await rowsEventually(
    async () => (await ctx.db.pool.query('SELECT amount_minor FROM write_offs WHERE account_id = $1', [accountId])).rows,
    [{ amount_minor: 12_050 }],
  );

  const part = await ctx.h.collection.postPayment(accountId, {
    paymentId: `${accountId}-P1`,
    amount: 2_050,
    currency: 'CNY',
    paidAt: new Date().toISOString(),
    channel: 'counter',
  });
  expect(part).toMatchObject({ recovery: true, status: 'written_off', balance: 10_000 });
  expect((await ctx.h.collection.state(accountId))!.writeOff!.recovered).toBe(2_050);
  const rest = await ctx.h.collection.postPayment(accountId, {
    paymentId: `${accountId}-P2`,
    amount: 10_000,
    currency: 'CNY',
    paidAt: new Date().toISOString(),
    channel: 'counter',
  });
  expect(rest).toMatchObject({ recovery: true, status: 'paid', balance: 0 });
});

test('a running episode keeps its policy version until an audited migration moves it', async () => {
  const old = { ...DEFAULT_POLICY, version: 1, contact: undefined, description: 'the old ladder' };
  const accountId = `MG-${Date.now()}`;
  await ctx.h.collection.enrol({
    accountId,
    customer: { name: '钱一', phone: '13500000009', segment: 'consumer', lists: [], timezone: ZONE },
    bill: { billId: `${accountId}-B1`, amount: 9_000, currency: 'CNY', dueDate: addDays(await simulatedToday(ctx.h), -10) },
    policy: old,
  });
  expect((await ctx.h.collection.state(accountId))!.policy).toEqual({ id: 'default', version: 1 });
  const noLadder = { ...DEFAULT_POLICY, ladders: { other: DEFAULT_POLICY.ladders['standard']! } };
  await expect(ctx.h.collection.migratePolicy(accountId, { migrationId: 'M0', policy: noLadder, reason: 'x', actor: 'ops:zhang' })).rejects.toThrow(
    /no ladder/,
  );
  const moved = await ctx.h.collection.migratePolicy(accountId, {
    migrationId: 'M1',
    policy: DEFAULT_POLICY,
    reason: 'contact rules now apply',
    actor: 'ops:zhang',
  });
  expect(moved).toMatchObject({ from: { version: 1 }, to: { version: DEFAULT_POLICY.version } });
  const s = await untilState(ctx.h, accountId, (x) => x.policy.version === DEFAULT_POLICY.version, { step: '1 hour', maxSteps: 3 });
  expect(s.policyMigrations).toEqual([expect.objectContaining({ migrationId: 'M1', from: 'default@1', actor: 'ops:zhang' })]);
  // the register row is written by an activity after the episode answered: wait for the row itself
  await rowsEventually(
    async () => (await ctx.db.pool.query('SELECT from_version, to_version, actor FROM policy_migrations WHERE account_id = $1', [accountId])).rows,
    [{ from_version: 1, to_version: DEFAULT_POLICY.version, actor: 'ops:zhang' }],
  );
});
