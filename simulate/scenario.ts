// The simulation scenario contract (README "Simulation"), validated with zod: a clear message
// naming the field for a bad scenario.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { checkPolicy, timeZoneSchema } from '../config/policy-schema';
import { DEFAULT_POLICY } from '../domain/policy/default-policy';
import { LIST_FLAGS, SEGMENTS, type CollectionPolicy } from '../domain/policy/types';

const instant = z.iso.datetime({ offset: true });
const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((d) => DateTime.fromISO(d).isValid, 'not a calendar date');
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, '1–64 letters, digits, ".", "_", ":" or "-"');
const amount = z.number().int('an integer in minor units').positive();

const account = z.object({
  id,
  segment: z.enum(SEGMENTS).default('consumer'),
  lists: z.array(z.enum(LIST_FLAGS)).default([]),
  timezone: timeZoneSchema.default('Asia/Shanghai'),
  name: z.string().min(1).max(200),
  phone: z.string().regex(/^\+?\d{5,20}$/, 'digits only'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'ISO-4217 code'),
  billId: id,
  amount,
  dueDate: localDate,
  previousAverage: z.number().int().min(0).optional(),
});

const event = z.discriminatedUnion('type', [
  z.object({ type: z.literal('payment'), at: instant, account: id, paymentId: id, amount, channel: z.string().default('bank') }),
  z.object({ type: z.literal('charge'), at: instant, account: id, billId: id, amount, dueDate: localDate }),
  z.object({ type: z.literal('promise'), at: instant, account: id, date: localDate, amount: amount.optional() }),
  z.object({ type: z.literal('dispute'), at: instant, account: id, amount }),
  z.object({ type: z.literal('dispute_resolved'), at: instant, account: id, upheld: z.boolean() }),
]);

export const scenarioSchema = z
  .object({
    start: instant,
    until: instant,
    policy: z.union([z.literal('default'), z.record(z.string(), z.unknown())]).default('default'),
    accounts: z.array(account).min(1),
    events: z.array(event).default([]),
  })
  .superRefine((s, ctx) => {
    if (Date.parse(s.until) <= Date.parse(s.start)) ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be after start' });
    const ids = new Set<string>();
    s.accounts.forEach((a, i) => {
      if (ids.has(a.id)) ctx.addIssue({ code: 'custom', path: ['accounts', i, 'id'], message: `duplicate account ${a.id}` });
      ids.add(a.id);
    });
    s.events.forEach((e, i) => {
      if (!ids.has(e.account)) ctx.addIssue({ code: 'custom', path: ['events', i, 'account'], message: `unknown account ${e.account}` });
      const at = Date.parse(e.at);
      if (at < Date.parse(s.start) || at > Date.parse(s.until)) ctx.addIssue({ code: 'custom', path: ['events', i, 'at'], message: 'outside start … until' });
    });
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioAccount = Scenario['accounts'][number];
export type ScenarioEvent = Scenario['events'][number];

/** Parses a scenario; throws an Error whose message names each bad field. */
export function parseScenario(input: unknown): { scenario: Scenario; policy: CollectionPolicy } {
  const parsed = scenarioSchema.safeParse(input);
  if (!parsed.success) {
    throw new Error(`invalid scenario:\n${parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`);
  }
  const policy = parsed.data.policy === 'default' ? DEFAULT_POLICY : parsePolicyNamed(parsed.data.policy);
  return { scenario: parsed.data, policy };
}

function parsePolicyNamed(p: unknown): CollectionPolicy {
  const checked = checkPolicy(p);
  if ('policy' in checked) return checked.policy;
  throw new Error(`invalid scenario:\n${checked.issues.map((i) => `  policy.${i.path.join('.')}: ${i.message}`).join('\n')}`);
}
