// The bodies the API answers with (zod): the source of the OpenAPI document's response components
// and of the contract check the e2e suite runs on every response it sees. Where the body is a
// TypeScript type owned elsewhere (the workflow's answers, the services' results, the store's
// rows), a type-level check at the end of this file fails the build if schema and type drift.
// zod renders an object's output as closed (`additionalProperties: false`), and
// tests/support/contract.ts holds real answers to that: a key the schema does not name fails.
import { z } from 'zod';
import type { ArrearsResult } from '../services/arrears';
import type { BatchPage, BatchView } from '../services/batches';
import type { AlertRow } from '../../db/stores/alerts';
import type { AuditEventRow, listAuditEvents } from '../../db/stores/audit';
import type { ContactPreferences } from '../../db/stores/contact-preferences';
import type { PaymentStatus } from '../../db/stores/ledger';
import type { UnappliedPage } from '../../db/stores/unapplied-money';
import type { LateFeeEntry } from '../../db/stores/ledger-entries';
import type { ReassignAnswer } from '../services/unapplied-money';
import type { AccountListItem, AccountListPage } from '../../db/stores/read-model';
import { TASK_QUEUES, TASK_STATUSES, type TaskRow } from '../../db/stores/work-tasks';
import type { TaskCompletionAnswer } from '../services/tasks';
import type { PaymentResult } from '../../domain/episode/ledger';
import type { LateFeeView } from '../../domain/episode/practice/late-fee';
import type { CollectionSnapshot } from '../../domain/episode/snapshot';
import type { UpdateDefinition } from '@temporalio/common';
import type { agreeInstallmentsUpdate, DisputeAnswer, PolicyMigrationAnswer, PromiseAnswer, writeOffUpdate } from '../../workflows/messages';
import type { LitigationCaseRow } from '../../db/stores/litigation-cases';
import { CASE_STATES, OUTCOMES, PROCEDURES, STEP_NAMES } from '../../domain/litigation';
import type { LitigationView, StepAnswer } from '../../workflows/litigation-messages';
import type { TimelineEntry, TimelinePage } from '../services/timeline';
import type { EvidencePack } from '../services/evidence-pack';
import type { AgingReport, PoliciesReport, RecoveryReport, RestorationsReport, WorkloadReport } from '../services/reports';
import {
  LADDER_ACTIONS,
  LIMITATION_INTERRUPTIONS,
  LINE_SERVICES,
  type ActionName,
  type EpisodeStatus,
  type LadderAction,
  type ServiceState,
} from '../../domain/policy/types';
import { ROLES } from '../routes/route-spec';

const minor = (description = 'minor units (e.g. fen)') => z.number().int().meta({ description });
const currency = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .meta({ description: 'ISO-4217 code', example: 'CNY' });
/** A UTC instant, as `toISOString()` writes it. */
const utc = z.iso.datetime();
/** The same instant in the customer's zone, with its offset. */
const local = z.iso.datetime({ offset: true });
const localDate = z.iso.date().meta({ description: 'customer-local calendar date' });

export const episodeStatusSchema = z.enum(['open', 'paid', 'written_off', 'legal', 'closed']).meta({ id: 'EpisodeStatus' });
export const serviceStateSchema = z
  .enum(['active', 'outgoing_barred', 'suspended', 'deregistered'])
  .meta({ id: 'ServiceState', description: '单停 = outgoing_barred, 双停 = suspended, 销号/拆机 = deregistered' });
const ladderAction = z.enum(LADDER_ACTIONS);
export const actionNameSchema = z.enum([...LADDER_ACTIONS, 'restore', 'promise_reminder', 'write_off']).meta({ id: 'ActionName' });

export const healthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export const arrearsResultSchema = z
  .object({
    status: z.enum(['accepted', 'duplicate']),
    accountId: z.string(),
    billId: z.string(),
    workflowId: z.string().meta({ example: 'collection-DEMO-002' }),
  })
  .meta({ id: 'ArrearsResult' });

const paymentRef = { paymentId: z.string(), accountId: z.string() };
/** The episode's answer (`postPayment` update) with the payment's ids. */
const paymentAppliedSchema = z
  .object({
    ...paymentRef,
    applied: z.boolean().meta({ description: 'false when the episode rejected it' }),
    outcome: z.enum(['applied', 'duplicate', 'rejected']),
    reason: z.string().optional(),
    balance: minor('the principal still owed, minor units'),
    status: episodeStatusSchema,
    service: serviceStateSchema,
    restoring: z.boolean().meta({ description: 'this payment cleared a suspended line: restoration follows' }),
    recovery: z.boolean().optional().meta({ description: 'the debt had been written off: this payment is a recovery' }),
  })
  .meta({ id: 'PaymentApplied', description: 'The episode applied (or recognised, or rejected) the payment.' });
const paymentAppliedEarlierSchema = z
  .object({
    ...paymentRef,
    applied: z.literal(true),
    outcome: z.literal('applied'),
    balance: minor(),
    status: episodeStatusSchema,
    service: serviceStateSchema,
    note: z.string(),
  })
  .meta({ id: 'PaymentAppliedEarlier', description: 'An earlier delivery reached an episode that has since ended; its answer had been lost.' });
const paymentNotAppliedSchema = z
  .object({ ...paymentRef, applied: z.literal(false), outcome: z.enum(['recorded', 'rejected']), reason: z.string() })
  .meta({ id: 'PaymentNotApplied', description: '`recorded`: no open episode for the account; `rejected`: a kept payment its episode refused.' });
const paymentPendingSchema = z
  .object({ ...paymentRef, applied: z.null(), delivery: z.literal('pending'), reason: z.string() })
  .meta({ id: 'PaymentPending', description: 'Kept; the deliverer applies it as soon as the episode can be reached.' });

/** What a payment got: the stored answer (`payments.result`), the same for a re-send. */
export const paymentOutcomeSchema = z
  .union([paymentAppliedSchema, paymentAppliedEarlierSchema, paymentNotAppliedSchema, paymentPendingSchema])
  .meta({ id: 'PaymentOutcome' });
