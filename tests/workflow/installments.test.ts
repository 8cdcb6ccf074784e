// Installment plans on the time-skipping server: held ladder, restoration on agreement, a missed
// installment breaking the plan.
import { addDays } from '../../domain/policy/calendar';
import { enrolDueYesterday, simulatedToday, untilState } from '../support/episodes';
import { useWorkflowHarness } from '../support/temporal';
import { rowsEventually } from '../support/wait';

const ctx = useWorkflowHarness();

const pay = (accountId: string, id: string, amount: number) =>
  ctx.h.collection.postPayment(accountId, { paymentId: `${accountId}-${id}`, amount, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'bank' });
const networkOps = async (accountId: string) =>
  (
    await ctx.db.pool.query("SELECT operation FROM provider_requests WHERE account_id = $1 AND provider = 'network' ORDER BY requested_at", [accountId])
  ).rows.map((r) => r.operation);
const planRow = async (accountId: string) => (await ctx.db.pool.query('SELECT status FROM installment_plans WHERE account_id = $1', [accountId])).rows;

test('a plan agreed while suspended restores the line and holds the ladder while installments are met', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'IN', { amount: 30_000 });
  await untilState(ctx.h, accountId, (s) => s.service === 'suspended', { step: '1 day', maxSteps: 100 });
  const today = await simulatedToday(ctx.h);
  const agreed = await ctx.h.collection.agreeInstallments(accountId, {
    planId: `${accountId}-PL`,
    installments: [10, 40, 70].map((d) => ({ dueDate: addDays(today, d), amount: 10_000 })),
    source: 'counter',
  });
  expect(agreed).toMatchObject({ status: 'active', restoring: true });
  const restored = await untilState(ctx.h, accountId, (s) => s.service === 'active', { step: '1 hour', maxSteps: 5 });
  const stepsAtAgreement = restored.steps.length;
  await pay(accountId, 'P1', 10_000);
  await ctx.h.env.sleep('30 days');
  await pay(accountId, 'P2', 10_000);
  await ctx.h.env.sleep('30 days');
  const held = (await ctx.h.collection.state(accountId))!;
  expect(held.steps.length).toBe(stepsAtAgreement); // no rung while the plan is kept
  expect(held).toMatchObject({ service: 'active', installmentPlan: { status: 'active', paidSince: 20_000 } });
  await pay(accountId, 'P3', 10_000);
  await untilState(ctx.h, accountId, (s) => s.status === 'paid', { step: '1 hour', maxSteps: 5 });
  await rowsEventually(() => planRow(accountId), [{ status: 'completed' }]);
  expect(await networkOps(accountId)).toEqual(['setServiceState:outgoing_barred', 'setServiceState:suspended', 'setServiceState:active']);
});

test('a missed installment breaks the plan: the line restored under it is suspended again', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'IN', { amount: 20_000 });
  await untilState(ctx.h, accountId, (s) => s.service === 'suspended', { step: '1 day', maxSteps: 100 });
  const today = await simulatedToday(ctx.h);
  await ctx.h.collection.agreeInstallments(accountId, {
    planId: `${accountId}-PL`,
    installments: [5, 35].map((d) => ({ dueDate: addDays(today, d), amount: 10_000 })),
    source: 'visit:test',
  });
  await untilState(ctx.h, accountId, (s) => s.service === 'active', { step: '1 hour', maxSteps: 5 });
  const broken = await untilState(ctx.h, accountId, (s) => s.installmentPlan?.status === 'broken' && s.service === 'outgoing_barred', {
    step: '1 day',
    maxSteps: 20,
  });
  expect(broken.balance).toBe(20_000);
  await rowsEventually(() => planRow(accountId), [{ status: 'broken' }]);
  // the network was really asked to bar the line again (a new key, not the first suspension's)
  expect(await networkOps(accountId)).toEqual([
    'setServiceState:outgoing_barred',
    'setServiceState:suspended',
    'setServiceState:active',
    'setServiceState:outgoing_barred',
  ]);
});

test('a plan that does not cover the balance is refused', async () => {
  const accountId = await enrolDueYesterday(ctx.h, 'IN', { amount: 20_000 });
  const today = await simulatedToday(ctx.h);
  await expect(
    ctx.h.collection.agreeInstallments(accountId, {
      planId: 'X',
      installments: [5, 35].map((d) => ({ dueDate: addDays(today, d), amount: 5_000 })),
      source: 'counter',
    }),
  ).rejects.toThrow(/less than the balance/);
});
