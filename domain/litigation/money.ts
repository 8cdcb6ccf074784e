// The case's money (ADR 12), pure: the episode tells the case what was paid since referral, the
// balance and the late fee; the case adds its costs (court fee, judgment costs). Paid in full ends
// the case as `collected`; an agreement (mediation or settlement) paid to the end as `settled`.
import type { CaseMoney } from '../episode/practice/litigation-link';
import { isTerminal, type LitigationCase } from './case';
import type { CaseOutcome } from './steps';

export interface CaseMoneyView {
  currency: string;
  /** The debt at opening (principal). */
  principal: number;
  /** What is owed now (principal), as the episode last told it. */
  balance: number;
  lateFee: number;
  /** The court fee (诉讼费) of the suit. */
  courtFee: number;
  /** The costs the judgment awarded. */
  judgmentCosts: number;
  paidSinceReferral: number;
  /** What enforcement collected (it also arrived as a payment, counted in `paidSinceReferral`). */
  collectedByEnforcement: number;
  /** When the episode last told the case (ISO); null when it never did. */
  asOf: string | null;
}

export function caseMoneyView(c: Pick<LitigationCase, 'currency' | 'principal' | 'money' | 'courtFee' | 'judgment' | 'collected'>): CaseMoneyView {
  return {
    currency: c.currency,
    principal: c.principal,
    balance: c.money?.balance ?? c.principal,
    lateFee: c.money?.lateFee ?? 0,
    courtFee: c.courtFee ?? 0,
    judgmentCosts: c.judgment?.costs ?? 0,
    paidSinceReferral: c.money?.paidSinceReferral ?? 0,
    collectedByEnforcement: c.collected,
    asOf: c.money?.asOf ?? null,
  };
}

/**
 * Takes the episode's telling (a lower or equal `seq` is a repeat: unchanged). Returns the new case
 * and, when the money ends it, the outcome to close it with.
 */
export function applyMoney(c: LitigationCase, m: CaseMoney): { case: LitigationCase; changed: boolean; close?: CaseOutcome } {
  if (c.money && c.money.seq >= m.seq) return { case: c, changed: false };
  const next: LitigationCase = { ...c, money: m };
  if (isTerminal(c.state)) return { case: next, changed: true };
  if (m.balance <= 0 || m.episodeStatus === 'paid') return { case: next, changed: true, close: c.agreement ? 'settled' : 'collected' };
  if (c.agreement && m.plan?.status === 'completed') return { case: next, changed: true, close: 'settled' };
  return { case: next, changed: true };
}

/** Closes the case by itself (the money ended it): any open state may close; the history says why. */
export function closeByMoney(input: LitigationCase, outcome: CaseOutcome, key: string, now: number): LitigationCase {
  if (isTerminal(input.state)) return input;
  const c = JSON.parse(JSON.stringify(input)) as LitigationCase;
  const from = c.state;
  c.state = 'closed';
  c.outcome = outcome;
  for (const d of c.deadlines) if (d.status === 'open') d.status = 'void';
  c.history.push({ kind: 'step', stepId: key, step: 'closed', at: new Date(now).toISOString(), from, to: 'closed', fields: { outcome, by: 'payment' } });
  return c;
}
