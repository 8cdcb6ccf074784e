// Red-list reviews: a rung whose action the red list forbids doing automatically (a suspension, a
// deregistration) becomes a `manual_review` task instead. A person then decides: approved, the
// rung's own action is taken (still inside its window and legal floors, and not if the line is
// already in that state); rejected, it is skipped with the reason. The ladder does not wait for
// the decision: its later rungs go on being planned (and reviewed) as before. Pure.
import { ladderFor } from '../../policy/engine';
import type { LadderAction, LadderStep } from '../../policy/types';
import type { EpisodeState, ReviewDecision, ReviewDecisionRequest } from '../state';

export interface ReviewAnswer {
  stepId: string;
  action: LadderAction;
  decision: 'approved' | 'rejected';
}

function reviewed(state: EpisodeState, stepId: string) {
  return state.steps.find((s) => s.cycle === state.cycle && s.stepId === stepId && s.action === 'manual_review' && s.outcome === 'done');
}

export function decisionOf(state: EpisodeState, stepId: string): ReviewDecision | undefined {
  return (state.reviews ?? []).find((r) => r.cycle === state.cycle && r.stepId === stepId);
}

export function reviewProblem(state: EpisodeState, req: ReviewDecisionRequest): string | undefined {
  const known = decisionOf(state, req.stepId);
  if (known) return known.approve === req.approve ? undefined : `the review of ${req.stepId} was already ${known.approve ? 'approved' : 'rejected'}`;
  if (state.status !== 'open') return `episode is ${state.status}`;
  if (!reviewed(state, req.stepId)) return `no red-list review of ${req.stepId} in this cycle`;
  if (!req.approve && !req.reason?.trim()) return 'a rejection needs a reason';
  return undefined;
}

const answerOf = (d: ReviewDecision): ReviewAnswer => ({ stepId: d.stepId, action: d.action, decision: d.approve ? 'approved' : 'rejected' });

/** Records the decision (a repeat returns the first). A rejection is recorded as the rung skipped. */
export function decideReview(state: EpisodeState, req: ReviewDecisionRequest, now: number): { answer: ReviewAnswer; changed: boolean } {
  const known = decisionOf(state, req.stepId);
  if (known) return { answer: answerOf(known), changed: false };
  const step = ladderFor(state.policy, state.customer, state.ladder).find((s) => s.id === req.stepId);
  const decision: ReviewDecision = { ...req, cycle: state.cycle, action: step?.action ?? 'manual_review', decidedAt: now };
  state.reviews ??= [];
  state.reviews.push(decision);
  if (!req.approve) {
    decision.done = true;
    state.steps.push({
      cycle: state.cycle,
      stepId: req.stepId,
      action: decision.action,
      at: now,
      outcome: 'skipped',
      reason: `review rejected: ${req.reason}`,
    });
  }
  return { answer: answerOf(decision), changed: true };
}

/** The approved action still to take, oldest first. */
export function pendingApproval(state: EpisodeState): { decision: ReviewDecision; step: LadderStep } | undefined {
  for (const d of state.reviews ?? []) {
    if (d.done || !d.approve || d.cycle !== state.cycle) continue;
    const step = ladderFor(state.policy, state.customer, state.ladder).find((s) => s.id === d.stepId);
    if (step) return { decision: d, step };
  }
  return undefined;
}
