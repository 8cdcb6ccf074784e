// The pure policy engine: (policy, episode view, now) → the next rung of the ladder and when.
// No Temporal, no I/O, no clock: the workflow passes `now`, unit and property tests call it directly.
import { addDays, atLocalTime, dayOfMonthOnOrAfter, localDateOf, nextAllowedMoment } from './calendar';
import { nextContactMoment, numberFor, plannedWindow, stoppedByOptOut, TO_THE_NUMBER } from './contact-rules';
import { promisePolicy } from './default-policy';
import type {
  ActionName,
  CollectionPolicy,
  ContactNumber,
  EpisodeCustomer,
  LadderAction,
  LadderStep,
  LocalTime,
  ServiceState,
  StepRecord,
  StepTiming,
  TimeWindow,
} from './types';

const HOUR_MS = 3_600_000;

/** A contact made: when, and which kind. */
export type Contact = { at: number; action: ActionName };

/** What the engine needs to know about an episode to place its next rung. */
export interface LadderView {
  policy: CollectionPolicy;
  customer: EpisodeCustomer;
  /** The ladder pinned by the episode; derived from the customer when absent. */
  ladder?: string;
  /** Days the suspension rungs are deferred (an enterprise with a clean history). */
  deferSuspensionDays?: number;
  /** Contacts made in the episode (for the rolling-week caps). */
  contacts?: Contact[];
  /** The customer opted out of reminders. */
  optedOut?: boolean;
  /** Staff reported the customer's current number wrong: nothing is sent or placed to it. */
  wrongNumber?: boolean;
  /** The customer's preferred hours (contact preferences): contact rungs are planned inside them where they meet the lawful window. */
  preferredHours?: TimeWindow;
  /** The customer gave a second number (contact preferences): reminders may go there instead (see `numberFor`). */
  secondNumber?: boolean;
  /** A broken promise: the next rung's own timing is ignored (it is due now). */
  expedite?: boolean;
  /** A person escalated (steering): with `expedite`, the spacing between rungs is ignored too; windows and floors are not. */
  escalated?: boolean;
  /** After an emergency restore by hand: no suspension rung before this (epoch ms). */
  suspensionHoldUntil?: number;
  /** When the line was first barred in this suspension (epoch ms). */
  suspendedAt?: number;
  /** Outstanding balance under pressure (minus what is disputed), minor units. */
  balance: number;
  /** An open dispute or abnormal-bill review: no sanction is taken until it is resolved. */
  holdSanctions?: boolean;
  service: ServiceState;
  /** Due date of the oldest unpaid bill: the cycle's anchor (customer-local date). */
  anchorDueDate: string;
  cycle: number;
  /** Index of the next rung in the account's ladder. */
  index: number;
  /** Rungs taken or skipped in the current cycle. */
  cycleSteps: StepRecord[];
  /** When the last rung of the episode was taken (epoch ms), for spacing. */
  lastStepAt?: number;
  /** Manual calls of this cycle that were made and not answered. */
  unansweredCalls: number;
}

export interface PlannedStep {
  step: LadderStep;
  /** The action to take: the rung's own, or `manual_review` where the red list forbids automation. */
  action: LadderAction;
  /** Epoch ms; never earlier than `now`. Due when `at <= now`. */
  at: number;
  /** Set when the rung should be passed over when it falls due, and why. */
  skipReason?: string;
  /** Which number a rung to the customer's number goes to; set only when the customer gave a second number. */
  contact?: ContactNumber;
}

export function ladderName(policy: CollectionPolicy, customer: EpisodeCustomer): string {
  return customer.lists.includes('black') ? policy.blackListLadder : policy.segmentLadders[customer.segment];
}

export function ladderFor(policy: CollectionPolicy, customer: EpisodeCustomer, pinned?: string): LadderStep[] {
  const name = pinned ?? ladderName(policy, customer);
  const ladder = policy.ladders[name];
  if (!ladder) throw new RangeError(`policy ${policy.id} v${policy.version} has no ladder "${name}"`);
  return ladder;
}

export function windowFor(policy: CollectionPolicy, action: ActionName): TimeWindow | undefined {
  if (policy.unwindowedActions.includes(action)) return undefined;
  return policy.windows[action] ?? policy.contactWindow;
}

/** Network state after a sanction, or undefined when the action does not touch the network. */
export function serviceAfter(action: ActionName): ServiceState | undefined {
  switch (action) {
    case 'suspend_outgoing':
      return 'outgoing_barred';
    case 'suspend_full':
      return 'suspended';
    case 'deregister':
      return 'deregistered';
    case 'restore':
      return 'active';
    default:
      return undefined;
  }
}

/** Rungs that sanction or escalate (held while a dispute or review is open). */
export const SANCTIONS: LadderAction[] = ['suspend_outgoing', 'suspend_full', 'deregister', 'agency_referral', 'demand_letter', 'legal_referral'];

const SEVERITY: Record<ServiceState, number> = { active: 0, outgoing_barred: 1, suspended: 2, deregistered: 3 };

