// The collection episode: one workflow per overdue account. It reads like the seeds' procedure:
// decide the next rung → sleep until it (or until a signal or update changes things) → take it →
// record. Decisions live in domain/ (policy engine, ledger, field practice), I/O in the activities;
// the handlers are in ./handlers, the rungs' activities in ./rungs, the register writes in ./registers.
import { allHandlersFinished, condition, continueAsNew, patched, workflowInfo } from '@temporalio/workflow';
import { setContactChannels } from '../../domain/episode/ladder';
import { balanceOf } from '../../domain/episode/ledger';
import { applyOpening } from '../../domain/episode/opening';
import { flagIfAbnormal } from '../../domain/episode/practice/dispute';
import { checkPlan } from '../../domain/episode/practice/installments';
import { lateFee } from '../../domain/episode/practice/late-fee';
import { limitationAlert } from '../../domain/episode/practice/limitation';
import { nextMove } from '../../domain/episode/practice/next-move';
import { breakPromise } from '../../domain/episode/practice/promise';
import { pendingApproval } from '../../domain/episode/practice/review';
import { newEpisode, upgradeCarried, type EpisodeState } from '../../domain/episode/state';
import type { CollectionInput, EpisodeOutcome } from '../messages';
import { installHandlers } from './handlers';
import { recordViewIfChanged } from './read-model';
import { tellCaseIfChanged } from './litigation-link';
import { raiseLimitationAlert } from './limitation';
import { recordChangedRegister } from './registers';
import { remindOfPromise, restoreService, takeStep } from './rungs';

const DEFAULT_CONTINUE_AS_NEW_AFTER = 2_000;

export async function collectionWorkflow(input: CollectionInput): Promise<EpisodeOutcome> {
  const state: EpisodeState = input.carried ? upgradeCarried(input.carried) : newEpisode(input);
  // Bumped by a handler that changed the episode, so a sleep below wakes and the loop re-plans.
  let revision = 0;

  if (!input.carried) {
    // Early payments and carried credit first: no rung is planned before they are applied.
    applyOpening(state, input, Date.now());
    flagIfAbnormal(state, input.firstBill, Date.now());
    // The account's preferred hours and second number (contact preferences) from the start.
    if ((input.preferredHours || input.secondNumber) && patched('preferred-contact')) setContactChannels(state, input);
  }
  installHandlers(state, () => revision++);

  for (;;) {
    if (state.restoration) {
      await restoreService(state);
      continue;
    }
    // Registers first, so a promise kept or a dispute upheld by the final payment is recorded too.
    if (await recordChangedRegister(state)) continue;
    // Only an episode with a litigation case (ADR 12) tells it anything: older histories never have one.
    if (await tellCaseIfChanged(state)) continue;
    const seen = revision;
    const changed = () => revision !== seen;
    const move = nextMove(state, Date.now());
    // 诉讼时效 (ADR 13): the limitation alert's timer, the read model's expiry and the referral guard.
    const limitation = patched('limitation');
    // The list read model (ADR 8); a handler that ran during the write means the move is stale: re-plan.
    if (patched('read-model') && (await recordViewIfChanged(state, move, limitation)) && changed()) continue;
    if (state.status === 'paid' || state.status === 'closed') break;
    if (historyIsLong(input)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof collectionWorkflow>({ ...input, carried: state });
    }
    const alert = limitation ? limitationAlert(state) : undefined;
    if (alert && alert.at <= Date.now()) {
      await raiseLimitationAlert(state, alert);
      continue;
    }

    if (!move) {
      // Nothing to plan (ladder done, handed to legal, written off, held by a dispute): wait for a change
      // (or for the limitation alert).
      if (alert) await condition(changed, alert.at - Date.now());
      else await condition(changed);
    } else if (move.kind === 'paused') {
      // Paused by a person (an update no older history holds; the marker names the change): until
      // resumed, or until the pause's end or the limitation alert, after which the loop re-plans.
      const steering = patched('steering');
      const wakeAt = Math.min(steering && move.until !== undefined ? move.until : Infinity, alert?.at ?? Infinity);
      if (wakeAt < Infinity) await condition(changed, wakeAt - Date.now());
      else await condition(changed);
    } else if (move.at > Date.now()) {
      await condition(changed, Math.min(move.at, alert?.at ?? Infinity) - Date.now());
    } else if (move.kind === 'installment_check') {
      checkPlan(state, Date.now());
    } else if (move.kind === 'promise_reminder') {
      await remindOfPromise(state, move.skipReason, move.contact);
    } else if (move.kind === 'promise_expiry') {
      breakPromise(state);
    } else if (move.kind === 'approved_action') {
      // Only after a red-list review was approved (an update no older history holds): no guard needed.
      await takeStep(state, move.plan, pendingApproval(state)!.decision, limitation);
    } else {
      await takeStep(state, move.plan, undefined, limitation);
    }
  }

  await condition(allHandlersFinished);
  const fee = lateFee(state, Date.now());
  return {
    status: state.status,
    service: state.service,
    balance: balanceOf(state),
    currency: state.currency,
    ...(fee ? { lateFeeDue: fee.due } : {}),
  };
}

function historyIsLong(input: CollectionInput): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > (input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER);
}
