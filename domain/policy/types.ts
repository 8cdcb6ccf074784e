// The collection policy and episode vocabulary: plain data types shared by the workflow, the pure
// policy engine, the activities and the API. No zod here: this module is part of the workflow
// bundle (the zod schema that validates a policy lives in config/policy-schema.ts).

/** Every action the ladder can take, in the engine's words (see the README glossary). */
export const LADDER_ACTIONS = [
  'sms',
  'voice',
  'manual_call',
  'field_visit',
  'suspend_outgoing',
  'suspend_full',
  'deregister',
  'demand_letter',
  'legal_referral',
  // Outsourced collection (委外催收), with its own outcome reported back by the agency.
  'agency_referral',
  // A human decision instead of an automatic sanction (red list: never suspended automatically).
  'manual_review',
] as const;
export type LadderAction = (typeof LADDER_ACTIONS)[number];
/** Actions outside the ladder: restoration after payment, the reminder on a promised date. */
export type ActionName = LadderAction | 'restore' | 'promise_reminder' | 'write_off';

export const SEGMENTS = ['consumer', 'enterprise', 'ecommerce', 'key_account'] as const;
export type Segment = (typeof SEGMENTS)[number];

export const LIST_FLAGS = ['red', 'black'] as const;
export type ListFlag = (typeof LIST_FLAGS)[number];

/** Network state of the line: 单停 = outgoing_barred, 双停 = suspended, 销号/拆机 = deregistered. */
export type ServiceState = 'active' | 'outgoing_barred' | 'suspended' | 'deregistered';
export type EpisodeStatus = 'open' | 'paid' | 'written_off' | 'legal' | 'closed';

/** Local wall-clock time "HH:mm" in the customer's time zone. */
export type LocalTime = string;

export interface TimeWindow {
  start: LocalTime;
  end: LocalTime;
}

/**
 * When a rung falls due. Dates are the customer's local calendar dates; the rung is then placed at
 * its action's preferred local time of day and moved into the action's window.
 */
export type StepTiming =
  /** N calendar days after the due date of the oldest unpaid bill (the ladder's anchor). */
  | { kind: 'days_after_due'; days: number }
  /** The first given day of the month that is at least `minDaysAfterDue` after the anchor (the seeds' "around the 15th"). */
  | { kind: 'day_of_month'; day: number; minDaysAfterDue: number }
  /** N days after an earlier rung of this cycle was taken (or skipped). */
  | { kind: 'days_after_step'; step: string; days: number };

export interface LadderStep {
  /** Unique within the ladder, e.g. `call-2`; part of the idempotency key. */
  id: string;
  action: LadderAction;
  at: StepTiming;
  /** Sooner timing when the balance is at or above `policy.highBalanceThreshold`. */
  atIfHighBalance?: StepTiming;
  /** Taken sooner once this many manual calls of the cycle went unanswered: `days` after the last one. */
  soonerAfterUnansweredCalls?: { calls: number; days: number };
  /** Skipped when the balance is below this amount (minor units). */
  minBalance?: number;
}

/** The work queues a policy can give a time limit to. */
export const TASK_QUEUE_NAMES = ['manual_call', 'field_visit', 'manual_review', 'dispute_review', 'bill_review', 'restoration'] as const;
export type TaskQueueName = (typeof TASK_QUEUE_NAMES)[number];

