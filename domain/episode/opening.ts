// What a new episode starts with besides its first bill: payments the account made while it had no
// open episode (early payments) and the credit it overpaid in earlier episodes. Both are applied
// before the first rung is planned, so a customer who paid early is never chased for it. An old
// episode's input has neither, so replaying it issues the same commands (no patch).
import { balanceOf, oldestUnpaidBill } from './ledger';
import type { EpisodeStart, EpisodeState } from './state';

/** Applies the opening credit and payments to a new episode (`now`: workflow time); ends it `paid` when they cover the bill. */
export function applyOpening(state: EpisodeState, start: Pick<EpisodeStart, 'openingPayments' | 'openingCredit'>, now: number): void {
  let applied = false;
  const credit = start.openingCredit;
  if (credit && Number.isSafeInteger(credit.amount) && credit.amount > 0 && !(state.credits ?? []).some((c) => c.creditId === credit.creditId)) {
    (state.credits ??= []).push({ creditId: credit.creditId, amount: credit.amount, at: now, reason: 'opening credit: overpaid in an earlier episode' });
    applied = true;
  }
  for (const p of start.openingPayments ?? []) {
    if (!Number.isSafeInteger(p.amount) || p.amount <= 0 || p.currency !== state.currency) continue;
    if (state.payments.some((q) => q.paymentId === p.paymentId)) continue;
    state.payments.push({ ...p, seenAt: now });
    applied = true;
  }
  // nothing carried in (every older episode): the start is as it always was
  if (!applied) return;
  if (balanceOf(state) <= state.policy.paidTolerance || oldestUnpaidBill(state) === undefined) {
    if (state.status === 'open') state.status = 'paid';
  }
}
