// The episode's ledger: what every rule builds on. Balance, FIFO settlement over bills (payments
// settle the oldest bills first; the oldest unpaid bill anchors the ladder), charges, payments and
// the partial-payment rule. Pure: the workflow and the unit tests call it directly.
import { isSuspended } from '../policy/engine';
import type { Bill, EpisodeStatus, Payment, ServiceState } from '../policy/types';
import type { Dispute, EpisodeState } from './state';

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

/** A bill as the ledger allocates money to it: what it charged, and what is already allocated to it. */
export interface AllocatableBill {
  billId: string;
  dueDate: string;
  amount: number;
  allocated: number;
}

/**
 * Allocates `amount` (a payment or a credit) to bills, oldest due date first (ties by bill id), as
 * `oldestUnpaidBill` settles them: each bill takes at most what it still owes. What no bill takes
 * is left unallocated (an overpayment). Pure: the ledger's allocation entries come from it.
 */
export function allocateFifo(bills: AllocatableBill[], amount: number): { allocations: { billId: string; amount: number }[]; unallocated: number } {
  let left = Math.max(0, amount);
  const allocations: { billId: string; amount: number }[] = [];
  const byDue = [...bills].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.billId.localeCompare(b.billId));
  for (const bill of byDue) {
    if (left === 0) break;
    const owed = Math.max(0, bill.amount - bill.allocated);
    const take = Math.min(owed, left);
    if (take > 0) {
      allocations.push({ billId: bill.billId, amount: take });
      left -= take;
    }
  }
  return { allocations, unallocated: left };
}
