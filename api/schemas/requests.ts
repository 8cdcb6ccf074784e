// Request contracts of the API (zod): the single source of request types. Amounts are integers in
// minor units with an ISO-4217 currency; times are ISO-8601 with an offset and stored in UTC.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { timeZoneSchema } from '../../config/policy-schema';
import { AUDIT_CURSOR_PATTERN, AUDIT_PAGE_MAX } from '../../db/stores/audit';
import { TASK_CURSOR_PATTERN, TASK_PAGE_MAX, TASK_QUEUES, TASK_STATUSES } from '../../db/stores/work-tasks';
import { LIST_FLAGS, SEGMENTS } from '../../domain/policy/types';

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
]);
export type TaskCompletion = z.infer<typeof taskCompletionBody>;
