// A new episode's opening: early payments and carried credit are applied before any rung, each
// payment once, only in the episode's currency; an episode with nothing carried in starts as before.
import fc from 'fast-check';
import { balanceOf, oldestUnpaidBill } from '../../domain/episode/ledger';
import { applyOpening } from '../../domain/episode/opening';
import { newEpisode, type EpisodeStart } from '../../domain/episode/state';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';

const NOW = Date.parse('2026-03-01T04:00:00Z');
const start = (amount: number, extra: Partial<EpisodeStart> = {}): EpisodeStart => ({
  accountId: 'A1',
  episodeId: 'B1',
  policy: DEFAULT_POLICY,
  customer: { name: 'x', phone: '10000', segment: 'consumer', lists: [], timezone: 'Asia/Shanghai', priorArrears: 0 },
  firstBill: { billId: 'B1', amount, currency: 'CNY', dueDate: '2026-02-20' },
  ...extra,
});
const pay = (paymentId: string, amount: number, currency = 'CNY') => ({ paymentId, amount, currency, paidAt: '2026-02-25T00:00:00.000Z', channel: 'counter' });

function opened(s: EpisodeStart) {
  const state = newEpisode(s);
  applyOpening(state, s, NOW);
  return state;
}

test('nothing carried in: the episode is exactly what newEpisode made (older episodes replay alike)', () => {
  for (const amount of [1, 100, 12_050]) {
    const s = start(amount);
    expect(opened(s)).toEqual(newEpisode(s));
  }
});

test('early payments covering the bill end the episode paid before any rung; a partial one leaves the rest owed', () => {
  const paid = opened(start(10_000, { openingPayments: [pay('P1', 6_000), pay('P2', 4_000)] }));
  expect(paid).toMatchObject({ status: 'paid', steps: [] });
  expect(balanceOf(paid)).toBe(0);
  expect(paid.payments.map((p) => [p.paymentId, p.seenAt])).toEqual([
    ['P1', NOW],
    ['P2', NOW],
  ]);
  const partial = opened(start(10_000, { openingPayments: [pay('P1', 6_000)] }));
  expect(partial.status).toBe('open');
  expect(balanceOf(partial)).toBe(4_000);
  expect(oldestUnpaidBill(partial)?.billId).toBe('B1');
});

test('each payment once, only in the episode currency, only positive amounts', () => {
  const s = opened(start(10_000, { openingPayments: [pay('P1', 3_000), pay('P1', 3_000), pay('P2', 5_000, 'USD'), pay('P3', 0)] }));
  expect(s.payments.map((p) => p.paymentId)).toEqual(['P1']);
  expect(balanceOf(s)).toBe(7_000);
});

test('an opening credit is taken off the first bill, once', () => {
  const s = opened(start(10_000, { openingCredit: { creditId: 'opening-credit:B1', amount: 2_500 } }));
  expect(balanceOf(s)).toBe(7_500);
  expect(s.credits).toEqual([{ creditId: 'opening-credit:B1', amount: 2_500, at: NOW, reason: expect.any(String) }]);
  applyOpening(s, { openingCredit: { creditId: 'opening-credit:B1', amount: 2_500 } }, NOW + 1);
  expect(balanceOf(s)).toBe(7_500);
});

test('property: balance = bill − credit − early payments; paid exactly when nothing is owed', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1e9 }),
      fc.array(fc.integer({ min: 1, max: 1e8 }), { maxLength: 6 }),
      fc.nat({ max: 1e9 }),
      (bill, amounts, credit) => {
        const payments = amounts.map((a, i) => pay(`P${i}`, a));
        const s = opened(start(bill, { openingPayments: payments, ...(credit > 0 ? { openingCredit: { creditId: 'c', amount: credit } } : {}) }));
        const owed = bill - credit - amounts.reduce((t, a) => t + a, 0);
        expect(balanceOf(s)).toBe(owed);
        expect(s.status).toBe(owed <= DEFAULT_POLICY.paidTolerance ? 'paid' : 'open');
      },
    ),
  );
});
