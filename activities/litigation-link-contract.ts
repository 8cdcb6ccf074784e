// The activities that link an episode and its litigation case (ADR 12), types only in the workflow
// bundle; the implementation is ./litigation-link. Every one is idempotent by the id it is given.
import type { CaseMoney, CaseSignal } from '../domain/episode/practice/litigation-link';
import type { PlanRequest } from '../domain/episode/state';
import type { OpenCaseRequest } from '../domain/litigation';
import type { Payment } from '../domain/policy/types';

export interface LinkActivities {
  /**
   * The legal_referral rung opens its case: the `litigation_cases` row and `litigationWorkflow`
   * (`litigation-<caseId>`, REJECT_DUPLICATE: an existing one is success). When the account has an
   * open case already (opened by hand), that case is the answer and nothing is started.
   */
  openLitigationCase: (req: OpenCaseRequest) => Promise<{ caseId: string; caseNumber: string }>;
  /** Signals the case the money; a case that has ended is not signalled. */
  tellCase: (req: { caseId: string; money: CaseMoney }) => Promise<void>;
  /** Signals the account's running episode; none running (or another episode) is fine. */
  tellEpisode: (req: { accountId: string; signal: CaseSignal }) => Promise<void>;
  /** Agrees the case's installments as the episode's plan (its `agreeInstallments` update, the plan id its update id). */
  agreeCasePlan: (req: { accountId: string; plan: PlanRequest }) => Promise<{ agreed: boolean; reason?: string }>;
  /** A payment through the ordinary payment path (the payments table, then the episode): enforcement's money. */
  postCasePayment: (req: { accountId: string; payment: Payment }) => Promise<{ applied: boolean; reason?: string }>;
}
