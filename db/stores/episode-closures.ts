// SQL for episodes closed by hand (table `episode_closures`): which, why, by whom, when.
import type { PoolClient } from 'pg';

/** An episode closed by hand (table `episode_closures`), recorded inside `tx`. */
export async function recordEpisodeClosure(tx: PoolClient, c: { accountId: string; episodeId: string; reason: string; closedBy: string }): Promise<void> {
  await tx.query('INSERT INTO episode_closures (account_id, episode_id, reason, closed_by) VALUES ($1, $2, $3, $4)', [
    c.accountId,
    c.episodeId,
    c.reason,
    c.closedBy,
  ]);
}
