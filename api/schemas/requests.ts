// Request contracts of the API (zod): the single source of request types. Amounts are integers in
// minor units with an ISO-4217 currency; times are ISO-8601 with an offset and stored in UTC.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { timeZoneSchema } from '../../config/policy-schema';
import { ALERT_CURSOR_PATTERN, ALERT_PAGE_MAX } from '../../db/stores/alerts';
import { AUDIT_CURSOR_PATTERN, AUDIT_PAGE_MAX } from '../../db/stores/audit';
import { AGING_BUCKETS, LIST_PAGE_MAX, SORT_KEYS } from '../../db/stores/read-model';
import { TASK_CURSOR_PATTERN, TASK_PAGE_MAX, TASK_QUEUES, TASK_STATUSES } from '../../db/stores/work-tasks';
import { LADDER_ACTIONS, LINE_SERVICES, LIST_FLAGS, SEGMENTS, type EpisodeStatus, type ServiceState } from '../../domain/policy/types';
import { CASE_PAGE_MAX } from '../../db/stores/litigation-cases';
import { REJECTED_PAGE_MAX } from '../../db/stores/batches';
import { LATE_FEE_PAGE_MAX } from '../../db/stores/ledger-entries';
import { CASE_STATES, OUTCOMES, PROCEDURES, type CaseStep, type StepName } from '../../domain/litigation';
import { NOTICE_LANGUAGES } from '../../domain/policy/types';

export const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, '1–64 letters, digits, ".", "_", ":" or "-"');
const minorUnits = z.number().int('must be an integer in minor units').positive().max(1e13);
const currency = z.string().regex(/^[A-Z]{3}$/, 'ISO-4217 code, e.g. CNY');
// Dates a billing system can mean; far-off years would only overflow date arithmetic downstream.
const YEARS = { min: 2000, max: 2199 };
const inRange = (d: DateTime) => d.isValid && d.year >= YEARS.min && d.year <= YEARS.max;
/** A query's instant filter: same years as the bodies' (PostgreSQL has no year 0: `0000-…` must be a 400, not a 5xx). */
const filterInstant = () => z.iso.datetime({ offset: true }).refine((v) => inRange(DateTime.fromISO(v)), `year must be ${YEARS.min}–${YEARS.max}`);
const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((d) => DateTime.fromISO(d).isValid, 'not a calendar date')
  .refine((d) => inRange(DateTime.fromISO(d)), `year must be ${YEARS.min}–${YEARS.max}`);
// PostgreSQL text cannot hold NUL; no control characters in names either.
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters');

export const accountParams = z.object({ accountId: idSchema });

export const arrearsBody = z.object({
  billId: idSchema,
  customerName: text(200),
  phone: z.string().regex(/^\+?\d{5,20}$/, 'digits only, optionally with a leading +'),
  segment: z.enum(SEGMENTS).default('consumer'),
  lists: z
    .array(z.enum(LIST_FLAGS))
    .default([])
    .refine((l) => new Set(l).size === l.length, 'duplicate list flag'),
  timezone: timeZoneSchema.default('Asia/Shanghai'),
  amount: minorUnits,
  currency,
  dueDate: localDate,
  /** Billing's average of the previous three months, for the abnormal-bill check (art. 33). */
  previousAverage: z.number().int().min(0).max(1e13).optional(),
  /** The region (branch office area) the account belongs to, for the lists; absent keeps the stored one. */
  region: idSchema.optional().meta({ description: 'region or branch code the account belongs to (lists filter by it); absent keeps the stored one' }),
  /** Accounts with several lines (issue 13): the overdue line first; absent: one mobile line `L1` with `phone`. */
  lines: z
    .array(
      z.object({
        lineId: idSchema,
        number: z.string().regex(/^\+?\d{5,20}$/, 'digits only, optionally with a leading +'),
        service: z.enum(LINE_SERVICES),
      }),
    )
    .min(1)
    .max(50)
    .refine((l) => new Set(l.map((x) => x.lineId)).size === l.length, 'duplicate lineId')
    .optional()
    .meta({ description: 'the account’s lines, the overdue (billed) line first; absent: one mobile line `L1` with `phone`' }),
  /** The language of the customer's notices; absent: the policy's (`notices.language`, zh-CN by default). */
  language: z.enum(NOTICE_LANGUAGES).optional().meta({ description: "language of the customer's notices (zh-CN, en); absent: the policy's" }),
});
export type ArrearsBody = z.infer<typeof arrearsBody>;

