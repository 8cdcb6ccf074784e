// The steps of a litigation case (诉讼案件) and their fields, as plain data: what legal records as
// the case moves through the PRC civil procedure the seeds' operators use (written demand, payment
// order 支付令, mediation, suit, hearing, judgment, appeal, enforcement 执行). Amounts are integers
// in minor units of the case's currency; instants are ISO-8601 strings.

export const PROCEDURES = ['small_claims', 'simplified', 'ordinary'] as const;
/** 小额诉讼程序 / 简易程序 / 普通程序: a small-claims judgment is final at once. */
export type Procedure = (typeof PROCEDURES)[number];

export const OUTCOMES = ['collected', 'settled', 'uncollectable', 'withdrawn'] as const;
export type CaseOutcome = (typeof OUTCOMES)[number];

export interface InstallmentLine {
  /** Local date `YYYY-MM-DD`. */
  dueDate: string;
  amount: number;
}

/** Each step's own fields, by step name. */
export interface StepFields {
  accept: { note?: string };
  /** Declined: back to collection with the reason. */
  decline: { note: string };
  demand_letter_sent: { sentAt: string; deadlineDays: number };
  payment_order_applied: { court: string; appliedAt: string };
  payment_order_served: { servedAt: string };
  objection_filed: { filedAt: string };
  mediation_started: { startedAt: string };
  mediation_agreed: { agreedAmount: number; installments: InstallmentLine[] };
  mediation_failed: { note?: string };
  suit_filed: { court: string; claimAmount: number; courtFee: number; procedure: Procedure; filedAt: string };
  case_accepted: { courtCaseNumber: string };
  hearing_scheduled: { at: string; courtRoom: string };
  judgment: { amount: number; costs: number; servedAt: string };
  appeal_filed: { filedAt: string };
  appeal_decided: { decidedAt: string; amount: number };
  enforcement_applied: { at: string };
  enforcement_collected: { amount: number };
  /** 终本 (终结本次执行): no assets found; revived by a new `enforcement_applied`. */
  enforcement_terminated: { reason: string };
  settled: { amount: number; installments: InstallmentLine[] };
  withdrawn: { note?: string };
  closed: { outcome: CaseOutcome };
}

export type StepName = keyof StepFields;

export const STEP_NAMES = [
  'accept',
  'decline',
  'demand_letter_sent',
  'payment_order_applied',
  'payment_order_served',
  'objection_filed',
  'mediation_started',
  'mediation_agreed',
  'mediation_failed',
  'suit_filed',
  'case_accepted',
  'hearing_scheduled',
  'judgment',
  'appeal_filed',
  'appeal_decided',
  'enforcement_applied',
  'enforcement_collected',
  'enforcement_terminated',
  'settled',
  'withdrawn',
  'closed',
] as const satisfies readonly StepName[];

/** One step as legal sends it: `{ stepId, step, …fields }`; the step id makes it idempotent. */
export type CaseStep = { [K in StepName]: { stepId: string; step: K } & StepFields[K] }[StepName];
