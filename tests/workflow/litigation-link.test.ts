// The episode <-> case link (ADR 12) on the time-skipping server: the legal_referral rung opens the
// case by itself, the episode shows it (state and read model), and the case's money and end move
// the episode: paid in full (enforcement and an ordinary payment), declined, a settlement paid in
// installments.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createLinkActivities } from '../../activities/litigation-link';
import { LitigationClient } from '../../api/litigation-client';
import { referralCaseId } from '../../domain/episode/practice/litigation-link';
import type { CollectionSnapshot } from '../../domain/episode/snapshot';
import type { CaseStep } from '../../domain/litigation';
import { addDays } from '../../domain/policy/calendar';
import { collectionWorkflowId } from '../../workflows/messages';
import { enrolDueYesterday, simulatedToday, untilState } from '../support/episodes';
import { useWorkflowHarness } from '../support/temporal';
import { rowsEventually, waitFor } from '../support/wait';

const ctx = useWorkflowHarness();
let seq = 0;
const cases = () => new LitigationClient(ctx.h.client, ctx.h.taskQueue);

/** An account on the black list, run until its legal_referral rung opened its case. */
async function referred(amount = 50_000): Promise<{ accountId: string; episode: CollectionSnapshot; caseId: string }> {
  const accountId = await enrolDueYesterday(ctx.h, 'LINK', { amount, lists: ['black'] });
  const episode = await untilState(ctx.h, accountId, (s) => s.status === 'legal' && s.litigation !== null, { step: '1 day', maxSteps: 400 });
  return { accountId, episode, caseId: episode.litigation!.caseId };
}

async function steps(caseId: string, list: Record<string, unknown>[]): Promise<void> {
  for (const s of list) await cases().step(caseId, { stepId: `${String(s['step'])}-${++seq}`, ...s } as CaseStep);
}

const now = async () => new Date(await ctx.h.env.currentTimeMs()).toISOString();
const payment = (id: string, amount: number) => ({ paymentId: id, amount, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'bank' });
const result = (accountId: string) => ctx.h.client.workflow.getHandle(collectionWorkflowId(accountId)).result();

test('the legal_referral rung opens one case (also when its activity runs again); its id is in the episode state and the read model', async () => {
  const { accountId, episode, caseId } = await referred();
  expect(caseId).toBe(referralCaseId(accountId, episode.episodeId));
  expect(episode.litigation).toMatchObject({ caseNumber: `LC-${caseId}`, status: 'open', courtCaseNumber: null, paidSinceReferral: 0 });
  const view = await waitFor(() => cases().state(caseId), { what: 'the case to answer' });
  expect(view).toMatchObject({ accountId, episodeId: episode.episodeId, state: 'referred', principal: 50_000 });
  // the case learnt the money from the episode
  await waitFor(async () => ((await cases().state(caseId))?.money.asOf ? true : undefined), { what: 'the money told' });
  expect((await cases().state(caseId))!.money).toMatchObject({ currency: 'CNY', principal: 50_000, balance: 50_000, paidSinceReferral: 0 });

  // the activity retried (a lost answer): the same case, nothing new started or inserted
  const env = new MockActivityEnvironment({ taskQueue: ctx.h.taskQueue }, { client: ctx.h.client });
  const acts = createLinkActivities(ctx.db.pool);
  const again = await env.run(acts.openLitigationCase, {
    caseId,
    accountId,
    episodeId: episode.episodeId,
    currency: 'CNY',
    principal: 50_000,
    openedBy: 'system:legal_referral',
  });
  expect(again).toEqual({ caseId, caseNumber: `LC-${caseId}` });
  const rows = await ctx.db.pool.query('SELECT case_id FROM litigation_cases WHERE account_id = $1', [accountId]);
  expect(rows.rows).toEqual([{ case_id: caseId }]);
  await rowsEventually(
    async () => (await ctx.db.pool.query('SELECT litigation_case_id, litigation_case_number FROM episode_read_model WHERE account_id = $1', [accountId])).rows,
    [{ litigation_case_id: caseId, litigation_case_number: `LC-${caseId}` }],
  );
});

