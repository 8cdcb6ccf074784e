// The list read model (ADR 8): after every change of status, stage, service, balance or next action
// the episode writes its view to PostgreSQL, one activity per change, with a version one higher
// than the last (carried across continue-as-new), so a late write never overwrites a newer one.
import { viewToWrite } from '../../domain/episode/read-model';
import type { NextMove } from '../../domain/episode/practice/next-move';
import type { EpisodeState } from '../../domain/episode/state';
import { records } from './activity-proxies';

/** Writes the episode's view if it changed since the last write; true when it wrote. */
/** `limitation`: the view holds the limitation expiry (under `patched('limitation')`). */
export async function recordViewIfChanged(state: EpisodeState, move: NextMove | undefined, limitation = false): Promise<boolean> {
  const now = Date.now();
  // A move already due is taken first and its outcome written after: writing it now would only add a
  // write per rung (the wake-up of a timer lands a few ms after the planned instant, which moves `at`).
  if (move && move.at <= now) return false;
  const write = viewToWrite(state, move, now, limitation);
  if (!write) return false;
  const { view: full, version, startedAt } = write;
  const { limitationExpiresAt, ...view } = full;
  await records.recordEpisodeView({
    accountId: state.accountId,
    episodeId: state.episodeId,
    episodeStartedAt: new Date(startedAt).toISOString(),
    version,
    ...view,
    nextActionAt: view.nextActionAt === null ? null : new Date(view.nextActionAt).toISOString(),
    ...(limitationExpiresAt !== undefined ? { limitationExpiresAt: limitationExpiresAt === null ? null : new Date(limitationExpiresAt).toISOString() } : {}),
    updatedAt: new Date(now).toISOString(),
  });
  return true;
}