export const paymentBody = z.object({
  paymentId: idSchema,
  accountId: idSchema,
  amount: minorUnits,
  currency,
  paidAt: z.iso
    .datetime({ offset: true })
    .refine((v) => inRange(DateTime.fromISO(v)), `year must be ${YEARS.min}–${YEARS.max}`)
    .transform((v) => new Date(v).toISOString()),
  channel: z.enum(['counter', 'bank', 'online', 'agent', 'other']),
});
export type PaymentBody = z.infer<typeof paymentBody>;
export const paymentParams = z.object({ paymentId: idSchema });

export const promiseBody = z.object({
  promiseId: idSchema,
  date: localDate,
  amount: minorUnits.optional(),
  source: text(64),
});
export type PromiseBody = z.infer<typeof promiseBody>;

export const disputeParams = z.object({ accountId: idSchema, disputeId: idSchema });

export const disputeBody = z.object({
  disputeId: idSchema,
  amount: minorUnits,
  billId: idSchema.optional(),
  reason: text(500),
});

export const resolutionBody = z.object({
  upheld: z.boolean(),
  note: text(500).optional(),
});

// Who approved a write-off or moved a policy is the caller's key (api/routes/auth.ts), never a body
// field: `note` is free text kept beside the reason, and the old fields are still accepted as the note.
const note = text(200).optional();
const formerActorField = (name: string) =>
  text(200)
    .optional()
    .meta({ deprecated: true, description: `former free-text ${name}, kept only as a note: the actor is the caller's API key` });

export const writeOffBody = z.object({
  writeOffId: idSchema,
  reason: text(500),
  note,
  approvedBy: formerActorField('approver'),
});

export const installmentPlanBody = z.object({
  planId: idSchema,
  installments: z
    .array(z.object({ dueDate: localDate, amount: minorUnits }))
    .min(2)
    .max(36),
  source: text(64),
});

export const policyMigrationBody = z.object({
  migrationId: idSchema,
  /** A known policy by name (`default`), or a whole policy object (validated by the policy schema). */
  policy: z.union([z.string().min(1).max(64), z.record(z.string(), z.unknown())]),
  reason: text(500),
  note,
  actor: formerActorField('actor'),
});

export const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(100),
  /** The `next` cursor of the previous page: events strictly older than it. */
  before: z.string().regex(AUDIT_CURSOR_PATTERN, 'a cursor from the previous page').optional(),
});

// ---- operations: alerts, late-fee waivers, closing an episode, contact preferences

/** Alert keys are the workflow's idempotency keys (`<account>/<episode>/…/failed`): percent-encode the `/`. */
export const alertParams = z.object({
  key: z.string().regex(/^[A-Za-z0-9._:/-]{1,300}$/, 'an alert key: letters, digits, ".", "_", ":", "/" or "-" (percent-encode "/")'),
});

export const alertsQuery = z.object({
  kind: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'an alert kind, e.g. step_failed')
    .optional(),
  /** `true`: not yet acknowledged; `false`: acknowledged; absent: both. */
  open: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(ALERT_PAGE_MAX).default(50),
  /** The `next` cursor of the previous page: alerts raised before it. */
  before: z.string().regex(ALERT_CURSOR_PATTERN, 'a cursor from the previous page').optional(),
});

export const acknowledgeBody = z.object({ note: text(500).optional() });

/** Who waived is the caller's key (the audit trail); the reason (and note) go to the episode. */
export const lateFeeWaiverBody = z.object({
  adjustmentId: idSchema,
  amount: minorUnits,
  reason: text(500),
  note,
});

