// The activity contract: what the collection workflow may call and what crosses the boundary. The
// workflow imports these types only (never activity code); ./index implements them with I/O.
import type {
  AlertRecord,
  DisputeRecord,
  InstallmentPlanRecord,
  PolicyMigrationRecord,
  PromiseRecord,
  RestorationRecord,
  WriteOffRecord,
} from '../db/stores/collection-records';
import type { EpisodeViewRecord } from '../db/stores/read-model';
import type { ActionName, ContactNumber, EpisodeCustomer, LineService, NoticePolicy } from '../domain/policy/types';

/** What every ladder activity receives: enough to act and to write the attempt record. */
export interface StepRequest {
  /** Idempotency key: account / episode / cycle / rung / action. */
  key: string;
  accountId: string;
  episodeId: string;
  stepId: string;
  action: ActionName;
  customer: EpisodeCustomer;
  balance: number;
  currency: string;
  /** Late fee so far (a formal demand states it). */
  lateFee?: number;
  anchorDueDate: string;
  /** Workflow time the step was taken (ISO, UTC). */
  scheduledFor: string;
  policy: { id: string; version: number };
  /** A task for staff (call, visit, review): hours it may take, from the policy (`taskDueHours`); absent: no limit. */
  taskDueInHours?: number;
  /** The policy's notice templates (a step that sends a notice, when the policy has its own); absent: the defaults. */
  notices?: NoticePolicy;
  /** A restoration: the payment that cleared the balance (minor units), stated by the restoration notice. */
  paidAmount?: number;
  /** Which of the customer's numbers a reminder goes to (the activity looks the second one up); absent: the billing number. */
  contact?: ContactNumber;
}

export interface StepOutcome {
  /** `skipped`: a reminder found the customer opted out at send time (nothing was sent). */
  outcome: 'done' | 'failed' | 'skipped';
  /** Provider's reference (message id, task id, work order, case number). */
  reference?: string;
  reason?: string;
}

/** The reminder on a promised date: the step plus what was promised. */
export interface PromiseReminderRequest extends StepRequest {
  promisedDate: string;
  promisedAmount: number;
}

/** The workflow's alert and restoration reports are the store's records as they are. */
export type AlertRequest = AlertRecord;
export type RestorationReport = RestorationRecord;

/** Property signatures, not methods: the parameter types are then checked strictly (no bivariance). */
export interface CollectionActivities {
  sendSms: (req: StepRequest) => Promise<StepOutcome>;
  placeVoiceReminder: (req: StepRequest) => Promise<StepOutcome>;
  /** A call task for staff; the outcome comes back as the workflow's `recordCallOutcome` signal. */
  createCallTask: (req: StepRequest) => Promise<StepOutcome>;
  /** A home-visit work order (上门派单). */
  dispatchFieldVisit: (req: StepRequest) => Promise<StepOutcome>;
  /** Red list: a person decides instead of an automatic sanction. */
  createReviewTask: (req: StepRequest) => Promise<StepOutcome>;
  /** A sanction on the line (suspend_outgoing, suspend_full, deregister). */
  changeServiceState: (req: StepRequest) => Promise<StepOutcome>;
  sendDemandLetter: (req: StepRequest) => Promise<StepOutcome>;
  /** 委外催收: the agency's result comes back as the workflow's `recordAgencyOutcome` signal. */
  referToAgency: (req: StepRequest) => Promise<StepOutcome>;
  referToLegal: (req: StepRequest) => Promise<StepOutcome>;
  /** Lifts a suspension. Never gives up (the workflow alerts operations if it takes too long). */
  restoreService: (req: StepRequest) => Promise<StepOutcome>;
  /** The reminder on a promised date (预约缴费提醒). */
  sendPromiseReminder: (req: PromiseReminderRequest) => Promise<StepOutcome>;
  recordPromise: (p: PromiseRecord) => Promise<void>;
  recordWriteOff: (w: WriteOffRecord) => Promise<void>;
  recordPolicyMigration: (m: PolicyMigrationRecord) => Promise<void>;
  recordInstallmentPlan: (p: InstallmentPlanRecord) => Promise<void>;
  /** Records a dispute or abnormal-bill review; a new one becomes a review task for staff. */
  recordDispute: (d: DisputeRecord) => Promise<void>;
  recordRestoration: (r: RestorationReport) => Promise<void>;
  /** A `restoration` work task: operations restore the line by hand (idempotent by `taskId`). */
  openRestorationTask: (t: RestorationTaskRequest) => Promise<void>;
  raiseAlert: (a: AlertRequest) => Promise<void>;
  /** The list read model (ADR 8): a write older than the row's (episode, version) changes nothing. */
  recordEpisodeView: (v: EpisodeViewRecord) => Promise<void>;
}

/** Accounts with lines (issue 13): a sanction or restoration acts on one line; the activity looks its number up (`account_lines`). */
export interface StepRequest {
  /** Absent: the account's single line, `customer.phone` (episodes before lines). */
  lineId?: string;
  lineService?: LineService;
}

/** A restoration the network refused or did not confirm in time, for operations to do by hand. */
export interface RestorationTaskRequest {
  taskId: string;
  accountId: string;
  episodeId: string;
  /** The payment (or `manual:<request>` for an emergency restore) the restoration follows. */
  paymentId: string;
  reason: 'network_refused' | 'not_confirmed';
  /** Workflow time the customer paid (ISO, UTC): the 24-hour rule counts from it. */
  paymentSeenAt: string;
  /** Hours the task may take (policy `taskDueHours.restoration`); absent: none. */
  dueInHours?: number;
}
