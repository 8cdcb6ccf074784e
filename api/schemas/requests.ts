// Request contracts of the API (zod): the single source of request types. Amounts are integers in
// minor units with an ISO-4217 currency; times are ISO-8601 with an offset and stored in UTC.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { timeZoneSchema } from '../../config/policy-schema';
import { AUDIT_CURSOR_PATTERN, AUDIT_PAGE_MAX } from '../../db/stores/audit';
import { LIST_FLAGS, SEGMENTS } from '../../domain/policy/types';
import { CASE_PAGE_MAX } from '../../db/stores/litigation-cases';
import { CASE_STATES, OUTCOMES, PROCEDURES, type CaseStep, type StepName } from '../../domain/litigation';

export const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, '1–64 letters, digits, ".", "_", ":" or "-"');
const minorUnits = z.number().int('must be an integer in minor units').positive().max(1e13);
const currency = z.string().regex(/^[A-Z]{3}$/, 'ISO-4217 code, e.g. CNY');
// Dates a billing system can mean; far-off years would only overflow date arithmetic downstream.
const YEARS = { min: 2000, max: 2199 };
const inRange = (d: DateTime) => d.isValid && d.year >= YEARS.min && d.year <= YEARS.max;
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
