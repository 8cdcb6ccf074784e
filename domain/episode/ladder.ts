// The episode's place on the ladder: rung records (taken, skipped, failed), restorations, what
// staff report back, the view the policy engine plans from, and the idempotency key of an action.
import { isContact } from '../policy/contact-rules';
import { isSuspended, serviceAfter, stricterPoint, type LadderView } from '../policy/engine';
import { steeringPolicy } from '../policy/steering-policy';
import type { ActionName, StepRecord } from '../policy/types';
import { balanceOf, disputedAmount, openDisputes } from './ledger';
import type { AgencyReport, ContactChannels, EpisodeState } from './state';

/** Actions recorded in the episode's log that are not rungs of the ladder. */
const OFF_LADDER: ActionName[] = ['restore', 'promise_reminder', 'write_off'];

/**
 * Records a rung taken or skipped and moves the ladder on. `cycle` is the cycle the rung was
 * started in: if a payment restarted the ladder while the rung's activity ran, the record stays
 * with the old cycle and the new cycle's position is left alone. `advance` false: an approved
 * red-list action, taken after its rung was already passed (./practice/review).
 */
export function recordStep(state: EpisodeState, record: Omit<StepRecord, 'cycle'> & { cycle?: number }, advance = true): void {
  const cycle = record.cycle ?? state.cycle;
  state.steps.push({ ...record, cycle });
  const onLadder = !OFF_LADDER.includes(record.action);
  if (advance && onLadder && cycle === state.cycle) {
    state.index++;
    state.expedite = undefined;
    state.escalated = undefined;
  }
  if (record.outcome === 'done') {
    const service = serviceAfter(record.action);
    if (service) {
      if (state.service === 'active' && isSuspended(service)) state.suspendedAt = record.at;
      state.service = service;
    }
    if (record.action === 'legal_referral' && state.status === 'open') state.status = 'legal';
    // The agency the account now belongs to: only it may report the outcome (issue 11).
    if (record.action === 'agency_referral') state.agencyId ??= steeringPolicy(state.policy).defaultAgencyId;
    // A sanction that completed after the customer paid in full (it was in flight) is undone at once.
    if ((state.status === 'paid' || state.status === 'closed') && isSuspended(state.service) && !state.restoration) {
      const last = state.payments[state.payments.length - 1];
      state.restoration = { paymentId: last?.paymentId ?? 'unknown', seenAt: last?.seenAt ?? record.at, seq: state.restorations.length + 1 };
    }
  }
}

/** After a broken promise or plan: the ladder resumes at the engine's stricter point. */
export function resumeStricter(state: EpisodeState, backToSuspension = false): void {
  const point = stricterPoint(state, backToSuspension);
  state.index = point.index;
  state.expedite = point.expedite;
}

export function recordRestored(state: EpisodeState, restoredAt: number): void {
  const r = state.restoration;
  if (!r) return;
  state.restorations.push({ paymentId: r.paymentId, seenAt: r.seenAt, restoredAt });
  state.restoration = undefined;
  state.suspendedAt = undefined;
  state.service = 'active';
}

export function recordCallOutcome(state: EpisodeState, stepId: string, answered: boolean): void {
  if (answered && !state.answeredCalls.includes(stepId)) state.answeredCalls.push(stepId);
}

/**
 * The billing number on file as the episode knows it: the number itself in episodes started before
 * ADR 26 (their state still holds it), else its reference (`ref:<numberRef>`, the account's
 * `number_version`), never the number; a start without either (tests) has one number, `ref:billing`.
 */
export function numberKey(state: EpisodeState): string {
  const c = state.customer;
  return c.phone ?? `ref:${c.numberRef ?? 'billing'}`;
}

/** Staff found the customer's current number wrong; false when it was already reported. */
export function recordWrongNumber(state: EpisodeState): boolean {
  state.wrongNumbers ??= [];
  const key = numberKey(state);
  if (state.wrongNumbers.includes(key)) return false;
  state.wrongNumbers.push(key);
  return true;
}

/** The number on file was reported wrong (a new number from billing lifts it). */
export function hasWrongNumber(state: EpisodeState): boolean {
  return (state.wrongNumbers ?? []).includes(numberKey(state));
}

/**
 * Billing's latest view of the customer, from a bill. A view without the number (ADR 26) only says
 * whether the number changed: a number reported wrong stays wrong unless it did (an older episode
 * kept it by number, the new view names it by reference). Views with the number (older histories) as before.
 */
