// Request contracts of the API (zod): the single source of request types. Amounts are integers in
// minor units with an ISO-4217 currency; times are ISO-8601 with an offset and stored in UTC.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { timeZoneSchema } from '../config/policy-schema';
import { LIST_FLAGS, SEGMENTS } from '../workflows/policy/types';

export const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, '1–64 letters, digits, ".", "_", ":" or "-"');
const minorUnits = z.number().int('must be an integer in minor units').positive().max(1e13);
const currency = z.string().regex(/^[A-Z]{3}$/, 'ISO-4217 code, e.g. CNY');
const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((d) => DateTime.fromISO(d).isValid, 'not a calendar date');

export const accountParams = z.object({ accountId: idSchema });

export const arrearsBody = z.object({
  billId: idSchema,
  customerName: z.string().trim().min(1).max(200),
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
});
export type ArrearsBody = z.infer<typeof arrearsBody>;

export const paymentBody = z.object({
  paymentId: idSchema,
  accountId: idSchema,
  amount: minorUnits,
  currency,
  paidAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString()),
  channel: z.enum(['counter', 'bank', 'online', 'agent', 'other']),
});
export type PaymentBody = z.infer<typeof paymentBody>;