export function isSuspended(service: ServiceState): boolean {
  return service === 'outgoing_barred' || service === 'suspended';
}

function effectiveAction(policy: CollectionPolicy, customer: EpisodeCustomer, step: LadderStep): LadderAction {
  return customer.lists.includes('red') && policy.redListManualActions.includes(step.action) ? 'manual_review' : step.action;
}

/** Local calendar date a timing points at, or undefined when it refers to a rung not yet reached. */
function timingDate(view: LadderView, timing: StepTiming): string | undefined {
  const zone = view.customer.timezone;
  switch (timing.kind) {
    case 'days_after_due':
      return addDays(view.anchorDueDate, timing.days);
    case 'day_of_month':
      return dayOfMonthOnOrAfter(addDays(view.anchorDueDate, timing.minDaysAfterDue), timing.day);
    case 'days_after_step': {
      // A rung not reached in this cycle: count from the latest rung of the cycle instead.
      const ref = [...view.cycleSteps].reverse().find((s) => s.stepId === timing.step) ?? view.cycleSteps[view.cycleSteps.length - 1];
      return ref ? addDays(localDateOf(ref.at, zone), timing.days) : undefined;
    }
  }
}

/** Why the customer's opt-out (or a wrong number with no second one) passes this action over, if it does (reminders only; legal notices always go). */
function optOutReason(view: Pick<LadderView, 'policy' | 'optedOut' | 'wrongNumber' | 'secondNumber'>, action: ActionName): string | undefined {
  if (view.wrongNumber && !view.secondNumber && TO_THE_NUMBER.includes(action)) return 'wrong number: nothing goes to it until billing gives another';
  return view.optedOut && stoppedByOptOut(view.policy, action) ? 'customer opted out of reminders' : undefined;
}

function skipReason(view: LadderView, step: LadderStep, action: LadderAction): string | undefined {
  if (step.minBalance !== undefined && view.balance < step.minBalance) return `balance below ${step.minBalance}`;
  const optedOut = optOutReason(view, action);
  if (optedOut) return optedOut;
  const target = serviceAfter(action);
  if (target && SEVERITY[view.service] >= SEVERITY[target]) return `service already ${view.service}`;
  // Art. 34: a line is terminated only after it has been suspended (for the floor checked in legalFloor).
  if (action === 'deregister' && !isSuspended(view.service)) return 'line is not suspended';
  return undefined;
}

/**
 * The earliest moment the law allows a sanction, whatever the policy's timings say: suspension
 * only once the payment term is passed by the floor's days; deregistration only after the floor's
 * days of actual suspension.
 */
function legalFloor(view: LadderView, action: LadderAction, time: string): number {
  const { legal } = view.policy;
  const zone = view.customer.timezone;
  if (action === 'suspend_outgoing' || action === 'suspend_full') {
    const days = legal.minDaysAfterDueBeforeSuspension + 1 + (view.deferSuspensionDays ?? 0);
    return atLocalTime(addDays(view.anchorDueDate, days), time, zone);
  }
  if (action === 'deregister' && view.suspendedAt !== undefined) {
    return atLocalTime(addDays(localDateOf(view.suspendedAt, zone), legal.minDaysSuspendedBeforeDeregistration), time, zone);
  }
  return 0;
}

/** A line restored by hand in an emergency is not suspended again before the hold ends. */
function suspensionHold(view: LadderView, action: LadderAction): number {
  return view.suspensionHoldUntil !== undefined && (action === 'suspend_outgoing' || action === 'suspend_full') ? view.suspensionHoldUntil : 0;
}

function preferredTime(policy: CollectionPolicy, action: ActionName): LocalTime {
  return policy.preferredTime[action] ?? policy.preferredTime.default;
}

/**
 * The first moment at or after `at`, and not before `now`, when `action` may go: inside its
 * window (narrowed to the customer's preferred hours where they meet it) and, for contact, on no
 * holiday and under the rolling-week caps.
 */
function allowedMoment(
  policy: CollectionPolicy,
  action: ActionName,
  at: number,
  now: number,
  zone: string,
  contacts: Contact[],
  preferredHours?: TimeWindow,
): number {
  at = Math.max(at, now);
  const window = plannedWindow(windowFor(policy, action), action, preferredHours);
  if (window) at = nextAllowedMoment(at, window, zone);
  return nextContactMoment(policy, action, at, zone, window, contacts);
}

/**
 * The next rung and when it falls due, or null when there is none to plan: the ladder is exhausted,
 * nothing undisputed is owed, or the next rung is a sanction held by an open dispute.
 */
