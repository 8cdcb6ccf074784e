// What the console offers, copied from the API's own tables (kept equal by
// tests/unit/console-tables.test.ts): the account list's filter values, which outcomes each work
// queue takes, and the fields of each litigation step. Plain data: no DOM, no server code.

export const EPISODE_STATUSES = ['open', 'paid', 'written_off', 'legal', 'closed'] as const;
export const SERVICE_STATES = ['active', 'outgoing_barred', 'suspended', 'deregistered'] as const;
export const LADDER_ACTIONS = [
  'sms',
  'voice',
  'manual_call',
  'field_visit',
  'suspend_outgoing',
  'suspend_full',
  'deregister',
  'demand_letter',
  'legal_referral',
  'agency_referral',
  'manual_review',
] as const;
export const STAGES = ['enrolled', ...LADDER_ACTIONS, 'restore', 'promise_reminder', 'write_off'] as const;
export const SEGMENTS = ['consumer', 'enterprise', 'ecommerce', 'key_account'] as const;
export const LIST_FLAGS = ['red', 'black'] as const;
export const AGING_BUCKETS = ['0-30', '31-60', '61-90', '91-180', '180+'] as const;
export const SORT_KEYS = ['balance', 'next_action_at', 'anchor_due_date', 'updated_at'] as const;

export const TASK_QUEUES = ['manual_call', 'field_visit', 'manual_review', 'dispute_review', 'bill_review', 'restoration', 'find_contact'] as const;
export type TaskQueue = (typeof TASK_QUEUES)[number];

/** The outcomes a task of each queue can end with (api/services/tasks.ts OUTCOMES_BY_QUEUE). */
export const OUTCOMES_BY_QUEUE: Record<TaskQueue, readonly string[]> = {
  manual_call: ['reached', 'no_answer', 'promised', 'refused', 'dispute_raised', 'wrong_number'],
  field_visit: ['reached', 'visited_not_home', 'promised', 'refused', 'dispute_raised', 'paid_on_site'],
  dispute_review: ['resolved'],
  bill_review: ['resolved'],
  manual_review: ['approve', 'reject'],
  restoration: ['restored'],
  find_contact: ['contact_found', 'contact_not_found'],
};

/** A form field and how it is typed in: text, a yuan amount (minor units, >0 or ≥0), an instant, a whole number, a choice, a boolean, installments. */
export type FieldKind = 'text' | 'yuan' | 'yuan0' | 'date' | 'instant' | 'int' | 'bool' | 'installments' | { choice: readonly string[] };
export interface Field {
  name: string;
  kind: FieldKind;
  optional?: boolean;
}

const opt = (name: string, kind: FieldKind): Field => ({ name, kind, optional: true });
const req = (name: string, kind: FieldKind): Field => ({ name, kind });

/** The body fields of each outcome of POST /v1/tasks/:taskId/complete, besides `outcome` (api/schemas/requests.ts taskCompletionBody). */
export const OUTCOME_FIELDS: Record<string, readonly Field[]> = {
  reached: [opt('note', 'text')],
  no_answer: [opt('note', 'text')],
  promised: [req('date', 'date'), opt('amount', 'yuan'), opt('note', 'text')],
  refused: [req('reason', 'text'), opt('note', 'text')],
  dispute_raised: [req('amount', 'yuan'), req('reason', 'text'), opt('billId', 'text'), opt('note', 'text')],
  visited_not_home: [opt('note', 'text')],
  paid_on_site: [req('reference', 'text'), opt('note', 'text')],
  resolved: [req('upheld', 'bool'), opt('note', 'text')],
  wrong_number: [opt('note', 'text')],
  contact_found: [opt('note', 'text')],
  contact_not_found: [opt('note', 'text')],
  approve: [opt('note', 'text')],
  reject: [req('reason', 'text'), opt('note', 'text')],
  restored: [opt('note', 'text')],
};

export const PROCEDURES = ['small_claims', 'simplified', 'ordinary'] as const;
export const CASE_OUTCOMES = ['collected', 'settled', 'uncollectable', 'withdrawn'] as const;
export const CASE_STATES = [
  'referred',
  'accepted',
  'demand_sent',
  'payment_order_applied',
  'payment_order_served',
  'payment_order_effective',
  'objected',
  'mediation',
  'mediation_agreed',
  'mediation_failed',
  'suit_filed',
  'in_court',
  'hearing_scheduled',
  'judgment_pending',
  'appeal',
  'judgment_effective',
  'enforcement',
  'enforcement_terminated',
  'settled',
  'declined',
  'withdrawn',
  'closed',
] as const;

/** The fields of each litigation step besides `stepId` and `step` (api/schemas/requests.ts caseStepBody). */
export const STEP_FIELDS: Record<string, readonly Field[]> = {
  accept: [opt('note', 'text')],
  decline: [req('note', 'text')],
  demand_letter_sent: [req('sentAt', 'instant'), req('deadlineDays', 'int')],
  payment_order_applied: [req('court', 'text'), req('appliedAt', 'instant')],
  payment_order_served: [req('servedAt', 'instant')],
  objection_filed: [req('filedAt', 'instant')],
  mediation_started: [req('startedAt', 'instant')],
  mediation_agreed: [req('agreedAmount', 'yuan0'), req('installments', 'installments')],
  mediation_failed: [opt('note', 'text')],
  suit_filed: [
    req('court', 'text'),
    req('claimAmount', 'yuan0'),
    req('courtFee', 'yuan0'),
    req('procedure', { choice: PROCEDURES }),
    req('filedAt', 'instant'),
  ],
  case_accepted: [req('courtCaseNumber', 'text')],
  hearing_scheduled: [req('at', 'instant'), req('courtRoom', 'text')],
  judgment: [req('amount', 'yuan0'), req('costs', 'yuan0'), req('servedAt', 'instant')],
  appeal_filed: [req('filedAt', 'instant')],
  appeal_decided: [req('decidedAt', 'instant'), req('amount', 'yuan0')],
  enforcement_applied: [req('at', 'instant')],
  enforcement_collected: [req('amount', 'yuan')],
  enforcement_terminated: [req('reason', 'text')],
  settled: [req('amount', 'yuan0'), req('installments', 'installments')],
  withdrawn: [opt('note', 'text')],
  closed: [req('outcome', { choice: CASE_OUTCOMES })],
};
