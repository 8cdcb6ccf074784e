// The zod schema of a collection policy: the contract for policies loaded from files, the API or a
// simulation scenario. It also enforces the legal floors (Telecommunications Regulations art. 34):
// no suspension before the payment term is passed by 30 days, no deregistration before 60 days of
// suspension. The workflow receives the parsed plain object (zod stays out of the workflow bundle).
import { z } from 'zod';
import { DEFAULT_POLICY } from '../domain/policy/default-policy';
import { isValidTimeZone } from '../domain/policy/calendar';
import {
  LADDER_ACTIONS,
  LIMITATION_INTERRUPTIONS,
  LINE_SERVICES,
  SEGMENTS,
  TASK_QUEUE_NAMES,
  type CollectionPolicy,
  type LadderStep,
} from '../domain/policy/types';
import { NOTICE_KINDS, NOTICE_LANGUAGES, type NoticeKind } from '../domain/policy/types';
import { templateProblems } from '../domain/policy/notice-render';

const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:mm (24-hour, customer-local)');
const window = z.object({ start: localTime, end: localTime }).refine((w) => w.start < w.end, { message: 'window start must be before its end' });
const days = z.number().int().min(0).max(3650);
const actionName = z.enum([...LADDER_ACTIONS, 'restore', 'promise_reminder']);
/** Text put into a notice as it is (a consequence, how to pay): no braces, so nothing is left unfilled. */
const noticeText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^{}]*$/, 'must not contain { or }');

const timing = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('days_after_due'), days }),
  z.object({ kind: z.literal('day_of_month'), day: z.number().int().min(1).max(31), minDaysAfterDue: days }),
  z.object({ kind: z.literal('days_after_step'), step: z.string().min(1), days }),
]);

const step = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'),
  action: z.enum(LADDER_ACTIONS),
  at: timing,
  atIfHighBalance: timing.optional(),
  soonerAfterUnansweredCalls: z.object({ calls: z.number().int().min(1), days }).optional(),
  minBalance: z.number().int().min(0).optional(),
});

/** The earliest a rung can fall, in days after the anchor due date (following `days_after_step` chains). */
function earliestDay(ladder: LadderStep[], stepId: string, seen = new Set<string>()): number {
  const s = ladder.find((x) => x.id === stepId);
  if (!s || seen.has(stepId)) return 0;
  seen.add(stepId);
  const timings = [s.at, ...(s.atIfHighBalance ? [s.atIfHighBalance] : [])];
  return Math.min(
    ...timings.map((t) => (t.kind === 'days_after_due' ? t.days : t.kind === 'day_of_month' ? t.minDaysAfterDue : earliestDay(ladder, t.step, seen) + t.days)),
  );
}

function checkLadder(name: string, ladder: LadderStep[], p: { legal: CollectionPolicy['legal'] }, ctx: z.RefinementCtx): void {
  const path = ['ladders', name];
  ladder.forEach((s, i) => {
    if (ladder.findIndex((x) => x.id === s.id) !== i) ctx.addIssue({ code: 'custom', path: [...path, i, 'id'], message: `duplicate step id ${s.id}` });
    for (const [field, t] of [
      ['at', s.at],
      ['atIfHighBalance', s.atIfHighBalance],
    ] as const) {
      if (t?.kind === 'days_after_step' && !ladder.slice(0, i).some((x) => x.id === t.step)) {
        ctx.addIssue({ code: 'custom', path: [...path, i, field, 'step'], message: `refers to ${t.step}, which is not an earlier step` });
      }
    }
    if (s.soonerAfterUnansweredCalls && !['field_visit', 'voice', 'sms', 'manual_review'].includes(s.action)) {
      ctx.addIssue({ code: 'custom', path: [...path, i, 'soonerAfterUnansweredCalls'], message: `not allowed on a ${s.action} step` });
    }
  });
  const firstSanction = ladder.find((s) => s.action === 'suspend_outgoing' || s.action === 'suspend_full');
  ladder.forEach((s, i) => {
    const day = earliestDay(ladder, s.id);
    if ((s.action === 'suspend_outgoing' || s.action === 'suspend_full') && day <= p.legal.minDaysAfterDueBeforeSuspension) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, i, 'at'],
        message: `suspension can fall ${day} days after the due date; the regulations require more than ${p.legal.minDaysAfterDueBeforeSuspension}`,
      });
    }
    if (s.action === 'deregister' && firstSanction && day - earliestDay(ladder, firstSanction.id) < p.legal.minDaysSuspendedBeforeDeregistration) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, i, 'at'],
        message: `deregistration must come at least ${p.legal.minDaysSuspendedBeforeDeregistration} days after suspension`,
      });
    }
  });
}