export function planNextStep(view: LadderView, now: number): PlannedStep | null {
  const { policy, customer } = view;
  const step = ladderFor(policy, customer, view.ladder)[view.index];
  if (!step) return null;
  if (view.balance <= policy.paidTolerance) return null;
  const zone = customer.timezone;
  const action = effectiveAction(policy, customer, step);
  if (view.holdSanctions && SANCTIONS.includes(action)) return null;
  const timing = step.atIfHighBalance && view.balance >= policy.highBalanceThreshold ? step.atIfHighBalance : step.at;
  const time = preferredTime(policy, action);

  const date = view.expedite ? undefined : timingDate(view, timing);
  let at = date === undefined ? now : atLocalTime(date, time, zone);

  const sooner = step.soonerAfterUnansweredCalls;
  if (sooner && view.unansweredCalls >= sooner.calls) {
    const lastCall = [...view.cycleSteps].reverse().find((s) => s.action === 'manual_call' && s.outcome === 'done');
    if (lastCall) at = Math.min(at, atLocalTime(addDays(localDateOf(lastCall.at, zone), sooner.days), time, zone));
  }

  // Spacing guards a late enrolment (or a restarted cycle) against a burst of overdue rungs.
  // An escalation by a person is not held back by it (the windows and floors below still apply).
  if (view.lastStepAt !== undefined && !view.escalated) at = Math.max(at, view.lastStepAt + policy.minHoursBetweenSteps * HOUR_MS);
  at = Math.max(at, legalFloor(view, action, time), suspensionHold(view, action));
  at = allowedMoment(policy, action, at, now, zone, view.contacts ?? [], view.preferredHours);

  const reason = skipReason(view, step, action);
  return withContact(view, reason ? { step, action, at, skipReason: reason } : { step, action, at });
}

/**
 * An action a person approved on a red-list review: due now, but still inside its window and legal
 * floors (and the contact rules), never before them; passed over if the line is already in that
 * state. Null while nothing undisputed is owed or an open dispute holds sanctions.
 */
export function planApprovedAction(view: LadderView, step: LadderStep, now: number): PlannedStep | null {
  const { policy, customer } = view;
  if (view.balance <= policy.paidTolerance) return null;
  if (view.holdSanctions && SANCTIONS.includes(step.action)) return null;
  const time = preferredTime(policy, step.action);
  const floor = Math.max(legalFloor(view, step.action, time), suspensionHold(view, step.action));
  const at = allowedMoment(policy, step.action, Math.max(now, floor), now, customer.timezone, view.contacts ?? [], view.preferredHours);
  const reason = skipReason(view, step, step.action);
  return withContact(view, reason ? { step, action: step.action, at, skipReason: reason } : { step, action: step.action, at });
}

/** The number a planned rung goes to, when the customer gave a second number (older episodes: the plan as before). */
function withContact(view: LadderView, plan: PlannedStep): PlannedStep {
  const contact = view.secondNumber ? numberFor(view.policy, plan.action, view) : undefined;
  return contact ? { ...plan, contact } : plan;
}

export interface PlannedReminder {
  /** Epoch ms; never earlier than `now`. */
  at: number;
  /** Set when the reminder is passed over when it falls due (the customer opted out), and why. */
  skipReason?: string;
  /** Which number it goes to; set only when the customer gave a second number. */
  contact?: ContactNumber;
}

/**
 * A promise's reminder: on the promised (customer-local) date at the reminder's preferred time, or
 * the next moment its window and the contact rules allow; passed over if the customer opted out.
 */
export function planPromiseReminder(
  view: Pick<LadderView, 'policy' | 'customer' | 'contacts' | 'optedOut' | 'wrongNumber' | 'preferredHours' | 'secondNumber'> & { unansweredCalls?: number },
  date: string,
  now: number,
): PlannedReminder {
  const { policy } = view;
  const zone = view.customer.timezone;
  const action = 'promise_reminder';
  const at = allowedMoment(policy, action, atLocalTime(date, preferredTime(policy, action), zone), now, zone, view.contacts ?? [], view.preferredHours);
  const reason = optOutReason(view, action);
  const contact = view.secondNumber ? numberFor(policy, action, view) : undefined;
  return { at, ...(reason ? { skipReason: reason } : {}), ...(contact ? { contact } : {}) };
}

/**
 * Where the ladder resumes after a broken promise or installment plan: at a stricter point. The
 * reminder rungs the policy names (`promise.skipOnBroken`) are passed over and the next rung is due
 * at once (`expedite`); with `backToSuspension` (a line restored on the strength of a plan) the
 * ladder first goes back to its first suspension rung.
 */
export function stricterPoint(view: Pick<LadderView, 'policy' | 'customer' | 'ladder' | 'index'>, backToSuspension = false): { index: number; expedite: true } {
  const ladder = ladderFor(view.policy, view.customer, view.ladder);
  let index = view.index;
  if (backToSuspension) {
    const firstSuspension = ladder.findIndex((s) => s.action === 'suspend_outgoing' || s.action === 'suspend_full');
    if (firstSuspension >= 0 && index > firstSuspension) index = firstSuspension;
  }
  const { skipOnBroken } = promisePolicy(view.policy);
  while (index < ladder.length && skipOnBroken.includes(ladder[index]!.action)) index++;
  return { index, expedite: true };
}
