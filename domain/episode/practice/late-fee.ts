// Late fees (违约金): accrued daily at the policy's rate on the overdue principal (art. 34: at most
// 3‰ a day), optionally capped, shown apart from the principal, waivable by an adjustment. Pure.
//
// A day counts once it has fully passed in the customer's zone. Payments settle the oldest bills
// first, so the overdue principal on a day is what the bills then past their fee grace still owed.
import { billed, credited, disputedAmount } from '../ledger';
import type { EpisodeState, FeeAdjustment } from '../state';
import { dayNumber, localDateOf } from '../../policy/calendar';

export interface LateFeeView {
  ratePerMille: number;
  accrued: number;
  waived: number;
  /** What the customer owes in late fees now (minor units). */
  due: number;
}

export function lateFee(state: EpisodeState, now: number): LateFeeView | undefined {
  const cfg = state.policy.lateFee;
  if (!cfg) return undefined;
  const zone = state.customer.timezone;
  // Whole days as day numbers: a bill is overdue on `day` once its fee grace has passed, and a
  // payment counts from the local day it was seen (before the end of that day).
  const bills = state.bills.map((b) => ({ overdueAfter: dayNumber(b.dueDate) + cfg.graceDays, amount: b.amount }));
  const payments = state.payments.map((p) => ({ day: dayNumber(localDateOf(p.seenAt, zone)), amount: p.amount }));
  // A charge taken off by an upheld dispute was never owed; an open dispute pauses the fee on its
  // amount (art. 39); nothing accrues once the debt is written off.
  const notOwed = credited(state) + disputedAmount(state);
  const total = billed(state);
  let principalDays = 0;
  if (bills.length > 0) {
    const first = Math.min(...bills.map((b) => b.overdueAfter)) + 1;
    const stop = dayNumber(localDateOf(state.writeOff ? state.writeOff.at : now, zone));
    for (let day = first; day < stop; day++) {
      const owedOnOverdueBills = bills.reduce((t, b) => (b.overdueAfter < day ? t + b.amount : t), 0);
      const settledByThen = notOwed + payments.reduce((t, p) => (p.day <= day ? t + p.amount : t), 0);
      const overdue = Math.max(0, owedOnOverdueBills - settledByThen);
      if (overdue === 0 && settledByThen >= total) break; // nothing owed any more
      principalDays += overdue;
    }
  }
  let accrued = Math.floor((principalDays * cfg.ratePerMille) / 1000);
  if (cfg.capPercent !== undefined) accrued = Math.min(accrued, Math.floor((total * cfg.capPercent) / 100));
  const waived = (state.feeAdjustments ?? []).reduce((t, a) => t + a.amount, 0);
  return { ratePerMille: cfg.ratePerMille, accrued, waived, due: Math.max(0, accrued - waived) };
}

export function adjustmentProblem(state: EpisodeState, adj: FeeAdjustment, now: number): string | undefined {
  if ((state.feeAdjustments ?? []).some((a) => a.adjustmentId === adj.adjustmentId)) return undefined; // a repeat
  if (!Number.isSafeInteger(adj.amount) || adj.amount <= 0) return 'amount must be a positive integer in minor units';
  if (!adj.reason.trim()) return 'a waiver needs a reason';
  const fee = lateFee(state, now);
  if (!fee) return 'this episode accrues no late fee';
  if (adj.amount > fee.due) return `a waiver cannot exceed the late fee due (${fee.due})`;
  return undefined;
}

/** Waives part or all of the late fee; the same adjustment id twice changes nothing. */
export function waiveLateFee(state: EpisodeState, adj: FeeAdjustment): void {
  state.feeAdjustments ??= [];
  if (state.feeAdjustments.some((a) => a.adjustmentId === adj.adjustmentId)) return;
  state.feeAdjustments.push(adj);
}
