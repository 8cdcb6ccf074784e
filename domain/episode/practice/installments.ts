// Installment plans (分期缴费), pure. An agreed schedule holds the ladder while the installments
// are met; a suspended line is restored when the plan is agreed (policy); an installment still
// short after its date plus the grace breaks the plan: the ladder resumes at a stricter point and a
// line restored under the plan is suspended again.
import { balanceOf, paid } from '../ledger';
import type { EpisodeState, Installment, PlanRequest, InstallmentPlan } from '../state';
import { resumeStricter } from '../ladder';
import { isCasePlanSource } from './litigation-link';
import { addDays, atLocalTime, localDateOf } from '../../policy/calendar';
import { installmentPolicy } from '../../policy/default-policy';
import { isSuspended } from '../../policy/engine';

export function activePlan(state: EpisodeState): InstallmentPlan | undefined {
  return state.plan?.status === 'active' ? state.plan : undefined;
}

export function planProblem(state: EpisodeState, req: PlanRequest, now: number): string | undefined {
  if (state.plan?.planId === req.planId) return undefined; // a repeat
  // a mediation agreement or settlement in the episode's litigation case is paid like a plan while the episode is in legal
  const fromCase = isCasePlanSource(req.source);
  if (state.status !== 'open' && !(fromCase && state.status === 'legal')) return `episode is ${state.status}`;
  if (activePlan(state)) return `plan ${state.plan!.planId} is already active`;
  const rules = installmentPolicy(state.policy);
  const list = req.installments;
  if (list.length < 2 || list.length > rules.maxInstallments) return `a plan has 2–${rules.maxInstallments} installments`;
  const today = localDateOf(now, state.customer.timezone);
  for (let i = 0; i < list.length; i++) {
    const it = list[i]!;
    if (!Number.isSafeInteger(it.amount) || it.amount <= 0) return `installments.${i}.amount must be a positive integer`;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(it.dueDate) || it.dueDate < today) return `installments.${i}.dueDate must be today or later`;
    if (i > 0 && it.dueDate <= list[i - 1]!.dueDate) return `installments.${i}.dueDate must come after the previous one`;
  }
  if (list[list.length - 1]!.dueDate > addDays(today, rules.maxMonths * 31)) return `a plan may run at most ${rules.maxMonths} months`;
  const total = list.reduce((t, x) => t + x.amount, 0);
  // a case's agreement may be for less than the debt: paid in full, it ends the case (settled) and the episode
  if (!fromCase && total < balanceOf(state)) return `installments total ${total}, less than the balance ${balanceOf(state)}`;
  return undefined;
}

export function agreePlan(state: EpisodeState, req: PlanRequest, now: number): InstallmentPlan {
  if (state.plan?.planId === req.planId) return state.plan;
  const restore = installmentPolicy(state.policy).restoreOnAgreement && isSuspended(state.service);
  state.plan = { ...req, agreedAt: now, paidBefore: paid(state), status: 'active', restoredLine: restore };
  if (restore && !state.restoration) {
    state.restoration = { paymentId: `plan:${req.planId}`, seenAt: now, seq: state.restorations.length + 1 };
  }
  return state.plan;
}

/** The first installment not yet covered by what was paid since the plan was agreed. */
function firstUnmet(state: EpisodeState, plan: InstallmentPlan): Installment | undefined {
  const paidSince = paid(state) - plan.paidBefore;
  let cumulative = 0;
  for (const it of plan.installments) {
    cumulative += it.amount;
    if (paidSince < cumulative) return it;
  }
  return undefined;
}

/** After a payment: a plan whose installments are all covered is completed. */
export function settlePlanOnPayment(state: EpisodeState): void {
  const plan = activePlan(state);
  if (plan && !firstUnmet(state, plan)) plan.status = 'completed';
}

/** When the plan must next be checked: the end of the first unmet installment's grace. */
export function planCheckpoint(state: EpisodeState, now: number): number | undefined {
  const plan = activePlan(state);
  if (!plan) return undefined;
  const unmet = firstUnmet(state, plan);
  if (!unmet) return now; // all met: complete it now
  const { graceDays } = installmentPolicy(state.policy);
  return Math.max(atLocalTime(addDays(unmet.dueDate, graceDays + 1), '00:00', state.customer.timezone), now);
}

/** At a checkpoint: all met → completed; the installment still short → broken, ladder resumes strictly. */
export function checkPlan(state: EpisodeState, now: number): void {
  const plan = activePlan(state);
  if (!plan) return;
  const unmet = firstUnmet(state, plan);
  if (!unmet) {
    plan.status = 'completed';
  } else if (planCheckpoint(state, now)! <= now) {
    plan.status = 'broken';
    // A line that came back on the promise of the plan: its first suspension rung is due again.
    resumeStricter(state, plan.restoredLine);
  }
}
