// Signals, updates and queries of the collection workflow, defined once for workflow and clients,
// plus the shapes that cross the Temporal boundary. Plain data only (no zod in the workflow bundle).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EpisodeState, PaymentResult } from './episode';
import type { PromiseRequest } from './promise';
import type { WriteOffRequest } from './write-off';
import type { PlanRequest } from './installments';
import type { PolicyMigrationRequest } from './policy-migration';
import type { DisputeRequest, DisputeResolution } from './dispute';
import type { FeeAdjustment, LateFeeView } from './late-fee';
import type {
  ActionName,
  Bill,
  CollectionPolicy,
  Customer,
  EpisodeStatus,
  LadderAction,
  Payment,
  ServiceState,
} from './policy/types';

/** One workflow per account at a time; a later episode reuses the id once the previous one closed. */
export function collectionWorkflowId(accountId: string): string {
  return `collection-${accountId}`;
}

export interface CollectionInput {
  accountId: string;
  episodeId: string;
  policy: CollectionPolicy;
  customer: Customer;
  firstBill: Bill;
  /** State carried over by continue-as-new. */
  carried?: EpisodeState;
  /** Continue-as-new once history passes this many events (default 2,000; tests set it low). */
  continueAsNewAfterEvents?: number;
}

export interface ChargeSignal {
  bill: Bill;
  /** Billing's latest view of the customer (new phone number, lists); applied when given. */
  customer?: Customer;
}

export interface CallOutcomeSignal {
  stepId: string;
  answered: boolean;
  note?: string;
}

export interface CloseSignal {
  reason: string;
}

export const addChargeSignal = defineSignal<[ChargeSignal]>('addCharge');
export const callOutcomeSignal = defineSignal<[CallOutcomeSignal]>('recordCallOutcome');
/** The customer's contact preference: an opt-out stops reminders, never legally required notices. */
export const contactPreferenceSignal = defineSignal<[{ optOut: boolean; source: string }]>('setContactPreference');
/** The collection agency's result: money it collects arrives as ordinary payments. */
export const agencyOutcomeSignal = defineSignal<[{ outcome: 'collected' | 'returned' | 'uncollectable'; note?: string }]>('recordAgencyOutcome');
export const closeEpisodeSignal = defineSignal<[CloseSignal]>('closeEpisode');
export const postPaymentUpdate = defineUpdate<PaymentResult, [Payment]>('postPayment');
/**
 * The episode's state. `asOf` (epoch ms) is the caller's clock: a query runs on the time of the
 * workflow's last task, which can be days old while it sleeps, and the late fee grows daily.
 */
export const collectionStateQuery = defineQuery<CollectionSnapshot, [asOf?: number]>('collectionState');
export const waiveLateFeeUpdate = defineUpdate<LateFeeView | null, [FeeAdjustment]>('waiveLateFee');
export const openDisputeUpdate = defineUpdate<DisputeAnswer, [DisputeRequest]>('openDispute');
export const resolveDisputeUpdate = defineUpdate<DisputeAnswer, [DisputeResolution]>('resolveDispute');

export interface DisputeAnswer {
  disputeId: string;
  kind: 'dispute' | 'abnormal_bill';
  amount: number;
  status: 'open' | 'upheld' | 'rejected';
  balance: number;
  episodeStatus: EpisodeStatus;
}

/** What the dispute activity records (table `disputes`). */
export interface DisputeRecord {
  key: string;
  accountId: string;
  episodeId: string;
  disputeId: string;
  kind: 'dispute' | 'abnormal_bill';
  billId?: string;
  amount: number;
  currency: string;
  reason: string;
  status: 'open' | 'upheld' | 'rejected';
}

export const writeOffUpdate = defineUpdate<{ writeOffId: string; amount: number; status: EpisodeStatus }, [WriteOffRequest]>('writeOff');

/** What the write-off activity records (table `write_offs`). */
export interface WriteOffRecord {
  accountId: string;
  episodeId: string;
  writeOffId: string;
  amount: number;
  currency: string;
  reason: string;
  approvedBy: string;
  at: string;
}

export const agreeInstallmentsUpdate = defineUpdate<{ planId: string; status: string; restoring: boolean }, [PlanRequest]>('agreeInstallments');

