// The limitation period (诉讼时效): three years from the day after the due date (art. 188), restarted
// by what the policy lists (art. 195). Pure rules, without Temporal.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { parsePolicy } from '../../config/policy-schema';
import { recordCallOutcome, recordStep } from '../../domain/episode/ladder';
import { addCharge, applyPayment } from '../../domain/episode/ledger';
import { expiryFromDue, interruptions, isTimeBarred, limitationAlert, limitationOf, markLimitationAlerted } from '../../domain/episode/practice/limitation';
import { makePromise } from '../../domain/episode/practice/promise';
import { episodeView } from '../../domain/episode/read-model';
import { snapshotOf } from '../../domain/episode/snapshot';
import { newEpisode, type EpisodeState } from '../../domain/episode/state';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import type { CollectionPolicy, LimitationInterruption } from '../../domain/policy/types';

const ZONE = 'Asia/Shanghai';
const local = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();

function episode(dueDate = '2026-01-10', policy: CollectionPolicy = DEFAULT_POLICY, amount = 10_000): EpisodeState {
  return newEpisode({
    accountId: 'A1',
    episodeId: 'E1',
    policy,
    customer: { name: 'x', phone: '1', segment: 'consumer', lists: [], timezone: ZONE },
    firstBill: { billId: 'B1', amount, currency: 'CNY', dueDate },
  });
}

function pay(state: EpisodeState, id: string, amount: number, at: number) {
  applyPayment(state, { paymentId: id, amount, currency: 'CNY', paidAt: new Date(at).toISOString(), channel: 'bank' }, at);
}

test('the default policy (v6 on) carries the limitation rules as data, and they survive validation', () => {
  expect(DEFAULT_POLICY.version).toBeGreaterThanOrEqual(6);
  expect(parsePolicy(DEFAULT_POLICY).limitation).toEqual({
    years: 3,
    interruptedBy: ['payment', 'promise', 'plan', 'demand_delivered', 'filing'],
    demandActions: ['demand_letter', 'manual_call'],
    alertDaysBefore: 90,
  });
  expect(() => parsePolicy({ ...DEFAULT_POLICY, limitation: { ...DEFAULT_POLICY.limitation!, years: 2 } })).toThrow(/limitation/);
});

test('an untouched bill is time-barred from the start of the local day after due + 3 years', () => {
  const s = episode('2026-01-10');
  const l = limitationOf(s)!;
  expect(l).toMatchObject({ billId: 'B1', dueDate: '2026-01-10', lastInterruption: null });
  expect(l.expiresAt).toBe(local('2029-01-11T00:00'));
  expect(isTimeBarred(s, local('2029-01-10T23:59'))).toBe(false);
  expect(isTimeBarred(s, local('2029-01-11T00:00'))).toBe(true);
});

test('a partial payment restarts the period from the payment; paid in full there is nothing left to bar', () => {
  const s = episode('2026-01-10');
  const at = local('2027-06-01T15:00');
  pay(s, 'P1', 4_000, at);
  expect(limitationOf(s)).toMatchObject({ expiresAt: local('2030-06-02T00:00'), lastInterruption: { kind: 'payment', at } });
  pay(s, 'P2', 6_000, at + 1000);
  expect(limitationOf(s)).toBeUndefined();
  expect(isTimeBarred(s, local('2040-01-01T00:00'))).toBe(false);
});

test('a payment reported as made earlier than the episode saw it counts from when it was made', () => {
  const s = episode('2026-01-10');
  const seen = local('2027-06-05T10:00');
  applyPayment(s, { paymentId: 'P1', amount: 100, currency: 'CNY', paidAt: new Date(local('2027-06-01T10:00')).toISOString(), channel: 'bank' }, seen);
  expect(limitationOf(s)!.expiresAt).toBe(local('2030-06-02T00:00'));
});

test('a promise restarts it; an unanswered call does not, an answered one and a demand letter do', () => {
  const s = episode('2026-01-10');
  makePromise(s, { promiseId: 'PR1', date: '2026-03-01', source: 'call:t' }, local('2026-02-20T10:00'));
  expect(limitationOf(s)!.lastInterruption).toEqual({ kind: 'promise', at: local('2026-02-20T10:00') });
  recordStep(s, { stepId: 'call-1', action: 'manual_call', at: local('2026-04-01T10:00'), outcome: 'done' });
  expect(limitationOf(s)!.lastInterruption!.kind).toBe('promise');
  recordCallOutcome(s, 'call-1', true);
  expect(limitationOf(s)!.lastInterruption).toEqual({ kind: 'demand_delivered', at: local('2026-04-01T10:00') });
  recordStep(s, { stepId: 'sms', action: 'sms', at: local('2026-05-01T10:00'), outcome: 'done' });
  expect(limitationOf(s)!.expiresAt).toBe(local('2029-04-02T00:00')); // an SMS is not a demand in the default rules
  recordStep(s, { stepId: 'demand-letter', action: 'demand_letter', at: local('2026-06-01T10:00'), outcome: 'failed' });
  expect(limitationOf(s)!.expiresAt).toBe(local('2029-04-02T00:00'));
  recordStep(s, { stepId: 'demand-letter', action: 'demand_letter', at: local('2026-06-02T10:00'), outcome: 'done' });
  expect(limitationOf(s)!.expiresAt).toBe(local('2029-06-03T00:00'));
});