export const policySchema = z
  .object({
    id: z.string().min(1).max(64),
    version: z.number().int().min(1),
    description: z.string().max(500).optional(),
    highBalanceThreshold: z.number().int().min(0),
    paidTolerance: z.number().int().min(0),
    contactWindow: window,
    windows: z.partialRecord(actionName, window),
    unwindowedActions: z.array(actionName),
    preferredTime: z.object({ default: localTime }).catchall(localTime),
    minHoursBetweenSteps: z
      .number()
      .min(0)
      .max(24 * 30),
    ladders: z.record(z.string(), z.array(step).min(1)),
    segmentLadders: z.record(z.enum(SEGMENTS), z.string()),
    blackListLadder: z.string(),
    redListManualActions: z.array(z.enum(LADDER_ACTIONS)),
    contact: z
      .object({
        holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')),
        weeklyCapTotal: z.number().int().min(1),
        weeklyCapPerChannel: z.partialRecord(actionName, z.number().int().min(1)),
        optOutStops: z
          .array(actionName)
          .refine((a) => a.every((x) => ['sms', 'voice', 'promise_reminder'].includes(x)), 'an opt-out may only stop reminders (sms, voice, promise_reminder)'),
      })
      .optional(),
    enterpriseCleanHistoryDeferDays: z.number().int().min(0).max(365).optional(),
    abnormalBill: z.object({ factor: z.number().gt(1) }).optional(),
    lateFee: z
      .object({
        // Telecommunications Regulations art. 34: at most 3‰ a day.
        ratePerMille: z.number().min(0).max(3),
        graceDays: z.number().int().min(0).max(365),
        capPercent: z.number().min(0).max(100).optional(),
        settlement: z.literal('next_bill'),
      })
      .optional(),
    installments: z
      .object({
        maxInstallments: z.number().int().min(2).max(36),
        maxMonths: z.number().int().min(1).max(36),
        graceDays: z.number().int().min(0).max(30),
        restoreOnAgreement: z.boolean(),
      })
      .optional(),
    promise: z
      .object({
        graceDays: z.number().int().min(0).max(30),
        maxDays: z.number().int().min(1).max(90),
        skipOnBroken: z.array(z.enum(LADDER_ACTIONS)),
        blackListAfterBroken: z.number().int().min(1),
      })
      .optional(),
    taskDueHours: z
      .partialRecord(
        z.enum(TASK_QUEUE_NAMES),
        z
          .number()
          .int()
          .min(1)
          .max(24 * 90),
      )
      .optional(),
    restoration: z.object({
      alertAfterMinutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60),
    }),
    limitation: z
      .object({
        // Civil Code art. 188: three years; a contract cannot shorten it.
        years: z.number().int().min(3).max(20),
        interruptedBy: z.array(z.enum(LIMITATION_INTERRUPTIONS)),
        demandActions: z.array(z.enum(LADDER_ACTIONS)),
        alertDaysBefore: z.number().int().min(1).max(365),
      })
      .optional(),
    steering: z.object({ restoreHoldDays: z.number().int().min(0).max(90), defaultAgencyId: z.string().min(1).max(100) }).optional(),
    // Reminders to the second number once this many calls to the billing number went unanswered (issue 11).
    secondNumberAfterUnansweredCalls: z.number().int().min(1).max(20).optional(),
    legal: z.object({
      // Floors may be raised by contract, never lowered below the regulations.
      minDaysAfterDueBeforeSuspension: z.number().int().min(30),
      minDaysSuspendedBeforeDeregistration: z.number().int().min(60),
    }),
    sanctionServices: z
      .array(z.enum(LINE_SERVICES))
      .min(1)
      .refine((s) => new Set(s).size === s.length, 'duplicate service')
      .optional(),
    linkedSuspension: z.boolean().optional(),
    notices: z
      .object({
        language: z.enum(NOTICE_LANGUAGES),
        howToPay: z.record(z.enum(NOTICE_LANGUAGES), noticeText(500)),
        templates: z.record(
          z.enum(NOTICE_KINDS),
          z.record(
            z.enum(NOTICE_LANGUAGES),
            z.object({
              id: z.string().min(1).max(100),
              text: z.string().min(1).max(4000),
              consequence: noticeText(500),
              deadlineDays: z.number().int().min(1).max(90),
            }),
          ),
        ),
        warningSteps: z.array(z.string().min(1).max(64)),
      })
      .optional(),
  })
  .superRefine((p, ctx) => {
    for (const [name, ladder] of Object.entries(p.ladders)) checkLadder(name, ladder, p, ctx);
    for (const [segment, name] of Object.entries(p.segmentLadders)) {
      if (!p.ladders[name]) ctx.addIssue({ code: 'custom', path: ['segmentLadders', segment], message: `no ladder named ${name}` });
    }
    if (!p.ladders[p.blackListLadder]) ctx.addIssue({ code: 'custom', path: ['blackListLadder'], message: `no ladder named ${p.blackListLadder}` });
    // Notice templates: every placeholder required, none unknown (domain/policy/notice-render).
    for (const [kind, byLanguage] of Object.entries(p.notices?.templates ?? {})) {
      for (const [language, template] of Object.entries(byLanguage)) {
        for (const message of templateProblems(kind as NoticeKind, template.text)) {
          ctx.addIssue({ code: 'custom', path: ['notices', 'templates', kind, language, 'text'], message });
        }
      }
    }
  });

export const timeZoneSchema = z.string().refine(isValidTimeZone, { message: 'unknown IANA time zone' });

/** Parses a policy, or lists what is wrong with it, each issue with its field path. */
export function checkPolicy(input: unknown): { policy: CollectionPolicy } | { issues: { path: string[]; message: string }[] } {
  const result = policySchema.safeParse(input);
  if (result.success) return { policy: result.data };
  return { issues: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) };
}

/** Parses a policy, throwing a zod error that names each offending field. */
export function parsePolicy(input: unknown): CollectionPolicy {
  return policySchema.parse(input);
}

/** Policies the service knows by name (the active one is `default`). */
export const KNOWN_POLICIES: Record<string, CollectionPolicy> = { default: parsePolicy(DEFAULT_POLICY) };
