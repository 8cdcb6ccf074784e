// SQL for the customer's contact preferences (table `contact_preferences`): one row per change,
// the latest in force. Enrolment reads the opt-out so every later episode starts with it.
import type { Pool, PoolClient } from 'pg';

export interface ContactPreferences {
  accountId: string;
  optOut: boolean;
  secondNumber?: string;
  /** Customer-local HH:MM, inside the policy's contact window. */
  preferredHours?: { start: string; end: string };
  /** Where the customer said so (a call, the counter, an app setting). */
  source: string;
  /** The API key's actor that recorded it. */
  setBy: string;
  /** UTC, ISO-8601. */
  setAt: string;
}

interface DbRow {
  account_id: string;
  opt_out: boolean;
  second_number: string | null;
  preferred_start: string | null;
  preferred_end: string | null;
  source: string;
  set_by: string;
  set_at: Date;
}

function toPreferences(r: DbRow): ContactPreferences {
  return {
    accountId: r.account_id,
    optOut: r.opt_out,
    ...(r.second_number ? { secondNumber: r.second_number } : {}),
    ...(r.preferred_start && r.preferred_end ? { preferredHours: { start: r.preferred_start, end: r.preferred_end } } : {}),
    source: r.source,
    setBy: r.set_by,
    setAt: r.set_at.toISOString(),
  };
}

export function contactPreferencesStore(pool: Pool) {
  return {
    async accountExists(accountId: string): Promise<boolean> {
      const { rows } = await pool.query('SELECT 1 FROM accounts WHERE account_id = $1', [accountId]);
      return rows.length > 0;
    },

    /** The preferences in force, or undefined when none were ever recorded. */
    async current(accountId: string): Promise<ContactPreferences | undefined> {
      const { rows } = await pool.query<DbRow>('SELECT * FROM contact_preferences WHERE account_id = $1 ORDER BY id DESC LIMIT 1', [accountId]);
      return rows[0] && toPreferences(rows[0]);
    },

    /** Records a change (pass a transaction's client to make it part of one). */
    async record(p: Omit<ContactPreferences, 'setAt'>, db: Pool | PoolClient = pool): Promise<ContactPreferences> {
      const { rows } = await db.query<DbRow>(
        `INSERT INTO contact_preferences (account_id, opt_out, second_number, preferred_start, preferred_end, source, set_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [p.accountId, p.optOut, p.secondNumber ?? null, p.preferredHours?.start ?? null, p.preferredHours?.end ?? null, p.source, p.setBy],
      );
      return toPreferences(rows[0]!);
    },
  };
}

export type ContactPreferencesStore = ReturnType<typeof contactPreferencesStore>;
