// The litigation case workflow's messages, defined once for the workflow and its clients (the
// collection workflow's are in ./messages). Plain data only; the domain's shapes are imported.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CaseMoney } from '../domain/episode/practice/litigation-link';
import type { CaseMoneyView, CaseState, CaseStep, Deadline, HistoryEntry, LitigationCase, OpenCaseRequest, StepName } from '../domain/litigation';

/** One workflow per case, its own (not a child of the episode): see docs/adr/0008. */
export function litigationWorkflowId(caseId: string): string {
  return `litigation-${caseId}`;
}

/** The failure type of a refused step: the update's validator throws it, with `RefusalDetails`. */
export const STEP_REFUSED = 'StepRefused';

export interface RefusalDetails {
  code: 'step_not_allowed' | 'step_conflict' | 'invalid_step';
  state?: CaseState;
  allowed?: StepName[];
}

export interface LitigationInput {
  open: OpenCaseRequest;
  /** State carried over by continue-as-new (a later slice; a case's history stays small). */
  carried?: LitigationCase;
}

export interface LitigationOutcome {
  caseId: string;
  state: CaseState;
  outcome?: string;
}

/** What the state query answers: the case as of `asOf`, the steps that fit, its deadlines and history. */
export interface LitigationView extends Omit<LitigationCase, 'fired' | 'history' | 'deadlines' | 'money'> {
  workflowId: string;
  /** The case's money (ADR 12): principal, balance, late fee, costs, paid since referral. */
  money: CaseMoneyView;
  allowedSteps: StepName[];
  nextDeadline: Deadline | null;
  deadlines: Deadline[];
  history: HistoryEntry[];
}

export interface StepAnswer {
  caseId: string;
  stepId: string;
  step: StepName;
  state: CaseState;
  allowedSteps: StepName[];
  nextDeadline: Deadline | null;
  /** The step id was already recorded with the same step: nothing changed. */
  duplicate: boolean;
}

export const applyStepUpdate = defineUpdate<StepAnswer, [CaseStep]>('applyStep');
export const litigationStateQuery = defineQuery<LitigationView, [asOf?: number]>('litigationState');

/** The episode tells its case the money (ADR 12): the case keeps the highest `seq`. */
export const caseMoneySignal = defineSignal<[CaseMoney]>('caseMoney');
