// Taking what the next move asks for: a rung of the ladder, a promise's reminder, the restoration
// of a line after payment. Each calls its activity and records the outcome in the episode.
import { ActivityFailure, CancellationScope, condition, isCancellation, patched } from '@temporalio/workflow';
import { actionKey, recordRestored, recordStep } from '../../domain/episode/ladder';
import { balanceOf } from '../../domain/episode/ledger';
import { lateFee } from '../../domain/episode/practice/late-fee';
import { activePromise } from '../../domain/episode/practice/promise';
import type { EpisodeState, ReviewDecision } from '../../domain/episode/state';
import type { PlannedStep } from '../../domain/policy/engine';
import type { ContactNumber } from '../../domain/policy/types';
import type { StepOutcome, StepRequest } from '../../activities/contract';
import { ACTIVITY_FOR, ladder, records, restoration } from './activity-proxies';
import { openReferralCase } from './litigation-link';
import { refuseTimeBarredReferral } from './limitation';
import { restoreLines, sanctionLines } from './lines';
import { restoreUntilDone } from './restore-retry';
import { isSanction } from '../../domain/episode/lines';

function stepRequest(state: EpisodeState, stepId: string, action: StepRequest['action'], key: string): StepRequest {
  return {
    key,
    accountId: state.accountId,
    episodeId: state.episodeId,
    stepId,
    action,
    customer: state.customer,
    balance: balanceOf(state),
    currency: state.currency,
    ...(state.policy.lateFee ? { lateFee: lateFee(state, Date.now())?.due ?? 0 } : {}),
    anchorDueDate: state.anchorDueDate,
    scheduledFor: new Date(Date.now()).toISOString(),
    policy: { id: state.policy.id, version: state.policy.version },
    ...taskDue(state, action),
    ...noticeData(state, action),
  };
}

/** The actions whose activity renders a notice (the text is made there, from the policy's templates). */
const NOTICE_ACTIONS: ReadonlySet<StepRequest['action']> = new Set(['sms', 'voice', 'demand_letter', 'restore']);

/** A policy's own templates travel with a notice step (absent: the activity uses the defaults); a restoration states the payment that cleared the balance. */
function noticeData(state: EpisodeState, action: StepRequest['action']): Pick<StepRequest, 'notices' | 'paidAmount'> {
  if (!NOTICE_ACTIONS.has(action)) return {};
  const paid = action === 'restore' && state.restoration ? state.payments.find((p) => p.paymentId === state.restoration!.paymentId)?.amount : undefined;
  return { ...(state.policy.notices ? { notices: state.policy.notices } : {}), ...(paid !== undefined ? { paidAmount: paid } : {}) };
}

/** A rung that makes a task for staff carries its queue's time limit, when the policy has one (older policies: none, the request as before). */
function taskDue(state: EpisodeState, action: StepRequest['action']): { taskDueInHours?: number } {
  const hours = action === 'manual_call' || action === 'field_visit' || action === 'manual_review' ? state.policy.taskDueHours?.[action] : undefined;
  return hours !== undefined ? { taskDueInHours: hours } : {};
}

