// Preferred hours and the second number (issue 11), pure: the engine plans contact rungs inside the
// lawful window narrowed to the customer's preferred hours (the lawful window alone when the two do
// not meet), and sends reminders to the second number when the billing number fails.
import fc from 'fast-check';
import { ladderView, recordStep, recordWrongNumber, setContactChannels } from '../../domain/episode/ladder';
import { newEpisode, type EpisodeState } from '../../domain/episode/state';
import { atLocalTime, isWithinWindow } from '../../domain/policy/calendar';
import { intersectWindows, numberFor, plannedWindow } from '../../domain/policy/contact-rules';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import { planNextStep, planPromiseReminder, windowFor } from '../../domain/policy/engine';
import type { CollectionPolicy, LadderAction, TimeWindow } from '../../domain/policy/types';

const ZONES = ['Asia/Shanghai', 'Asia/Urumqi', 'America/New_York', 'Europe/London', 'Pacific/Auckland'];
const TO_THE_NUMBER: LadderAction[] = ['sms', 'voice', 'manual_call'];

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
/** A same-day window on whole quarter hours, start before end. */
const arbitraryWindow = fc
  .tuple(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 1, max: 96 }))
  .filter(([a, b]) => a < b)
  .map(([a, b]): TimeWindow => ({ start: hhmm(a * 15), end: hhmm(Math.min(b * 15, 23 * 60 + 59)) }))
  .filter((w) => w.start < w.end);

function episode(zone: string, dueDate: string, policy: CollectionPolicy = DEFAULT_POLICY): EpisodeState {
  return newEpisode({
    accountId: 'A1',
    episodeId: 'E1',
    policy,
    customer: { name: '张三', phone: '13800000000', segment: 'consumer', lists: [], timezone: zone },
    firstBill: { billId: 'B1', amount: 50_000, currency: 'CNY', dueDate },
  });
}

