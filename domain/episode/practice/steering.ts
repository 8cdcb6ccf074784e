// Steering an episode by hand (operations; a reason always): pause it (until a date or until
// resumed), resume it, escalate (the next rung due now), skip the pending rung, restore a line in an
// emergency. Each request carries its own id: a repeat answers the same and changes nothing. Pure:
// the workflow's updates call these, the loop and the state query read `pausedNow`.
//
// - A pause holds every rung, approved red-list action and promise reminder; payments, promises,
//   disputes, installment checks and a restoration after payment go on (a restoration is never held).
//   At `until` it ends by itself: `pausedNow` is false from then on, nothing needs to be written.
// - Escalate: the next rung's own timing and the policy's spacing between rungs are ignored (a person
//   decided), its contact window, the contact rules and the legal floors are not (engine `escalated`).
// - Skip: the pending rung is recorded `skipped` with the reason and the ladder moves on.
// - Emergency restore: a suspended line is restored as after a payment (the loop's restoration), the
//   ladder goes back to its first suspension rung and no suspension is taken again for the policy's
//   `steering.restoreHoldDays` (default 7) days.
import { isSuspended, ladderFor, planNextStep } from '../../policy/engine';
import { steeringPolicy } from '../../policy/steering-policy';
import type { LadderAction } from '../../policy/types';
import { ladderView, recordStep } from '../ladder';
import type { EpisodeState, Pause, SteeringEntry, SteeringKind } from '../state';

export type { Pause, SteeringEntry, SteeringKind };

const DAY_MS = 86_400_000;

/** What every steering request carries: its id (idempotency), why, and who (the caller's key). */
export interface SteeringRequest {
  requestId: string;
  reason: string;
  by: string;
}

export interface PauseRequest extends SteeringRequest {
  /** Epoch ms; absent: until resumed. */
  until?: number;
}

export interface SkipRequest extends SteeringRequest {
  /** The rung meant (refused if another is pending); absent: whichever is pending. */
  stepId?: string;
}

export interface SteeringAnswer {
  episodeId: string;
  requestId: string;
  kind: SteeringKind;
  /** The pause in force after the request, if any (epoch ms; `until` absent: until resumed). */
  paused: { since: number; until?: number; reason: string } | null;
  /** The rung concerned (skipped, or due now after an escalation). */
  stepId?: string;
  service: EpisodeState['service'];
}

/** The pause in force at `now`, if any: one whose `until` has passed has ended by itself. */
export function pausedNow(state: EpisodeState, now: number): Pause | undefined {
  const p = state.pause;
  return p && (p.until === undefined || now < p.until) ? p : undefined;
}

function known(state: EpisodeState, requestId: string): SteeringEntry | undefined {
  return (state.steering ?? []).find((e) => e.requestId === requestId);
}

function answerOf(state: EpisodeState, entry: SteeringEntry, now: number): SteeringAnswer {
  const p = pausedNow(state, now);
  return {
    episodeId: state.episodeId,
    requestId: entry.requestId,
    kind: entry.kind,
    paused: p ? { since: p.at, reason: p.reason, ...(p.until !== undefined ? { until: p.until } : {}) } : null,
    ...(entry.stepId ? { stepId: entry.stepId } : {}),
    service: state.service,
  };
}

/** Common refusals; a repeat of a known request id is never refused (it answers the same). */
function baseProblem(state: EpisodeState, req: SteeringRequest, kind: SteeringKind): string | undefined | null {
  const k = known(state, req.requestId);
  if (k) return k.kind === kind ? null : `request ${req.requestId} was already used for ${k.kind}`;
  if (!req.reason.trim()) return 'a reason is required';
  if (state.status !== 'open') return `episode is ${state.status}`;
  return undefined;
}

/** The rung the ladder would take next (its own timing aside), or undefined. */
export function pendingRung(state: EpisodeState, now: number): { stepId: string; action: LadderAction } | undefined {
  const plan = planNextStep(ladderView(state), now);
  return plan ? { stepId: plan.step.id, action: plan.action } : undefined;
}

export function pauseProblem(state: EpisodeState, req: PauseRequest, now: number): string | undefined {
  const base = baseProblem(state, req, 'pause');
  if (base !== undefined) return base ?? undefined;
  if (req.until !== undefined && req.until <= now) return 'until must be in the future';
  return undefined;
}

export function resumeProblem(state: EpisodeState, req: SteeringRequest, now: number): string | undefined {
  const base = baseProblem(state, req, 'resume');
  if (base !== undefined) return base ?? undefined;
  return pausedNow(state, now) ? undefined : 'episode is not paused';
}

