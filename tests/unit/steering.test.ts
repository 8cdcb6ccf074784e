// Steering an episode by hand (domain/episode/practice/steering): pause, resume, escalate, skip,
// emergency restore, and the agency an account is referred to. Pure, no Temporal.
import { ladderView, recordRestored, recordStep } from '../../domain/episode/ladder';
import { nextMove } from '../../domain/episode/practice/next-move';
import {
  emergencyRestore,
  emergencyRestoreProblem,
  escalate,
  escalateProblem,
  pause,
  pauseProblem,
  pausedNow,
  resume,
  resumeProblem,
  skip,
  skipProblem,
} from '../../domain/episode/practice/steering';
import { snapshotOf } from '../../domain/episode/snapshot';
import { newEpisode, type EpisodeState } from '../../domain/episode/state';
import { addDays, atLocalTime, isWithinWindow, localDateOf } from '../../domain/policy/calendar';
import { DEFAULT_POLICY } from '../../domain/policy/default-policy';
import { planNextStep, windowFor } from '../../domain/policy/engine';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const ZONE = 'Asia/Shanghai';
const by = 'key:k1:ops';

function episode(dueDate: string): EpisodeState {
  return newEpisode({
    accountId: 'A1',
    episodeId: 'E1',
    policy: DEFAULT_POLICY,
    customer: { name: '张三', phone: '13800000000', segment: 'consumer', lists: [], timezone: ZONE },
    firstBill: { billId: 'B1', amount: 12_000, currency: 'CNY', dueDate },
  });
}

/** Takes every rung due up to `until` (simulated), as the loop would, and returns the time reached. */
function takeUntil(state: EpisodeState, from: number, until: number): number {
  let now = from;
  for (let guard = 0; guard < 100; guard++) {
    const move = nextMove(state, now);
    if (!move || move.kind !== 'rung' || move.at > until) return now;
    now = move.at;
    recordStep(state, { stepId: move.plan.step.id, action: move.plan.action, at: now, outcome: move.plan.skipReason ? 'skipped' : 'done' });
  }
  return now;
}

const due = '2026-03-01';
const start = atLocalTime(due, '12:00', ZONE);

test('a pause holds the next rung until resumed; a pause with `until` ends by itself', () => {
  const s = episode(due);
  expect(nextMove(s, start)).toMatchObject({ kind: 'rung', stepId: 'sms' });
  expect(pauseProblem(s, { requestId: 'r1', reason: ' ', by }, start)).toBe('a reason is required');
  expect(pauseProblem(s, { requestId: 'r1', reason: 'hardship call', by, until: start - 1 }, start)).toBe('until must be in the future');
  const first = pause(s, { requestId: 'r1', reason: 'hardship call', by }, start);
  expect(first).toMatchObject({ changed: true, answer: { kind: 'pause', paused: { since: start, reason: 'hardship call' } } });
  expect(nextMove(s, start + 30 * DAY)).toEqual({ kind: 'paused', stepId: 'paused', at: Infinity });
  expect(snapshotOf(s, start).next).toBeNull();
  expect(snapshotOf(s, start).paused).toMatchObject({ until: null, reason: 'hardship call', by });
  // the same request again: the same answer, nothing changed
  expect(pause(s, { requestId: 'r1', reason: 'hardship call', by }, start + HOUR)).toMatchObject({ changed: false });
  expect(pauseProblem(s, { requestId: 'r1', reason: 'x', by }, start)).toBeUndefined();
  expect(resumeProblem(s, { requestId: 'r1', reason: 'x', by }, start)).toBe('request r1 was already used for pause');
  expect(escalateProblem(s, { requestId: 'r9', reason: 'x', by }, start)).toBe('episode is paused: resume it first');

  expect(resume(s, { requestId: 'r2', reason: 'customer called back', by }, start + DAY).changed).toBe(true);
  expect(pausedNow(s, start + DAY)).toBeUndefined();
  expect(nextMove(s, start + DAY)).toMatchObject({ kind: 'rung', stepId: 'sms' });
  expect(resumeProblem(s, { requestId: 'r3', reason: 'again', by }, start + DAY)).toBe('episode is not paused');

  const until = start + 3 * DAY;
  pause(s, { requestId: 'r4', reason: 'until the 4th', by, until }, start + DAY);
  expect(nextMove(s, start + 2 * DAY)).toEqual({ kind: 'paused', stepId: 'paused', at: until, until });
  expect(nextMove(s, until)).toMatchObject({ kind: 'rung', stepId: 'sms' });
  expect(s.steering!.map((e) => e.kind)).toEqual(['pause', 'resume', 'pause']);
});

