// One collection episode's state: what it holds, field by field, including the entries that the
// field-practice rules keep (promises, disputes, the installment plan, the write-off, policy
// migrations, late-fee waivers), and how an episode starts and is closed. The rules that change it live in
// ./ledger (money), ./ladder (rungs) and ./practice; nothing here touches Temporal.
import { ladderName } from '../policy/engine';
import type {
  AccountLine,
  Bill,
  CollectionPolicy,
  EpisodeCustomer,
  EpisodeStatus,
  LadderAction,
  LimitationInterruption,
  LineService,
  Payment,
  ServiceState,
  StepRecord,
  TimeWindow,
} from '../policy/types';

export interface AppliedPayment extends Payment {
  /** Workflow time the payment reached the episode (epoch ms): the start of the restoration clock. */
  seenAt: number;
}

export interface PendingRestoration {
  /** Payment that cleared the balance. */
  paymentId: string;
  seenAt: number;
  /** Restorations in this episode so far, for the idempotency key. */
  seq: number;
}

/** A promise to pay (预约缴费) as taken; the rules are in ./practice/promise. */
export interface PromiseRequest {
  promiseId: string;
  /** Customer-local date the customer promised to pay by. */
  date: string;
  /** Promised amount (minor units); the whole balance when absent. */
  amount?: number;
  /** Who took the promise: `call:<taskId>`, `visit:<taskId>`, `counter`, … */
  source: string;
}

export interface PaymentPromise extends PromiseRequest {
  madeAt: number;
  /** Total paid when the promise was made: payments after it count towards it. */
  paidBefore: number;
  /** The amount that keeps the promise. */
  due: number;
  status: 'open' | 'kept' | 'broken';
  reminded: boolean;
  /** The status last written to PostgreSQL. */
  recorded?: 'open' | 'kept' | 'broken';
}

/** A dispute as raised (art. 39); the rules, and abnormal-bill reviews, are in ./practice/dispute. */
export interface DisputeRequest {
  disputeId: string;
  /** Disputed amount, minor units. */
  amount: number;
  billId?: string;
  reason: string;
}

export interface Dispute extends DisputeRequest {
  kind: 'dispute' | 'abnormal_bill';
  openedAt: number;
  status: 'open' | 'upheld' | 'rejected';
  resolvedAt?: number;
  /** The status last written to PostgreSQL. */
  recorded?: Dispute['status'];
}

/** An installment plan (分期); the rules are in ./practice/installments. */
export interface Installment {
  /** Customer-local date. */
  dueDate: string;
  amount: number;
}

export interface PlanRequest {
  planId: string;
  installments: Installment[];
  source: string;
}

export interface InstallmentPlan extends PlanRequest {
  agreedAt: number;
  paidBefore: number;
  status: 'active' | 'completed' | 'broken';
  /** The plan lifted a suspension: breaking it suspends the line again. */
  restoredLine: boolean;
  recorded?: InstallmentPlan['status'];
}

/** A write-off (核销) as finance approved it; the rules are in ./practice/write-off. */
export interface WriteOffRequest {
  writeOffId: string;
  reason: string;
  /** Who approved it in finance. */
  approvedBy: string;
}

export interface WriteOff extends WriteOffRequest {
  at: number;
  /** Balance taken off the books. */
  amount: number;
  recorded?: boolean;
}

/** An audited move to another policy version; the rules are in ./practice/policy-migration. */
export interface PolicyMigration {
  migrationId: string;
  from: { id: string; version: number };
  to: { id: string; version: number };
  reason: string;
  actor: string;
  at: number;
  recorded?: boolean;
}

/** The collection agency's result (委外催收): money it collects arrives as ordinary payments. */
export interface AgencyReport {
  outcome: 'collected' | 'returned' | 'uncollectable';
  note?: string;
}

export interface AgencyOutcome extends AgencyReport {
  at: number;
}

/** A late-fee waiver; the late fee itself is in ./practice/late-fee. */
export interface FeeAdjustment {
  adjustmentId: string;
  amount: number;
  reason: string;
}

/** Steering by hand (./practice/steering). */
export type SteeringKind = 'pause' | 'resume' | 'escalate' | 'skip' | 'emergency_restore';

/** One steering request as the episode recorded it. */
export interface SteeringEntry {
  requestId: string;
  kind: SteeringKind;
  reason: string;
  by: string;
  at: number;
  until?: number;
  stepId?: string;
}

export interface Pause {
  requestId: string;
  reason: string;
  by: string;
  at: number;
  until?: number;
}