export function escalateProblem(state: EpisodeState, req: SteeringRequest, now: number): string | undefined {
  const base = baseProblem(state, req, 'escalate');
  if (base !== undefined) return base ?? undefined;
  if (pausedNow(state, now)) return 'episode is paused: resume it first';
  return pendingRung(state, now) ? undefined : 'no rung to escalate to (ladder done, nothing owed, or sanctions held by a dispute)';
}

export function skipProblem(state: EpisodeState, req: SkipRequest, now: number): string | undefined {
  const base = baseProblem(state, req, 'skip');
  if (base !== undefined) return base ?? undefined;
  const pending = pendingRung(state, now);
  if (!pending) return 'no pending rung to skip';
  if (req.stepId !== undefined && req.stepId !== pending.stepId) return `the pending rung is ${pending.stepId}, not ${req.stepId}`;
  return undefined;
}

export function emergencyRestoreProblem(state: EpisodeState, req: SteeringRequest): string | undefined {
  const k = known(state, req.requestId);
  if (k) return k.kind === 'emergency_restore' ? undefined : `request ${req.requestId} was already used for ${k.kind}`;
  if (!req.reason.trim()) return 'a reason is required';
  if (state.restoration) return 'a restoration is already under way';
  if (!isSuspended(state.service)) return `line is ${state.service}, not suspended`;
  return undefined;
}

function record(state: EpisodeState, entry: SteeringEntry): SteeringEntry {
  state.steering ??= [];
  state.steering.push(entry);
  return entry;
}

type Applied = { answer: SteeringAnswer; changed: boolean };

function repeatOr(state: EpisodeState, requestId: string, now: number, apply: () => SteeringEntry): Applied {
  const k = known(state, requestId);
  if (k) return { answer: answerOf(state, k, now), changed: false };
  return { answer: answerOf(state, apply(), now), changed: true };
}

export function pause(state: EpisodeState, req: PauseRequest, now: number): Applied {
  return repeatOr(state, req.requestId, now, () => {
    state.pause = { requestId: req.requestId, reason: req.reason, by: req.by, at: now, ...(req.until !== undefined ? { until: req.until } : {}) };
    return record(state, {
      requestId: req.requestId,
      kind: 'pause',
      reason: req.reason,
      by: req.by,
      at: now,
      ...(req.until !== undefined ? { until: req.until } : {}),
    });
  });
}

export function resume(state: EpisodeState, req: SteeringRequest, now: number): Applied {
  return repeatOr(state, req.requestId, now, () => {
    state.pause = undefined;
    return record(state, { requestId: req.requestId, kind: 'resume', reason: req.reason, by: req.by, at: now });
  });
}

/** The next rung is due now: its timing and the spacing are ignored until it is taken (engine `escalated`). */
export function escalate(state: EpisodeState, req: SteeringRequest, now: number): Applied {
  return repeatOr(state, req.requestId, now, () => {
    const pending = pendingRung(state, now);
    state.expedite = true;
    state.escalated = true;
    return record(state, {
      requestId: req.requestId,
      kind: 'escalate',
      reason: req.reason,
      by: req.by,
      at: now,
      ...(pending ? { stepId: pending.stepId } : {}),
    });
  });
}

/** The pending rung is recorded skipped (with the reason and who) and the ladder moves on. */
export function skip(state: EpisodeState, req: SkipRequest, now: number): Applied {
  return repeatOr(state, req.requestId, now, () => {
    const pending = pendingRung(state, now)!;
    recordStep(state, { stepId: pending.stepId, action: pending.action, at: now, outcome: 'skipped', reason: `skipped by ${req.by}: ${req.reason}` });
    return record(state, { requestId: req.requestId, kind: 'skip', reason: req.reason, by: req.by, at: now, stepId: pending.stepId });
  });
}

/**
 * The line is restored as after a payment (the loop's restoration runs at once); the ladder goes
 * back to its first suspension rung, held for the policy's restore-hold days.
 */
export function emergencyRestore(state: EpisodeState, req: SteeringRequest, now: number): Applied {
  return repeatOr(state, req.requestId, now, () => {
    state.restoration = { paymentId: `manual:${req.requestId}`, seenAt: now, seq: state.restorations.length + 1 };
    const ladder = ladderFor(state.policy, state.customer, state.ladder);
    const firstSuspension = ladder.findIndex((s) => s.action === 'suspend_outgoing' || s.action === 'suspend_full');
    if (firstSuspension >= 0 && state.index > firstSuspension) state.index = firstSuspension;
    state.expedite = undefined;
    state.escalated = undefined;
    state.suspensionHoldUntil = now + steeringPolicy(state.policy).restoreHoldDays * DAY_MS;
    return record(state, { requestId: req.requestId, kind: 'emergency_restore', reason: req.reason, by: req.by, at: now });
  });
}

/** The agency an account was referred to (the agency_referral rung records it), if any. */
export function referredAgency(state: EpisodeState): string | undefined {
  return state.agencyId;
}
