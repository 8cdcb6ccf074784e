// The episode's side of its litigation case (ADR 12), pure. The case is its own workflow
// (`litigation-<caseId>`, ADR 9); the two talk by signals with idempotent ids:
// - the case tells the episode it was opened, the court's case number, and how it ended;
// - the episode tells the case the money: what was paid since referral, the balance, the late fee,
//   the state of a plan agreed in the case (mediation or settlement paid in installments).
// How the end of a case moves the episode:
// - `closed` collected / settled: the episode ends, `paid` when nothing is owed, else `closed`;
// - `closed` uncollectable: the episode stays in legal for finance's write-off (账销案存: the case is kept);
// - `declined` / `withdrawn` (or closed as withdrawn): the episode goes back to collection, and the
//   ladder continues after the legal_referral rung (in the default policies the last rung: the
//   episode then waits, open, for a payment, a write-off or a case opened by hand).
import { balanceOf, paid } from '../ledger';
import type { EpisodeState, LitigationLink } from '../state';
import { lateFee } from './late-fee';

/** The case id the legal_referral rung opens: one per account and episode, the same on every retry. */
export function referralCaseId(accountId: string, episodeId: string): string {
  const id = `ref-${accountId}-${episodeId}`;
  if (id.length <= 64) return id;
  return `ref-${fnv1a(id)}-${accountId.slice(0, 20)}`.slice(0, 64);
}

/** FNV-1a, 32 bits, hex: deterministic in the workflow sandbox. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** What the case sends the episode. `signalId` makes it idempotent; `episodeId` guards against a later episode of the account. */
export type CaseSignal = { signalId: string; caseId: string; episodeId: string } & (
  | { event: 'opened'; caseNumber: string }
  | { event: 'court_case_number'; courtCaseNumber: string }
  | { event: 'ended'; caseState: 'closed' | 'declined' | 'withdrawn'; outcome?: string; reason?: string }
  // A filing with the court (suit, payment order, enforcement): interrupts the limitation period (art. 195).
  | { event: 'filed'; step: string; at: number }
);

/** Links the episode to a case (the rung's activity answered, or the case's `opened` signal came). False when already linked to it. */
export function linkCase(state: EpisodeState, caseId: string, caseNumber: string, now: number): boolean {
  const link = state.litigation;
  if (link && link.caseId === caseId) return false;
  // a later case (opened by hand after the first ended) replaces an ended one; an open one stays
  if (link && link.status === 'open') return false;
  state.litigation = { caseId, caseNumber, status: 'open', linkedAt: now, paidBefore: paid(state), seen: [] };
  return true;
}

/** Applies a case's signal; false when it changed nothing (a repeat, another episode's, another case's). */
export function applyCaseSignal(state: EpisodeState, sig: CaseSignal, now: number): boolean {
  if (sig.episodeId !== state.episodeId) return false;
  if (sig.event === 'opened') {
    const linked = linkCase(state, sig.caseId, sig.caseNumber, now);
    if (linked) state.litigation!.seen.push(sig.signalId);
    return linked;
  }
  const link = state.litigation;
  if (!link || link.caseId !== sig.caseId || link.seen.includes(sig.signalId)) return false;
  link.seen.push(sig.signalId);
  if (sig.event === 'court_case_number') {
    link.courtCaseNumber = sig.courtCaseNumber;
    return true;
  }
  if (sig.event === 'filed') {
    (state.limitationEvents ??= []).push({ kind: 'filing', at: sig.at });
    return true;
  }
  endCase(state, link, sig.caseState, sig.outcome, sig.reason);
  return true;
}

function endCase(state: EpisodeState, link: LitigationLink, caseState: 'closed' | 'declined' | 'withdrawn', outcome?: string, reason?: string): void {
  link.status = caseState;
  if (outcome) link.outcome = outcome;
  if (reason) link.reason = reason;
  const resumes = caseState === 'declined' || caseState === 'withdrawn' || outcome === 'withdrawn';
  if (resumes) {
    if (state.status === 'legal') state.status = 'open';
    return;
  }
  if (outcome === 'collected' || outcome === 'settled') {
    if (state.status === 'open' || state.status === 'legal' || state.status === 'written_off') {
      state.status = balanceOf(state) <= state.policy.paidTolerance ? 'paid' : 'closed';
    }
  }
  // uncollectable: the episode stays as it is (in legal) for finance's write-off
}

/** The money as the episode tells the case. */
export interface CaseMoney {
  /** Increases at each telling: the case keeps the highest. */
  seq: number;
  currency: string;
  /** What is owed now (principal, minor units). */
  balance: number;
  /** The late fee owed now (违约金), 0 when the policy has none. */
  lateFee: number;
  paidSinceReferral: number;
  episodeStatus: string;
  /** The plan agreed in the case (its id and status), when there is one. */
  plan?: { planId: string; status: string };
  /** Workflow time of the telling (ISO). */
  asOf: string;
}

/** What to tell the case, or undefined when it was already told (the late fee alone, accruing daily, is not news). */
export function moneyToTell(state: EpisodeState, now: number): CaseMoney | undefined {
  const link = state.litigation;
  if (!link || link.status !== 'open') return undefined;
  const plan = state.plan && state.plan.source.startsWith('litigation:') ? { planId: state.plan.planId, status: state.plan.status } : undefined;
  const news = JSON.stringify({ b: balanceOf(state), p: paid(state) - link.paidBefore, s: state.status, plan });
  if (link.told === news) return undefined;
  link.told = news;
  link.toldSeq = (link.toldSeq ?? 0) + 1;
  return {
    seq: link.toldSeq,
    currency: state.currency,
    balance: balanceOf(state),
    lateFee: lateFee(state, now)?.due ?? 0,
    paidSinceReferral: paid(state) - link.paidBefore,
    episodeStatus: state.status,
    ...(plan ? { plan } : {}),
    asOf: new Date(now).toISOString(),
  };
}

/** The plan source of an agreement made in a case: such a plan may be agreed while the episode is in legal. */
export function isCasePlanSource(source: string): boolean {
  return source.startsWith('litigation:');
}