export interface CollectionPolicy {
  id: string;
  version: number;
  description?: string;
  /** Balance (minor units) from which `atIfHighBalance` timings apply. */
  highBalanceThreshold: number;
  /** A balance at or below this (minor units) counts as paid in full (rounding, small credits). */
  paidTolerance: number;
  /** Default contact window in customer-local time; `windows` overrides it per action. */
  contactWindow: TimeWindow;
  /** Per-action windows. An action without a window here and not in `unwindowedActions` uses `contactWindow`. */
  windows: Partial<Record<ActionName, TimeWindow>>;
  /** Actions that happen at any hour (restoration: the sooner the better). */
  unwindowedActions: ActionName[];
  /** Customer-local time of day a rung is placed at, per action (snapped: many accounts share instants). */
  preferredTime: Partial<Record<ActionName, LocalTime>> & { default: LocalTime };
  /** No two rungs closer than this, so a late enrolment does not fire a burst of steps. */
  minHoursBetweenSteps: number;
  /** Named ladders; `ladderFor` picks one per account. */
  ladders: Record<string, LadderStep[]>;
  /** Ladder name per segment. */
  segmentLadders: Record<Segment, string>;
  /** Ladder for black-listed accounts (overrides the segment). */
  blackListLadder: string;
  /** Red list: these actions are never automatic; a `manual_review` task is created instead. */
  redListManualActions: LadderAction[];
  restoration: {
    /** Raise an operations alert when a restoration is still not done after this many minutes. */
    alertAfterMinutes: number;
  };
  /**
   * How long a work task of each queue may take (hours from when the ladder made it): a task not
   * done by then raises a `task_overdue` alert, and the ladder goes on. A queue absent: no limit.
   */
  taskDueHours?: Partial<Record<TaskQueueName, number>>;
  /** Holidays, frequency caps and opt-out (no harassment); absent: only the windows apply. */
  contact?: ContactRules;
  /** An enterprise with no previous arrears gets its suspension rungs deferred by this many days. */
  enterpriseCleanHistoryDeferDays?: number;
  /** Art. 33: a bill over `factor` × the previous three-month average is reviewed before sanctions. */
  abnormalBill?: { factor: number };
  /** Late fee (违约金); absent: none accrues. */
  lateFee?: LateFeePolicy;
  /** Installment plans (分期); absent: defaults apply. */
  installments?: InstallmentPolicy;
  /** Promise to pay (预约缴费); absent in policies older than field practice: defaults apply. */
  promise?: PromisePolicy;
  /** The limitation period (诉讼时效); absent in policies before v6: the defaults apply. */
  limitation?: LimitationPolicy;
  /** Steering by hand (issue 11); absent: defaults apply (domain/policy/steering-policy). */
  steering?: SteeringPolicy;
  /** Legal floors (Telecommunications Regulations art. 34), checked when the policy is validated. */
  legal: {
    minDaysAfterDueBeforeSuspension: number;
    minDaysSuspendedBeforeDeregistration: number;
  };
  /** Notice texts per kind and language (issue 13); absent: the defaults (domain/policy/notice-templates). */
  notices?: NoticePolicy;
}

export interface Customer {
  name: string;
  phone: string;
  segment: Segment;
  lists: ListFlag[];
  /** IANA zone, e.g. Asia/Shanghai. */
  timezone: string;
  /** Earlier arrears of this account billing knows of (for the enterprise clean-history deferral). */
  priorArrears?: number;
  /** Language of the customer's notices; absent: the policy's `notices.language`. */
  language?: NoticeLanguage;
}

export interface Bill {
  billId: string;
  /** Minor units. */
  amount: number;
  currency: string;
  /** Customer-local calendar date YYYY-MM-DD. */
  dueDate: string;
  /** Billing's average of the previous three months (minor units), for the abnormal-bill check. */
  previousAverage?: number;
}

export interface Payment {
  paymentId: string;
  amount: number;
  currency: string;
  /** When the customer paid (ISO, UTC), as billing reports it. */
  paidAt: string;
  channel: string;
}

/** A rung taken (or skipped) in this episode: the workflow's own log of the ladder. */
export interface StepRecord {
  cycle: number;
  stepId: string;
  action: ActionName;
  /** Epoch ms (workflow time) it was taken. */
  at: number;
  outcome: 'done' | 'skipped' | 'failed';
  reason?: string;
}

export interface PromisePolicy {
  /** Days after the promised date before the promise counts as broken. */
  graceDays: number;
  /** How far ahead a promise may be made, in days. */
  maxDays: number;
  /** Rungs passed over when a promise is broken: the ladder resumes at a stricter point. */
  skipOnBroken: LadderAction[];
  /** An account with this many broken promises in the last year starts its next episode black-listed. */
  blackListAfterBroken: number;
}

export interface LateFeePolicy {
  /** Per day on the overdue principal, in thousandths (art. 34: at most 3). */
  ratePerMille: number;
  /** Days after the due date before the fee starts. */
  graceDays: number;
  /** Cap as a percentage of the billed principal; none when absent. */
  capPercent?: number;
  /**
   * How the fee is settled: `next_bill` means billing adds it to the customer's next bill; it does
   * not hold the episode open or delay restoration (the customer-friendly reading of art. 34).
   */
  settlement: 'next_bill';
}

export interface ContactRules {
  /** Customer-local dates with no contact (legal notices and sanctions still go). */
  holidays: string[];
  /** At most this many contacts of all kinds in any rolling 7 days. */
  weeklyCapTotal: number;
  /** At most this many of one kind in any rolling 7 days. */
  weeklyCapPerChannel: Partial<Record<ActionName, number>>;
  /** Actions a customer's opt-out stops (commercial reminders; never legally required notices). */
  optOutStops: ActionName[];
}

