// Accounts with several lines (issue 13, ADR 17), under `patched('lines')` and only in episodes that
// started with `lines` (older ones keep their single line and today's commands): a sanction is one
// activity call per line with its own key (`<rung key>/<lineId>`), and a payment that clears the
// balance restores exactly the lines this episode suspended, each measured on its own (24-hour rule).
import { ActivityFailure } from '@temporalio/workflow';
import { recordRestored, recordStep } from '../../domain/episode/ladder';
import { linesToRestore, recordLineRestored, recordLineSanction, sanctionTargets, worstService } from '../../domain/episode/lines';
import type { EpisodeState, LineState, PendingRestoration } from '../../domain/episode/state';
import type { PlannedStep } from '../../domain/policy/engine';
import type { StepRecord } from '../../domain/policy/types';
import type { StepOutcome, StepRequest } from '../../activities/contract';
import { ladder, records } from './activity-proxies';
import { restoreUntilDone } from './restore-retry';

/** Why a sanction rung was passed over: no line of a service it applies to is left to act on. */
export const NO_LINE_FOR_SANCTION = 'no line the sanction applies to';

type StepBase = Omit<StepRecord, 'outcome' | 'reason'>;

/** A sanction rung on every line it applies to (in parallel); done when at least one line took it. */
export async function sanctionLines(state: EpisodeState, plan: PlannedStep, base: StepBase, request: StepRequest, advance: boolean): Promise<void> {
  const targets = sanctionTargets(state, plan.action);
  if (targets.length === 0) {
    recordStep(state, { ...base, outcome: 'skipped', reason: NO_LINE_FOR_SANCTION }, advance);
    return;
  }
  const results = await Promise.all(
    targets.map(async (line) => {
      const key = `${request.key}/${line.lineId}`;
      try {
        const outcome = await ladder.changeServiceState({ ...request, key, lineId: line.lineId, lineService: line.service });
        return { line, key, outcome, thrown: false };
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        return { line, key, outcome: { outcome: 'failed', reason: err.cause?.message ?? err.message } satisfies StepOutcome, thrown: true };
      }
    }),
  );
  const done = results.filter((r) => r.outcome.outcome === 'done');
  for (const r of done) recordLineSanction(state, r.line.lineId, plan.action, base.at);
  const failed = results.filter((r) => r.outcome.outcome !== 'done');
  const reason = failed.map((r) => `${r.line.lineId}: ${r.outcome.reason ?? r.outcome.outcome}`).join('; ');
  recordStep(state, { ...base, outcome: done.length > 0 ? 'done' : 'failed', ...(reason ? { reason } : {}) }, advance);
  state.service = worstService(state);
  for (const r of failed.filter((f) => f.thrown)) {
    await records.raiseAlert({
      key: `${r.key}/failed`,
      kind: 'step_failed',
      accountId: state.accountId,
      episodeId: state.episodeId,
      message: `${plan.action} on line ${r.line.lineId} failed after retries: ${r.outcome.reason ?? 'no reason given'}`,
    });
  }
}

/** Restores every line this episode suspended (in parallel), then closes the pending restoration. */
export async function restoreLines(state: EpisodeState, requestFor: (key: string) => StepRequest): Promise<void> {
  const pending = state.restoration!;
  const key = `${state.accountId}/${state.episodeId}/restore/${pending.seq}`;
  await Promise.all(linesToRestore(state).map((line) => restoreLine(state, pending, `${key}/${line.lineId}`, line, requestFor)));
  const restoredAt = Date.now();
  recordRestored(state, restoredAt);
  state.service = worstService(state);
  recordStep(state, { stepId: 'restore', action: 'restore', at: restoredAt, outcome: 'done' });
}

/** One line: retried until done (./restore-retry, as for the single line), then recorded. */
async function restoreLine(
  state: EpisodeState,
  pending: PendingRestoration,
  key: string,
  line: LineState,
  requestFor: (key: string) => StepRequest,
): Promise<void> {
  await restoreUntilDone(state, pending, key, (attemptKey) => ({ ...requestFor(attemptKey), lineId: line.lineId, lineService: line.service }), line.lineId);
  const restoredAt = Date.now();
  recordLineRestored(state, line.lineId, pending, restoredAt);
  await records.recordRestoration({
    key,
    accountId: state.accountId,
    episodeId: state.episodeId,
    paymentSeenAt: new Date(pending.seenAt).toISOString(),
    restoredAt: new Date(restoredAt).toISOString(),
    latencyMs: restoredAt - pending.seenAt,
    lineId: line.lineId,
  });
}
