// What an open episode does next, and when: an installment plan's checkpoint holds everything, then
// a promise to pay (its reminder, then its expiry), then the ladder's next rung. One decision,
// used by the workflow loop and by the state query, so the two cannot disagree. Pure.
import { ladderView } from '../ladder';
import type { EpisodeState } from '../state';
import { planCheckpoint } from './installments';
import { promiseMove } from './promise';
import { pendingApproval } from './review';
import { pausedNow } from './steering';
import { planApprovedAction, planNextStep, type PlannedStep } from '../../policy/engine';
import type { ContactNumber } from '../../policy/types';

export type NextMove =
  | { kind: 'installment_check'; stepId: string; at: number }
  | { kind: 'promise_reminder'; stepId: string; at: number; skipReason?: string; contact?: ContactNumber }
  | { kind: 'promise_expiry'; stepId: string; at: number }
  | { kind: 'rung'; stepId: string; at: number; plan: PlannedStep }
  /** The action of a red-list rung a person approved (./review): taken without moving the ladder on. */
  | { kind: 'approved_action'; stepId: string; at: number; plan: PlannedStep }
  /** Paused by a person (./steering): nothing is taken until `until` (absent: until resumed; `at` is then Infinity). */
  | { kind: 'paused'; stepId: 'paused'; at: number; until?: number };

/** The next move, or undefined when there is nothing to plan (not open, ladder done, or held by a dispute). */
export function nextMove(state: EpisodeState, now: number): NextMove | undefined {
  const checkpoint = state.status === 'open' || state.status === 'legal' ? planCheckpoint(state, now) : undefined;
  // in legal only a plan agreed in the litigation case is checked (older episodes in legal never have a plan)
  if (state.status !== 'open') return checkpoint !== undefined ? { kind: 'installment_check', stepId: 'installment-check', at: checkpoint } : undefined;
  if (checkpoint !== undefined) return { kind: 'installment_check', stepId: 'installment-check', at: checkpoint };
  // A pause holds every contact and rung (installment checks above and restorations still go on).
  const pause = pausedNow(state, now);
  if (pause) return { kind: 'paused', stepId: 'paused', at: pause.until ?? Infinity, ...(pause.until !== undefined ? { until: pause.until } : {}) };
  const hold = promiseMove(state, now);
  if (hold) {
    return hold.kind === 'reminder'
      ? {
          kind: 'promise_reminder',
          stepId: 'promise-reminder',
          at: hold.at,
          ...(hold.skipReason ? { skipReason: hold.skipReason } : {}),
          ...(hold.contact ? { contact: hold.contact } : {}),
        }
      : { kind: 'promise_expiry', stepId: 'promise-expiry', at: hold.at };
  }
  const approved = pendingApproval(state);
  if (approved) {
    const plan = planApprovedAction(ladderView(state), approved.step, now);
    if (plan) return { kind: 'approved_action', stepId: plan.step.id, at: plan.at, plan };
  }
  const plan = planNextStep(ladderView(state), now);
  return plan ? { kind: 'rung', stepId: plan.step.id, at: plan.at, plan } : undefined;
}