export const closeEpisodeBody = z.object({ reason: text(500), note });

const localTimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:mm (24-hour, customer-local)');

export const contactPreferencesBody = z.object({
  optOut: z.boolean(),
  secondNumber: z
    .string()
    .regex(/^\+?\d{5,20}$/, 'digits only, optionally with a leading +')
    .optional(),
  /** Customer-local hours; must lie inside the policy's contact window (checked against the policy). */
  preferredHours: z
    .object({ start: localTimeOfDay, end: localTimeOfDay })
    .refine((w) => w.start < w.end, { message: 'start must be before end', path: ['end'] })
    .optional(),
  /** Where the customer said so (a call, the counter, an app setting). */
  source: text(64),
});
export type ContactPreferencesBody = z.infer<typeof contactPreferencesBody>;

const EPISODE_STATUSES = ['open', 'paid', 'written_off', 'legal', 'closed'] as const satisfies readonly EpisodeStatus[];
const SERVICE_STATES = ['active', 'outgoing_barred', 'suspended', 'deregistered'] as const satisfies readonly ServiceState[];
/** The last rung taken: an action name, or `enrolled`. */
const STAGES = ['enrolled', ...LADDER_ACTIONS, 'restore', 'promise_reminder', 'write_off'] as const;
/** One value, several comma-separated, or the parameter repeated. */
const oneOrMore = <T extends string>(values: readonly [T, ...T[]]) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',') : v),
    z
      .array(z.enum(values))
      .min(1)
      .max(values.length)
      .meta({ description: `one or more of ${values.join(', ')} (comma-separated or repeated)` }),
  );
const queryInt = z.coerce.number().int().min(0).max(1e13);

