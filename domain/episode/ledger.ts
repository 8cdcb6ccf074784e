// One collection episode's state and the pure rules that change it: charges, payments (FIFO over
// bills, the partial-payment rule), rung records and the ladder position. The workflow owns an
// EpisodeState and calls these; nothing here touches Temporal, so unit tests can drive it directly.
import { isContact } from '../policy/contact-rules';
import { isSuspended, ladderName, serviceAfter, type LadderView } from '../policy/engine';
import type { Dispute } from './practice/dispute';
import type { FeeAdjustment } from './practice/late-fee';
import type { InstallmentPlan } from './practice/installments';
import type { WriteOff } from './practice/write-off';
import type { PolicyMigration } from './practice/policy-migration';
import type { PaymentPromise } from './practice/promise';
import type {
  ActionName,
  Bill,
  CollectionPolicy,
  Customer,
  EpisodeStatus,
  Payment,
  ServiceState,
  StepRecord,
} from '../policy/types';

export interface AppliedPayment extends Payment {
  /** Workflow time the payment reached the episode (epoch ms): the start of the restoration clock. */
  seenAt: number;
}

export interface PendingRestoration {
  /** Payment that cleared the balance. */
  paymentId: string;
  seenAt: number;
  /** Restorations in this episode so far, for the idempotency key. */
  seq: number;
}

export interface EpisodeState {
  accountId: string;
  episodeId: string;
  policy: CollectionPolicy;
  customer: Customer;
  currency: string;
  bills: Bill[];
  payments: AppliedPayment[];
  status: EpisodeStatus;
  service: ServiceState;
  /** The ladder this episode climbs, pinned at start (a list change applies from the next episode). */
  ladder?: string;
  /** Suspension deferral pinned at the start (an enterprise with no previous arrears). */
  deferSuspensionDays?: number;
  /** Audited moves of this episode to another policy version. */
  migrations?: PolicyMigration[];
  /** The collection agency's result, once reported. */
  agencyOutcome?: { outcome: 'collected' | 'returned' | 'uncollectable'; note?: string; at: number };
  /** When the line left `active` (the sanction that barred it), for the deregistration floor. */
  suspendedAt?: number;
  /** Increments each time the ladder restarts (a partial payment that clears the oldest bill). */
  cycle: number;
  anchorDueDate: string;
  index: number;
  steps: StepRecord[];
  /** Promises to pay made in this episode, the open one last (see ./practice/promise). */
  promises: PaymentPromise[];
  /** Disputes and abnormal-bill reviews, see ./practice/dispute. */
  disputes?: Dispute[];
  /** Adjustments that took a charge off (a dispute decided for the customer). */
  credits?: { creditId: string; amount: number; at: number; reason: string }[];
  /** The installment plan, if one was agreed (see ./practice/installments). */
  plan?: InstallmentPlan;
  /** Set once finance wrote the debt off (核销); the case stays open for recoveries. */
  writeOff?: WriteOff;
  /** The customer opted out of reminders (legally required notices still go). */
  optedOut?: boolean;
  /** Late-fee waivers (adjustments), see ./practice/late-fee. */
  feeAdjustments?: FeeAdjustment[];
  /** Set by a broken promise: the next rung is due at once (within window, spacing and legal floors). */
  expedite?: boolean;
  /** Manual-call outcomes reported by staff this cycle, by step id. */
  answeredCalls: string[];
  restoration?: PendingRestoration;
  restorations: { paymentId: string; seenAt: number; restoredAt: number }[];
  /** Bumped on every change, so the workflow's sleep can wake and re-plan. */
  revision: number;
}

export interface EpisodeStart {
  accountId: string;
  episodeId: string;
  policy: CollectionPolicy;
  customer: Customer;
  firstBill: Bill;
}

export function newEpisode(start: EpisodeStart): EpisodeState {
  return {
    accountId: start.accountId,
    episodeId: start.episodeId,
    policy: start.policy,
    customer: start.customer,
    currency: start.firstBill.currency,
    bills: [start.firstBill],
    payments: [],
    status: 'open',
    service: 'active',
    ladder: ladderName(start.policy, start.customer),
    ...(cleanEnterprise(start.customer) && start.policy.enterpriseCleanHistoryDeferDays
      ? { deferSuspensionDays: start.policy.enterpriseCleanHistoryDeferDays }
      : {}),
    cycle: 1,
    anchorDueDate: start.firstBill.dueDate,
    index: 0,
    steps: [],
    answeredCalls: [],
    promises: [],
    restorations: [],
    revision: 0,
  };
}