test('escalate: the next rung is due now, not held by the spacing between rungs, but still inside its window and the legal floor', () => {
  const s = episode(due);
  const smsAt = nextMove(s, start)!.at;
  recordStep(s, { stepId: 'sms', action: 'sms', at: smsAt, outcome: 'done' });
  // the voice rung waits for the 15th; spacing alone would hold it 20 h after the SMS
  const now = smsAt + 2 * HOUR;
  const before = planNextStep(ladderView(s), now)!;
  expect(before.step.id).toBe('voice');
  expect(before.at).toBeGreaterThan(now + 20 * HOUR);
  escalate(s, { requestId: 'e1', reason: 'customer unreachable, manager decided', by }, now);
  const after = planNextStep(ladderView(s), now)!;
  expect(after.step.id).toBe('voice');
  expect(after.at).toBeLessThan(smsAt + 20 * HOUR); // spacing ignored
  expect(after.at).toBeGreaterThanOrEqual(now);
  expect(isWithinWindow(after.at, windowFor(DEFAULT_POLICY, 'voice')!, ZONE)).toBe(true);
  // taken: the ladder plans as before again
  recordStep(s, { stepId: 'voice', action: 'voice', at: after.at, outcome: 'done' });
  expect(s.escalated).toBeUndefined();
  expect(s.expedite).toBeUndefined();

  // A suspension escalated early still waits for the legal floor (31 days after due).
  const t = episode(due);
  let at = takeUntil(t, start, atLocalTime(addDays(due, 25), '00:00', ZONE));
  expect(planNextStep(ladderView(t), at)!.action).not.toBe('suspend_outgoing');
  while (planNextStep(ladderView(t), at)!.action !== 'suspend_outgoing') {
    const p = planNextStep(ladderView(t), at)!;
    recordStep(t, { stepId: p.step.id, action: p.action, at, outcome: 'done' });
    at += HOUR;
  }
  escalate(t, { requestId: 'e2', reason: 'escalate', by }, at);
  const suspension = planNextStep(ladderView(t), at)!;
  expect(suspension.at).toBeGreaterThanOrEqual(atLocalTime(addDays(due, 31), '09:00', ZONE));
});

test('skip: the pending rung is recorded skipped with the reason and the ladder moves on', () => {
  const s = episode(due);
  expect(skipProblem(s, { requestId: 's1', reason: 'sent by hand', by, stepId: 'voice' }, start)).toBe('the pending rung is sms, not voice');
  const { answer } = skip(s, { requestId: 's1', reason: 'sent by hand', by, stepId: 'sms' }, start);
  expect(answer).toMatchObject({ kind: 'skip', stepId: 'sms' });
  expect(s.steps).toEqual([{ cycle: 1, stepId: 'sms', action: 'sms', at: start, outcome: 'skipped', reason: `skipped by ${by}: sent by hand` }]);
  expect(nextMove(s, start)).toMatchObject({ kind: 'rung', stepId: 'voice' });
  expect(skip(s, { requestId: 's1', reason: 'sent by hand', by }, start).changed).toBe(false);
  expect(s.steps).toHaveLength(1);
});

test('emergency restore: treated as a restoration, and suspension is not taken again before the hold', () => {
  const s = episode(due);
  expect(emergencyRestoreProblem(s, { requestId: 'x1', reason: 'hospital', by })).toBe('line is active, not suspended');
  const suspendedAt = atLocalTime(addDays(due, 32), '10:00', ZONE);
  s.index = 6; // suspend-outgoing
  recordStep(s, { stepId: 'suspend-outgoing', action: 'suspend_outgoing', at: suspendedAt, outcome: 'done' });
  expect(s.service).toBe('outgoing_barred');
  const now = suspendedAt + DAY;
  expect(emergencyRestoreProblem(s, { requestId: 'x1', reason: '', by })).toBe('a reason is required');
  expect(emergencyRestore(s, { requestId: 'x1', reason: 'customer in hospital', by }, now).changed).toBe(true);
  expect(s.restoration).toEqual({ paymentId: 'manual:x1', seenAt: now, seq: 1 });
  expect(emergencyRestoreProblem(s, { requestId: 'x2', reason: 'again', by })).toBe('a restoration is already under way');
  recordRestored(s, now + 1_000);
  expect(s.service).toBe('active');
  expect(s.restorations).toHaveLength(1);
  // back to the first suspension rung, held for the policy's 7 days
  const next = planNextStep(ladderView(s), now + 2_000)!;
  expect(next.step.id).toBe('suspend-outgoing');
  expect(next.at).toBeGreaterThanOrEqual(now + 7 * DAY);
  expect(localDateOf(next.at, ZONE) <= addDays(localDateOf(now, ZONE), 8)).toBe(true);
});

test('the agency_referral rung records the policy’s agency', () => {
  const s = episode(due);
  expect(snapshotOf(s, start).agency).toBeNull();
  recordStep(s, { stepId: 'agency-referral', action: 'agency_referral', at: start, outcome: 'done' });
  expect(s.agencyId).toBe('agency-default');
  expect(snapshotOf(s, start).agency).toBe('agency-default');
});