export const accountListQuery = z
  .strictObject({
    status: oneOrMore(EPISODE_STATUSES).optional(),
    stage: oneOrMore(STAGES).optional(),
    service: oneOrMore(SERVICE_STATES).optional(),
    segment: oneOrMore(SEGMENTS).optional(),
    /** Accounts on this list. */
    list: z.enum(LIST_FLAGS).optional(),
    region: z
      .preprocess((v) => (typeof v === 'string' ? v.split(',') : v), z.array(idSchema).min(1).max(50))
      .optional()
      .meta({ description: 'one or more region codes (comma-separated or repeated)' }),
    currency: currency.optional(),
    balanceMin: queryInt.optional().meta({ description: 'balance at least (minor units)' }),
    balanceMax: queryInt.optional().meta({ description: 'balance at most (minor units)' }),
    aging: z.enum(AGING_BUCKETS).optional().meta({ description: 'days past the anchor due date (UTC days): 0-30, 31-60, 61-90, 91-180, 180+' }),
    nextActionBefore: filterInstant().optional().meta({ description: 'the next planned action is due before this instant' }),
    assignee: z
      .string()
      .regex(/^(me|key:[A-Za-z0-9._:-]{1,200})$/, '`me` or an actor (`key:<keyId>:<name>`)')
      .optional()
      .meta({ description: 'accounts with a task claimed by this actor; `me`: the calling key' }),
    sort: z.enum(SORT_KEYS).default('updated_at'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(LIST_PAGE_MAX).default(50),
    cursor: z.string().max(512).optional().meta({ description: 'the `next` of the previous page (same sort and order)' }),
    limitationBefore: filterInstant()
      .optional()
      .meta({ description: 'the claim becomes time-barred (诉讼时效) before this instant (accounts with nothing owed never match)' }),
    policyVersion: z.coerce
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .meta({ description: 'accounts whose episode runs this policy version (see GET /v1/policies)' }),
    policy: idSchema.optional().meta({ description: 'accounts whose episode runs this policy (its name, e.g. `default`)' }),
  })
  .refine((q) => q.balanceMin === undefined || q.balanceMax === undefined || q.balanceMin <= q.balanceMax, {
    path: ['balanceMax'],
    message: 'must not be below balanceMin',
  });
export type AccountListQueryInput = z.infer<typeof accountListQuery>;

// ---- Work queues (GET /v1/tasks, POST /v1/tasks/:taskId/…)

/** A task's id is the key of the rung that made it (`account/episode/c1/call-1/manual_call`): URL-encode it in the path. */
export const taskParams = z.object({
  taskId: z
    .string()
    .min(1)
    .max(300)
    .regex(/^[A-Za-z0-9._:/-]+$/, 'a task id: letters, digits, ".", "_", ":", "/" or "-"'),
});

export const taskQuery = z.object({
  queue: z.enum(TASK_QUEUES).optional(),
  status: z.enum(TASK_STATUSES).optional(),
  /** `me`: the tasks claimed or completed by the calling key. */
  assignee: z.literal('me').optional(),
  limit: z.coerce.number().int().min(1).max(TASK_PAGE_MAX).default(50),
  /** The `next` cursor of the previous page. */
  after: z.string().regex(TASK_CURSOR_PATTERN, 'a cursor from the previous page').optional(),
});

const taskNote = text(500).optional();
/** How a task ended: a call's or a visit's outcome, a dispute or bill review's resolution, a red-list review's decision. */
export const taskCompletionBody = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('reached'), note: taskNote }),
  z.object({ outcome: z.literal('no_answer'), note: taskNote }),
  z.object({ outcome: z.literal('promised'), date: localDate, amount: minorUnits.optional(), note: taskNote }),
  z.object({ outcome: z.literal('refused'), reason: text(500), note: taskNote }),
  z.object({ outcome: z.literal('dispute_raised'), amount: minorUnits, reason: text(500), billId: idSchema.optional(), note: taskNote }),
  z.object({ outcome: z.literal('visited_not_home'), note: taskNote }),
  z.object({ outcome: z.literal('paid_on_site'), reference: text(100), note: taskNote }),
  z.object({ outcome: z.literal('resolved'), upheld: z.boolean(), note: taskNote }),
  z.object({ outcome: z.literal('wrong_number'), note: taskNote }),
  z.object({ outcome: z.literal('contact_found'), note: taskNote }),
  z.object({ outcome: z.literal('contact_not_found'), note: taskNote }),
  z.object({ outcome: z.literal('approve'), note: taskNote }),
  z.object({ outcome: z.literal('reject'), reason: text(500), note: taskNote }),
  z.object({ outcome: z.literal('restored'), note: taskNote }),
]);
export type TaskCompletion = z.infer<typeof taskCompletionBody>;

// ---- Litigation cases (legal) ----------------------------------------------------------------

const instant = z.iso
  .datetime({ offset: true })
  .refine((v) => inRange(DateTime.fromISO(v)), `year must be ${YEARS.min}–${YEARS.max}`)
  .transform((v) => new Date(v).toISOString());
const amountOrZero = z.number().int('must be an integer in minor units').min(0).max(1e13);
const caseInstallments = z.array(z.object({ dueDate: localDate, amount: minorUnits })).max(60);

export const caseParams = z.object({ caseId: idSchema });

export const openCaseBody = z.object({
  caseId: idSchema,
  accountId: idSchema,
  /** The number legal quotes; `LC-<caseId>` when not given. */
  caseNumber: text(64).optional(),
});

const stepOf = <S extends StepName, F extends z.ZodRawShape>(step: S, fields: F) => z.object({ stepId: idSchema, step: z.literal(step), ...fields });