/** The seeds: an enterprise with a clean history in a bad patch may get its suspension delayed. */
function cleanEnterprise(c: Customer): boolean {
  return c.segment === 'enterprise' && c.priorArrears === 0 && !c.lists.includes('black');
}

/** State carried by continue-as-new from an older workflow version gets the fields added since. */
export function upgradeCarried(state: EpisodeState): EpisodeState {
  state.promises ??= [];
  return state;
}

const sum = (xs: { amount: number }[]) => xs.reduce((total, x) => total + x.amount, 0);

export function billed(state: EpisodeState): number {
  return sum(state.bills);
}

export function paid(state: EpisodeState): number {
  return sum(state.payments);
}

export function openDisputes(state: EpisodeState): Dispute[] {
  return (state.disputes ?? []).filter((d) => d.status === 'open');
}

/** What open disputes take out of the pressure. */
export function disputedAmount(state: EpisodeState): number {
  return openDisputes(state).reduce((t, d) => t + d.amount, 0);
}

/** Charges taken off by adjustment (a dispute decided for the customer). */
export function credited(state: EpisodeState): number {
  return sum(state.credits ?? []);
}

/** Outstanding balance in minor units; negative is a credit. */
export function balanceOf(state: EpisodeState): number {
  return billed(state) - paid(state) - credited(state);
}

/** Payments settle the oldest bills first; the oldest bill with money still owed anchors the ladder. */
export function oldestUnpaidBill(state: EpisodeState): Bill | undefined {
  let credit = paid(state) + credited(state);
  const byDue = [...state.bills].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.billId.localeCompare(b.billId));
  for (const bill of byDue) {
    if (credit < bill.amount) return bill;
    credit -= bill.amount;
  }
  return undefined;
}

export function oldestUnpaidDueDate(state: EpisodeState): string | undefined {
  return oldestUnpaidBill(state)?.dueDate;
}

/** Starts the ladder again from the oldest unpaid bill (a new cycle). */
function restartLadder(state: EpisodeState, anchor: string): void {
  state.anchorDueDate = anchor;
  state.cycle++;
  state.index = 0;
  state.answeredCalls = [];
}

export type ChargeResult = { outcome: 'added' | 'duplicate'; balance: number } | { outcome: 'rejected'; reason: string };

/** A new bill while the episode is open (next month's bill): it adds to the balance; the anchor stays. */
export function addCharge(state: EpisodeState, bill: Bill): ChargeResult {
  if (state.bills.some((b) => b.billId === bill.billId)) return { outcome: 'duplicate', balance: balanceOf(state) };
  if (bill.currency !== state.currency) {
    return { outcome: 'rejected', reason: `currency ${bill.currency} differs from the episode's ${state.currency}` };
  }
  const unpaidBefore = oldestUnpaidBill(state);
  state.bills.push(bill);
  const anchor = oldestUnpaidDueDate(state);
  if ((state.status === 'paid' || state.status === 'closed' || state.status === 'written_off') && anchor) {
    // A bill that arrives while an ended episode is still winding down (e.g. restoring), or a
    // written-off case, reopens it rather than being lost with the finished run.
    state.status = 'open';
    restartLadder(state, anchor);
  } else if (!unpaidBefore && anchor) {
    restartLadder(state, anchor);
  } else if (anchor && anchor < state.anchorDueDate) {
    state.anchorDueDate = anchor;
  }
  state.revision++;
  return { outcome: 'added', balance: balanceOf(state) };
}

export interface PaymentResult {
  outcome: 'applied' | 'duplicate' | 'rejected';
  reason?: string;
  balance: number;
  status: EpisodeStatus;
  service: ServiceState;
  /** True when this payment cleared the balance of a suspended line: restoration follows. */
  restoring: boolean;
  /** True when the debt had been written off: this payment is a recovery. */
  recovery?: boolean;
}

function paymentResult(state: EpisodeState, outcome: PaymentResult['outcome'], reason?: string): PaymentResult {
  return {
    outcome,
    ...(reason ? { reason } : {}),
    balance: balanceOf(state),
    status: state.status,
    service: state.service,
    restoring: state.restoration !== undefined,
  };
}

/** Checks that need no state change; the workflow's update validator runs this. */
export function paymentProblem(state: EpisodeState, payment: Payment): string | undefined {
  if (!Number.isSafeInteger(payment.amount) || payment.amount <= 0) return 'amount must be a positive integer in minor units';
  if (payment.currency !== state.currency) return `currency ${payment.currency} differs from the episode's ${state.currency}`;
  return undefined;
}

