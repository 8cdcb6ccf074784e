// The case's side of the link with its episode (ADR 12): what a step or the money means for the
// episode. The court's case number and the case's end go to the episode as signals with ids derived
// from the step; an agreement paid in installments becomes the episode's plan (its agreeInstallments
// update); what enforcement collected is posted as a payment through the ordinary payment path.
import { patched, proxyActivities } from '@temporalio/workflow';
import type { LinkActivities } from '../activities/litigation-link-contract';
import type { LitigationActivities } from '../activities/litigation-contract';
import type { CaseSignal } from '../domain/episode/practice/litigation-link';
import { isTerminal, type CaseStep, type LitigationCase } from '../domain/litigation';

const link = proxyActivities<LinkActivities & LitigationActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

type SignalBody = CaseSignal extends infer S ? (S extends CaseSignal ? Omit<S, 'caseId' | 'episodeId'> : never) : never;

async function tell(c: LitigationCase, body: SignalBody): Promise<void> {
  await link.tellEpisode({ accountId: c.accountId, signal: { ...body, caseId: c.caseId, episodeId: c.episodeId } });
}

/** The case was opened (by the rung or by hand): the episode learns its id and number. */
export function tellOpened(c: LitigationCase): Promise<void> {
  return tell(c, { signalId: `opened:${c.caseId}`, event: 'opened', caseNumber: c.caseNumber });
}

/** The case ended (a step or the money): the episode closes, stays for write-off, or resumes collection. */
export function tellEnded(c: LitigationCase, key: string): Promise<void> {
  const state = c.state === 'declined' || c.state === 'withdrawn' ? c.state : 'closed';
  const reason = c.state === 'declined' ? c.declineReason : undefined;
  return tell(c, { signalId: `ended:${key}`, event: 'ended', caseState: state, ...(c.outcome ? { outcome: c.outcome } : {}), ...(reason ? { reason } : {}) });
}

/** Steps that file with the court, and the field holding when: each interrupts the limitation period (诉讼时效, art. 195). */
const FILINGS = { suit_filed: 'filedAt', payment_order_applied: 'appliedAt', enforcement_applied: 'at' } as const;

function filedAt(step: CaseStep): number | undefined {
  if (!(step.step in FILINGS)) return undefined;
  const at = Date.parse((step as unknown as Record<string, string>)[FILINGS[step.step as keyof typeof FILINGS]] ?? '');
  return Number.isFinite(at) ? at : Date.now();
}

/** What a recorded step means for the episode (`c` is the case after it). */
export async function afterStep(c: LitigationCase, step: CaseStep): Promise<void> {
  const filed = filedAt(step);
  // The episode learns of the filing (a signal no older case history sends: the marker names it).
  if (filed !== undefined && patched('case-filing')) await tell(c, { signalId: `filed:${step.stepId}`, event: 'filed', step: step.step, at: filed });
  if (step.step === 'case_accepted') {
    await tell(c, { signalId: `court-number:${step.stepId}`, event: 'court_case_number', courtCaseNumber: step.courtCaseNumber });
  } else if ((step.step === 'mediation_agreed' || step.step === 'settled') && step.installments.length > 0) {
    const planId = `case-${c.caseId}-${step.stepId}`.slice(0, 64);
    const r = await link.agreeCasePlan({ accountId: c.accountId, plan: { planId, installments: step.installments, source: `litigation:${c.caseId}` } });
    if (!r.agreed) await refused(c, step, `the episode did not take the installments: ${r.reason ?? 'refused'}`);
  } else if (step.step === 'enforcement_collected') {
    const paymentId = `enforcement:${c.caseId}:${step.stepId}`;
    const r = await link.postCasePayment({
      accountId: c.accountId,
      payment: { paymentId, amount: step.amount, currency: c.currency, paidAt: new Date(Date.now()).toISOString(), channel: 'other' },
    });
    if (!r.applied) await refused(c, step, `the enforcement payment did not reach the episode: ${r.reason ?? 'not applied'}`);
  }
  if (isTerminal(c.state)) await tellEnded(c, step.stepId);
}

async function refused(c: LitigationCase, step: CaseStep, message: string): Promise<void> {
  await link.raiseLitigationAlert({
    key: `litigation:${c.caseId}:${step.stepId}:link`,
    kind: 'litigation_link_refused',
    accountId: c.accountId,
    episodeId: c.episodeId,
    message: `case ${c.caseNumber}: ${message}`,
    detail: { caseId: c.caseId, step: step.step, stepId: step.stepId },
  });
}