export interface EpisodeState {
  accountId: string;
  episodeId: string;
  policy: CollectionPolicy;
  customer: EpisodeCustomer;
  currency: string;
  bills: Bill[];
  payments: AppliedPayment[];
  status: EpisodeStatus;
  service: ServiceState;
  /** The ladder this episode climbs, pinned at start (a list change applies from the next episode). */
  ladder?: string;
  /** Suspension deferral pinned at the start (an enterprise with no previous arrears). */
  deferSuspensionDays?: number;
  /** Audited moves of this episode to another policy version. */
  migrations?: PolicyMigration[];
  /** The collection agency's result, once reported. */
  agencyOutcome?: AgencyOutcome;
  /** When the line left `active` (the sanction that barred it), for the deregistration floor. */
  suspendedAt?: number;
  /** Increments each time the ladder restarts (a partial payment that clears the oldest bill). */
  cycle: number;
  anchorDueDate: string;
  index: number;
  steps: StepRecord[];
  /** Promises to pay made in this episode, the open one last (see ./practice/promise). */
  promises: PaymentPromise[];
  /** Disputes and abnormal-bill reviews, see ./practice/dispute. */
  disputes?: Dispute[];
  /** Adjustments that took a charge off (a dispute decided for the customer). */
  credits?: { creditId: string; amount: number; at: number; reason: string }[];
  /** The installment plan, if one was agreed (see ./practice/installments). */
  plan?: InstallmentPlan;
  /** Set once finance wrote the debt off (核销); the case stays open for recoveries. */
  writeOff?: WriteOff;
  /** The customer opted out of reminders (legally required notices still go). */
  optedOut?: boolean;
  /** Late-fee waivers (adjustments), see ./practice/late-fee. */
  feeAdjustments?: FeeAdjustment[];
  /** Set by a broken promise: the next rung is due at once (within window, spacing and legal floors). */
  expedite?: boolean;
  /** Manual-call outcomes reported by staff this cycle, by step id. */
  answeredCalls: string[];
  /** Numbers staff reported wrong (a `wrong_number` call); reminders skip the customer's number while it is one of them. */
  wrongNumbers?: string[];
  /** Red-list review decisions, see ./practice/review. */
  reviews?: ReviewDecision[];
  restoration?: PendingRestoration;
  restorations: { paymentId: string; seenAt: number; restoredAt: number }[];
  /** The list read model's last write (see ./read-model): carried across continue-as-new. */
  readModel?: ReadModelMark;
  /** Limitation-period events reported from outside the ladder (a filing), see ./practice/limitation. */
  limitationEvents?: { kind: LimitationInterruption; at: number }[];
  /** Expiry instants (epoch ms) the limitation alert was raised for, see ./practice/limitation. */
  limitationAlerts?: number[];
  /** Steering by hand (./practice/steering): the pause in force (ended by itself at `until`). */
  pause?: Pause;
  /** Every steering request the episode accepted, oldest first. */
  steering?: SteeringEntry[];
  /** Set by an escalation: the next rung is not held back by the spacing between rungs either. */
  escalated?: boolean;
  /** After an emergency restore: no suspension rung before this (epoch ms). */
  suspensionHoldUntil?: number;
  /** The agency the account was referred to (set when the agency_referral rung is done). */
  agencyId?: string;
}

/** What the episode last wrote to the list read model. */
export interface ReadModelMark {
  /** Workflow time of the episode's first write (epoch ms): orders episodes of one account. */
  startedAt: number;
  /** Incremented at each write; never decreases. */
  version: number;
  /** The fields written, as a string, to tell whether anything changed since. */
  written: string;
}

/** A red-list review's decision (see ./practice/review). */
export interface ReviewDecisionRequest {
  /** The reviewed rung (its step id). */
  stepId: string;
  approve: boolean;
  /** Why (required to reject). */
  reason?: string;
  /** Who decided: the caller's key. */
  decidedBy: string;
}

export interface ReviewDecision extends ReviewDecisionRequest {
  cycle: number;
  /** The rung's own action, taken once approved. */
  action: LadderAction;
  decidedAt: number;
  /** Set once the approved action was taken or passed over. */
  done?: boolean;
}

export interface EpisodeStart {
  accountId: string;
  episodeId: string;
  policy: CollectionPolicy;
  customer: EpisodeCustomer;
  firstBill: Bill;
  /** The account's stored opt-out: a new episode starts with it (no command changes: no patch needed). */
  optedOut?: boolean;
  /** Payments kept while the account had no open episode: applied at the start (./opening), before any rung. */
  openingPayments?: Payment[];
  /** Credit the account overpaid in earlier episodes, carried in (./opening): taken off the first bill. */
  openingCredit?: OpeningCredit;
}

/** An account's credit carried into a new episode. */
export interface OpeningCredit {
  creditId: string;
  amount: number;
}