export type PaymentOutcome = z.infer<typeof paymentOutcomeSchema>;

/** The answer to `POST /v1/payments`: the outcome and whether this was a re-send. */
const duplicate = { duplicate: z.boolean().meta({ description: 'a re-send: this is the first answer' }) };
export const paymentAnswerSchema = z
  .union([
    paymentAppliedSchema.extend(duplicate).meta({ id: 'PaymentAppliedAnswer' }),
    paymentAppliedEarlierSchema.extend(duplicate).meta({ id: 'PaymentAppliedEarlierAnswer' }),
    paymentNotAppliedSchema.extend(duplicate).meta({ id: 'PaymentNotAppliedAnswer' }),
    paymentPendingSchema.extend(duplicate).meta({ id: 'PaymentPendingAnswer' }),
  ])
  .meta({ id: 'PaymentAnswer', description: 'A `PaymentOutcome` with `duplicate`.' });

export const paymentStatusSchema = z
  .object({
    ...paymentRef,
    amount: minor(),
    currency,
    paidAt: utc,
    receivedAt: utc,
    delivery: z.enum(['pending', 'delivered']),
    deliveryAttempts: z.number().int().min(0).meta({ description: 'earlier deliveries that failed' }),
    lastDeliveryError: z.string().nullable(),
    result: paymentOutcomeSchema.nullable().meta({ description: 'the episode’s answer once delivered' }),
    status: z.enum(['pending', 'applied', 'unapplied']).meta({ description: 'unapplied: kept, applied by no episode (GET /v1/payments?status=unapplied)' }),
    episodeId: z.string().nullable().meta({ description: 'the episode that applied it, when known' }),
  })
  .meta({ id: 'PaymentStatus' });

export const promiseAnswerSchema = z
  .object({ promiseId: z.string(), date: localDate, due: minor('what the promise must bring in, minor units'), status: z.enum(['open', 'kept', 'broken']) })
  .meta({ id: 'PromiseAnswer' });

export const disputeAnswerSchema = z
  .object({
    disputeId: z.string(),
    kind: z.enum(['dispute', 'abnormal_bill']),
    amount: minor(),
    status: z.enum(['open', 'upheld', 'rejected']),
    balance: minor(),
    episodeStatus: episodeStatusSchema,
  })
  .meta({ id: 'DisputeAnswer' });

export const installmentPlanAnswerSchema = z
  .object({
    planId: z.string(),
    status: z.string().meta({ description: '`active` once agreed' }),
    restoring: z.boolean().meta({ description: 'a suspended line is being restored under the plan' }),
  })
  .meta({ id: 'InstallmentPlanAnswer' });

const policyRef = z.object({ id: z.string(), version: z.number().int() }).meta({ id: 'PolicyRef' });
export const policyMigrationAnswerSchema = z.object({ migrationId: z.string(), from: policyRef, to: policyRef }).meta({ id: 'PolicyMigrationAnswer' });

export const writeOffAnswerSchema = z
  .object({ writeOffId: z.string(), amount: minor('what came off the books, minor units'), status: episodeStatusSchema })
  .meta({ id: 'WriteOffAnswer' });

export const lateFeeSchema = z
  .object({ ratePerMille: z.number(), accrued: minor(), waived: minor(), due: minor('what the customer owes in late fees now, minor units') })
  .meta({ id: 'LateFee', description: '违约金, apart from the principal `balance`.' });

const installment = z.object({ dueDate: localDate, amount: minor() });