/** `{stepId, step, …fields}`: one variant per step of the case (domain/litigation/steps.ts). */
export const caseStepBody = z.discriminatedUnion('step', [
  stepOf('accept', { note: text(500).optional() }),
  stepOf('decline', { note: text(500) }),
  stepOf('demand_letter_sent', { sentAt: instant, deadlineDays: z.number().int().min(1).max(365) }),
  stepOf('payment_order_applied', { court: text(200), appliedAt: instant }),
  stepOf('payment_order_served', { servedAt: instant }),
  stepOf('objection_filed', { filedAt: instant }),
  stepOf('mediation_started', { startedAt: instant }),
  stepOf('mediation_agreed', { agreedAmount: amountOrZero, installments: caseInstallments }),
  stepOf('mediation_failed', { note: text(500).optional() }),
  stepOf('suit_filed', { court: text(200), claimAmount: amountOrZero, courtFee: amountOrZero, procedure: z.enum(PROCEDURES), filedAt: instant }),
  stepOf('case_accepted', { courtCaseNumber: text(100) }),
  stepOf('hearing_scheduled', { at: instant, courtRoom: text(100) }),
  stepOf('judgment', { amount: amountOrZero, costs: amountOrZero, servedAt: instant }),
  stepOf('appeal_filed', { filedAt: instant }),
  stepOf('appeal_decided', { decidedAt: instant, amount: amountOrZero }),
  stepOf('enforcement_applied', { at: instant }),
  stepOf('enforcement_collected', { amount: minorUnits }),
  stepOf('enforcement_terminated', { reason: text(500) }),
  stepOf('settled', { amount: amountOrZero, installments: caseInstallments }),
  stepOf('withdrawn', { note: text(500).optional() }),
  stepOf('closed', { outcome: z.enum(OUTCOMES) }),
]);

export const caseListQuery = z.object({
  state: z.enum(CASE_STATES).optional(),
  court: text(200).optional(),
  procedure: z.enum(PROCEDURES).optional(),
  /** Cases whose next deadline falls before this instant. */
  deadlineBefore: instant.optional(),
  limit: z.coerce.number().int().min(1).max(CASE_PAGE_MAX).default(50),
  /** The `next` cursor of the previous page. */
  after: idSchema.optional(),
});

/** The body's parsed type is the domain's step: the build fails if they drift. */
type Holds<T extends true> = T;
export type CaseStepBodyChecks = [
  Holds<z.output<typeof caseStepBody> extends CaseStep ? true : false>,
  Holds<CaseStep extends z.output<typeof caseStepBody> ? true : false>,
];

// ---- Money nobody can place (GET /v1/payments, POST /v1/payments/:paymentId/reassign)

export const UNAPPLIED_LIST_MAX = 500;
export const paymentListQuery = z.strictObject({
  status: z.literal('unapplied').meta({ description: 'unapplied: kept for an account with no open episode, or refused on delivery' }),
  accountId: idSchema.optional(),
  limit: z.coerce.number().int().min(1).max(UNAPPLIED_LIST_MAX).default(50),
  cursor: z.string().max(512).optional().meta({ description: 'the `next` of the previous page' }),
});

export const paymentReassignBody = z.strictObject({
  accountId: idSchema.meta({ description: 'the account the payment belongs to' }),
  reason: text(500),
});
export type PaymentReassignBody = z.infer<typeof paymentReassignBody>;
// ---- Steering an episode by hand (issue 11): a reason always; `requestId` makes a retry the same request

const steeringFields = {
  reason: text(500),
  /** The request's own id: the same id again answers the same (absent: each request is new). */
  requestId: idSchema.optional(),
};
export const steeringBody = z.object(steeringFields);
export const pauseBody = z.object({ ...steeringFields, until: instant.optional() });
export const skipBody = z.object({ ...steeringFields, stepId: idSchema.optional() });
export const agencyOutcomeBody = z.object({ outcome: z.enum(['collected', 'returned', 'uncollectable']), note: text(500).optional() });

/** Entries per timeline page at most. */
export const TIMELINE_PAGE_MAX = 500;
export const timelineQuery = z.object({
  limit: z.coerce.number().int().min(1).max(TIMELINE_PAGE_MAX).default(100),
  /** The `next` cursor of the previous page: entries strictly after it. */
  after: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,1000}$/, 'a cursor from the previous page')
    .optional(),
});

export const evidenceQuery = z.object({
  /** `html` for the printable page (also chosen by `Accept: text/html`); JSON by default. */
  format: z.enum(['json', 'html']).optional(),
});

