// The default collection policy, built from the field documents in shared/seeds (see the README
// table "Default policy"). Plain data: it travels into each workflow as its start argument, which
// pins the version the episode started with.
import type { CollectionPolicy, InstallmentPolicy, LadderStep, LimitationPolicy, PromisePolicy } from './types';

const standard: LadderStep[] = [
  // Soon after the due date passes: a reminder text with amount, date and how to pay.
  { id: 'sms', action: 'sms', at: { kind: 'days_after_due', days: 1 } },
  // "From about the 15th": the automated voice reminder (系统语音催缴).
  { id: 'voice', action: 'voice', at: { kind: 'day_of_month', day: 15, minDaysAfterDue: 3 } },
  // "From about the 25th, at least three manual calls", spaced.
  { id: 'call-1', action: 'manual_call', at: { kind: 'day_of_month', day: 25, minDaysAfterDue: 5 } },
  { id: 'call-2', action: 'manual_call', at: { kind: 'days_after_step', step: 'call-1', days: 2 } },
  { id: 'call-3', action: 'manual_call', at: { kind: 'days_after_step', step: 'call-2', days: 2 } },
  // "From about the 6th of the next month": home visit; sooner for high balances or after three
  // unanswered calls. Not worth a trip for a few yuan.
  {
    id: 'field-visit',
    action: 'field_visit',
    at: { kind: 'day_of_month', day: 6, minDaysAfterDue: 20 },
    atIfHighBalance: { kind: 'days_after_step', step: 'call-3', days: 1 },
    soonerAfterUnansweredCalls: { calls: 3, days: 1 },
    minBalance: 2000,
  },
  // 停机前提醒 (v7): the pre-suspension warning, three days before one-way suspension (its text:
  // the suspension_warning template, as the step is listed in `notices.warningSteps`).
  { id: 'suspension-warning', action: 'sms', at: { kind: 'days_after_due', days: 28 } },
  // Art. 34: suspension only once the payment term is passed by 30 days. One-way first (单停)…
  { id: 'suspend-outgoing', action: 'suspend_outgoing', at: { kind: 'days_after_due', days: 31 } },
  // …then two-way (双停) a week later.
  { id: 'suspend-full', action: 'suspend_full', at: { kind: 'days_after_step', step: 'suspend-outgoing', days: 7 } },
  // Still unpaid three months after suspension: cancel the number (销号/拆机).
  { id: 'deregister', action: 'deregister', at: { kind: 'days_after_step', step: 'suspend-outgoing', days: 90 } },
  // Outsourced to a collection agency for a month (the seeds credit agencies, under daily oversight)…
  { id: 'agency-referral', action: 'agency_referral', at: { kind: 'days_after_step', step: 'deregister', days: 1 }, minBalance: 5000 },
  // …then the lawyer's letter and the suit.
  { id: 'demand-letter', action: 'demand_letter', at: { kind: 'days_after_step', step: 'deregister', days: 31 } },
  { id: 'legal-referral', action: 'legal_referral', at: { kind: 'days_after_step', step: 'demand-letter', days: 15 } },
];

// Black list (黑名单): repeat or fraudulent defaulters escalate sooner, within the same legal floors.
const blackList: LadderStep[] = [
  { id: 'sms', action: 'sms', at: { kind: 'days_after_due', days: 1 } },
  { id: 'voice', action: 'voice', at: { kind: 'days_after_due', days: 3 } },
  { id: 'call-1', action: 'manual_call', at: { kind: 'days_after_due', days: 5 } },
  { id: 'call-2', action: 'manual_call', at: { kind: 'days_after_step', step: 'call-1', days: 2 } },
  { id: 'field-visit', action: 'field_visit', at: { kind: 'days_after_due', days: 10 }, minBalance: 2000 },
  { id: 'suspension-warning', action: 'sms', at: { kind: 'days_after_due', days: 28 } },
  { id: 'suspend-outgoing', action: 'suspend_outgoing', at: { kind: 'days_after_due', days: 31 } },
  { id: 'suspend-full', action: 'suspend_full', at: { kind: 'days_after_step', step: 'suspend-outgoing', days: 2 } },
  { id: 'deregister', action: 'deregister', at: { kind: 'days_after_step', step: 'suspend-outgoing', days: 61 } },
  { id: 'demand-letter', action: 'demand_letter', at: { kind: 'days_after_step', step: 'deregister', days: 1 } },
  { id: 'legal-referral', action: 'legal_referral', at: { kind: 'days_after_step', step: 'demand-letter', days: 10 } },
];

