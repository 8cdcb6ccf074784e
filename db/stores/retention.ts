// SQL of the personal-data retention rule (issue 14, ADR 20): an account whose last episode ended
// (paid, written off or closed; `legal` keeps its data while the case runs) more than N days ago,
// and that billing has not written since, has its name and phone number blanked, in `accounts` and
// in the copies kept beside it (bulk-intake rows already enrolled, the provider request log: to,
// text, name, phone). Ids, amounts and dates stay: the ledger and the audit trail still add up.
import type { Pool, PoolClient } from 'pg';

/** What a blanked name or number reads. */
export const ERASED = '[erased]';

export interface RetentionCandidate {
  accountId: string;
  /** When the account's last episode last changed (its end), UTC ISO-8601. */
  endedAt: string;
}

const ENDED = ['paid', 'written_off', 'closed'];

const DUE = `
  FROM accounts a JOIN episode_read_model m USING (account_id)
  WHERE m.status = ANY($2::text[]) AND m.updated_at < $1 AND a.updated_at < $1
    AND (a.personal_data_erased_at IS NULL OR a.updated_at > a.personal_data_erased_at)`;

export function retentionStore(pool: Pool) {
  return {
    /** Accounts the rule applies to at this cutoff, in account order. */
    async due(cutoff: Date, limit = 10_000): Promise<RetentionCandidate[]> {
      const { rows } = await pool.query<{ account_id: string; ended_at: Date }>(
        `SELECT a.account_id, m.updated_at AS ended_at ${DUE} ORDER BY a.account_id LIMIT $3`,
        [cutoff, ENDED, limit],
      );
      return rows.map((r) => ({ accountId: r.account_id, endedAt: r.ended_at.toISOString() }));
    },

    /** Blanks those accounts (re-checked under lock in tx); the ids blanked. */
    async erase(tx: PoolClient, cutoff: Date, accountIds: string[]): Promise<string[]> {
      const { rows } = await tx.query<{ account_id: string }>(
        `UPDATE accounts SET customer_name = $4, phone = $4, personal_data_erased_at = now()
          WHERE account_id = ANY($3::text[]) AND account_id IN (SELECT a.account_id ${DUE} FOR UPDATE OF a)
          RETURNING account_id`,
        [cutoff, ENDED, accountIds, ERASED],
      );
      const erased = rows.map((r) => r.account_id);
      if (erased.length === 0) return erased;
      const blank = JSON.stringify({ customerName: ERASED, phone: ERASED });
      await tx.query(
        `UPDATE batch_rows SET payload = payload || $2::jsonb
          WHERE state <> 'pending' AND payload IS NOT NULL AND payload->>'accountId' = ANY($1::text[])`,
        [erased, blank],
      );
      // only the keys a request has: to (SMS), text, name, phone
      await tx.query(
        `UPDATE provider_requests
            SET payload = payload || (SELECT coalesce(jsonb_object_agg(k, $2::text), '{}'::jsonb) FROM jsonb_object_keys(payload) k WHERE k IN ('to', 'text', 'name', 'phone'))
          WHERE account_id = ANY($1::text[])`,
        [erased, ERASED],
      );
      return erased;
    },
  };
}
