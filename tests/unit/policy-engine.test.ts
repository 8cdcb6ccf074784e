import fc from 'fast-check';
import { parsePolicy } from '../../config/policy-schema';
import { actionKey, ladderView, recordStep } from '../../domain/episode/ladder';
import { addCharge, applyPayment } from '../../domain/episode/ledger';
import { newEpisode, type EpisodeState } from '../../domain/episode/state';
import { adjustmentProblem, lateFee, waiveLateFee } from '../../domain/episode/practice/late-fee';
import { openDispute, resolveDispute } from '../../domain/episode/practice/dispute';
import { writeOff } from '../../domain/episode/practice/write-off';
import { addDays, atLocalTime, dayOfMonthOnOrAfter, isWithinWindow, localDateOf, nextAllowedMoment } from '../../domain/policy/calendar';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import { planNextStep, windowFor } from '../../domain/policy/engine';
import { isContact, nextContactMoment } from '../../domain/policy/contact-rules';
import type { Customer, ListFlag, Segment } from '../../domain/policy/types';

const DAY = 86_400_000;
const ZONES = ['Asia/Shanghai', 'Asia/Urumqi', 'America/New_York', 'Europe/London', 'Pacific/Auckland'];

function episode(opts: { dueDate: string; amount: number; zone?: string; lists?: ListFlag[]; segment?: Segment }): EpisodeState {
  const customer: Customer = {
    name: '张三',
    phone: '13800000000',
    segment: opts.segment ?? 'consumer',
    lists: opts.lists ?? [],
    timezone: opts.zone ?? 'Asia/Shanghai',
  };
  return newEpisode({
    accountId: 'A1',
    episodeId: 'E1',
    policy: DEFAULT_POLICY,
    customer,
    firstBill: { billId: 'B1', amount: opts.amount, currency: 'CNY', dueDate: opts.dueDate },
  });
}

/** Runs the ladder with no payments, taking every rung when it falls due; returns what was taken when. */
function runLadder(state: EpisodeState, start: number) {
  const taken: { action: string; at: number; skipped: boolean }[] = [];
  let now = start;
  for (let guard = 0; guard < 50; guard++) {
    const plan = planNextStep(ladderView(state), now);
    if (!plan) break;
    now = plan.at;
    taken.push({ action: plan.action, at: plan.at, skipped: plan.skipReason !== undefined });
    recordStep(state, { stepId: plan.step.id, action: plan.action, at: plan.at, outcome: plan.skipReason ? 'skipped' : 'done' });
  }
  return taken;
}