test('during enforcement: the court case number reaches the episode; enforcement money arrives as a payment, an ordinary payment clears the rest: case closed collected, episode paid', async () => {
  const { accountId, caseId } = await referred();
  const at = await now();
  await steps(caseId, [
    { step: 'accept', note: 'ok' },
    { step: 'demand_letter_sent', sentAt: at, deadlineDays: 10 },
    { step: 'suit_filed', court: '朝阳区人民法院', claimAmount: 50_000, courtFee: 1_200, procedure: 'small_claims', filedAt: at },
    { step: 'case_accepted', courtCaseNumber: '(2026)京0105民初7号' },
    { step: 'judgment', amount: 50_000, costs: 800, servedAt: at },
    { step: 'enforcement_applied', at },
    { step: 'enforcement_collected', amount: 20_000 },
  ]);
  const s = await untilState(ctx.h, accountId, (x) => x.paid === 20_000, { step: '1 minute', maxSteps: 200 });
  expect(s.litigation).toMatchObject({ courtCaseNumber: '(2026)京0105民初7号', paidSinceReferral: 20_000, status: 'open' });
  const pay = await ctx.db.pool.query('SELECT payment_id, amount_minor FROM payments WHERE account_id = $1', [accountId]);
  expect(pay.rows).toHaveLength(1);
  expect(pay.rows[0].payment_id).toMatch(/^enforcement:/);
  const money = await waitFor(async () => {
    const v = await cases().state(caseId);
    return v && v.money.paidSinceReferral === 20_000 ? v.money : undefined;
  });
  expect(money).toMatchObject({ balance: 30_000, courtFee: 1_200, judgmentCosts: 800, collectedByEnforcement: 20_000 });

  await ctx.h.collection.postPayment(accountId, payment(`${accountId}-P1`, 30_000));
  await expect(result(accountId)).resolves.toMatchObject({ status: 'paid', balance: 0 });
  await expect(ctx.h.client.workflow.getHandle(`litigation-${caseId}`).result()).resolves.toMatchObject({ state: 'closed', outcome: 'collected' });
  await rowsEventually(
    async () => (await ctx.db.pool.query('SELECT state, outcome, terminal FROM litigation_cases WHERE case_id = $1', [caseId])).rows,
    [{ state: 'closed', outcome: 'collected', terminal: true }],
  );
});

test('a declined case sends the episode back to collection with the reason', async () => {
  const { accountId, caseId } = await referred();
  await steps(caseId, [{ step: 'decline', note: 'no assets worth suing for' }]);
  const s = await untilState(ctx.h, accountId, (x) => x.litigation?.status === 'declined', { step: '1 minute', maxSteps: 200 });
  expect(s.status).toBe('open');
  expect(s.litigation).toMatchObject({ caseId, status: 'declined', reason: 'no assets worth suing for' });
  // still collecting: a payment in full ends it as paid
  await ctx.h.collection.postPayment(accountId, payment(`${accountId}-P1`, 50_000));
  await expect(result(accountId)).resolves.toMatchObject({ status: 'paid' });
});

test('a settlement in installments is the episode plan; paid to the end, it closes the case (settled) and the episode', async () => {
  const { accountId, caseId } = await referred();
  const today = await simulatedToday(ctx.h);
  await steps(caseId, [
    { step: 'accept', note: 'ok' },
    {
      step: 'settled',
      amount: 40_000,
      installments: [
        { dueDate: addDays(today, 10), amount: 20_000 },
        { dueDate: addDays(today, 40), amount: 20_000 },
      ],
    },
  ]);
  const s = await untilState(ctx.h, accountId, (x) => x.installmentPlan !== null, { step: '1 minute', maxSteps: 200 });
  expect(s.installmentPlan).toMatchObject({ status: 'active', planId: expect.stringContaining(caseId) });
  expect(s.status).toBe('legal');
  await ctx.h.collection.postPayment(accountId, payment(`${accountId}-P1`, 20_000));
  await ctx.h.env.sleep('15 days');
  expect((await ctx.h.collection.state(accountId))!.installmentPlan?.status).toBe('active');
  await ctx.h.collection.postPayment(accountId, payment(`${accountId}-P2`, 20_000));
  // the settlement was for less than the debt: the episode is closed (not paid), the case settled
  await expect(result(accountId)).resolves.toMatchObject({ status: 'closed', balance: 10_000 });
  await expect(ctx.h.client.workflow.getHandle(`litigation-${caseId}`).result()).resolves.toMatchObject({ state: 'closed', outcome: 'settled' });
});

test('a filing with the court (suit filed) reaches the episode and restarts the limitation period (诉讼时效, art. 195)', async () => {
  const { accountId, episode, caseId } = await referred();
  expect(episode.limitation?.lastInterruption?.kind).not.toBe('filing');
  const filedAt = await now();
  await steps(caseId, [
    { step: 'accept', note: 'ok' },
    { step: 'demand_letter_sent', sentAt: filedAt, deadlineDays: 10 },
    { step: 'suit_filed', court: '朝阳区人民法院', claimAmount: 50_000, courtFee: 1_200, procedure: 'ordinary', filedAt },
  ]);
  const s = await untilState(ctx.h, accountId, (x) => x.limitation?.lastInterruption?.kind === 'filing', { step: '1 minute', maxSteps: 100 });
  expect(s.limitation!.lastInterruption!.at).toBe(filedAt);
  // three years from the day after the filing, in the customer's zone: within a day and a half of filedAt + 3 years
  const threeYears = Date.parse(filedAt.replace(/^(\d{4})/, (y) => String(Number(y) + 3)));
  expect(Math.abs(Date.parse(s.limitation!.expiresAt) - threeYears)).toBeLessThan(1.5 * 86_400_000);
});