export function applyCustomerView(state: EpisodeState, customer: EpisodeState['customer'], numberChanged?: boolean): void {
  const wasWrong = hasWrongNumber(state);
  state.customer = customer;
  if (customer.phone !== undefined) return;
  // by reference from now on: numbers an older episode kept leave its state
  if (state.wrongNumbers) state.wrongNumbers = state.wrongNumbers.filter((k) => k.startsWith('ref:'));
  if (wasWrong && !numberChanged) recordWrongNumber(state);
}

/** Operations restored the line by hand; false when no restoration is pending (the network did it first) or it was already recorded. */
export function recordRestoredByHand(state: EpisodeState, sig: { taskId: string; by: string }, now: number): boolean {
  const r = state.restoration;
  if (!r || r.byHand) return false;
  r.byHand = { taskId: sig.taskId, by: sig.by, at: now };
  return true;
}

/** The collection agency reported its result. */
export function recordAgencyOutcome(state: EpisodeState, report: AgencyReport, now: number): void {
  state.agencyOutcome = { outcome: report.outcome, ...(report.note ? { note: report.note } : {}), at: now };
}

/** The customer's contact preference: an opt-out stops reminders (policy `contact.optOutStops`), never legally required notices. */
export function setContactPreference(state: EpisodeState, optOut: boolean): void {
  state.optedOut = optOut;
}

/**
 * The customer's preferred hours and whether there is a second number, as the latest contact
 * preferences say (absent fields clear them): the engine plans contact rungs inside the hours and
 * sends reminders to the second number when the billing number fails (see `numberFor`).
 */
export function setContactChannels(state: EpisodeState, channels: ContactChannels): void {
  state.preferredHours = channels.preferredHours ? { start: channels.preferredHours.start, end: channels.preferredHours.end } : undefined;
  state.secondNumber = channels.secondNumber ? true : undefined;
}

/** Contacts made in the episode (done steps that reached the customer), for the frequency caps. */
export function contactsMade(state: EpisodeState): { at: number; action: ActionName }[] {
  return state.steps.filter((s) => s.outcome === 'done' && isContact(s.action)).map((s) => ({ at: s.at, action: s.action }));
}

export function cycleSteps(state: EpisodeState): StepRecord[] {
  return state.steps.filter((s) => s.cycle === state.cycle);
}

export function ladderView(state: EpisodeState): LadderView {
  const steps = cycleSteps(state);
  const callsMade = steps.filter((s) => s.action === 'manual_call' && s.outcome === 'done');
  const taken = state.steps.filter((s) => s.outcome === 'done' && !OFF_LADDER.includes(s.action));
  return {
    policy: state.policy,
    customer: state.customer,
    ...(state.ladder ? { ladder: state.ladder } : {}),
    ...(state.suspendedAt !== undefined ? { suspendedAt: state.suspendedAt } : {}),
    ...(state.expedite ? { expedite: true } : {}),
    ...(state.escalated ? { escalated: true } : {}),
    ...(state.suspensionHoldUntil !== undefined ? { suspensionHoldUntil: state.suspensionHoldUntil } : {}),
    ...(openDisputes(state).length > 0 ? { holdSanctions: true } : {}),
    ...(state.optedOut ? { optedOut: true } : {}),
    ...(hasWrongNumber(state) ? { wrongNumber: true } : {}),
    ...(state.preferredHours ? { preferredHours: state.preferredHours } : {}),
    ...(state.secondNumber ? { secondNumber: true } : {}),
    ...(state.deferSuspensionDays ? { deferSuspensionDays: state.deferSuspensionDays } : {}),
    contacts: contactsMade(state),
    balance: balanceOf(state) - disputedAmount(state),
    service: state.service,
    anchorDueDate: state.anchorDueDate,
    cycle: state.cycle,
    index: state.index,
    cycleSteps: steps,
    lastStepAt: taken[taken.length - 1]?.at,
    unansweredCalls: callsMade.filter((s) => !state.answeredCalls.includes(s.stepId)).length,
  };
}

/** The idempotency key of an external action: account, episode, cycle and rung. */
export function actionKey(state: EpisodeState, stepId: string, action: ActionName): string {
  // After a restoration the same rung may rightly be taken again (a broken installment plan
  // re-suspends): the restoration count keeps that a new action, not a replay of the old one.
  const generation = state.restorations.length > 0 ? `/r${state.restorations.length}` : '';
  return `${state.accountId}/${state.episodeId}/c${state.cycle}/${stepId}/${action}${generation}`;
}
