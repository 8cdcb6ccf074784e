// The restoration's retry loop, shared by an episode's single line and by each line of an account
// with lines (ADR 17): the activity; an at-risk alert when it is not done within the policy's time;
// a refusal alerted and tried again (a new key) after the same interval. Returns once the network
// said done: the line is never marked active until it is.
import { condition, sleep } from '@temporalio/workflow';
import type { EpisodeState, PendingRestoration } from '../../domain/episode/state';
import type { StepOutcome, StepRequest } from '../../activities/contract';
import { records, restoration } from './activity-proxies';

/** `lineId`: the line restored, named in the alerts (absent: the episode's single line). */
export async function restoreUntilDone(
  state: EpisodeState,
  pending: PendingRestoration,
  key: string,
  requestFor: (attemptKey: string) => StepRequest,
  lineId?: string,
): Promise<void> {
  const alertAfterMs = state.policy.restoration.alertAfterMinutes * 60_000;
  for (let attempt = 1; ; attempt++) {
    const attemptKey = attempt === 1 ? key : `${key}/retry-${attempt}`;
    let outcome: StepOutcome | undefined;
    const done = restoration.restoreService(requestFor(attemptKey)).then((o) => {
      outcome = o;
    });
    if (!(await condition(() => outcome !== undefined, alertAfterMs))) {
      await records.raiseAlert({
        key: `${attemptKey}/at-risk`,
        kind: 'restoration_at_risk',
        accountId: state.accountId,
        episodeId: state.episodeId,
        message: `${lineId ? `line ${lineId}` : 'service'} not restored ${state.policy.restoration.alertAfterMinutes} min after payment ${pending.paymentId}`,
      });
    }
    await done;
    if (outcome?.outcome === 'done') return;
    await records.raiseAlert({
      key: `${attemptKey}/refused`,
      kind: 'restoration_refused',
      accountId: state.accountId,
      episodeId: state.episodeId,
      message: `network refused to restore${lineId ? ` line ${lineId}` : ''} after payment ${pending.paymentId}: ${outcome?.reason ?? 'no reason given'}`,
    });
    await sleep(alertAfterMs);
  }
}