describe('window intersection', () => {
  it('takes the later start and the earlier end; none when they do not meet', () => {
    expect(intersectWindows({ start: '08:00', end: '21:00' }, { start: '18:00', end: '22:00' })).toEqual({ start: '18:00', end: '21:00' });
    expect(intersectWindows({ start: '08:00', end: '21:00' }, { start: '12:00', end: '13:30' })).toEqual({ start: '12:00', end: '13:30' });
    expect(intersectWindows({ start: '08:00', end: '12:00' }, { start: '12:00', end: '20:00' })).toBeUndefined();
    expect(intersectWindows({ start: '08:00', end: '09:00' }, { start: '19:00', end: '20:00' })).toBeUndefined();
  });

  it('narrows only actions to the number; falls back to the lawful window when empty', () => {
    const lawful = { start: '09:00', end: '17:00' };
    expect(plannedWindow(lawful, 'sms', { start: '12:00', end: '20:00' })).toEqual({ start: '12:00', end: '17:00' });
    expect(plannedWindow(lawful, 'sms', { start: '18:00', end: '20:00' })).toEqual(lawful);
    expect(plannedWindow(lawful, 'field_visit', { start: '12:00', end: '13:00' })).toEqual(lawful);
    expect(plannedWindow(lawful, 'suspend_outgoing', { start: '12:00', end: '13:00' })).toEqual(lawful);
    expect(plannedWindow(undefined, 'sms', { start: '12:00', end: '13:00' })).toBeUndefined();
  });

  it('property: every planned contact lies inside the lawful window and, when they meet, the preferred hours', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        arbitraryWindow,
        fc.date({ min: new Date('2026-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 30 }),
        (zone, preferred, due, hour, lateDays) => {
          const dueDate = due.toISOString().slice(0, 10);
          const state = episode(zone, dueDate);
          setContactChannels(state, { preferredHours: preferred });
          let now = atLocalTime(dueDate, `${String(hour).padStart(2, '0')}:00`, zone) + lateDays * 86_400_000;
          // Climb the ladder, checking every rung that goes to the customer's number.
          for (let guard = 0; guard < 12; guard++) {
            const plan = planNextStep(ladderView(state), now);
            if (!plan) break;
            const lawful = windowFor(DEFAULT_POLICY, plan.action);
            if (lawful) expect(isWithinWindow(plan.at, lawful, zone)).toBe(true);
            const shared = lawful && intersectWindows(lawful, preferred);
            if (shared && TO_THE_NUMBER.includes(plan.action)) expect(isWithinWindow(plan.at, preferred, zone)).toBe(true);
            recordStep(state, { stepId: plan.step.id, action: plan.action, at: plan.at, outcome: plan.skipReason ? 'skipped' : 'done' });
            now = plan.at;
          }
          const reminder = planPromiseReminder(ladderView(state), dueDate, now);
          const lawful = windowFor(DEFAULT_POLICY, 'promise_reminder')!;
          expect(isWithinWindow(reminder.at, lawful, zone)).toBe(true);
          if (intersectWindows(lawful, preferred)) expect(isWithinWindow(reminder.at, preferred, zone)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('places the first SMS in the evening for a customer who prefers evenings', () => {
    const state = episode('Asia/Shanghai', '2026-03-01');
    setContactChannels(state, { preferredHours: { start: '18:30', end: '20:00' } });
    const plan = planNextStep(ladderView(state), atLocalTime('2026-03-02', '07:00', 'Asia/Shanghai'))!;
    expect(plan.action).toBe('sms');
    expect(plan.at).toBe(atLocalTime('2026-03-02', '18:30', 'Asia/Shanghai'));
    // Without preferred hours: the policy's preferred time, 09:30.
    const plain = planNextStep(ladderView(episode('Asia/Shanghai', '2026-03-01')), atLocalTime('2026-03-02', '07:00', 'Asia/Shanghai'))!;
    expect(plain.at).toBe(atLocalTime('2026-03-02', '09:30', 'Asia/Shanghai'));
  });
});

describe('second number', () => {
  it('goes to the second number once the billing number was reported wrong; skipped without one', () => {
    const withSecond = episode('Asia/Shanghai', '2026-03-01');
    setContactChannels(withSecond, { secondNumber: true });
    const now = atLocalTime('2026-03-02', '07:00', 'Asia/Shanghai');
    expect(planNextStep(ladderView(withSecond), now)).toMatchObject({ action: 'sms', contact: 'primary' });
    recordWrongNumber(withSecond);
    const plan = planNextStep(ladderView(withSecond), now)!;
    expect(plan).toMatchObject({ action: 'sms', contact: 'secondary' });
    expect(plan.skipReason).toBeUndefined();

    const without = episode('Asia/Shanghai', '2026-03-01');
    recordWrongNumber(without);
    const skipped = planNextStep(ladderView(without), now)!;
    expect(skipped.skipReason).toMatch(/wrong number/);
    expect(skipped.contact).toBeUndefined();
  });

  it('after the policy’s count of unanswered calls, only when the policy says so', () => {
    const policy = { ...DEFAULT_POLICY, secondNumberAfterUnansweredCalls: 2 };
    expect(numberFor(policy, 'sms', { secondNumber: true, unansweredCalls: 1 })).toBe('primary');
    expect(numberFor(policy, 'sms', { secondNumber: true, unansweredCalls: 2 })).toBe('secondary');
    expect(numberFor(policy, 'voice', { secondNumber: false, unansweredCalls: 5 })).toBe('primary');
    expect(numberFor(DEFAULT_POLICY, 'sms', { secondNumber: true, unansweredCalls: 9 })).toBe('primary');
    expect(numberFor(policy, 'field_visit', { secondNumber: true, wrongNumber: true })).toBeUndefined();
    expect(numberFor(policy, 'promise_reminder', { secondNumber: true, wrongNumber: true })).toBe('secondary');
  });
});