/** `approved`: the action of a red-list rung a person approved; the ladder has already moved past it. */
export async function takeStep(state: EpisodeState, plan: PlannedStep, approved?: ReviewDecision, limitation = false): Promise<void> {
  const at = Date.now();
  const advance = approved === undefined;
  if (approved) approved.done = true;
  // The cycle the rung belongs to: a payment may restart the ladder while the activity runs.
  const base = { stepId: plan.step.id, action: plan.action, at, cycle: state.cycle };
  if (plan.skipReason) {
    recordStep(state, { ...base, outcome: 'skipped', reason: plan.skipReason }, advance);
    return;
  }
  const request = {
    ...stepRequest(state, plan.step.id, plan.action, actionKey(state, plan.step.id, plan.action)),
    ...(plan.contact ? { contact: plan.contact } : {}),
  };
  // 诉讼时效 (under `patched('limitation')`, decided by the loop): a time-barred debt is not referred.
  if (limitation && (await refuseTimeBarredReferral(state, plan, base, request.key, advance))) return;
  // Accounts with lines (ADR 17): only episodes started with lines, so older histories issue today's commands.
  if (state.lines && isSanction(plan.action) && patched('lines')) return sanctionLines(state, plan, base, request, advance);
  try {
    const result = await ladder[ACTIVITY_FOR[plan.action]](request);
    recordStep(state, { ...base, outcome: result.outcome, ...(result.reason ? { reason: result.reason } : {}) }, advance);
    if (plan.action === 'legal_referral' && result.outcome === 'done' && patched('litigation-link')) await openReferralCase(state);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const reason = err.cause?.message ?? err.message;
    recordStep(state, { ...base, outcome: 'failed', reason }, advance);
    await records.raiseAlert({
      key: `${request.key}/failed`,
      kind: 'step_failed',
      accountId: state.accountId,
      episodeId: state.episodeId,
      message: `${plan.action} failed after retries: ${reason}`,
    });
  }
}

/** `skipReason`: the engine passed the reminder over (the customer opted out); `contact`: the number it goes to. */
export async function remindOfPromise(state: EpisodeState, skipReason: string | undefined, contact?: ContactNumber): Promise<void> {
  const promise = activePromise(state)!;
  const at = Date.now();
  if (skipReason) {
    recordStep(state, { stepId: 'promise-reminder', action: 'promise_reminder', at, outcome: 'skipped', reason: skipReason });
    promise.reminded = true;
    return;
  }
  const key = `${state.accountId}/${state.episodeId}/promise/${promise.promiseId}/reminder`;
  const request = {
    ...stepRequest(state, 'promise-reminder', 'promise_reminder', key),
    promisedDate: promise.date,
    promisedAmount: promise.due,
    ...(contact ? { contact } : {}),
  };
  try {
    const result = await ladder.sendPromiseReminder(request);
    recordStep(state, {
      stepId: 'promise-reminder',
      action: 'promise_reminder',
      at,
      outcome: result.outcome,
      ...(result.reason ? { reason: result.reason } : {}),
    });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    recordStep(state, { stepId: 'promise-reminder', action: 'promise_reminder', at, outcome: 'failed', reason: err.cause?.message ?? err.message });
  }
  promise.reminded = true;
}

/**
 * Lifts a suspension after payment. Transient failures retry inside the activity; operations get
 * an alert if it is still not done after the policy's limit. A provider's refusal is alerted and
 * tried again (new key) after the same interval: the line is never marked active until it is.
 */
export async function restoreService(state: EpisodeState): Promise<void> {
  // Accounts with lines (ADR 17): each line this episode suspended, with its own key and record.
  if (state.lines && patched('lines')) return restoreLines(state, (key) => stepRequest(state, 'restore', 'restore', key));
  // The restoration queue (issue 11) changes the commands: older histories keep the loop below.
  // (An episode with lines restores line by line above, without the queue: ADR 16's known limit.)
  if (patched('preferred-contact')) return restoreWithQueue(state);
  const pending = state.restoration!;
  const key = `${state.accountId}/${state.episodeId}/restore/${pending.seq}`;
  await restoreUntilDone(state, pending, key, (attemptKey) => stepRequest(state, 'restore', 'restore', attemptKey));
  const restoredAt = Date.now();
  recordRestored(state, restoredAt);
  recordStep(state, { stepId: 'restore', action: 'restore', at: restoredAt, outcome: 'done' });
  await records.recordRestoration({
    key,
    accountId: state.accountId,
    episodeId: state.episodeId,
    paymentSeenAt: new Date(pending.seenAt).toISOString(),
    restoredAt: new Date(restoredAt).toISOString(),
    latencyMs: restoredAt - pending.seenAt,
  });
}

