// The lines of an account (issue 13, ADR 17): number and service per line id, as billing last posted
// them. Numbers are personal data: they live here, never in workflow histories.
import type { Pool, PoolClient } from 'pg';
import type { LineService } from '../../domain/policy/types';
import { withTransaction } from '../pool';

export interface AccountLineRow {
  lineId: string;
  number: string;
  service: LineService;
}

export function accountLinesStore(pool: Pool) {
  return {
    /**
     * Stores these lines' numbers and services. A line left out is kept: a running episode may still
     * have to restore it, and its restoration looks the number up here.
     */
    async upsert(accountId: string, lines: AccountLineRow[], tx?: PoolClient): Promise<void> {
      const run = async (c: PoolClient) => {
        await c.query(
          `INSERT INTO account_lines (account_id, line_id, number, service)
           SELECT $1, l.line_id, l.number, l.service FROM unnest($2::text[], $3::text[], $4::text[]) AS l(line_id, number, service)
           ON CONFLICT (account_id, line_id) DO UPDATE SET number = excluded.number, service = excluded.service, updated_at = now()
             WHERE (account_lines.number, account_lines.service) IS DISTINCT FROM (excluded.number, excluded.service)`,
          [accountId, lines.map((l) => l.lineId), lines.map((l) => l.number), lines.map((l) => l.service)],
        );
      };
      if (tx) return run(tx);
      return withTransaction(pool, run);
    },

    async list(accountId: string): Promise<AccountLineRow[]> {
      const { rows } = await pool.query<AccountLineRow>(
        'SELECT line_id AS "lineId", number, service FROM account_lines WHERE account_id = $1 ORDER BY line_id',
        [accountId],
      );
      return rows;
    },

    /** The number of one line, or undefined when billing never posted that line. */
    async numberOf(accountId: string, lineId: string): Promise<string | undefined> {
      const { rows } = await pool.query<{ number: string }>('SELECT number FROM account_lines WHERE account_id = $1 AND line_id = $2', [accountId, lineId]);
      return rows[0]?.number;
    },
  };
}
export type AccountLinesStore = ReturnType<typeof accountLinesStore>;
