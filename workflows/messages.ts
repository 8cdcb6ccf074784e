// The collection workflow's messages, defined once for the workflow and its clients: the input and
// result, signals, updates and the state query, each with its named payload and answer types. Plain
// data only (no zod in the workflow bundle); the domain's own shapes are imported, not repeated.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PaymentResult } from '../domain/episode/ledger';
import type { DisputeResolution } from '../domain/episode/practice/dispute';
import type { LateFeeView } from '../domain/episode/practice/late-fee';
import type { CaseSignal } from '../domain/episode/practice/litigation-link';
import type { PolicyMigrationRequest } from '../domain/episode/practice/policy-migration';
import type { ReviewAnswer } from '../domain/episode/practice/review';
import type { PauseRequest, SkipRequest, SteeringAnswer, SteeringRequest } from '../domain/episode/practice/steering';
import type { CollectionSnapshot } from '../domain/episode/snapshot';
import type {
  AgencyReport,
  DisputeRequest,
  EpisodeStart,
  EpisodeState,
  FeeAdjustment,
  PlanRequest,
  PromiseRequest,
  ReviewDecisionRequest,
  WriteOffRequest,
} from '../domain/episode/state';
import type { Bill, EpisodeCustomer, EpisodeStatus, Payment, ServiceState, TimeWindow } from '../domain/policy/types';

/** One workflow per account at a time; a later episode reuses the id once the previous one closed. */
export function collectionWorkflowId(accountId: string): string {
  return `collection-${accountId}`;
}

// --- the workflow's input and result

/** What starts an episode (the domain's EpisodeStart: account, episode, policy, customer, first bill, stored opt-out), plus what the run itself needs. */
export interface CollectionInput extends EpisodeStart {
  /** State carried over by continue-as-new. */
  carried?: EpisodeState;
  /** Continue-as-new once history passes this many events (default 2,000; tests set it low). */
  continueAsNewAfterEvents?: number;
}

export interface EpisodeOutcome {
  status: EpisodeStatus;
  service: ServiceState;
  balance: number;
  currency: string;
  /** Late fee owed at the end, for billing's next bill. */
  lateFeeDue?: number;
}

// --- signals

export interface ChargeSignal {
  bill: Bill;
  /** Billing's latest view of the customer (segment, lists, which number is on file; no name or number since ADR 26); applied when given. */
  customer?: EpisodeCustomer;
  /** The billing number on file changed with this bill (ADR 26): an older episode's wrong-number report (kept by number) is lifted. */
  numberChanged?: boolean;
}

export interface CallOutcomeSignal {
  stepId: string;
  answered: boolean;
  note?: string;
}

export interface WrongNumberSignal {
  /** The call (rung) on which the number turned out wrong. */
  stepId: string;
}

export interface ContactPreference {
  optOut: boolean;
  /** Where the customer said so (a call, the counter, an app setting). */
  source: string;
}

export interface CloseSignal {
  reason: string;
}

/** A new bill (signal-with-start: the first bill starts the workflow). */
export const addChargeSignal = defineSignal<[ChargeSignal]>('addCharge');
export const callOutcomeSignal = defineSignal<[CallOutcomeSignal]>('recordCallOutcome');
/** The customer's contact preference: an opt-out stops reminders, never legally required notices. */
export const contactPreferenceSignal = defineSignal<[ContactPreference]>('setContactPreference');
/** The collection agency's result: money it collects arrives as ordinary payments. */
export const agencyOutcomeSignal = defineSignal<[AgencyReport]>('recordAgencyOutcome');
export const closeEpisodeSignal = defineSignal<[CloseSignal]>('closeEpisode');
/** The customer's number on file is wrong: reminders and calls to it stop until billing gives another. */
export const wrongNumberSignal = defineSignal<[WrongNumberSignal]>('reportWrongNumber');

// --- updates (a synchronous answer; a refusal by the validator writes nothing to history)

export interface DisputeAnswer {
  disputeId: string;
  kind: 'dispute' | 'abnormal_bill';
  amount: number;
  status: 'open' | 'upheld' | 'rejected';
  balance: number;
  episodeStatus: EpisodeStatus;
}

