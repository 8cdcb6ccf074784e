// The calendar and the late fee were rewritten on day numbers for speed (luxon's format parser was
// most of the workflow's CPU). These properties pin them to the straightforward luxon versions
// they replaced, across zones with and without daylight saving, so the decisions (and therefore
// the recorded histories) stay the same.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { addCharge, applyPayment, billed, credited, disputedAmount } from '../../domain/episode/ledger';
import { newEpisode, type EpisodeState } from '../../domain/episode/state';
import { lateFee } from '../../domain/episode/practice/late-fee';
import { addDays, atLocalTime, dayOfMonthOnOrAfter, localDateOf } from '../../domain/policy/calendar';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';

const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Pacific/Auckland', 'America/Santiago'];
const DAY = 'yyyy-MM-dd';
const ref = {
  parse: (date: string, zone: string) => DateTime.fromFormat(date, DAY, { zone }),
  addDays: (date: string, days: number) => ref.parse(date, 'UTC').plus({ days }).toFormat(DAY),
  localDateOf: (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat(DAY),
  atLocalTime: (date: string, hour: number, minute: number, zone: string) => ref.parse(date, zone).set({ hour, minute }).toMillis(),
  dayOfMonthOnOrAfter(date: string, day: number): string {
    const d = ref.parse(date, 'UTC');
    const inMonth = (m: DateTime) => m.set({ day: Math.min(day, m.daysInMonth ?? 28) });
    const candidate = inMonth(d.startOf('month'));
    return (candidate >= d ? candidate : inMonth(d.startOf('month').plus({ months: 1 }))).toFormat(DAY);
  },
  /** The late fee as first written: day by day, with luxon. */
  lateFee(state: EpisodeState, now: number): number {
    const cfg = state.policy.lateFee!;
    const zone = state.customer.timezone;
    const bills = [...state.bills].sort((a, b) => a.dueDate.localeCompare(b.dueDate));
    const notOwed = credited(state) + disputedAmount(state);
    let principalDays = 0;
    const stop = ref.localDateOf(now, zone);
    for (let day = ref.addDays(bills[0]!.dueDate, cfg.graceDays + 1); day < stop; day = ref.addDays(day, 1)) {
      const endOfDay = ref.parse(ref.addDays(day, 1), zone).toMillis();
      const owed = bills.filter((b) => ref.addDays(b.dueDate, cfg.graceDays) < day).reduce((t, b) => t + b.amount, 0);
      const settled = notOwed + state.payments.filter((p) => p.seenAt < endOfDay).reduce((t, p) => t + p.amount, 0);
      const overdue = Math.max(0, owed - settled);
      if (overdue === 0 && settled >= billed(state)) break;
      principalDays += overdue;
    }
    let accrued = Math.floor((principalDays * cfg.ratePerMille) / 1000);
    if (cfg.capPercent !== undefined) accrued = Math.min(accrued, Math.floor((billed(state) * cfg.capPercent) / 100));
    return accrued;
  },
};

const date = fc.date({ min: new Date('1999-01-01'), max: new Date('2040-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const zone = fc.constantFrom(...ZONES);

describe('calendar on day numbers matches luxon', () => {
  it('adds days, finds billing days and local dates', () => {
    fc.assert(
      fc.property(
        date,
        fc.integer({ min: -800, max: 800 }),
        fc.integer({ min: 1, max: 31 }),
        zone,
        fc.integer({ min: 0, max: 2 ** 41 }),
        (d, n, day, z, ms) => {
          expect(addDays(d, n)).toBe(ref.addDays(d, n));
          expect(dayOfMonthOnOrAfter(d, day)).toBe(ref.dayOfMonthOnOrAfter(d, day));
          expect(localDateOf(ms, z)).toBe(ref.localDateOf(ms, z));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('places a local wall-clock time, including on daylight-saving change days', () => {
    const dstDays = ['2026-03-08', '2026-11-01', '2026-03-29', '2026-10-25', '2026-04-05', '2026-09-27', '2026-04-04', '2026-09-05'];
    fc.assert(
      fc.property(fc.oneof(date, fc.constantFrom(...dstDays)), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), zone, (d, h, m, z) => {
        const time = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}` as `${number}:${number}`;
        expect(atLocalTime(d, time, z)).toBe(ref.atLocalTime(d, h, m, z));
      }),
      { numRuns: 2000 },
    );
  });

  it('still refuses dates that do not exist', () => {
    for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '26-01-01', 'tomorrow']) {
      expect(() => addDays(bad, 1)).toThrow(RangeError);
    }
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });
});

describe('late fee on day numbers matches the day-by-day luxon version', () => {
  it('for random bills and payments in any zone', () => {
    const scenario = fc.record({
      z: zone,
      due: fc.date({ min: new Date('2025-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }),
      amount: fc.integer({ min: 1, max: 5_000_000 }),
      graceDays: fc.integer({ min: 0, max: 10 }),
      capPercent: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
      charges: fc.array(fc.record({ afterDays: fc.integer({ min: 1, max: 90 }), amount: fc.integer({ min: 1, max: 1_000_000 }) }), { maxLength: 3 }),
      payments: fc.array(fc.record({ afterHours: fc.integer({ min: 0, max: 24 * 150 }), amount: fc.integer({ min: 1, max: 3_000_000 }) }), { maxLength: 5 }),
      nowAfterHours: fc.integer({ min: 0, max: 24 * 200 }),
    });
    fc.assert(
      fc.property(scenario, (s) => {
        const dueDate = s.due.toISOString().slice(0, 10);
        const state = newEpisode({
          accountId: 'A1',
          episodeId: 'E1',
          policy: {
            ...DEFAULT_POLICY,
            lateFee: { ratePerMille: 3, graceDays: s.graceDays, settlement: 'next_bill', ...(s.capPercent ? { capPercent: s.capPercent } : {}) },
          },
          customer: { name: '张三', phone: '13800000000', segment: 'consumer', lists: [], timezone: s.z },
          firstBill: { billId: 'B1', amount: s.amount, currency: 'CNY', dueDate },
        });
        const start = atLocalTime(dueDate, '00:00', s.z);
        s.charges.forEach((c, i) => addCharge(state, { billId: `B${i + 2}`, amount: c.amount, currency: 'CNY', dueDate: addDays(dueDate, c.afterDays) }));
        const events = [...s.payments].sort((a, b) => a.afterHours - b.afterHours);
        events.forEach((p, i) => {
          const at = start + p.afterHours * 3_600_000;
          applyPayment(state, { paymentId: `P${i}`, amount: p.amount, currency: 'CNY', paidAt: new Date(at).toISOString(), channel: 'bank' }, at);
        });
        const now = start + s.nowAfterHours * 3_600_000;
        expect(lateFee(state, now)?.accrued).toBe(ref.lateFee(state, now));
      }),
      { numRuns: 500 },
    );
  });
});