/** The restoration promise (README "Benchmarks": p99 against 24 h): a restoration task is due by then unless the policy says otherwise. */
const RESTORATION_DUE_HOURS = 24;

/**
 * The restoration with its work queue: as above, and a restoration the network refuses or does not
 * confirm within the policy's time also opens a `restoration` work task (once per restoration), so
 * operations can restore the line by hand. Whichever comes first ends it: the network's `done`, or
 * the task completed `restored` (the `recordRestoredByHand` signal; the attempt in flight is then
 * cancelled). Either way the restoration and its latency from payment are recorded (the 24 h rule).
 */
async function restoreWithQueue(state: EpisodeState): Promise<void> {
  const pending = state.restoration!;
  const key = `${state.accountId}/${state.episodeId}/restore/${pending.seq}`;
  const alertAfterMs = state.policy.restoration.alertAfterMinutes * 60_000;
  const byHand = () => pending.byHand !== undefined;
  const openTask = async (reason: 'network_refused' | 'not_confirmed') => {
    if (pending.taskId) return;
    pending.taskId = `${key}/task`;
    // Due, by default, when the 24-hour promise runs out (counted from the payment); the policy may say sooner.
    await records.openRestorationTask({
      taskId: pending.taskId,
      accountId: state.accountId,
      episodeId: state.episodeId,
      paymentId: pending.paymentId,
      reason,
      paymentSeenAt: new Date(pending.seenAt).toISOString(),
      dueInHours: state.policy.taskDueHours?.restoration ?? RESTORATION_DUE_HOURS,
    });
  };
  for (let attempt = 1; !byHand(); attempt++) {
    const attemptKey = attempt === 1 ? key : `${key}/retry-${attempt}`;
    let outcome: StepOutcome | undefined;
    let failure: Error | undefined;
    const scope = new CancellationScope();
    void scope
      .run(() => restoration.restoreService(stepRequest(state, 'restore', 'restore', attemptKey)))
      .then(
        (o) => {
          outcome = o;
        },
        (err: unknown) => {
          if (!isCancellation(err)) failure = err instanceof Error ? err : new Error(String(err));
        },
      );
    const settled = () => outcome !== undefined || failure !== undefined || byHand();
    if (!(await condition(settled, alertAfterMs))) {
      await records.raiseAlert({
        key: `${attemptKey}/at-risk`,
        kind: 'restoration_at_risk',
        accountId: state.accountId,
        episodeId: state.episodeId,
        message: `service not restored ${state.policy.restoration.alertAfterMinutes} min after payment ${pending.paymentId}`,
      });
      await openTask('not_confirmed');
      await condition(settled);
    }
    if (failure !== undefined) throw failure;
    if (outcome === undefined) {
      scope.cancel(); // restored by hand while the network attempt was still trying
      break;
    }
    if (outcome.outcome === 'done') break;
    await records.raiseAlert({
      key: `${attemptKey}/refused`,
      kind: 'restoration_refused',
      accountId: state.accountId,
      episodeId: state.episodeId,
      message: `network refused to restore after payment ${pending.paymentId}: ${outcome.reason ?? 'no reason given'}`,
    });
    await openTask('network_refused');
    await condition(byHand, alertAfterMs);
  }
  const hand = pending.byHand;
  const restoredAt = hand ? hand.at : Date.now();
  recordRestored(state, restoredAt);
  recordStep(state, {
    stepId: 'restore',
    action: 'restore',
    at: restoredAt,
    outcome: 'done',
    ...(hand ? { reason: `restored by hand (${hand.taskId})` } : {}),
  });
  await records.recordRestoration({
    key,
    accountId: state.accountId,
    episodeId: state.episodeId,
    paymentSeenAt: new Date(pending.seenAt).toISOString(),
    restoredAt: new Date(restoredAt).toISOString(),
    latencyMs: restoredAt - pending.seenAt,
  });
}