test('what interrupts is policy data: a kind left out of interruptedBy restarts nothing', () => {
  const policy = { ...DEFAULT_POLICY, limitation: { ...DEFAULT_POLICY.limitation!, interruptedBy: ['payment'] as LimitationInterruption[] } };
  const s = episode('2026-01-10', policy);
  makePromise(s, { promiseId: 'PR1', date: '2026-03-01', source: 'call:t' }, local('2026-02-20T10:00'));
  s.limitationEvents = [{ kind: 'filing', at: local('2026-03-01T10:00') }];
  expect(limitationOf(s)).toMatchObject({ expiresAt: local('2029-01-11T00:00'), lastInterruption: null });
  expect(interruptions(episode())).toEqual([]);
});

test('a policy older than v6 (no limitation of its own) gets the law’s defaults', () => {
  const { limitation: _none, ...v5 } = DEFAULT_POLICY;
  const s = episode('2026-01-10', { ...v5, version: 5 });
  expect(limitationOf(s)!.expiresAt).toBe(local('2029-01-11T00:00'));
});

test('the earliest expiry among unpaid bills: a later bill is barred later; FIFO settles the oldest first', () => {
  const s = episode('2026-01-10', DEFAULT_POLICY, 1_000);
  addCharge(s, { billId: 'B2', amount: 2_000, currency: 'CNY', dueDate: '2026-02-10' });
  expect(limitationOf(s)).toMatchObject({ billId: 'B1', expiresAt: local('2029-01-11T00:00') });
  // A payment before B2 was due pays B1 off; B2's period starts after its own due date.
  pay(s, 'P1', 1_000, local('2026-01-20T10:00'));
  expect(limitationOf(s)).toMatchObject({ billId: 'B2', expiresAt: local('2029-02-11T00:00'), lastInterruption: null });
});

test('the alert is due alertDaysBefore local days before the expiry, once per expiry', () => {
  const s = episode('2026-01-10');
  const alert = limitationAlert(s)!;
  expect(alert).toEqual({ at: local('2028-10-13T00:00'), expiresAt: local('2029-01-11T00:00'), billId: 'B1' });
  markLimitationAlerted(s, alert.expiresAt);
  expect(limitationAlert(s)).toBeUndefined();
  pay(s, 'P1', 100, local('2028-11-01T10:00')); // a restart: a new expiry, a new alert
  expect(limitationAlert(s)).toMatchObject({ expiresAt: local('2031-11-02T00:00') });
  s.status = 'closed';
  expect(limitationAlert(s)).toBeUndefined();
});

test('the state query and the read model show it', () => {
  const s = episode('2026-01-10');
  const snap = snapshotOf(s, local('2029-02-01T00:00'));
  expect(snap.limitation).toEqual({
    billId: 'B1',
    dueDate: '2026-01-10',
    expiresAt: new Date(local('2029-01-11T00:00')).toISOString(),
    expiresAtLocal: expect.stringMatching(/^2029-01-11T00:00/),
    timeBarred: true,
    lastInterruption: null,
  });
  expect(snapshotOf(s, local('2027-01-01T00:00')).limitation!.timeBarred).toBe(false);
  expect(episodeView(s, undefined, true).limitationExpiresAt).toBe(local('2029-01-11T00:00'));
  expect('limitationExpiresAt' in episodeView(s, undefined)).toBe(false); // not before the patch
});

describe('properties', () => {
  const zones = fc.constantFrom('Asia/Shanghai', 'America/New_York', 'Europe/London', 'Pacific/Auckland', 'UTC');
  const dueDate = fc.date({ min: new Date('2024-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

  test('an untouched bill is never barred before due + 3 years', () => {
    fc.assert(
      fc.property(zones, dueDate, (zone, due) => {
        const s = episode(due);
        s.customer.timezone = zone;
        const l = limitationOf(s)!;
        expect(l.lastInterruption).toBeNull();
        expect(l.expiresAt).toBeGreaterThan(DateTime.fromISO(due, { zone }).plus({ years: 3 }).toMillis());
        expect(l.expiresAt).toBe(expiryFromDue(due, zone, 3));
      }),
    );
  });

  test('any interruption after the due date moves the expiry past event + 3 years, and the last one wins', () => {
    const kind = fc.constantFrom('payment', 'promise', 'filing');
    fc.assert(
      fc.property(zones, dueDate, fc.array(fc.tuple(kind, fc.integer({ min: 1, max: 3 * 365 * 24 })), { minLength: 1, maxLength: 6 }), (zone, due, evs) => {
        const s = episode(due, DEFAULT_POLICY, 1_000_000);
        s.customer.timezone = zone;
        const dueEnd = DateTime.fromISO(due, { zone }).plus({ days: 1 }).toMillis();
        let latest = 0;
        evs.forEach(([k, hours], i) => {
          const at = dueEnd + hours * 3_600_000;
          latest = Math.max(latest, at);
          if (k === 'payment') pay(s, `P${i}`, 1, at);
          else if (k === 'promise')
            s.promises.push({ promiseId: `PR${i}`, date: due, source: 't', madeAt: at, paidBefore: 0, due: 1, status: 'open', reminded: false });
          else (s.limitationEvents ??= []).push({ kind: 'filing', at });
        });
        const l = limitationOf(s)!;
        expect(l.lastInterruption!.at).toBe(latest);
        expect(l.expiresAt).toBeGreaterThan(DateTime.fromMillis(latest, { zone }).plus({ years: 3 }).toMillis());
        expect(l.expiresAt).toBeLessThanOrEqual(DateTime.fromMillis(latest, { zone }).plus({ years: 3, days: 1 }).toMillis());
        expect(isTimeBarred(s, l.expiresAt - 1)).toBe(false);
        expect(isTimeBarred(s, l.expiresAt)).toBe(true);
      }),
    );
  });
});