export const DEFAULT_POLICY: CollectionPolicy = {
  id: 'default',
  version: 7,
  description: 'Seed-derived ladder: SMS, voice on the 15th, 3 calls from the 25th, visit on the 6th, suspension after 30 days.',
  highBalanceThreshold: 10_000, // 100 yuan: the seeds' "over 100" field-work group
  paidTolerance: 0,
  contactWindow: { start: '08:00', end: '21:00' },
  windows: {
    // Sanctions in business hours, so the customer can reach a counter or the hotline the same day.
    suspend_outgoing: { start: '09:00', end: '17:00' },
    suspend_full: { start: '09:00', end: '17:00' },
    deregister: { start: '09:00', end: '17:00' },
    demand_letter: { start: '09:00', end: '17:00' },
    legal_referral: { start: '09:00', end: '17:00' },
    manual_review: { start: '09:00', end: '17:00' },
  },
  unwindowedActions: ['restore'],
  preferredTime: { default: '10:00', sms: '09:30', promise_reminder: '09:30' },
  minHoursBetweenSteps: 20,
  ladders: { standard, black: blackList },
  segmentLadders: { consumer: 'standard', enterprise: 'standard', ecommerce: 'standard', key_account: 'standard' },
  blackListLadder: 'black',
  redListManualActions: ['suspend_outgoing', 'suspend_full', 'deregister'],
  // No harassment: no contact on public holidays (fixed-date ones; operators keep the list current),
  // at most 7 contacts in any 7 days, and an opt-out that stops reminders but not legal notices.
  contact: {
    holidays: [
      '2026-01-01',
      '2026-05-01',
      '2026-05-02',
      '2026-05-03',
      '2026-05-04',
      '2026-05-05',
      '2026-10-01',
      '2026-10-02',
      '2026-10-03',
      '2026-10-04',
      '2026-10-05',
      '2026-10-06',
      '2026-10-07',
      '2027-01-01',
      '2027-05-01',
      '2027-05-02',
      '2027-05-03',
      '2027-05-04',
      '2027-05-05',
      '2027-10-01',
      '2027-10-02',
      '2027-10-03',
      '2027-10-04',
      '2027-10-05',
      '2027-10-06',
      '2027-10-07',
    ],
    weeklyCapTotal: 7,
    weeklyCapPerChannel: { sms: 3, voice: 2, manual_call: 3, field_visit: 2, promise_reminder: 2 },
    optOutStops: ['sms', 'voice', 'promise_reminder'],
  },
  // The seeds: enterprises with a clean history in a bad patch get suspension delayed.
  enterpriseCleanHistoryDeferDays: 30,
  // Art. 33 and the seeds: over 5× the average of the previous three months is reviewed first.
  abnormalBill: { factor: 5 },
  // 违约金: the seeds' 3‰ a day (the legal maximum) from the day after the due date, capped at the
  // principal; billing adds it to the next bill.
  lateFee: { ratePerMille: 3, graceDays: 0, capPercent: 100, settlement: 'next_bill' },
  // 分期: hardship cases (the seeds' migrant workers, household hardship) pay over up to 12 months;
  // the line comes back when the plan is agreed and is suspended again if an installment is missed.
  installments: { maxInstallments: 12, maxMonths: 12, graceDays: 3, restoreOnAgreement: true },
  // 预约缴费: pause until the promised date + 1 day; a broken promise skips the remaining reminders.
  promise: { graceDays: 1, maxDays: 30, skipOnBroken: ['sms', 'voice'], blackListAfterBroken: 2 },
  restoration: { alertAfterMinutes: 60 },
  // Work queues: a call within two days, a visit within five, a red-list review the next working
  // day, a dispute or bill review within ten days (art. 39 asks for an answer within 15).
  taskDueHours: { manual_call: 48, field_visit: 120, manual_review: 24, dispute_review: 240, bill_review: 240 },
  legal: { minDaysAfterDueBeforeSuspension: 30, minDaysSuspendedBeforeDeregistration: 60 },
  // 诉讼时效: three years (Civil Code art. 188), restarted (art. 195) by a payment, a promise, an agreed
  // plan, a demand that reached the customer (the lawyer's letter, an answered call) or a filing;
  // legal is alerted 90 days before, and a time-barred debt is never referred automatically.
  limitation: {
    years: 3,
    interruptedBy: ['payment', 'promise', 'plan', 'demand_delivered', 'filing'],
    demandActions: ['demand_letter', 'manual_call'],
    alertDaysBefore: 90,
  },
  // Steering by hand: a line restored by ops is spared a new suspension for a week; referrals go to one agency.
  steering: { restoreHoldDays: 7, defaultAgencyId: 'agency-default' },
};

/** Promise rules for a policy that has none of its own. */
export const DEFAULT_PROMISE_POLICY: PromisePolicy = {
  graceDays: 1,
  maxDays: 30,
  skipOnBroken: ['sms', 'voice'],
  blackListAfterBroken: 2,
};

export function promisePolicy(policy: CollectionPolicy): PromisePolicy {
  return policy.promise ?? DEFAULT_PROMISE_POLICY;
}

/** Installment rules for a policy that has none of its own. */
export const DEFAULT_INSTALLMENT_POLICY: InstallmentPolicy = { maxInstallments: 12, maxMonths: 12, graceDays: 3, restoreOnAgreement: true };

export function installmentPolicy(policy: CollectionPolicy): InstallmentPolicy {
  return policy.installments ?? DEFAULT_INSTALLMENT_POLICY;
}

/** Limitation rules for a policy older than v6 (none of its own): the law's defaults. */
export const DEFAULT_LIMITATION_POLICY: LimitationPolicy = {
  years: 3,
  interruptedBy: ['payment', 'promise', 'plan', 'demand_delivered', 'filing'],
  demandActions: ['demand_letter', 'manual_call'],
  alertDaysBefore: 90,
};

export function limitationPolicy(policy: CollectionPolicy): LimitationPolicy {
  return policy.limitation ?? DEFAULT_LIMITATION_POLICY;
}