describe('calendar', () => {
  it('finds the next named billing day, clamping to short months', () => {
    expect(dayOfMonthOnOrAfter('2026-01-03', 15)).toBe('2026-01-15');
    expect(dayOfMonthOnOrAfter('2026-01-16', 15)).toBe('2026-02-15');
    expect(dayOfMonthOnOrAfter('2026-02-01', 31)).toBe('2026-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('moves a moment outside the contact window to the next opening, in the customer zone', () => {
    const window = { start: '08:00', end: '21:00' };
    const night = atLocalTime('2026-03-01', '22:30', 'Asia/Shanghai');
    expect(new Date(nextAllowedMoment(night, window, 'Asia/Shanghai')).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    const early = atLocalTime('2026-03-01', '06:00', 'Asia/Shanghai');
    expect(new Date(nextAllowedMoment(early, window, 'Asia/Shanghai')).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    const inside = atLocalTime('2026-03-01', '12:00', 'Asia/Shanghai');
    expect(nextAllowedMoment(inside, window, 'Asia/Shanghai')).toBe(inside);
  });
});

describe('default ladder', () => {
  it('follows the seeds for a consumer due on 1 March (Shanghai)', () => {
    const state = episode({ dueDate: '2026-03-01', amount: 5000 });
    const taken = runLadder(state, atLocalTime('2026-03-01', '00:00', 'Asia/Shanghai'));
    const local = taken.map((t) => `${t.action}@${localDateOf(t.at, 'Asia/Shanghai')}`);
    expect(local).toEqual([
      'sms@2026-03-02',
      'voice@2026-03-15',
      'manual_call@2026-03-25',
      'manual_call@2026-03-27',
      'manual_call@2026-03-29',
      'field_visit@2026-03-30', // three unanswered calls bring the visit forward
      'sms@2026-03-31', // the pre-suspension warning (v7): due + 28 is taken by the calls and the visit, so the next free day
      'suspend_outgoing@2026-04-01',
      'suspend_full@2026-04-08',
      'deregister@2026-06-30',
      'agency_referral@2026-07-01',
      'demand_letter@2026-07-31',
      'legal_referral@2026-08-15',
    ]);
  });

  it('skips the field visit for a tiny balance and never suspends a red-list account', () => {
    const small = runLadder(episode({ dueDate: '2026-03-01', amount: 1500 }), Date.UTC(2026, 2, 1));
    expect(small.find((t) => t.action === 'field_visit')?.skipped).toBe(true);
    const red = runLadder(episode({ dueDate: '2026-03-01', amount: 50_000, lists: ['red'] }), Date.UTC(2026, 2, 1));
    expect(red.map((t) => t.action)).not.toEqual(expect.arrayContaining(['suspend_outgoing']));
    expect(red.some((t) => ['suspend_outgoing', 'suspend_full', 'deregister'].includes(t.action))).toBe(false);
    expect(red.filter((t) => t.action === 'manual_review')).toHaveLength(3);
  });

  it('escalates a black-list account sooner', () => {
    const plain = runLadder(episode({ dueDate: '2026-03-01', amount: 5000 }), Date.UTC(2026, 2, 1));
    const black = runLadder(episode({ dueDate: '2026-03-01', amount: 5000, lists: ['black'] }), Date.UTC(2026, 2, 1));
    const when = (xs: typeof plain, a: string) => xs.find((t) => t.action === a)!.at;
    expect(when(black, 'manual_call')).toBeLessThan(when(plain, 'manual_call'));
    expect(when(black, 'legal_referral')).toBeLessThan(when(plain, 'legal_referral'));
  });

  it('spaces the rungs of a late enrolment instead of firing them at once', () => {
    const state = episode({ dueDate: '2026-01-01', amount: 5000 });
    const taken = runLadder(state, Date.UTC(2026, 2, 10)); // 68 days late
    for (let i = 1; i < taken.length; i++) expect(taken[i]!.at - taken[i - 1]!.at).toBeGreaterThanOrEqual(20 * 3_600_000);
  });
});

describe('ladder properties', () => {
  const arbitraryEpisode = fc.record({
    due: fc.date({ min: new Date('2025-01-01'), max: new Date('2028-12-31'), noInvalidDate: true }),
    amount: fc.integer({ min: 1, max: 10_000_000 }),
    zone: fc.constantFrom(...ZONES),
    lists: fc.subarray(['red', 'black'] as ListFlag[]),
    lateDays: fc.integer({ min: 0, max: 120 }),
    hour: fc.integer({ min: 0, max: 23 }),
  });

  it('is ordered, contacts only inside windows, and never suspends before the legal floor', () => {
    fc.assert(
      fc.property(arbitraryEpisode, ({ due, amount, zone, lists, lateDays, hour }) => {
        const dueDate = due.toISOString().slice(0, 10);
        const state = episode({ dueDate, amount, zone, lists });
        const start = atLocalTime(addDays(dueDate, lateDays), `${String(hour).padStart(2, '0')}:00`, zone);
        const taken = runLadder(state, start);
        expect(taken.length).toBe(DEFAULT_POLICY.ladders[lists.includes('black') ? 'black' : 'standard']!.length);
        for (let i = 0; i < taken.length; i++) {
          const t = taken[i]!;
          if (i > 0) expect(t.at).toBeGreaterThanOrEqual(taken[i - 1]!.at);
          expect(t.at).toBeGreaterThanOrEqual(start);
          const window = windowFor(DEFAULT_POLICY, t.action as never);
          if (window) expect(isWithinWindow(t.at, window, zone)).toBe(true);
          if (t.action.startsWith('suspend')) expect(t.at).toBeGreaterThan(atLocalTime(dueDate, '00:00', zone) + 30 * DAY);
          if (lists.includes('red')) expect(['suspend_outgoing', 'suspend_full', 'deregister']).not.toContain(t.action);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('payments and charges', () => {
  const now = Date.UTC(2026, 2, 20);

  it('ends the episode when paid in full and ignores a repeated payment id', () => {
    const state = episode({ dueDate: '2026-03-01', amount: 5000 });
    const first = applyPayment(state, { paymentId: 'P1', amount: 5000, currency: 'CNY', paidAt: '2026-03-20T00:00:00Z', channel: 'bank' }, now);
    expect(first).toMatchObject({ outcome: 'applied', balance: 0, status: 'paid', restoring: false });
    const again = applyPayment(state, { paymentId: 'P1', amount: 5000, currency: 'CNY', paidAt: '2026-03-20T00:00:00Z', channel: 'bank' }, now);
    expect(again.outcome).toBe('duplicate');
    expect(state.payments).toHaveLength(1);
  });

  it('restarts the ladder from the next bill when a partial payment clears the oldest one', () => {
    const state = episode({ dueDate: '2026-03-01', amount: 5000 });
    expect(addCharge(state, { billId: 'B2', amount: 3000, currency: 'CNY', dueDate: '2026-04-01' }).outcome).toBe('added');
    expect(addCharge(state, { billId: 'B2', amount: 3000, currency: 'CNY', dueDate: '2026-04-01' }).outcome).toBe('duplicate');
    recordStep(state, { stepId: 'sms', action: 'sms', at: now, outcome: 'done' });
    const partial = applyPayment(state, { paymentId: 'P1', amount: 1000, currency: 'CNY', paidAt: '2026-03-20T00:00:00Z', channel: 'bank' }, now);
    expect(partial).toMatchObject({ outcome: 'applied', balance: 7000, status: 'open' });
    expect(state.cycle).toBe(1); // oldest bill not yet cleared: the ladder goes on
    applyPayment(state, { paymentId: 'P2', amount: 4000, currency: 'CNY', paidAt: '2026-03-21T00:00:00Z', channel: 'bank' }, now);
    expect(state).toMatchObject({ cycle: 2, index: 0, anchorDueDate: '2026-04-01' });
  });

  it('restores service when a suspended line is paid in full, and rejects another currency', () => {
    const state = episode({ dueDate: '2026-03-01', amount: 5000 });
    recordStep(state, { stepId: 'suspend-outgoing', action: 'suspend_outgoing', at: now, outcome: 'done' });
    expect(state.service).toBe('outgoing_barred');
    const usd = applyPayment(state, { paymentId: 'P0', amount: 5000, currency: 'USD', paidAt: '2026-03-20T00:00:00Z', channel: 'bank' }, now);
    expect(usd.outcome).toBe('rejected');
    const result = applyPayment(state, { paymentId: 'P1', amount: 5000, currency: 'CNY', paidAt: '2026-03-20T00:00:00Z', channel: 'bank' }, now);
    expect(result).toMatchObject({ status: 'paid', restoring: true });
  });
});

describe('policy schema', () => {
  it('accepts the default policy', () => {
    expect(parsePolicy(DEFAULT_POLICY)).toEqual(DEFAULT_POLICY);
  });

  it('rejects a ladder that suspends before the legal floor, naming the field', () => {
    const bad = structuredClone(DEFAULT_POLICY);
    const i = bad.ladders['standard']!.findIndex((s) => s.id === 'suspend-outgoing');
    bad.ladders['standard']![i]!.at = { kind: 'days_after_due', days: 10 };
    expect(() => parsePolicy(bad)).toThrow(new RegExp(`ladders\\.standard\\.${i}\\.at|"ladders",\\s*"standard",\\s*${i},\\s*"at"`));
  });

  it('rejects a step that refers to a later step', () => {
    const bad = structuredClone(DEFAULT_POLICY);
    bad.ladders['standard']![0]!.at = { kind: 'days_after_step', step: 'voice', days: 1 };
    expect(() => parsePolicy(bad)).toThrow(/not an earlier step/);
  });
});

describe('races and legal guards', () => {
  const now = Date.UTC(2026, 3, 1, 2);
  const pay = (id: string, amount: number) => ({ paymentId: id, amount, currency: 'CNY', paidAt: '2026-04-01T00:00:00Z', channel: 'bank' });

  it('undoes a sanction that completed after the customer paid in full', () => {
    const state = episode({ dueDate: '2026-03-01', amount: 5000 });
    const cycle = state.cycle;
    applyPayment(state, pay('P1', 5000), now); // arrives while suspend_outgoing is in flight
    expect(state.restoration).toBeUndefined();
    recordStep(state, { stepId: 'suspend-outgoing', action: 'suspend_outgoing', at: now + 1000, outcome: 'done', cycle });
    expect(state.service).toBe('outgoing_barred');
    expect(state.restoration).toMatchObject({ paymentId: 'P1' });
  });

  it('keeps a rung that finished after a cycle restart out of the new cycle', () => {
    const state = episode({ dueDate: '2026-03-01', amount: 5000 });
    addCharge(state, { billId: 'B2', amount: 3000, currency: 'CNY', dueDate: '2026-04-01' });
    recordStep(state, { stepId: 'sms', action: 'sms', at: now, outcome: 'done' });
    const cycle = state.cycle;
    applyPayment(state, pay('P1', 5000), now); // clears B1 while `voice` is in flight
    recordStep(state, { stepId: 'voice', action: 'voice', at: now, outcome: 'done', cycle });
    expect(state).toMatchObject({ cycle: 2, index: 0 });
    expect(planNextStep(ladderView(state), now)?.step.id).toBe('sms');
  });

  it('keeps the ladder the episode started with when the lists change', () => {
    const state = episode({ dueDate: '2026-03-01', amount: 5000 });
    state.customer = { ...state.customer, lists: ['black'] };
    // seven rungs done: the standard ladder's eighth is suspend-outgoing (the black list's would be suspend-full)
    for (let i = 0; i < 7; i++) recordStep(state, { stepId: `s${i}`, action: 'sms', at: Date.UTC(2026, 2, 2 + i), outcome: 'done' });
    const plan = planNextStep(ladderView(state), Date.UTC(2026, 2, 10))!;
    expect(plan.step.id).toBe('suspend-outgoing');
    expect(plan.at).toBeGreaterThan(atLocalTime('2026-03-31', '00:00', 'Asia/Shanghai'));
  });

  it('never deregisters before the legal floor or an unsuspended line, whatever the policy says', () => {
    const policy = structuredClone(DEFAULT_POLICY);
    policy.ladders['standard'] = [
      { id: 'suspend-outgoing', action: 'suspend_outgoing', at: { kind: 'days_after_due', days: 1 } },
      { id: 'deregister', action: 'deregister', at: { kind: 'days_after_due', days: 2 } },
    ];
    const state = episode({ dueDate: '2026-03-01', amount: 5000 });
    state.policy = policy;
    const first = planNextStep(ladderView(state), Date.UTC(2026, 2, 1))!;
    expect(first.at).toBeGreaterThan(atLocalTime('2026-03-31', '00:00', 'Asia/Shanghai'));
    recordStep(state, { stepId: 'suspend-outgoing', action: 'suspend_outgoing', at: first.at, outcome: 'done' });
    const second = planNextStep(ladderView(state), first.at)!;
    expect(second.at - first.at).toBeGreaterThanOrEqual(59 * DAY);

    const failed = episode({ dueDate: '2026-03-01', amount: 5000 });
    failed.policy = policy;
    recordStep(failed, { stepId: 'suspend-outgoing', action: 'suspend_outgoing', at: first.at, outcome: 'failed' });
    expect(planNextStep(ladderView(failed), first.at)?.skipReason).toBe('line is not suspended');
  });

  it('reopens a paid episode when a new bill arrives before it closes', () => {
    const state = episode({ dueDate: '2026-03-01', amount: 5000 });
    applyPayment(state, pay('P1', 5000), now);
    expect(state.status).toBe('paid');
    addCharge(state, { billId: 'B2', amount: 3000, currency: 'CNY', dueDate: '2026-04-01' });
    expect(state).toMatchObject({ status: 'open', cycle: 2, index: 0, anchorDueDate: '2026-04-01' });
  });
});

describe('late fee (违约金)', () => {
  const local = (date: string, time = '12:00') => atLocalTime(date, time, 'Asia/Shanghai');

  it('accrues 3‰ a day on the overdue principal, following payments, within the cap, less waivers', () => {
    const state = episode({ dueDate: '2026-03-01', amount: 10_000 });
    // 2 … 10 March have fully passed on 11 March: 9 days × 10,000 × 3‰
    expect(lateFee(state, local('2026-03-11'))).toEqual({ ratePerMille: 3, accrued: 270, waived: 0, due: 270 });
    applyPayment(state, { paymentId: 'P1', amount: 5_000, currency: 'CNY', paidAt: '2026-03-05T04:00:00Z', channel: 'bank' }, local('2026-03-05'));
    // 2–4 March on 10,000, 5–10 March on 5,000
    expect(lateFee(state, local('2026-03-11'))?.accrued).toBe(90 + 90);
    waiveLateFee(state, { adjustmentId: 'W1', amount: 50, reason: 'goodwill' });
    waiveLateFee(state, { adjustmentId: 'W1', amount: 50, reason: 'goodwill' });
    expect(lateFee(state, local('2026-03-11'))).toMatchObject({ waived: 50, due: 130 });
  });

  it('stops when paid and respects the cap', () => {
    const state = episode({ dueDate: '2026-03-01', amount: 10_000 });
    state.policy = { ...DEFAULT_POLICY, lateFee: { ratePerMille: 3, graceDays: 0, capPercent: 1, settlement: 'next_bill' } };
    expect(lateFee(state, local('2027-03-01'))?.accrued).toBe(100);
    const paidState = episode({ dueDate: '2026-03-01', amount: 10_000 });
    applyPayment(paidState, { paymentId: 'P1', amount: 10_000, currency: 'CNY', paidAt: '2026-03-03T04:00:00Z', channel: 'bank' }, local('2026-03-03'));
    // only 2 March counts: paid on 3 March, before that day ended
    expect(lateFee(paidState, local('2026-06-01'))?.accrued).toBe(30);
  });

  it('is refused above the legal 3‰ a day', () => {
    const bad = { ...DEFAULT_POLICY, lateFee: { ratePerMille: 5, graceDays: 0, settlement: 'next_bill' } };
    expect(() => parsePolicy(bad)).toThrow(/lateFee/);
  });
});

describe('contact rules', () => {
  const zone = 'Asia/Shanghai';

  it('moves a reminder off a holiday, to the next day in the window', () => {
    const state = episode({ dueDate: '2026-09-30', amount: 5000 }); // sms due 1 October: National Day
    const plan = planNextStep(ladderView(state), Date.UTC(2026, 8, 30))!;
    expect(plan.action).toBe('sms');
    expect(localDateOf(plan.at, zone)).toBe('2026-10-08');
    expect(isWithinWindow(plan.at, DEFAULT_POLICY.contactWindow, zone)).toBe(true);
  });

  it('waits for the rolling week when a channel cap is reached', () => {
    const at = (d: string) => atLocalTime(d, '10:00', zone);
    const moment = nextContactMoment(DEFAULT_POLICY, 'sms', at('2026-03-10'), zone, DEFAULT_POLICY.contactWindow, [
      { at: at('2026-03-05'), action: 'sms' },
      { at: at('2026-03-07'), action: 'sms' },
      { at: at('2026-03-09'), action: 'sms' },
    ]);
    expect(localDateOf(moment, zone)).toBe('2026-03-12'); // the 5 March SMS leaves the week
    const otherChannel = nextContactMoment(DEFAULT_POLICY, 'voice', at('2026-03-10'), zone, DEFAULT_POLICY.contactWindow, [
      { at: at('2026-03-05'), action: 'sms' },
    ]);
    expect(otherChannel).toBe(at('2026-03-10'));
  });

  it('an opt-out stops reminders but never sanctions or legal notices', () => {
    const state = episode({ dueDate: '2026-03-01', amount: 50_000 });
    state.optedOut = true;
    const taken = runLadder(state, Date.UTC(2026, 2, 1));
    const skipped = taken.filter((t) => t.skipped).map((t) => t.action);
    // the pre-suspension warning is an sms rung: the opt-out stops it too (optOutStops is by action)
    expect(skipped).toEqual(['sms', 'voice', 'sms']);
    expect(taken.filter((t) => !t.skipped).map((t) => t.action)).toEqual(
      expect.arrayContaining(['manual_call', 'suspend_outgoing', 'demand_letter', 'legal_referral']),
    );
  });

  it('never contacts on a holiday nor more than the weekly caps, for any account', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2026-01-01'), max: new Date('2027-09-30'), noInvalidDate: true }),
        fc.constantFrom(...ZONES),
        fc.subarray(['red', 'black'] as ListFlag[]),
        (due, zone, lists) => {
          const state = episode({ dueDate: due.toISOString().slice(0, 10), amount: 50_000, zone, lists });
          const taken = runLadder(state, due.getTime()).filter((t) => !t.skipped && isContact(t.action as never));
          const rules = DEFAULT_POLICY.contact!;
          for (const t of taken) {
            expect(rules.holidays).not.toContain(localDateOf(t.at, zone));
            const week = taken.filter((x) => x.at > t.at - 7 * DAY && x.at <= t.at);
            expect(week.length).toBeLessThanOrEqual(rules.weeklyCapTotal);
            expect(week.filter((x) => x.action === t.action).length).toBeLessThanOrEqual(rules.weeklyCapPerChannel[t.action as 'sms'] ?? 99);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('enterprise clean history', () => {
  it('defers suspension for an enterprise with no previous arrears, not for one with them', () => {
    const start = (priorArrears: number) => {
      const state = newEpisode({
        accountId: 'E',
        episodeId: 'E1',
        policy: DEFAULT_POLICY,
        customer: { name: '某公司', phone: '02100000000', segment: 'enterprise', lists: [], timezone: 'Asia/Shanghai', priorArrears },
        firstBill: { billId: 'B1', amount: 500_000, currency: 'CNY', dueDate: '2026-03-01' },
      });
      return runLadder(state, Date.UTC(2026, 2, 1)).find((t) => t.action === 'suspend_outgoing')!.at;
    };
    expect(localDateOf(start(1), 'Asia/Shanghai')).toBe('2026-04-01');
    expect(localDateOf(start(0), 'Asia/Shanghai')).toBe('2026-05-01');
  });
});

describe('review fixes', () => {
  const local = (date: string) => atLocalTime(date, '12:00', 'Asia/Shanghai');

  it('no late fee on a charge taken off by an upheld dispute; waivers only up to what is due', () => {
    const state = episode({ dueDate: '2026-03-01', amount: 10_000 });
    openDispute(state, { disputeId: 'D1', amount: 10_000, reason: 'not ours' }, local('2026-03-02'));
    expect(lateFee(state, local('2026-03-20'))?.accrued).toBe(0);
    resolveDispute(state, { disputeId: 'D1', upheld: true }, local('2026-03-20'));
    expect(lateFee(state, local('2026-06-20'))?.accrued).toBe(0);
    const other = episode({ dueDate: '2026-03-01', amount: 10_000 });
    expect(adjustmentProblem(other, { adjustmentId: 'W', amount: 1_000_000, reason: 'x' }, local('2026-03-05'))).toMatch(/cannot exceed/);
  });

  it('a written-off case reopens for a new bill', () => {
    const state = episode({ dueDate: '2026-03-01', amount: 10_000 });
    writeOff(state, { writeOffId: 'W1', reason: 'gone', approvedBy: 'finance' }, local('2026-09-01'));
    addCharge(state, { billId: 'B2', amount: 3_000, currency: 'CNY', dueDate: '2026-09-05' });
    expect(state.status).toBe('open');
  });

  it('a sanction taken again after a restoration gets a new idempotency key', () => {
    const state = episode({ dueDate: '2026-03-01', amount: 10_000 });
    const first = actionKey(state, 'suspend-outgoing', 'suspend_outgoing');
    state.restorations.push({ paymentId: 'plan:P', seenAt: 0, restoredAt: 1 });
    expect(actionKey(state, 'suspend-outgoing', 'suspend_outgoing')).not.toBe(first);
  });
});