export interface InstallmentPolicy {
  maxInstallments: number;
  /** How long a plan may run. */
  maxMonths: number;
  /** Days after an installment's date before it counts as missed. */
  graceDays: number;
  /** Lift a suspension as soon as a plan is agreed (else it stays until paid). */
  restoreOnAgreement: boolean;
}

/** What interrupts and restarts the limitation period (诉讼时效, Civil Code art. 195). */
export const LIMITATION_INTERRUPTIONS = ['payment', 'promise', 'plan', 'demand_delivered', 'filing'] as const;
export type LimitationInterruption = (typeof LIMITATION_INTERRUPTIONS)[number];

/** The limitation period (诉讼时效): rules as data, applied by domain/episode/practice/limitation. */
export interface LimitationPolicy {
  /** Civil Code art. 188: three years from the day after the due date (or after the last interruption). */
  years: number;
  /** Art. 195: the kinds of event that interrupt and restart the period; others are ignored. */
  interruptedBy: LimitationInterruption[];
  /** Rungs whose `done` outcome is a demand that reached the customer; a `manual_call` counts only when answered. */
  demandActions: LadderAction[];
  /** Raise an alert this many days before the claim becomes time-barred. */
  alertDaysBefore: number;
}

/** Steering by hand (issue 11). */
export interface SteeringPolicy {
  /** After an emergency restore by hand, no suspension rung is taken for this many days. */
  restoreHoldDays: number;
  /** The agency the agency_referral rung refers accounts to. */
  defaultAgencyId: string;
}

/** What a line of an account carries (issue 13): a mobile number, a fixed line, broadband, TV. */
export const LINE_SERVICES = ['mobile', 'fixed', 'broadband', 'tv'] as const;
export type LineService = (typeof LINE_SERVICES)[number];

/** A line as the workflow knows it: its id and service, never its number (PIPL: the number stays in PostgreSQL, `account_lines`). */
export interface AccountLine {
  lineId: string;
  service: LineService;
}

/** Accounts with several lines (issue 13, ADR 17); both absent: today's behaviour (the overdue line alone, whatever its service). */
export interface CollectionPolicy {
  /** The services a sanction (suspension, deregistration) applies to; absent: all of them. */
  sanctionServices?: LineService[];
  /** 关联停机 (seed 002): the customer's other lines are sanctioned with the overdue one; absent: false. */
  linkedSuspension?: boolean;
}

/** The notices the ladder sends with text (issue 13): each has a template per language. */
export const NOTICE_KINDS = ['reminder_sms', 'reminder_voice', 'suspension_warning', 'restoration', 'demand_letter'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
export const NOTICE_LANGUAGES = ['zh-CN', 'en'] as const;
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

/** One notice text, after the templates in seeds 000: `{placeholder}` fields, each one required. */
export interface NoticeTemplate {
  /** Stored with the attempt, so a text can be traced to its template (e.g. `reminder-sms.zh-CN.v1`). */
  id: string;
  text: string;
  /** What happens if the customer does not pay by the deadline (fills `{consequence}`). */
  consequence: string;
  /** The deadline (`{deadline}`) is this many customer-local days after the date of the balance. */
  deadlineDays: number;
}

/** Notice texts as policy data; absent: the defaults in domain/policy/notice-templates. */
export interface NoticePolicy {
  /** Language of a customer who has none of their own. */
  language: NoticeLanguage;
  /** How to pay (fills `{howToPay}`), per language. */
  howToPay: Record<NoticeLanguage, string>;
  templates: Record<NoticeKind, Record<NoticeLanguage, NoticeTemplate>>;
  /** Ids of `sms` rungs whose text is the pre-suspension warning instead of the reminder. */
  warningSteps: string[];
}

/** Which of the customer's numbers a reminder goes to: the billing number, or the second number of the contact preferences. */
export type ContactNumber = 'primary' | 'secondary';

export interface CollectionPolicy {
  /**
   * Reminders go to the customer's second number (contact preferences) once this many manual calls
   * of the cycle to the billing number went unanswered. Absent: only a wrong billing number sends
   * them there.
   */
  secondNumberAfterUnansweredCalls?: number;
}

/**
 * The customer as a workflow carries it (issue 14, ADR 26): the account id is the customer reference;
 * no name and no number (the activities look them up in PostgreSQL by account id and line id).
 * `name` and `phone` are present only in episodes started before ADR 26 (their carried state still
 * holds them; the activities use them as given). `numberRef` says which billing number is on file
 * (`accounts.number_version`): a wrong-number report names the number without holding it.
 */
export type EpisodeCustomer = Omit<Customer, 'name' | 'phone'> & { name?: string; phone?: string; numberRef?: string };
