// Late fees (违约金): accrued daily at the policy's rate on the overdue principal (art. 34: at most
// 3‰ a day), optionally capped, shown apart from the principal, waivable by an adjustment. Pure.
//
// A day counts once it has fully passed in the customer's zone. Payments settle the oldest bills
// first, so the overdue principal on a day is what the bills then past their fee grace still owed.
import { billed, credited, disputedAmount, type EpisodeState } from './episode';
import { addDays, atLocalTime, localDateOf } from './policy/calendar';

export interface LateFeeView {
  ratePerMille: number;
  accrued: number;
  waived: number;
  /** What the customer owes in late fees now (minor units). */
  due: number;
}

export interface FeeAdjustment {
  adjustmentId: string;
  amount: number;
  reason: string;
}

export function lateFee(state: EpisodeState, now: number): LateFeeView | undefined {
  const cfg = state.policy.lateFee;
  if (!cfg) return undefined;
  const zone = state.customer.timezone;
  const today = localDateOf(now, zone);
  const bills = [...state.bills].sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  const payments = [...state.payments].sort((a, b) => a.seenAt - b.seenAt);
  // A charge taken off by an upheld dispute was never owed; an open dispute pauses the fee on its
  // amount (art. 39); nothing accrues once the debt is written off.
  const notOwed = credited(state) + disputedAmount(state);
  const first = bills[0];
  let principalDays = 0;
  if (first) {
    const stop = state.writeOff ? localDateOf(state.writeOff.at, zone) : today;
    for (let day = addDays(first.dueDate, cfg.graceDays + 1); day < stop; day = addDays(day, 1)) {
      const endOfDay = atLocalTime(addDays(day, 1), '00:00', zone);
      const owedOnOverdueBills = bills.filter((b) => addDays(b.dueDate, cfg.graceDays) < day).reduce((t, b) => t + b.amount, 0);
      const settledByThen = notOwed + payments.filter((p) => p.seenAt < endOfDay).reduce((t, p) => t + p.amount, 0);
      const overdue = Math.max(0, owedOnOverdueBills - settledByThen);
      if (overdue === 0 && settledByThen >= billed(state)) break; // nothing owed any more
      principalDays += overdue;
    }
  }
  let accrued = Math.floor((principalDays * cfg.ratePerMille) / 1000);
  if (cfg.capPercent !== undefined) accrued = Math.min(accrued, Math.floor((billed(state) * cfg.capPercent) / 100));
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
  state.revision++;
}
