// Accounts with lines (ADR 17): which lines a sanction takes, the worst line's state, which lines a
// payment gives back, and how an episode before lines shows its single line. Pure.
import { linesOf, linesToRestore, recordLineRestored, recordLineSanction, sanctionTargets, worstService } from '../../domain/episode/lines';
import { newEpisode, type EpisodeState } from '../../domain/episode/state';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import type { AccountLine, CollectionPolicy } from '../../domain/policy/types';

const LINES: AccountLine[] = [
  { lineId: 'L1', service: 'mobile' },
  { lineId: 'L2', service: 'broadband' },
  { lineId: 'L3', service: 'tv' },
];

function episode(policy: Partial<CollectionPolicy>, lines: AccountLine[] | null = LINES): EpisodeState {
  return newEpisode({
    accountId: 'A',
    episodeId: 'E',
    policy: { ...DEFAULT_POLICY, ...policy },
    customer: { name: 'n', phone: '13500000000', segment: 'consumer', lists: [], timezone: 'Asia/Shanghai' },
    firstBill: { billId: 'B', amount: 100, currency: 'CNY', dueDate: '2026-01-01' },
    ...(lines ? { lines } : {}),
  });
}
const ids = (ls: { lineId: string }[]) => ls.map((l) => l.lineId);

test('without linked suspension a sanction takes the overdue (first) line only', () => {
  expect(ids(sanctionTargets(episode({}), 'suspend_outgoing'))).toEqual(['L1']);
});

test('linked suspension takes every line of the sanctioned services', () => {
  expect(ids(sanctionTargets(episode({ linkedSuspension: true }), 'suspend_outgoing'))).toEqual(['L1', 'L2', 'L3']);
  expect(ids(sanctionTargets(episode({ linkedSuspension: true, sanctionServices: ['mobile', 'tv'] }), 'suspend_full'))).toEqual(['L1', 'L3']);
  // the overdue line of a service the sanction does not apply to: nothing
  expect(sanctionTargets(episode({ sanctionServices: ['tv'] }), 'suspend_outgoing')).toEqual([]);
});

test('a line already at the target, or an active line for deregistration, is not taken again; the worst line is the account', () => {
  const s = episode({ linkedSuspension: true, sanctionServices: ['mobile', 'broadband'] });
  expect(sanctionTargets(s, 'deregister')).toEqual([]);
  recordLineSanction(s, 'L1', 'suspend_outgoing', 1_000);
  expect(ids(sanctionTargets(s, 'suspend_outgoing'))).toEqual(['L2']);
  recordLineSanction(s, 'L1', 'suspend_full', 2_000);
  expect(s.lines![0]).toEqual({ lineId: 'L1', service: 'mobile', state: 'suspended', suspendedAt: 1_000 });
  expect(worstService(s)).toBe('suspended');
  expect(ids(sanctionTargets(s, 'deregister'))).toEqual(['L1']);
  expect(ids(linesToRestore(s))).toEqual(['L1']);
  recordLineRestored(s, 'L1', { paymentId: 'P', seenAt: 3_000 }, 4_000);
  expect(worstService(s)).toBe('active');
  expect(s.lineRestorations).toEqual([{ lineId: 'L1', paymentId: 'P', seenAt: 3_000, restoredAt: 4_000 }]);
  expect(linesToRestore(s)).toEqual([]);
});

test('an episode before lines has none (the single line is the account) and shows it as L1', () => {
  const s = episode({ linkedSuspension: true }, null);
  expect(s.lines).toBeUndefined();
  expect(sanctionTargets(s, 'suspend_outgoing')).toEqual([]);
  s.service = 'outgoing_barred';
  s.suspendedAt = 5;
  expect(linesOf(s)).toEqual([{ lineId: 'L1', service: 'mobile', state: 'outgoing_barred', suspendedAt: 5 }]);
});