/** The state query's view of an episode (`CollectionSnapshot`), plus a link into the Temporal UI. */
export const collectionViewSchema = z
  .object({
    accountId: z.string(),
    episodeId: z.string(),
    policy: policyRef,
    status: episodeStatusSchema,
    service: serviceStateSchema,
    currency,
    balance: minor('the principal still owed, minor units'),
    billed: minor(),
    paid: minor(),
    stage: z.union([actionNameSchema, z.literal('enrolled')]).meta({ description: 'the last rung taken' }),
    cycle: z.number().int(),
    timezone: z.string().meta({ example: 'Asia/Shanghai' }),
    next: z
      .object({
        stepId: z.string(),
        action: z.union([ladderAction, z.enum(['promise_reminder', 'promise_expiry', 'installment_check'])]),
        at: utc,
        atLocal: local,
      })
      .nullable(),
    steps: z.array(
      z.object({
        cycle: z.number().int(),
        stepId: z.string(),
        action: actionNameSchema,
        at: utc,
        atLocal: local,
        outcome: z.string(),
        reason: z.string().optional(),
      }),
    ),
    bills: z.array(
      z.object({
        billId: z.string(),
        amount: minor(),
        currency,
        dueDate: localDate,
        previousAverage: minor('billing’s average of the previous three months').optional(),
      }),
    ),
    payments: z.array(z.object({ paymentId: z.string(), amount: minor(), paidAt: utc, seenAt: utc, channel: z.string() })),
    restorations: z.array(z.object({ paymentId: z.string(), paymentSeenAt: utc, restoredAt: utc, latencyMs: z.number() })),
    disputes: z.array(
      z.object({
        disputeId: z.string(),
        kind: z.string(),
        amount: minor(),
        billId: z.string().optional(),
        reason: z.string(),
        status: z.string(),
        openedAt: utc,
      }),
    ),
    disputed: minor('what open disputes take out of the pressure'),
    credited: minor('what upheld disputes took off'),
    optedOut: z.boolean(),
    answeredCalls: z.array(z.string()).meta({ description: 'the manual-call rungs (step ids) the customer answered; the others count as unanswered' }),
    wrongNumber: z.boolean().meta({ description: 'the number on file was reported wrong: reminders and calls to it are skipped until billing gives another' }),
    policyMigrations: z.array(
      z.object({ migrationId: z.string(), from: z.string().meta({ example: 'default@1' }), to: z.string(), reason: z.string(), actor: z.string(), at: utc }),
    ),
    agencyOutcome: z.object({ outcome: z.string(), note: z.string().optional(), at: utc }).nullable(),
    installmentPlan: z.object({ planId: z.string(), status: z.string(), installments: z.array(installment), paidSince: minor() }).nullable(),
    writeOff: z
      .object({ writeOffId: z.string(), amount: minor(), at: utc, reason: z.string(), approvedBy: z.string(), recovered: minor('paid since the write-off') })
      .nullable(),
    lateFee: lateFeeSchema.nullable(),
    promises: z.array(z.object({ promiseId: z.string(), date: localDate, due: minor(), source: z.string(), status: z.string(), madeAt: utc })),
    brokenPromises: z.number().int(),
    litigation: z
      .object({
        caseId: z.string(),
        caseNumber: z.string(),
        courtCaseNumber: z.string().nullable(),
        status: z.string(),
        outcome: z.string().nullable(),
        reason: z.string().nullable(),
        linkedAt: utc,
        paidSinceReferral: z.number().int(),
      })
      .nullable()
      .meta({ description: 'the litigation case (ADR 12): its id and number, the court case number once accepted; null when none' }),
    limitation: z
      .object({
        billId: z.string(),
        dueDate: localDate,
        expiresAt: utc.meta({ description: 'from this instant the claim is time-barred (诉讼时效, Civil Code art. 188)' }),
        expiresAtLocal: local,
        timeBarred: z.boolean(),
        lastInterruption: z
          .object({ kind: z.enum(LIMITATION_INTERRUPTIONS), at: utc })
          .nullable()
          .meta({ description: 'what last restarted the period (art. 195); null when untouched since the due date' }),
      })
      .nullable()
      .meta({ description: 'the earliest expiry among the unpaid bills; null when nothing is owed' }),
    paused: z
      .object({ since: utc, until: utc.nullable(), reason: z.string(), by: z.string() })
      .nullable()
      .meta({ description: 'paused by a person: no rung, reminder or contact until `until` (null: until resumed); `next` is null meanwhile' }),
    agency: z.string().nullable().meta({ description: 'the agency the account was referred to (the agency_referral rung), or null' }),
    steering: z.array(
      z.object({
        requestId: z.string(),
        kind: z.enum(['pause', 'resume', 'escalate', 'skip', 'emergency_restore']),
        reason: z.string(),
        by: z.string(),
        at: utc,
        until: utc.optional(),
        stepId: z.string().optional(),
      }),
    ),
    workflowUrl: z.url().optional().meta({ description: 'the episode in the Temporal Web UI, when the API knows its address' }),
    accountCredit: z
      .array(z.object({ amount: minor(), currency }))
      .optional()
      .meta({ description: 'money the account overpaid in ended episodes, kept for its next episode (one entry per currency; absent when none)' }),
    lines: z
      .array(
        z.object({
          lineId: z.string(),
          service: z.enum(LINE_SERVICES),
          state: serviceStateSchema,
          suspendedAt: utc.nullable().meta({ description: 'when this episode’s sanction took the line out of service; null when active' }),
          number: z.string().optional().meta({ description: 'the line’s number as billing posted it (from PostgreSQL, never from the workflow)' }),
        }),
      )
      .meta({ description: 'the account’s lines and each one’s state (`service` is the worst); an episode before lines shows its single line L1' }),
    lineRestorations: z
      .array(z.object({ lineId: z.string(), paymentId: z.string(), paymentSeenAt: utc, restoredAt: utc, latencyMs: z.number() }))
      .meta({ description: 'restorations per line, each measured from the payment (24-hour rule)' }),
  })
  .meta({ id: 'CollectionView', description: 'An episode: times in UTC (`at`) and in the customer’s zone (`atLocal`).' });