/** What the installment-plan activity records (table `installment_plans`). */
export interface InstallmentPlanRecord {
  accountId: string;
  episodeId: string;
  planId: string;
  installments: { dueDate: string; amount: number }[];
  currency: string;
  source: string;
  status: 'active' | 'completed' | 'broken';
}

export const migratePolicyUpdate = defineUpdate<PolicyMigrationAnswer, [PolicyMigrationRequest]>('migratePolicy');

export interface PolicyMigrationAnswer {
  migrationId: string;
  from: { id: string; version: number };
  to: { id: string; version: number };
}

/** What the migration activity records (table `policy_migrations`, the audit of policy changes). */
export interface PolicyMigrationRecord extends PolicyMigrationAnswer {
  accountId: string;
  episodeId: string;
  reason: string;
  actor: string;
  at: string;
}

export const promiseToPayUpdate = defineUpdate<PromiseAnswer, [PromiseRequest]>('promiseToPay');

export interface PromiseAnswer {
  promiseId: string;
  date: string;
  due: number;
  status: 'open' | 'kept' | 'broken';
}

/** What the promise activities record (table `promises`). */
export interface PromiseRecord {
  key: string;
  accountId: string;
  episodeId: string;
  promiseId: string;
  date: string;
  amount: number;
  currency: string;
  source: string;
  status: 'open' | 'kept' | 'broken';
}

export interface SnapshotStep {
  cycle: number;
  stepId: string;
  action: ActionName;
  at: string;
  atLocal: string;
  outcome: string;
  reason?: string;
}

/** What operations see of an episode: times in UTC (`at`) and in the customer's zone (`atLocal`). */
export interface CollectionSnapshot {
  accountId: string;
  episodeId: string;
  policy: { id: string; version: number };
  status: EpisodeStatus;
  service: ServiceState;
  currency: string;
  balance: number;
  billed: number;
  paid: number;
  /** The last rung taken, or `enrolled`. */
  stage: ActionName | 'enrolled';
  cycle: number;
  timezone: string;
  next: { stepId: string; action: LadderAction | 'promise_reminder' | 'promise_expiry' | 'installment_check'; at: string; atLocal: string } | null;
  steps: SnapshotStep[];
  bills: Bill[];
  payments: { paymentId: string; amount: number; paidAt: string; seenAt: string; channel: string }[];
  restorations: { paymentId: string; paymentSeenAt: string; restoredAt: string; latencyMs: number }[];
  /** Open and resolved disputes and abnormal-bill reviews; `disputed` is what they take out of the pressure. */
  disputes: { disputeId: string; kind: string; amount: number; billId?: string; reason: string; status: string; openedAt: string }[];
  disputed: number;
  credited: number;
  optedOut: boolean;
  policyMigrations: { migrationId: string; from: string; to: string; reason: string; actor: string; at: string }[];
  agencyOutcome: { outcome: string; note?: string; at: string } | null;
  installmentPlan: { planId: string; status: string; installments: { dueDate: string; amount: number }[]; paidSince: number } | null;
  /** 核销: off the books at `at` for `amount`; `recovered` is what came in since. */
  writeOff: { writeOffId: string; amount: number; at: string; reason: string; approvedBy: string; recovered: number } | null;
  /** Late fee (违约金), apart from the principal `balance`; null when the policy has none. */
  lateFee: LateFeeView | null;
  promises: { promiseId: string; date: string; due: number; source: string; status: string; madeAt: string }[];
  brokenPromises: number;
}

export interface EpisodeOutcome {
  status: EpisodeStatus;
  service: ServiceState;
  balance: number;
  currency: string;
  /** Late fee owed at the end, for billing's next bill. */
  lateFeeDue?: number;
}

/** What every ladder activity receives: enough to act and to write the attempt record. */
export interface StepRequest {
  /** Idempotency key: account / episode / cycle / rung / action. */
  key: string;
  accountId: string;
  episodeId: string;
  stepId: string;
  action: ActionName;
  customer: Customer;
  balance: number;
  currency: string;
  /** Late fee so far (a formal demand states it). */
  lateFee?: number;
  anchorDueDate: string;
  /** Workflow time the step was taken (ISO, UTC). */
  scheduledFor: string;
  policy: { id: string; version: number };
}

export interface StepOutcome {
  outcome: 'done' | 'failed';
  /** Provider's reference (message id, task id, work order, case number). */
  reference?: string;
  reason?: string;
}
