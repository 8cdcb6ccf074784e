// The episode's side of the litigation link (ADR 12), pure: signals apply once, the end of a case
// closes, keeps or resumes the episode, the money is told only when it changed, and the case
// closes by itself when the money says so.
import { applyCaseSignal, linkCase, moneyToTell, referralCaseId, type CaseSignal } from '../../domain/episode/practice/litigation-link';
import { applyPayment } from '../../domain/episode/ledger';
import { newEpisode, type EpisodeState } from '../../domain/episode/state';
import { applyMoney, closeByMoney, openCase } from '../../domain/litigation';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';

const NOW = Date.UTC(2026, 11, 1, 4);

function legalEpisode(amount = 50_000): EpisodeState {
  const s = newEpisode({
    accountId: 'A1',
    episodeId: 'E1',
    policy: DEFAULT_POLICY,
    customer: { name: 'x', phone: '1', segment: 'consumer', lists: [], timezone: 'Asia/Shanghai' },
    firstBill: { billId: 'E1', amount, currency: 'CNY', dueDate: '2026-06-01' },
  });
  s.status = 'legal';
  return s;
}

const ended = (signalId: string, caseState: 'closed' | 'declined' | 'withdrawn', outcome?: string): CaseSignal => ({
  signalId,
  caseId: 'C1',
  episodeId: 'E1',
  event: 'ended',
  caseState,
  ...(outcome ? { outcome } : {}),
  ...(caseState === 'declined' ? { reason: 'too small' } : {}),
});

test('the referral case id is deterministic and at most 64 characters', () => {
  expect(referralCaseId('A1', 'E1')).toBe('ref-A1-E1');
  expect(referralCaseId('A1', 'E1')).toBe(referralCaseId('A1', 'E1'));
  const long = referralCaseId('A'.repeat(60), 'B'.repeat(60));
  expect(long.length).toBeLessThanOrEqual(64);
  expect(long).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/);
  expect(long).not.toBe(referralCaseId('A'.repeat(60), 'C'.repeat(60)));
});

test('signals apply once, and only to their own episode and case', () => {
  const s = legalEpisode();
  expect(applyCaseSignal(s, { signalId: 'opened:C1', caseId: 'C1', episodeId: 'OTHER', event: 'opened', caseNumber: 'LC-C1' }, NOW)).toBe(false);
  expect(applyCaseSignal(s, { signalId: 'opened:C1', caseId: 'C1', episodeId: 'E1', event: 'opened', caseNumber: 'LC-C1' }, NOW)).toBe(true);
  expect(applyCaseSignal(s, { signalId: 'opened:C1', caseId: 'C1', episodeId: 'E1', event: 'opened', caseNumber: 'LC-C1' }, NOW)).toBe(false);
  // a second open case does not replace the first
  expect(linkCase(s, 'C2', 'LC-C2', NOW)).toBe(false);
  const number: CaseSignal = { signalId: 'court-number:S1', caseId: 'C1', episodeId: 'E1', event: 'court_case_number', courtCaseNumber: '(2026)1号' };
  expect(applyCaseSignal(s, number, NOW)).toBe(true);
  expect(applyCaseSignal(s, number, NOW)).toBe(false);
  expect(applyCaseSignal(s, { ...number, signalId: 'x', caseId: 'C2' }, NOW)).toBe(false);
  expect(s.litigation).toMatchObject({ caseId: 'C1', courtCaseNumber: '(2026)1号', status: 'open' });
});

test('the end of the case: collected/settled end the episode, uncollectable keeps it in legal, declined and withdrawn resume collection', () => {
  const collected = legalEpisode();
  linkCase(collected, 'C1', 'LC-C1', NOW);
  applyPayment(collected, { paymentId: 'P', amount: 50_000, currency: 'CNY', paidAt: new Date(NOW).toISOString(), channel: 'bank' }, NOW);
  applyCaseSignal(collected, ended('e1', 'closed', 'collected'), NOW);
  expect(collected.status).toBe('paid');

  const settled = legalEpisode();
  linkCase(settled, 'C1', 'LC-C1', NOW);
  applyCaseSignal(settled, ended('e1', 'closed', 'settled'), NOW);
  expect(settled.status).toBe('closed');

  const uncollectable = legalEpisode();
  linkCase(uncollectable, 'C1', 'LC-C1', NOW);
  applyCaseSignal(uncollectable, ended('e1', 'closed', 'uncollectable'), NOW);
  expect(uncollectable.status).toBe('legal');
  expect(uncollectable.litigation).toMatchObject({ status: 'closed', outcome: 'uncollectable' });

  for (const [state, outcome] of [
    ['declined', undefined],
    ['withdrawn', 'withdrawn'],
    ['closed', 'withdrawn'],
  ] as const) {
    const s = legalEpisode();
    linkCase(s, 'C1', 'LC-C1', NOW);
    applyCaseSignal(s, ended('e1', state, outcome), NOW);
    expect(s.status).toBe('open');
  }
  // an ended case can be followed by a new one (opened by hand)
  expect(linkCase(uncollectable, 'C2', 'LC-C2', NOW)).toBe(true);
});

test('the money is told when it changed, with a rising seq; paid in full closes the case collected', () => {
  const s = legalEpisode();
  expect(moneyToTell(s, NOW)).toBeUndefined(); // no case
  linkCase(s, 'C1', 'LC-C1', NOW);
  const first = moneyToTell(s, NOW)!;
  expect(first).toMatchObject({ seq: 1, balance: 50_000, paidSinceReferral: 0, episodeStatus: 'legal' });
  expect(moneyToTell(s, NOW + 86_400_000)).toBeUndefined(); // only the late fee moved
  applyPayment(s, { paymentId: 'P', amount: 50_000, currency: 'CNY', paidAt: new Date(NOW).toISOString(), channel: 'bank' }, NOW);
  const second = moneyToTell(s, NOW)!;
  expect(second).toMatchObject({ seq: 2, balance: 0, paidSinceReferral: 50_000, episodeStatus: 'paid' });

  const c = openCase({ caseId: 'C1', accountId: 'A1', episodeId: 'E1', currency: 'CNY', principal: 50_000, openedBy: 't' }, NOW);
  const told = applyMoney(c, first);
  expect(told).toMatchObject({ changed: true });
  expect(told.close).toBeUndefined();
  expect(applyMoney(told.case, first).changed).toBe(false); // a repeat
  const paid = applyMoney(told.case, second);
  expect(paid.close).toBe('collected');
  const closed = closeByMoney(paid.case, paid.close!, 'money:2', NOW);
  expect(closed).toMatchObject({ state: 'closed', outcome: 'collected' });
  expect(closed.history.at(-1)).toMatchObject({ kind: 'step', step: 'closed', from: 'referred', to: 'closed' });
});