export const auditEventSchema = z
  .object({
    id: z.string().meta({ description: 'decimal, gapless, in chain order' }),
    at: utc,
    keyId: z.string().nullable().meta({ description: 'null when no valid key was presented' }),
    roles: z.array(z.string()),
    method: z.string(),
    route: z.string().meta({ description: 'the route pattern', example: '/v1/accounts/:accountId/arrears' }),
    accountId: z.string().nullable(),
    requestId: z.string(),
    status: z.number().int(),
    outcome: z.string(),
    prevHash: z.string().regex(/^[0-9a-f]{64}$/),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .meta({ id: 'AuditEvent', description: 'One request that changed (or tried to change) an account; hash-chained.' });

export const auditPageSchema = z
  .object({
    accountId: z.string(),
    events: z.array(auditEventSchema),
    next: z.string().optional().meta({ description: 'pass as `before` for the next (older) page; absent on the last page' }),
  })
  .meta({ id: 'AuditPage' });

export const alertSchema = z
  .object({
    key: z.string().meta({ description: 'the alert key (percent-encode its `/` in a path)' }),
    kind: z.string().meta({ example: 'restoration_at_risk' }),
    accountId: z.string(),
    episodeId: z.string(),
    message: z.string(),
    raisedAt: utc,
    detail: z.record(z.string(), z.unknown()),
    acknowledged: z
      .object({ by: z.string().meta({ description: 'the acknowledging API key' }), at: utc, note: z.string().optional() })
      .nullable()
      .meta({ description: 'null while the alert is open' }),
  })
  .meta({ id: 'Alert' });

export const alertPageSchema = z
  .object({
    alerts: z.array(alertSchema),
    next: z.string().optional().meta({ description: 'pass as `before` for the next (older) page; absent on the last page' }),
  })
  .meta({ id: 'AlertPage' });

export const lateFeeWaiverAnswerSchema = z
  .object({ adjustmentId: z.string(), lateFee: lateFeeSchema.nullable().meta({ description: 'the late fee after the waiver' }) })
  .meta({ id: 'LateFeeWaiverAnswer' });

export const closeEpisodeAnswerSchema = z
  .object({
    accountId: z.string(),
    episodeId: z.string(),
    statusBefore: episodeStatusSchema,
    closing: z.literal(true).meta({ description: 'the episode was told to close; it ends once its running handlers finish' }),
  })
  .meta({ id: 'CloseEpisodeAnswer' });

export const contactPreferencesAnswerSchema = z
  .object({
    accountId: z.string(),
    optOut: z.boolean(),
    secondNumber: z.string().optional(),
    preferredHours: z.object({ start: z.string(), end: z.string() }).optional().meta({ description: 'customer-local HH:mm' }),
    source: z.string(),
    setBy: z.string(),
    setAt: utc,
    episode: z.enum(['signalled', 'none']).meta({ description: 'whether an open episode was told (a later episode starts with the stored opt-out)' }),
  })
  .meta({ id: 'ContactPreferences' });

export const accountListItemSchema = z
  .object({
    accountId: z.string(),
    episodeId: z.string(),
    status: z.string().meta({ description: 'EpisodeStatus' }),
    stage: z.string().meta({ description: 'the last rung taken (an ActionName), or `enrolled`' }),
    service: z.string().meta({ description: 'ServiceState' }),
    balance: minor(),
    currency,
    segment: z.string(),
    lists: z.array(z.string()),
    region: z.string().nullable(),
    anchorDueDate: localDate,
    daysPastDue: z.number().int().meta({ description: 'UTC days since the anchor due date' }),
    nextAction: z.string().nullable(),
    nextActionAt: utc.nullable(),
    version: z.number().int().meta({ description: 'the episode’s read-model version (increases with each change)' }),
    updatedAt: utc.meta({ description: 'workflow time of the last change written' }),
    limitationExpiresAt: utc
      .nullable()
      .meta({ description: '诉讼时效: when the earliest unpaid bill becomes time-barred; null when nothing is owed or not yet known' }),
    lines: z
      .array(z.object({ lineId: z.string(), service: z.string(), state: z.string().meta({ description: 'ServiceState' }) }))
      .nullable()
      .meta({ description: 'each line’s state (`service` is the worst); null for an episode started before lines (its single line is `service`)' }),
  })
  .meta({ id: 'AccountListItem', description: 'An account’s current episode as the read model holds it (ADR 8).' });

export const accountListPageSchema = z
  .object({
    accounts: z.array(accountListItemSchema),
    next: z.string().optional().meta({ description: 'pass as `cursor` (same filters, sort and order) for the next page; absent on the last page' }),
  })
  .meta({ id: 'AccountListPage' });

// ---- Work queues
export const taskSchema = z
  .object({
    taskId: z.string().meta({ description: 'the key of the rung that made it; URL-encode it in a path', example: 'A-1/A-1-B1/c1/call-1/manual_call' }),
    queue: z.enum(TASK_QUEUES),
    accountId: z.string(),
    episodeId: z.string(),
    stepId: z.string(),
    status: z.enum(TASK_STATUSES),
    detail: z.record(z.string(), z.unknown()).meta({ description: 'what the rung knew: balance, currency, overdue since, the dispute' }),
    createdAt: utc,
    dueAt: utc,
    claimedBy: z.string().nullable().meta({ description: 'the key holding the task (`key:<id>:<name>`)' }),
    claimedAt: utc.nullable(),
    outcome: z.record(z.string(), z.unknown()).nullable().meta({ description: 'the completion as sent' }),
    completedBy: z.string().nullable(),
    completedAt: utc.nullable(),
  })
  .meta({ id: 'WorkTask' });

export const taskPageSchema = z
  .object({
    tasks: z.array(taskSchema),
    next: z.string().optional().meta({ description: 'pass as `after` for the next page; absent on the last page' }),
  })
  .meta({ id: 'WorkTaskPage' });

export const taskCompletionAnswerSchema = z
  .object({
    task: taskSchema,
    delivered: z
      .boolean()
      .meta({ description: 'false when the outcome is kept on the task only: its episode is no longer open, or nothing goes to it (`find_contact`)' }),
    followUp: z.string().optional().meta({ description: 'the task a wrong number opened (queue `find_contact`)' }),
    promise: promiseAnswerSchema.optional(),
    dispute: disputeAnswerSchema.optional(),
    review: z
      .object({ stepId: z.string(), action: ladderAction, decision: z.enum(['approved', 'rejected']) })
      .optional()
      .meta({ description: 'a red-list review: approved, the rung’s action is taken (inside its window and legal floors); rejected, skipped' }),
  })
  .meta({ id: 'WorkTaskCompletion' });

// ---- Litigation cases ----------------------------------------------------------------------

export const caseStateSchema = z.enum(CASE_STATES).meta({ id: 'CaseState' });
export const caseStepNameSchema = z.enum(STEP_NAMES).meta({ id: 'CaseStepName' });
const deadlineSchema = z
  .object({
    key: z.string(),
    kind: z.enum(['demand_reply', 'objection_window', 'appeal_window', 'enforcement_application', 'hearing_result']),
    due: utc.meta({ description: 'the end of the last court day (UTC+08:00), in UTC' }),
    status: z.enum(['open', 'met', 'lapsed', 'void']),
  })
  .meta({ id: 'CaseDeadline' });

/** A case's row in `litigation_cases`: what the case list pages through. */
export const litigationCaseSchema = z
  .object({
    caseId: z.string(),
    caseNumber: z.string(),
    accountId: z.string(),
    episodeId: z.string(),
    workflowId: z.string().meta({ example: 'litigation-C-1' }),
    state: z.string().meta({ description: 'a `CaseState`' }),
    court: z.string().nullable(),
    procedure: z.string().nullable(),
    courtCaseNumber: z.string().nullable(),
    currency,
    principal: minor('the debt when the case was opened'),
    nextDeadline: utc.nullable(),
    nextDeadlineKind: z.string().nullable(),
    outcome: z.string().nullable(),
    terminal: z.boolean(),
    openedAt: utc,
    openedBy: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'LitigationCase' });

export const litigationCasePageSchema = z
  .object({
    cases: z.array(litigationCaseSchema),
    next: z.string().optional().meta({ description: 'pass as `after` for the next page; absent on the last page' }),
  })
  .meta({ id: 'LitigationCasePage' });

const caseInstallment = z.object({ dueDate: localDate, amount: minor() });
const historyEntrySchema = z.union([
  z.object({
    kind: z.literal('step'),
    stepId: z.string(),
    step: caseStepNameSchema,
    at: utc,
    from: caseStateSchema,
    to: caseStateSchema,
    fields: z.record(z.string(), z.unknown()),
  }),
  z.object({ kind: z.literal('deadline'), key: z.string(), deadline: deadlineSchema.shape.kind, at: utc, from: caseStateSchema, to: caseStateSchema }),
]);

/** The case workflow's state query: the case, the steps that fit now, its deadlines and history. */
export const litigationViewSchema = z
  .object({
    caseId: z.string(),
    caseNumber: z.string(),
    accountId: z.string(),
    episodeId: z.string(),
    workflowId: z.string(),
    currency,
    principal: minor(),
    openedAt: utc,
    openedBy: z.string(),
    state: caseStateSchema,
    court: z.string().optional(),
    procedure: z.enum(PROCEDURES).optional(),
    courtCaseNumber: z.string().optional(),
    claimAmount: minor().optional(),
    courtFee: minor().optional(),
    hearing: z.object({ at: utc, courtRoom: z.string() }).optional(),
    judgment: z.object({ amount: minor(), costs: minor(), servedAt: utc, effectiveAt: utc.optional() }).optional(),
    agreement: z.object({ kind: z.enum(['mediation', 'settlement']), amount: minor(), installments: z.array(caseInstallment) }).optional(),
    collected: minor('what enforcement collected'),
    declineReason: z.string().optional(),
    terminationReason: z.string().optional(),
    outcome: z.enum(OUTCOMES).optional(),
    money: z.object({
      currency,
      principal: minor('the debt at opening'),
      balance: minor('what is owed now (principal), as the episode last told the case'),
      lateFee: minor('the late fee owed now'),
      courtFee: minor(),
      judgmentCosts: minor(),
      paidSinceReferral: minor(),
      collectedByEnforcement: minor(),
      asOf: utc.nullable(),
    }),
    allowedSteps: z.array(caseStepNameSchema),
    nextDeadline: deadlineSchema.nullable(),
    deadlines: z.array(deadlineSchema),
    history: z.array(historyEntrySchema),
  })
  .meta({ id: 'LitigationCaseView' });

export const stepAnswerSchema = z
  .object({
    caseId: z.string(),
    stepId: z.string(),
    step: caseStepNameSchema,
    state: caseStateSchema,
    allowedSteps: z.array(caseStepNameSchema),
    nextDeadline: deadlineSchema.nullable(),
    duplicate: z.boolean().meta({ description: 'the step id was already recorded with this step: nothing changed' }),
  })
  .meta({ id: 'CaseStepAnswer' });

// ---- Money nobody can place (unapplied payments, reassignment)
export const unappliedPaymentSchema = z
  .object({
    paymentId: z.string(),
    accountId: z.string(),
    amount: minor(),
    currency,
    paidAt: utc,
    receivedAt: utc,
    reason: z.string().meta({ description: 'why it is not applied (no open episode, or refused on delivery)' }),
    originalAccountId: z.string().nullable().meta({ description: 'the account billing posted it for, once moved' }),
  })
  .meta({ id: 'UnappliedPayment' });

export const unappliedPageSchema = z
  .object({
    payments: z.array(unappliedPaymentSchema),
    next: z.string().optional().meta({ description: 'pass as `cursor` for the next page; absent on the last page' }),
  })
  .meta({ id: 'UnappliedPaymentPage' });

export const reassignAnswerSchema = z
  .object({
    paymentId: z.string(),
    fromAccountId: z.string(),
    accountId: z.string(),
    status: z.enum(['applied', 'unapplied', 'pending']).meta({ description: 'applied by the account’s open episode, still unapplied, or kept for delivery' }),
    result: paymentOutcomeSchema.nullable(),
  })
  .meta({ id: 'PaymentReassignAnswer' });
// ---- Bulk intake (issue 13) ----
const batchCountsSchema = z
  .object({
    rows: z.number().int().meta({ description: 'data rows in the file' }),
    pending: z.number().int().meta({ description: 'valid rows not enrolled yet' }),
    accepted: z.number().int().meta({ description: 'enrolled: a new bill (episode started or bill added)' }),
    updated: z.number().int().meta({ description: 'enrolled: the bill was known but not yet in its episode, delivered now' }),
    unchanged: z.number().int().meta({ description: 'enrolled: the same bill was posted and delivered before; nothing changed' }),
    rejected: z
      .number()
      .int()
      .meta({ description: 'refused rows (invalid, or refused by the enrolment: another body under a known bill id, another currency)' }),
    enrolled: z.number().int().meta({ description: 'accepted + updated + unchanged' }),
  })
  .meta({ id: 'BatchCounts' });
const batchFields = {
  batchId: z.string(),
  kind: z.enum(['arrears', 'payments']),
  format: z.enum(['csv', 'ndjson']),
  state: z.enum(['received', 'enrolling', 'done']).meta({ description: 'received: nothing enrolled yet; enrolling; done: no row pending' }),
  createdAt: utc,
  counts: batchCountsSchema,
};
export const batchSchema = z.object(batchFields).meta({ id: 'Batch' });
const rejectedRowSchema = z
  .object({
    row: z.number().int().meta({ description: 'the data row, from 1 (a CSV header is not a row)' }),
    errors: z.array(z.object({ field: z.string().meta({ example: 'amount' }), message: z.string() })),
  })
  .meta({ id: 'RejectedRow' });
export const batchPageSchema = z
  .object({ ...batchFields, rejectedRows: z.array(rejectedRowSchema), next: z.string().optional().meta({ description: 'the `after` of the next page' }) })
  .meta({ id: 'BatchPage' });

/** This document itself (`/openapi.json`): only its frame is described. */
export const openApiDocumentSchema = z
  .looseObject({ openapi: z.literal('3.1.0'), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) })
  .meta({ id: 'OpenApiDocument' });

// ---- Compile-time agreement of schemas and the types they describe ---------------------------
// `Same` is exact (not mere assignability: an extra optional key on either side fails too);
// `Deep` flattens intersections so `A & B` and the written-out object compare equal.
type Deep<T> = T extends readonly (infer U)[] ? Deep<U>[] : T extends object ? { [K in keyof T]: Deep<T[K]> } : T;
type Same<A, B> = (<T>() => T extends Deep<A> ? 1 : 2) extends <T>() => T extends Deep<B> ? 1 : 2 ? true : false;
type Agree<T extends true> = T;
type PaymentApplied = z.infer<typeof paymentAppliedSchema>;
type Answer<U> = U extends UpdateDefinition<infer R, infer _A, infer _N> ? R : never;

export type SchemaTypeChecks = [
  Agree<Same<z.infer<typeof episodeStatusSchema>, EpisodeStatus>>,
  Agree<Same<z.infer<typeof serviceStateSchema>, ServiceState>>,
  Agree<Same<z.infer<typeof actionNameSchema>, ActionName>>,
  Agree<Same<z.infer<typeof ladderAction>, LadderAction>>,
  Agree<Same<z.infer<typeof arrearsResultSchema>, ArrearsResult>>,
  Agree<Same<Omit<PaymentApplied, 'paymentId' | 'accountId' | 'applied'>, PaymentResult>>,
  Agree<Same<Omit<z.infer<typeof paymentStatusSchema>, 'result'>, Omit<PaymentStatus, 'result'>>>,
  Agree<Same<z.infer<typeof promiseAnswerSchema>, PromiseAnswer>>,
  Agree<Same<z.infer<typeof disputeAnswerSchema>, DisputeAnswer>>,
  Agree<Same<z.infer<typeof policyMigrationAnswerSchema>, PolicyMigrationAnswer>>,
  Agree<Same<z.infer<typeof paymentAnswerSchema>, PaymentOutcome & { duplicate: boolean }>>,
  Agree<Same<z.infer<typeof installmentPlanAnswerSchema>, Answer<typeof agreeInstallmentsUpdate>>>,
  Agree<Same<z.infer<typeof writeOffAnswerSchema>, Answer<typeof writeOffUpdate>>>,
  Agree<Same<z.infer<typeof lateFeeSchema>, LateFeeView>>,
  Agree<Same<Omit<z.infer<typeof collectionViewSchema>, 'workflowUrl' | 'accountCredit'>, CollectionSnapshot>>,
  Agree<Same<z.infer<typeof auditEventSchema>, AuditEventRow>>,
  Agree<Same<z.infer<typeof taskSchema>, TaskRow>>,
  Agree<Same<z.infer<typeof taskCompletionAnswerSchema>, TaskCompletionAnswer>>,
  Agree<Same<Omit<z.infer<typeof auditPageSchema>, 'accountId'>, Awaited<ReturnType<typeof listAuditEvents>>>>,
  Agree<Same<z.infer<typeof alertSchema>, AlertRow>>,
  Agree<Same<Omit<z.infer<typeof contactPreferencesAnswerSchema>, 'episode'>, ContactPreferences>>,

  Agree<Same<z.infer<typeof accountListItemSchema>, AccountListItem>>,
  Agree<Same<z.infer<typeof accountListPageSchema>, AccountListPage>>,
  Agree<Same<z.infer<typeof litigationCaseSchema>, LitigationCaseRow>>,
  Agree<Same<z.infer<typeof litigationViewSchema>, LitigationView>>,
  Agree<Same<z.infer<typeof stepAnswerSchema>, StepAnswer>>,
  Agree<Same<z.infer<typeof unappliedPageSchema>, UnappliedPage>>,
  Agree<Same<Omit<z.infer<typeof reassignAnswerSchema>, 'result'>, Omit<ReassignAnswer, 'result'>>>,
];

// ---- Steering an episode by hand (issue 11)

export const steeringAnswerSchema = z
  .object({
    accountId: z.string(),
    episodeId: z.string(),
    requestId: z.string(),
    kind: z.enum(['pause', 'resume', 'escalate', 'skip', 'emergency_restore']),
    paused: z
      .object({ since: utc, until: utc.nullable(), reason: z.string() })
      .nullable()
      .meta({ description: 'the pause in force after the request (`until` null: until resumed)' }),
    stepId: z.string().optional().meta({ description: 'the rung skipped, or due now after an escalation' }),
    service: serviceStateSchema,
  })
  .meta({ id: 'SteeringAnswer' });

export const agencyOutcomeAnswerSchema = z
  .object({
    accountId: z.string(),
    episodeId: z.string(),
    agency: z.string(),
    outcome: z.enum(['collected', 'returned', 'uncollectable']),
    recorded: z.literal(true).meta({ description: 'sent to the episode' }),
  })
  .meta({ id: 'AgencyOutcomeAnswer' });

// ---- An account's whole story (timeline) and a case's evidence pack -------------------------
const refValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const timelineEntrySchema = z
  .object({
    id: z.string().meta({ description: 'unique and stable: `db:…` or `temporal:<workflowId>:<runId>:<eventId>`' }),
    at: utc,
    source: z.enum(['database', 'temporal']),
    kind: z.string().meta({ description: 'database: bill, attempt, notice, payment, promise, task, alert, audit, …; temporal: the event type' }),
    summary: z.string(),
    episodeId: z.string().optional(),
    refs: z.record(z.string(), refValue),
    detail: z.record(z.string(), z.unknown()).optional().meta({ description: 'a notice’s text or script, a task’s outcome, …' }),
    workflowId: z.string().optional(),
    runId: z.string().optional(),
    eventId: z.number().int().optional(),
    link: z.string().optional().meta({ description: 'the run’s history in the Temporal UI' }),
  })
  .meta({ id: 'TimelineEntry' });

export const timelinePageSchema = z
  .object({
    accountId: z.string(),
    entries: z.array(timelineEntrySchema),
    next: z.string().optional().meta({ description: 'pass as `after` for the next page; absent on the last page' }),
    temporal: z
      .object({ complete: z.boolean(), runs: z.number().int(), missing: z.string().optional() })
      .meta({ description: '`complete: false`: Temporal could not be read and the page holds database entries only' }),
  })
  .meta({ id: 'TimelinePage' });

const nullableText = z.string().nullable();
export const evidencePackSchema = z
  .object({
    generatedAt: utc,
    case: z.object({
      caseId: z.string(),
      caseNumber: z.string(),
      accountId: z.string(),
      episodeId: z.string(),
      workflowId: z.string(),
      state: z.string(),
      court: nullableText,
      procedure: nullableText,
      courtCaseNumber: nullableText,
      currency,
      principal: minor(),
      outcome: nullableText,
      terminal: z.boolean(),
      openedAt: utc,
      openedBy: z.string(),
    }),
    party: z.object({
      accountId: z.string(),
      customerName: nullableText,
      phone: nullableText,
      lines: z.array(z.string()),
      segment: nullableText,
      timezone: nullableText,
    }),
    bills: z.array(z.object({ billId: z.string(), amount: minor(), currency, dueDate: z.iso.date(), receivedAt: utc })),
    notices: z.array(
      z.object({
        key: z.string(),
        channel: z.string(),
        operation: z.string(),
        requestedAt: utc,
        episodeId: nullableText,
        stepId: nullableText,
        text: nullableText,
        content: z.record(z.string(), z.unknown()),
        delivery: z.object({ outcome: z.string(), reason: nullableText, performedAt: utc, actor: z.string() }).nullable(),
      }),
    ),
    attempts: z.array(
      z.object({
        key: z.string(),
        episodeId: z.string(),
        stepId: z.string(),
        action: z.string(),
        actor: z.string(),
        scheduledFor: utc,
        performedAt: utc,
        outcome: z.string(),
        reason: nullableText,
      }),
    ),
    payments: z.array(z.object({ paymentId: z.string(), amount: minor(), currency, paidAt: utc, channel: z.string(), appliedAt: utc.nullable() })),
    promises: z.array(
      z.object({
        promiseId: z.string(),
        episodeId: z.string(),
        promisedDate: z.iso.date(),
        amount: minor(),
        currency,
        source: z.string(),
        status: z.string(),
        kept: z.boolean().nullable().meta({ description: 'null while the promise is open' }),
        madeAt: utc,
        resolvedAt: utc.nullable(),
      }),
    ),
    disputes: z.array(
      z.object({
        disputeId: z.string(),
        episodeId: z.string(),
        kind: z.string(),
        billId: nullableText,
        amount: minor(),
        currency,
        reason: z.string(),
        status: z.string(),
        resolution: nullableText,
        openedAt: utc,
        resolvedAt: utc.nullable(),
      }),
    ),
    policy: z.object({ id: z.string(), version: z.number().int() }).nullable(),
    demandLetter: z
      .object({
        stepId: z.string(),
        sentAt: utc,
        deadlineDays: z.number().int(),
        deadline: utc,
        debt: minor(),
        currency,
        overdueSince: z.iso.date().nullable(),
        daysOverdue: z.number().int().nullable(),
        lateFee: minor().nullable(),
        text: z.string(),
      })
      .nullable(),
    temporal: z.object({ complete: z.boolean(), missing: z.string().optional() }),
  })
  .meta({ id: 'EvidencePack' });

export type StorySchemaTypeChecks = [
  Agree<Same<z.infer<typeof timelineEntrySchema>, TimelineEntry>>,
  Agree<Same<z.infer<typeof timelinePageSchema>, TimelinePage>>,
  Agree<Same<z.infer<typeof evidencePackSchema>, EvidencePack>>,
  Agree<Same<z.infer<typeof batchSchema>, BatchView>>,
  Agree<Same<z.infer<typeof batchPageSchema>, BatchPage>>,
];

// ---- The ledger (issue 13): the late-fee feed for billing
export const lateFeeEntrySchema = z
  .object({
    cursor: z.string().meta({ description: 'pass as `upTo` to acknowledge this fee and every one before it' }),
    accountId: z.string(),
    episodeId: z.string(),
    kind: z.enum(['late_fee_accrued', 'late_fee_waived']),
    amount: minor('signed: accrued is positive, a waiver negative'),
    currency,
    at: utc,
    ref: z.string().nullable().meta({ description: 'the waiver id, or the accrued total it brought the episode to' }),
  })
  .meta({ id: 'LateFeeEntry' });

export const lateFeePageSchema = z
  .object({
    fees: z.array(lateFeeEntrySchema),
    next: z.string().optional().meta({ description: 'pass as `after` for the next page; absent on the last page' }),
  })
  .meta({ id: 'LateFeePage' });

export const lateFeeAcknowledgementSchema = z
  .object({
    upTo: z.string(),
    acknowledged: z.boolean().meta({ description: 'false when this cursor was acknowledged before (a re-send)' }),
  })
  .meta({ id: 'LateFeeAcknowledgement' });

export type LedgerSchemaTypeChecks = [
  Agree<Same<z.infer<typeof lateFeeEntrySchema>, LateFeeEntry>>,
  Agree<Same<z.infer<typeof lateFeePageSchema>, { fees: LateFeeEntry[]; next?: string }>>,
];

// ---- Payload codec (issue 14, ADR 20)
export const codecPayloadsSchema = z
  .object({ payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()), data: z.string() })) })
  .meta({ id: 'CodecPayloads' });