export function newEpisode(start: EpisodeStart): EpisodeState {
  return {
    accountId: start.accountId,
    episodeId: start.episodeId,
    policy: start.policy,
    customer: start.customer,
    currency: start.firstBill.currency,
    bills: [start.firstBill],
    payments: [],
    status: 'open',
    service: 'active',
    ladder: ladderName(start.policy, start.customer),
    ...(cleanEnterprise(start.customer) && start.policy.enterpriseCleanHistoryDeferDays
      ? { deferSuspensionDays: start.policy.enterpriseCleanHistoryDeferDays }
      : {}),
    cycle: 1,
    anchorDueDate: start.firstBill.dueDate,
    index: 0,
    steps: [],
    answeredCalls: [],
    promises: [],
    restorations: [],
    ...(start.optedOut ? { optedOut: true } : {}),
    // Accounts with lines (issue 13): only a start that names its lines has them (older inputs: the single line as before).
    ...(start.lines ? { lines: start.lines.map((l) => ({ lineId: l.lineId, service: l.service, state: 'active' as const })) } : {}),
  };
}

/** The seeds: an enterprise with a clean history in a bad patch may get its suspension delayed. */
function cleanEnterprise(c: EpisodeCustomer): boolean {
  return c.segment === 'enterprise' && c.priorArrears === 0 && !c.lists.includes('black');
}

/** State carried by continue-as-new from an older workflow version gets the fields added since. */
export function upgradeCarried(state: EpisodeState): EpisodeState {
  state.promises ??= [];
  // No `lines`: an episode started before accounts had lines finishes with its single line exactly as
  // before (account-level service, one activity call per sanction); `lines` is never invented here.
  return state;
}

/** Legal (or the case's end) closes the episode; an episode already paid or closed stays as it is. */
export function closeEpisode(state: EpisodeState): void {
  if (state.status === 'legal' || state.status === 'open' || state.status === 'written_off') state.status = 'closed';
}

/** The litigation case of this episode (ADR 12): both sides hold the other's id; see ./practice/litigation-link. */
export interface LitigationLink {
  caseId: string;
  /** The number legal quotes (案件编号). */
  caseNumber: string;
  /** The court's own case number, once the court accepted the case (`case_accepted`). */
  courtCaseNumber?: string;
  /** `open` while the case runs; then how it ended. */
  status: 'open' | 'closed' | 'declined' | 'withdrawn';
  outcome?: string;
  /** Why the case was declined or withdrawn (the episode resumed collection). */
  reason?: string;
  /** Workflow time the episode learnt of the case (epoch ms). */
  linkedAt: number;
  /** Total paid when the case was opened: payments since count as "paid since referral". */
  paidBefore: number;
  /** Ids of the case's signals already applied (each applies once). */
  seen: string[];
  /** What the episode last told the case about the money, as a string, and how many times it did. */
  told?: string;
  toldSeq?: number;
}

export interface EpisodeState {
  /** The litigation case, once one was opened for this episode (by the legal_referral rung or by hand). */
  litigation?: LitigationLink;
}

/** One line's service state in the episode (issue 13, ADR 17): id and service only, never the number (PIPL). */
export interface LineState {
  lineId: string;
  service: LineService;
  /** The line's network state; the account's `service` is the worst of them. */
  state: ServiceState;
  /** When this episode's sanction took the line out of `active` (epoch ms). */
  suspendedAt?: number;
}

/** A line restored after payment, measured on its own for the 24-hour rule. */
export interface LineRestoration {
  lineId: string;
  paymentId: string;
  seenAt: number;
  restoredAt: number;
}

export interface EpisodeState {
  /** The account's lines (issue 13); absent in episodes started before lines: the single line is `service`. */
  lines?: LineState[];
  /** Per-line restorations, oldest first (episodes with `lines`). */
  lineRestorations?: LineRestoration[];
}

export interface EpisodeStart {
  /** The account's lines, the overdue (billed) line first; absent: the single line of `customer.phone`, as before lines. */
  lines?: AccountLine[];
}

/** The customer's contact channels (contact preferences, issue 11): no phone number, only whether there is a second one. */
export interface ContactChannels {
  /** Customer-local hours the customer prefers to be contacted in (inside the lawful window). */
  preferredHours?: TimeWindow;
  /** The customer gave a second number (the activities look it up at send time). */
  secondNumber?: boolean;
}

export interface EpisodeState {
  /** Customer-local hours the customer prefers to be contacted in (contact preferences, under `patched('preferred-contact')`). */
  preferredHours?: TimeWindow;
  /** The customer gave a second number (contact preferences, under `patched('preferred-contact')`). */
  secondNumber?: boolean;
}

export interface EpisodeStart {
  /** The account's stored preferred hours: a new episode plans its contact inside them. */
  preferredHours?: TimeWindow;
  /** The account has a stored second number (the number itself is not in the workflow). */
  secondNumber?: boolean;
}

export interface PendingRestoration {
  /** A `restoration` work task was opened for it (the network refused, or did not confirm in time). */
  taskId?: string;
  /** Operations restored the line by hand (the task completed `restored`). */
  byHand?: { taskId: string; by: string; at: number };
}
