// Write-off (核销): finance takes an uncollectable debt off the books, but the case and its history
// stay (账销案存): the workflow keeps the episode, no rung is taken any more, and a later payment is
// still applied and reported as a recovery. Pure.
import { balanceOf } from '../ledger';
import type { EpisodeState, WriteOffRequest, WriteOff } from '../state';

export function writeOffProblem(state: EpisodeState, req: WriteOffRequest): string | undefined {
  if (state.writeOff?.writeOffId === req.writeOffId) return undefined; // a repeat
  if (state.status !== 'open' && state.status !== 'legal') return `episode is ${state.status}`;
  if (!req.reason.trim() || !req.approvedBy.trim()) return 'a write-off needs a reason and an approver';
  return undefined;
}

export function writeOff(state: EpisodeState, req: WriteOffRequest, now: number): WriteOff {
  if (state.writeOff) return state.writeOff;
  state.writeOff = { ...req, at: now, amount: balanceOf(state) };
  state.status = 'written_off';
  return state.writeOff;
}

/** Money received after the write-off: a recovery of written-off debt. */
export function recoveredAfterWriteOff(state: EpisodeState): number {
  const wo = state.writeOff;
  if (!wo) return 0;
  return state.payments.filter((p) => p.seenAt >= wo.at).reduce((t, p) => t + p.amount, 0);
}