/**
 * Applies a payment. The partial-payment rule (README, "Payments"):
 * - paid in full (balance ≤ policy.paidTolerance): the episode ends as `paid`; a suspended line is restored;
 * - a partial payment that clears the oldest overdue bill restarts the ladder (a new cycle) from the
 *   next unpaid bill's due date: that debt is younger, so it gets the gentle rungs again, spaced;
 * - any other partial payment lowers the balance and the ladder goes on where it was (rungs with a
 *   balance threshold see the new balance). A sanction in force stays until the balance is cleared.
 */
export function applyPayment(state: EpisodeState, payment: Payment, now: number): PaymentResult {
  if (state.payments.some((p) => p.paymentId === payment.paymentId)) return paymentResult(state, 'duplicate');
  const problem = paymentProblem(state, payment);
  if (problem) return paymentResult(state, 'rejected', problem);

  const oldestBefore = oldestUnpaidBill(state);
  const recovery = state.status === 'written_off';
  state.payments.push({ ...payment, seenAt: now });
  state.revision++;
  settle(state, oldestBefore, payment.paymentId, now, 'paid');
  return { ...paymentResult(state, 'applied'), ...(recovery ? { recovery: true } : {}) };
}

/**
 * After money came in (or a charge was taken off): nothing owed ends the episode (restoring a
 * suspended line); clearing the oldest bill restarts the ladder (the partial-payment rule).
 */
export function settle(state: EpisodeState, oldestBefore: Bill | undefined, reference: string, now: number, endAs: 'paid' | 'closed'): void {
  const oldest = oldestUnpaidBill(state);
  if (balanceOf(state) <= state.policy.paidTolerance || oldest === undefined) {
    if (state.status === 'open' || state.status === 'legal' || state.status === 'written_off') state.status = endAs;
    if (isSuspended(state.service) && !state.restoration) {
      state.restoration = { paymentId: reference, seenAt: now, seq: state.restorations.length + 1 };
    }
  } else if (oldest.billId !== oldestBefore?.billId && state.status === 'open') {
    restartLadder(state, oldest.dueDate);
  }
}

/** Actions recorded in the episode's log that are not rungs of the ladder. */
const OFF_LADDER: ActionName[] = ['restore', 'promise_reminder', 'write_off'];

/**
 * Records a rung taken or skipped and moves the ladder on. `cycle` is the cycle the rung was
 * started in: if a payment restarted the ladder while the rung's activity ran, the record stays
 * with the old cycle and the new cycle's position is left alone.
 */
export function recordStep(state: EpisodeState, record: Omit<StepRecord, 'cycle'> & { cycle?: number }): void {
  const cycle = record.cycle ?? state.cycle;
  state.steps.push({ ...record, cycle });
  const onLadder = !OFF_LADDER.includes(record.action);
  if (onLadder && cycle === state.cycle) {
    state.index++;
    state.expedite = undefined;
  }
  if (record.outcome === 'done') {
    const service = serviceAfter(record.action);
    if (service) {
      if (state.service === 'active' && isSuspended(service)) state.suspendedAt = record.at;
      state.service = service;
    }
    if (record.action === 'legal_referral' && state.status === 'open') state.status = 'legal';
    // A sanction that completed after the customer paid in full (it was in flight) is undone at once.
    if ((state.status === 'paid' || state.status === 'closed') && isSuspended(state.service) && !state.restoration) {
      const last = state.payments[state.payments.length - 1];
      state.restoration = { paymentId: last?.paymentId ?? 'unknown', seenAt: last?.seenAt ?? record.at, seq: state.restorations.length + 1 };
    }
  }
  state.revision++;
}

export function recordRestored(state: EpisodeState, restoredAt: number): void {
  const r = state.restoration;
  if (!r) return;
  state.restorations.push({ paymentId: r.paymentId, seenAt: r.seenAt, restoredAt });
  state.restoration = undefined;
  state.suspendedAt = undefined;
  state.service = 'active';
  state.revision++;
}

export function recordCallOutcome(state: EpisodeState, stepId: string, answered: boolean): void {
  if (answered && !state.answeredCalls.includes(stepId)) state.answeredCalls.push(stepId);
  state.revision++;
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
    ...(openDisputes(state).length > 0 ? { holdSanctions: true } : {}),
    ...(state.optedOut ? { optedOut: true } : {}),
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
