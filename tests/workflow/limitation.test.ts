// The limitation period (诉讼时效) on the time-skipping server: restarted by a partial payment and by a
// promise; on an untouched debt, an alert 90 days before the expiry, then the legal referral refused
// (recorded skipped `time_barred`) with an alert for a human decision.
import { DateTime } from 'luxon';
import { addDays } from '../../domain/policy/calendar';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import type { CollectionPolicy } from '../../domain/policy/types';
import { simulatedToday, untilState, ZONE } from '../support/episodes';
import { useWorkflowHarness } from '../support/temporal';
import { rowsEventually, waitFor } from '../support/wait';

const ctx = useWorkflowHarness();
let seq = 0;

// A ladder that reaches the legal referral only after the three years have run out.
const SLOW: CollectionPolicy = {
  ...DEFAULT_POLICY,
  id: 'slow-legal',
  ladders: {
    standard: [
      { id: 'sms', action: 'sms', at: { kind: 'days_after_due', days: 1 } },
      { id: 'legal-referral', action: 'legal_referral', at: { kind: 'days_after_due', days: 1_200 } },
    ],
    black: DEFAULT_POLICY.ladders.black!,
  },
};

async function enrol(policy: CollectionPolicy = DEFAULT_POLICY) {
  const accountId = `LIM-${++seq}-${Date.now()}`;
  const dueDate = addDays(await simulatedToday(ctx.h), -1);
  await ctx.h.collection.enrol({
    accountId,
    customer: { name: '测试', phone: '13500000000', segment: 'consumer', lists: [], timezone: ZONE },
    bill: { billId: `${accountId}-B1`, amount: 12_050, currency: 'CNY', dueDate },
    policy,
  });
  return { accountId, dueDate };
}

/** Start of the customer's local day after `date` + 3 years: the instant the claim is time-barred. */
const barredFrom = (date: string) => DateTime.fromISO(date, { zone: ZONE }).plus({ years: 3, days: 1 }).toMillis();
const alerts = async (accountId: string) =>
  (
    await ctx.db.pool.query<{ kind: string; detail: { expiresAt?: string } }>('SELECT kind, detail FROM alerts WHERE account_id = $1 ORDER BY raised_at', [
      accountId,
    ])
  ).rows;
const readModelExpiry = async (accountId: string) =>
  (
    await ctx.db.pool.query<{ e: string | null }>(`SELECT to_json(limitation_expires_at)#>>'{}' AS e FROM episode_read_model WHERE account_id = $1`, [
      accountId,
    ])
  ).rows.map((r) => (r.e === null ? null : new Date(r.e).toISOString()));

test('a partial payment restarts the period from the payment (state and read model)', async () => {
  const { accountId, dueDate } = await enrol();
  const before = await untilState(ctx.h, accountId, (s) => s.stage === 'sms');
  expect(before.limitation).toMatchObject({ dueDate, expiresAt: new Date(barredFrom(dueDate)).toISOString(), timeBarred: false, lastInterruption: null });
  await rowsEventually(() => readModelExpiry(accountId), [new Date(barredFrom(dueDate)).toISOString()]);

  await ctx.h.env.sleep('20 days');
  const payDay = await simulatedToday(ctx.h);
  const paidAt = new Date(await ctx.h.env.currentTimeMs()).toISOString();
  await ctx.h.collection.postPayment(accountId, { paymentId: `${accountId}-P1`, amount: 5_000, currency: 'CNY', paidAt, channel: 'bank' });
  const after = await untilState(ctx.h, accountId, (s) => s.payments.length === 1);
  expect(after.limitation).toMatchObject({
    expiresAt: new Date(barredFrom(payDay)).toISOString(),
    lastInterruption: { kind: 'payment' },
  });
  expect(Date.parse(after.limitation!.lastInterruption!.at)).toBeLessThanOrEqual(Date.parse(after.payments[0]!.seenAt));
  await rowsEventually(() => readModelExpiry(accountId), [new Date(barredFrom(payDay)).toISOString()]);
});

test('a promise to pay restarts it', async () => {
  const { accountId } = await enrol();
  await untilState(ctx.h, accountId, (s) => s.stage === 'sms');
  await ctx.h.env.sleep('3 days');
  const today = await simulatedToday(ctx.h);
  await ctx.h.collection.promiseToPay(accountId, { promiseId: `${accountId}-PR1`, date: addDays(today, 5), source: 'call:test' });
  const s = await untilState(ctx.h, accountId, (x) => x.promises.length === 1);
  expect(s.limitation).toMatchObject({
    expiresAt: new Date(barredFrom(today)).toISOString(),
    lastInterruption: { kind: 'promise', at: s.promises[0]!.madeAt },
  });
});

test('an untouched debt: an alert 90 days before it is time-barred, then the legal referral is refused with an alert', async () => {
  const { accountId, dueDate } = await enrol(SLOW);
  const expiresAt = barredFrom(dueDate);
  const alertAt = DateTime.fromMillis(expiresAt, { zone: ZONE }).minus({ days: 90 }).toMillis();

  // Two days before the alert is due: nothing yet.
  await untilState(ctx.h, accountId, () => true);
  await ctx.h.env.sleep(alertAt - (await ctx.h.env.currentTimeMs()) - 2 * 86_400_000);
  const early = (await ctx.h.collection.state(accountId))!;
  expect(early.limitation!.timeBarred).toBe(false);
  expect(await alerts(accountId)).toEqual([]);

  // The workflow's own timer raises it (no signal needed), keyed by the expiry.
  await ctx.h.env.sleep('3 days');
  await rowsEventually(
    () => alerts(accountId),
    [{ kind: 'limitation_expiring', detail: { billId: `${accountId}-B1`, expiresAt: new Date(expiresAt).toISOString() } as never }],
  );
  expect((await ctx.h.collection.state(accountId))!.steps.map((x) => x.stepId)).toEqual(['sms']);

  // The referral rung falls due after the expiry: skipped, not referred, a person is asked.
  const s = await untilState(ctx.h, accountId, (x) => x.steps.some((st) => st.stepId === 'legal-referral'), { step: '10 days', maxSteps: 40 });
  expect(s.steps.find((x) => x.stepId === 'legal-referral')).toMatchObject({ outcome: 'skipped', reason: 'time_barred' });
  expect(s.status).toBe('open');
  expect(s.limitation!.timeBarred).toBe(true);
  const kinds = await waitFor(async () => {
    const k = (await alerts(accountId)).map((a) => a.kind);
    return k.includes('legal_referral_time_barred') ? k : undefined;
  });
  expect(kinds).toEqual(['limitation_expiring', 'legal_referral_time_barred']);
  const attempts = await ctx.db.pool.query<{ action: string }>('SELECT action FROM collection_attempts WHERE account_id = $1 ORDER BY performed_at', [
    accountId,
  ]);
  expect(attempts.rows.map((r) => r.action)).toEqual(['sms']); // no referral was made
});
