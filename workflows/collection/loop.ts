// The collection episode: one workflow per overdue account. It reads like the seeds' procedure:
// decide the next rung → sleep until it (or until a signal or update changes things) → take it →
// record. Decisions live in domain/ (policy engine, ledger, field practice), I/O in the activities;
// the handlers are in ./handlers, the rungs' activities in ./rungs, the register writes in ./registers.
import { allHandlersFinished, condition, continueAsNew, patched, workflowInfo } from '@temporalio/workflow';
import { balanceOf } from '../../domain/episode/ledger';
import { flagIfAbnormal } from '../../domain/episode/practice/dispute';
import { checkPlan } from '../../domain/episode/practice/installments';
import { lateFee } from '../../domain/episode/practice/late-fee';
import { nextMove } from '../../domain/episode/practice/next-move';
import { breakPromise } from '../../domain/episode/practice/promise';
import { pendingApproval } from '../../domain/episode/practice/review';
import { newEpisode, upgradeCarried, type EpisodeState } from '../../domain/episode/state';
import type { CollectionInput, EpisodeOutcome } from '../messages';
import { installHandlers } from './handlers';
import { recordViewIfChanged } from './read-model';
import { recordChangedRegister } from './registers';
import { remindOfPromise, restoreService, takeStep } from './rungs';

const DEFAULT_CONTINUE_AS_NEW_AFTER = 2_000;

export async function collectionWorkflow(input: CollectionInput): Promise<EpisodeOutcome> {
  const state: EpisodeState = input.carried ? upgradeCarried(input.carried) : newEpisode(input);
  // Bumped by a handler that changed the episode, so a sleep below wakes and the loop re-plans.
  let revision = 0;

  if (!input.carried) flagIfAbnormal(state, input.firstBill, Date.now());
  installHandlers(state, () => revision++);

  for (;;) {
    if (state.restoration) {
      await restoreService(state);
      continue;
    }
    // Registers first, so a promise kept or a dispute upheld by the final payment is recorded too.
    if (await recordChangedRegister(state)) continue;
    const seen = revision;
    const changed = () => revision !== seen;
    const move = nextMove(state, Date.now());
    // The list read model (ADR 8); a handler that ran during the write means the move is stale: re-plan.
    if (patched('read-model') && (await recordViewIfChanged(state, move)) && changed()) continue;
    if (state.status === 'paid' || state.status === 'closed') break;
    if (historyIsLong(input)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof collectionWorkflow>({ ...input, carried: state });
    }

    if (!move) {
      // Nothing to plan (ladder done, handed to legal, written off, held by a dispute): wait for a change.
      await condition(changed);
    } else if (move.kind === 'paused') {
      // Paused by a person (an update no older history holds; the marker names the change): until
      // resumed, or until the pause's end, after which the loop re-plans as before.
      const steering = patched('steering');
      if (steering && move.until !== undefined) await condition(changed, move.until - Date.now());
      else await condition(changed);
    } else if (move.at > Date.now()) {
      await condition(changed, move.at - Date.now());
    } else if (move.kind === 'installment_check') {
      checkPlan(state, Date.now());
    } else if (move.kind === 'promise_reminder') {
      await remindOfPromise(state, move.skipReason);
    } else if (move.kind === 'promise_expiry') {
      breakPromise(state);
    } else if (move.kind === 'approved_action') {
      // Only after a red-list review was approved (an update no older history holds): no guard needed.
      await takeStep(state, move.plan, pendingApproval(state)!.decision);
    } else {
      await takeStep(state, move.plan);
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
