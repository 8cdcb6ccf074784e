// Disputes (art. 39) and abnormal bills (art. 33), pure. An open dispute takes its amount out of
// the pressure: reminders go on only for what is not disputed, and no sanction (suspension,
// deregistration, letters, legal) is taken while any dispute or abnormal-bill review is open.
// Resolution either takes the charge off (an adjustment credit) or confirms it and the ladder
// resumes. A bill over `factor` × the customer's previous three-month average opens a review.
import { balanceOf, disputedAmount, oldestUnpaidBill, settle } from '../ledger';
import type { EpisodeState, DisputeRequest, Dispute } from '../state';
import type { Bill, CollectionPolicy } from '../../policy/types';

export interface DisputeResolution {
  disputeId: string;
  /** True: the customer is right, the charge comes off. False: the charge stands. */
  upheld: boolean;
  note?: string;
}

export function disputeById(state: EpisodeState, disputeId: string): Dispute | undefined {
  return (state.disputes ?? []).find((d) => d.disputeId === disputeId);
}

export function disputeProblem(state: EpisodeState, req: DisputeRequest): string | undefined {
  if (state.status !== 'open' && state.status !== 'legal') return `episode is ${state.status}`;
  if (disputeById(state, req.disputeId)) return undefined; // a repeat
  if (!Number.isSafeInteger(req.amount) || req.amount <= 0) return 'amount must be a positive integer in minor units';
  if (req.amount > balanceOf(state) - disputedAmount(state)) return 'amount exceeds the undisputed balance';
  if (req.billId && !state.bills.some((b) => b.billId === req.billId)) return `no bill ${req.billId} in this episode`;
  return undefined;
}

export function openDispute(state: EpisodeState, req: DisputeRequest, now: number, kind: Dispute['kind'] = 'dispute'): Dispute {
  state.disputes ??= [];
  const known = disputeById(state, req.disputeId);
  if (known) return known;
  const dispute: Dispute = { ...req, kind, openedAt: now, status: 'open' };
  state.disputes.push(dispute);
  return dispute;
}

export function resolutionProblem(state: EpisodeState, r: DisputeResolution): string | undefined {
  const d = disputeById(state, r.disputeId);
  if (!d) return `no dispute ${r.disputeId}`;
  return undefined;
}

/** Upheld: the disputed amount comes off as an adjustment. Rejected: the charge stands. */
export function resolveDispute(state: EpisodeState, r: DisputeResolution, now: number): Dispute {
  const d = disputeById(state, r.disputeId)!;
  if (d.status !== 'open') return d;
  d.status = r.upheld ? 'upheld' : 'rejected';
  d.resolvedAt = now;
  if (r.upheld && d.amount > 0) {
    const oldestBefore = oldestUnpaidBill(state);
    state.credits ??= [];
    state.credits.push({ creditId: `dispute:${d.disputeId}`, amount: d.amount, at: now, reason: r.note ?? d.reason });
    settle(state, oldestBefore, `dispute:${d.disputeId}`, now, 'closed');
  }
  return d;
}

/** Art. 33: a bill far above the customer's usual is reviewed before it is enforced. */
export function isAbnormalBill(policy: CollectionPolicy, bill: Bill): boolean {
  const rule = policy.abnormalBill;
  return !!rule && bill.previousAverage !== undefined && bill.previousAverage > 0 && bill.amount > rule.factor * bill.previousAverage;
}

/** Opens the review of an abnormal bill (it holds sanctions, not reminders). */
export function flagIfAbnormal(state: EpisodeState, bill: Bill, now: number): void {
  if (!isAbnormalBill(state.policy, bill)) return;
  openDispute(
    state,
    {
      disputeId: `abnormal-${bill.billId}`,
      amount: 0,
      billId: bill.billId,
      reason: `bill over ${state.policy.abnormalBill!.factor}× the previous three-month average`,
    },
    now,
    'abnormal_bill',
  );
}