// ---- Bulk intake (issue 13): a row of an arrears batch is the single route's body plus its account.
/** One row of `POST /v1/arrears/batches`: the body of `POST /v1/accounts/:accountId/arrears` with `accountId`. */
export const arrearsBatchRow = arrearsBody.extend({ accountId: idSchema });
export type ArrearsBatchRow = z.infer<typeof arrearsBatchRow>;
/** The CSV header's columns (any order; those of optional fields may be left out; `lists` separated by `|`). */
export const ARREARS_BATCH_COLUMNS = ['accountId', ...Object.keys(arrearsBody.shape)] as readonly string[];
/** The CSV header's columns of `POST /v1/payments/batches`: the body of `POST /v1/payments`. */
export const PAYMENT_BATCH_COLUMNS = Object.keys(paymentBody.shape) as readonly string[];
export const batchParams = z.object({ batchId: idSchema });
export const batchQuery = z.object({
  after: z
    .string()
    .regex(/^\d{1,9}$/, 'a row number')
    .transform(Number)
    .default(0),
  limit: z.coerce.number().int().min(1).max(REJECTED_PAGE_MAX).default(100),
});

// ---- The ledger (issue 13): billing's late-fee feed, a cursor plus acknowledgements.
const lateFeeCursor = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a cursor from the late-fee feed')
  .meta({ description: 'the `cursor` of a late fee (or the `next` of a page)' });
export const lateFeesQuery = z.object({
  after: lateFeeCursor.optional(),
  limit: z.coerce.number().int().min(1).max(LATE_FEE_PAGE_MAX).default(100),
});
export const lateFeeAcknowledgementBody = z.strictObject({
  upTo: lateFeeCursor.meta({ description: 'every late fee up to this cursor (inclusive) was added to a bill: none is listed again' }),
});

// ---- Payload codec (issue 14, ADR 20): the Temporal UI's codec-server contract, base64 fields.
const base64Field = z
  .string()
  .max(8_000_000)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
export const codecBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string().max(256), base64Field).optional(), data: base64Field.optional() })).max(1_000),
});
export type CodecBody = z.infer<typeof codecBody>;

// ---- Reports (issue 15, ADR 21)
/** Reports read 1970 to 9999 (PostgreSQL has no year 0; nothing before 1970 was collected here). */
const reportYear = (v: string) => v.slice(0, 4) >= '1970';
const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month, YYYY-MM')
  .refine(reportYear, 'a month from 1970 on');
const reportInstant = z.iso.datetime({ offset: true }).refine((v) => reportYear(v) && Date.parse(v) >= 0, 'an instant from 1970 on');
export const agingReportQuery = z.strictObject({
  asOf: z.iso
    .date()
    .refine(reportYear, 'a day from 1970 on')
    .optional()
    .meta({ description: 'the day ages are counted to (UTC, YYYY-MM-DD); today by default' }),
});
export const recoveryReportQuery = z
  .strictObject({
    from: month.optional().meta({ description: 'the first enrolment month (UTC, YYYY-MM); default: 11 months before `to`' }),
    to: month.optional().meta({ description: 'the last enrolment month (UTC, YYYY-MM); default: this month (or 11 months after `from`)' }),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'must not be before from' })
  .refine(
    (q) => !q.from || !q.to || Number(q.to.slice(0, 4)) * 12 + Number(q.to.slice(5)) - (Number(q.from.slice(0, 4)) * 12 + Number(q.from.slice(5))) < 120,
    {
      path: ['to'],
      message: 'at most 120 months after from',
    },
  );
export const restorationsReportQuery = z
  .strictObject({
    from: reportInstant.optional().meta({ description: 'payments seen at or after this instant; default: 30 days before `to`' }),
    to: reportInstant.optional().meta({ description: 'payments seen before this instant; default: now' }),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: 'must be after from' });
export const workloadReportQuery = z.strictObject({});
export const policiesQuery = z.strictObject({});