// ---- Reports (issue 15, ADR 21): figures computed in PostgreSQL, shared by the console and other tools
const count = (description: string) => z.number().int().min(0).meta({ description });
const agingBucketName = z.enum(['1-30', '31-60', '61-90', '91-180', '181-365', '366+']);

export const agingReportSchema = z
  .object({
    asOf: z.iso.date().meta({ description: 'the day ages were counted to (UTC)' }),
    buckets: z
      .array(
        z.object({
          bucket: agingBucketName.meta({ description: 'days since the oldest unpaid bill’s due date' }),
          minDays: z.number().int().meta({ description: 'inclusive' }),
          maxDays: z.number().int().nullable().meta({ description: 'inclusive; null: no upper bound' }),
          currency,
          accounts: count('running episodes owing money in the bucket'),
          amount: minor('their outstanding balance'),
        }),
      )
      .meta({ description: 'every bucket, in order, for each currency that has any account in arrears' }),
    totals: z.array(z.object({ currency, accounts: count('running episodes owing money'), amount: minor('their outstanding balance') })),
  })
  .meta({ id: 'AgingReport', description: 'Arrears by age: running episodes with a balance, by days since their oldest unpaid bill’s due date' });

export const recoveryReportSchema = z
  .object({
    points: z.array(z.number().int()).meta({ description: 'the days since due at which each curve is read' }),
    cohorts: z.array(
      z.object({
        month: z
          .string()
          .regex(/^\d{4}-\d{2}$/)
          .meta({ description: 'enrolment month (UTC month of the episode’s first bill)' }),
        currency,
        accounts: count('accounts with an episode enrolled that month'),
        billed: minor('what those episodes were billed'),
        curve: z.array(
          z.object({
            days: z.number().int().meta({ description: 'days since the first bill’s due date' }),
            recovered: minor('paid by then (per episode at most what it was billed)'),
            share: z.number().min(0).max(1).meta({ description: 'recovered / billed, 4 decimals' }),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'RecoveryReport', description: 'The recovery curve per enrolment month: the share of what was billed that was paid by each point' });

export const restorationsReportSchema = z
  .object({
    ruleHours: z.literal(24).meta({ description: 'a suspended line must be restored within this many hours of the payment' }),
    from: utc.meta({ description: 'payments seen at or after (the period read)' }),
    to: utc.meta({ description: 'payments seen before' }),
    count: count('restorations whose payment was seen in the period'),
    withinRule: count('restored in under 24 hours'),
    breaches: count('restored after 24 hours or more'),
    p50Seconds: z.number().nullable().meta({ description: 'median latency (percentile_cont); null when there were none' }),
    p99Seconds: z.number().nullable().meta({ description: '99th percentile latency (percentile_cont)' }),
    maxSeconds: z.number().nullable(),
    histogram: z.array(
      z.object({
        bucket: z.enum(['<1m', '1-10m', '10-60m', '1-6h', '6-24h', '>=24h']),
        upToSeconds: z.number().int().nullable().meta({ description: 'latencies below this (and at or above the previous bucket’s); null: no bound' }),
        count: count('restorations in the bucket'),
      }),
    ),
    slowest: z
      .array(
        z.object({
          accountId: z.string(),
          lineId: z.string().nullable(),
          paidAt: utc.meta({ description: 'when the episode saw the payment' }),
          restoredAt: utc,
          seconds: z.number(),
        }),
      )
      .meta({ description: 'up to 10, slowest first' }),
    pending: count('paid episodes with a line still barred or suspended now'),
  })
  .meta({ id: 'RestorationsReport', description: 'Payment → restoration latency against the 24-hour rule' });

export const workloadReportSchema = z
  .object({
    tasks: z.array(
      z.object({ queue: z.string(), open: count('not claimed'), claimed: count('claimed, not done'), overdue: count('not done, past their due time') }),
    ),
    cases: z.array(z.object({ state: z.string(), count: count('litigation cases in the state') })),
    alerts: z.object({ open: count('alerts nobody acknowledged yet') }),
  })
  .meta({ id: 'WorkloadReport', description: 'Open work: tasks per queue, legal cases by state, open alerts' });

const episodeCounts = z.object({ open: count('running episodes'), ended: count('ended episodes (paid, written off, closed)') });
export const policiesReportSchema = z
  .object({
    active: z.object({ name: z.string(), version: z.number().int() }).meta({ description: 'the policy new episodes start with' }),
    policies: z.array(
      z.object({
        name: z.string(),
        version: z.number().int(),
        active: z.boolean(),
        known: z.boolean().meta({ description: 'false: a version an episode runs that this process does not hold (ladder empty)' }),
        description: z.string().nullable(),
        ladder: z.array(
          z.object({
            ladderName: z.string().meta({ description: 'the ladder of the policy the rung belongs to (per segment, black list)' }),
            step: z.string(),
            action: z.string(),
            timing: z.string().meta({ description: 'readable, e.g. "7 days after due"' }),
            afterDays: z.number().int().nullable().meta({ description: 'days after due the timing names; null when it follows an earlier rung' }),
            window: z.string().nullable().meta({ description: 'e.g. "08:00–21:00 customer time"; null: any hour' }),
            threshold: z.object({ amount: minor(), currency }).nullable().meta({ description: 'skipped below this balance' }),
            notes: z.string().nullable(),
          }),
        ),
        episodes: episodeCounts.meta({ description: 'episodes of the read model (each account’s latest) running this version' }),
      }),
    ),
    unpinned: episodeCounts.meta({ description: 'episodes whose policy was never recorded (bills before the pin was kept)' }),
  })
  .meta({ id: 'PoliciesReport', description: 'The known policies and the versions episodes run, each ladder as readable rows' });

export type ReportSchemaTypeChecks = [
  Agree<Same<z.infer<typeof agingReportSchema>, AgingReport>>,
  Agree<Same<z.infer<typeof recoveryReportSchema>, RecoveryReport>>,
  Agree<Same<z.infer<typeof restorationsReportSchema>, RestorationsReport>>,
  Agree<Same<z.infer<typeof workloadReportSchema>, WorkloadReport>>,
  Agree<Same<z.infer<typeof policiesReportSchema>, PoliciesReport>>,
];
// ---- The calling key (issue 15): the console's menus and actions follow its roles
export const sessionSchema = z
  .object({
    keyId: z.string().meta({ description: 'the id part of the key (never the secret)' }),
    roles: z.array(z.enum(ROLES)).meta({ description: 'the key’s roles (`admin` may do everything)' }),
    agency: z.string().nullable().meta({ description: 'an agency key’s agency id; null for staff keys' }),
  })
  .meta({ id: 'Session', description: 'Who the key is: the web console (/console) shows only the menus and actions these roles allow.' });
