// The customer reference (ADR 26) in the ladder's own logic: a wrong-number report is kept by the
// number's reference (never the number) in new episodes and by the number in older ones; billing's
// next bill lifts it only when the number changed, also for an older episode moving to references.
import { applyCustomerView, hasWrongNumber, numberKey, recordWrongNumber } from '../../domain/episode/ladder';
import { newEpisode } from '../../domain/episode/state';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import type { EpisodeCustomer } from '../../domain/policy/types';

const ref = (numberRef?: string): EpisodeCustomer => ({ segment: 'consumer', lists: [], timezone: 'Asia/Shanghai', ...(numberRef ? { numberRef } : {}) });
const episode = (customer: EpisodeCustomer) =>
  newEpisode({
    accountId: 'A',
    episodeId: 'E',
    policy: DEFAULT_POLICY,
    customer,
    firstBill: { billId: 'B1', amount: 100, currency: 'CNY', dueDate: '2026-01-01' },
  });

test('a new episode keeps a wrong number by its reference; a new number (new reference) lifts it, the same one keeps it', () => {
  const s = episode(ref('n1'));
  expect(numberKey(s)).toBe('ref:n1');
  expect(recordWrongNumber(s)).toBe(true);
  expect(recordWrongNumber(s)).toBe(false);
  expect(s.wrongNumbers).toEqual(['ref:n1']);
  applyCustomerView(s, ref('n1'), false);
  expect(hasWrongNumber(s)).toBe(true);
  applyCustomerView(s, ref('n2'), true);
  expect(hasWrongNumber(s)).toBe(false);
});

test('a start without a reference still has one number to report wrong (and survives continue-as-new as JSON)', () => {
  const s = episode(ref());
  recordWrongNumber(s);
  expect(hasWrongNumber(JSON.parse(JSON.stringify(s)) as typeof s)).toBe(true);
});

test('an older episode (number in its state) moving to references: the report stays unless billing says the number changed', () => {
  const old = () => {
    const s = episode({ ...ref(), name: '张三', phone: '13800000000' });
    recordWrongNumber(s);
    return s;
  };
  const kept = old();
  applyCustomerView(kept, ref('n3'), false);
  expect(hasWrongNumber(kept)).toBe(true);
  expect(kept.customer).toEqual(ref('n3')); // the name and number leave the state
  expect(kept.wrongNumbers).toEqual(['ref:n3']);
  const lifted = old();
  applyCustomerView(lifted, ref('n4'), true);
  expect(hasWrongNumber(lifted)).toBe(false);
  // older histories' views carry the number: as before, a new number lifts the report, the same keeps it
  const before = old();
  applyCustomerView(before, { ...ref(), name: '张三', phone: '13800000001' });
  expect(hasWrongNumber(before)).toBe(false);
  const same = old();
  applyCustomerView(same, { ...ref(), name: '张三', phone: '13800000000' });
  expect(hasWrongNumber(same)).toBe(true);
});