export interface PromiseAnswer {
  promiseId: string;
  date: string;
  due: number;
  status: 'open' | 'kept' | 'broken';
}

export interface WriteOffAnswer {
  writeOffId: string;
  amount: number;
  status: EpisodeStatus;
}

export interface PlanAnswer {
  planId: string;
  status: string;
  /** The plan lifted a suspension: restoration follows. */
  restoring: boolean;
}

export interface PolicyMigrationAnswer {
  migrationId: string;
  from: { id: string; version: number };
  to: { id: string; version: number };
}

export const postPaymentUpdate = defineUpdate<PaymentResult, [Payment]>('postPayment');
export const waiveLateFeeUpdate = defineUpdate<LateFeeView | null, [FeeAdjustment]>('waiveLateFee');
export const openDisputeUpdate = defineUpdate<DisputeAnswer, [DisputeRequest]>('openDispute');
export const resolveDisputeUpdate = defineUpdate<DisputeAnswer, [DisputeResolution]>('resolveDispute');
export const promiseToPayUpdate = defineUpdate<PromiseAnswer, [PromiseRequest]>('promiseToPay');
export const writeOffUpdate = defineUpdate<WriteOffAnswer, [WriteOffRequest]>('writeOff');
export const agreeInstallmentsUpdate = defineUpdate<PlanAnswer, [PlanRequest]>('agreeInstallments');
export const migratePolicyUpdate = defineUpdate<PolicyMigrationAnswer, [PolicyMigrationRequest]>('migratePolicy');
/** A person's decision on a red-list review: approved, the rung's action is taken (inside windows and legal floors); rejected, skipped. */
export const decideReviewUpdate = defineUpdate<ReviewAnswer, [ReviewDecisionRequest]>('decideReview');

// --- steering by hand (issue 11; domain/episode/practice/steering): ops, a reason always, one id per request

export const pauseEpisodeUpdate = defineUpdate<SteeringAnswer, [PauseRequest]>('pauseEpisode');
export const resumeEpisodeUpdate = defineUpdate<SteeringAnswer, [SteeringRequest]>('resumeEpisode');
/** The next rung is due now: inside its window and the legal floors, not held back by the spacing between rungs. */
export const escalateEpisodeUpdate = defineUpdate<SteeringAnswer, [SteeringRequest]>('escalateEpisode');
export const skipRungUpdate = defineUpdate<SteeringAnswer, [SkipRequest]>('skipRung');
/** A suspended line restored by hand: the ladder treats it as a restoration. */
export const emergencyRestoreUpdate = defineUpdate<SteeringAnswer, [SteeringRequest]>('emergencyRestore');

// --- the query

/**
 * The episode's state. `asOf` (epoch ms) is the caller's clock: a query runs on the time of the
 * workflow's last task, which can be days old while it sleeps, and the late fee grows daily.
 */
export const collectionStateQuery = defineQuery<CollectionSnapshot, [asOf?: number]>('collectionState');

// --- the litigation case (ADR 12)

/** The episode's litigation case tells it: opened, the court's case number, how it ended (idempotent by `signalId`). */
export const litigationCaseSignal = defineSignal<[CaseSignal]>('litigationCase');

/** Contact preferences' channels (issue 11): the preferred hours, and whether there is a second number (never the number itself). */
export interface ContactPreference {
  preferredHours?: TimeWindow;
  secondNumber?: boolean;
}

export interface RestoredByHandSignal {
  /** The `restoration` work task operations completed. */
  taskId: string;
  /** Who restored the line (the caller's key). */
  by: string;
}

/** Operations restored the line by hand (a `restoration` task completed `restored`): the pending restoration is done. */
export const restoredByHandSignal = defineSignal<[RestoredByHandSignal]>('recordRestoredByHand');

/** What the episode answers an update (other than a payment) once it is paid or closed; the API reads it as "no open episode" (404). */
export const EPISODE_ENDED = 'the episode has ended';
