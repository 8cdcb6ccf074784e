// SQL for reading and acknowledging alerts (table `alerts`; the workflow raises them through
// collection-records' raiseAlert). An alert is open until a person acknowledges it; the first
// acknowledgement stands (who, when, note), a repeat changes nothing.
import type { Pool, PoolClient } from 'pg';

export interface AlertRow {
  key: string;
  kind: string;
  accountId: string;
  episodeId: string;
  message: string;
  /** UTC, ISO-8601. */
  raisedAt: string;
  detail: Record<string, unknown>;
  /** null while the alert is open. */
  acknowledged: { by: string; at: string; note?: string } | null;
}

/** Largest page listAlerts returns. */
export const ALERT_PAGE_MAX = 200;
/** What a `before` cursor looks like (the `seq` of the last alert of the previous page). */
export const ALERT_CURSOR_PATTERN = /^[1-9]\d{0,17}$/;

interface DbRow {
  seq: string;
  alert_key: string;
  kind: string;
  account_id: string;
  episode_id: string;
  message: string;
  raised_at: Date;
  detail: Record<string, unknown>;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  acknowledgement_note: string | null;
}

const COLUMNS = 'seq::text AS seq, alert_key, kind, account_id, episode_id, message, raised_at, detail, acknowledged_at, acknowledged_by, acknowledgement_note';

function toRow(r: DbRow): AlertRow {
  return {
    key: r.alert_key,
    kind: r.kind,
    accountId: r.account_id,
    episodeId: r.episode_id,
    message: r.message,
    raisedAt: r.raised_at.toISOString(),
    detail: r.detail,
    acknowledged:
      r.acknowledged_at && r.acknowledged_by
        ? { by: r.acknowledged_by, at: r.acknowledged_at.toISOString(), ...(r.acknowledgement_note ? { note: r.acknowledgement_note } : {}) }
        : null,
  };
}

export interface AlertFilter {
  kind?: string;
  /** true: open only; false: acknowledged only; undefined: both. */
  open?: boolean;
  limit: number;
  /** The `next` cursor of the previous page: alerts raised before it. */
  before?: string;
}

export function alertsStore(pool: Pool) {
  return {
    /** Newest first, a page at a time. */
    async list(f: AlertFilter): Promise<{ alerts: AlertRow[]; next?: string }> {
      const limit = Math.min(Math.max(1, f.limit), ALERT_PAGE_MAX);
      const { rows } = await pool.query<DbRow>(
        `SELECT ${COLUMNS} FROM alerts
          WHERE ($1::text IS NULL OR kind = $1)
            AND ($2::boolean IS NULL OR (acknowledged_at IS NULL) = $2)
            AND ($3::bigint IS NULL OR seq < $3)
          ORDER BY seq DESC LIMIT $4`,
        [f.kind ?? null, f.open ?? null, f.before ?? null, limit + 1],
      );
      const page = rows.slice(0, limit);
      return { alerts: page.map(toRow), ...(rows.length > limit ? { next: page[page.length - 1]!.seq } : {}) };
    },

    /**
     * Acknowledges an open alert inside `tx`. `first` is false when it was already acknowledged
     * (the earlier acknowledgement is returned unchanged); undefined when there is no such alert.
     */
    async acknowledge(tx: PoolClient, key: string, by: string, note: string | undefined): Promise<{ alert: AlertRow; first: boolean } | undefined> {
      const updated = await tx.query<DbRow>(
        `UPDATE alerts SET acknowledged_at = now(), acknowledged_by = $2, acknowledgement_note = $3
          WHERE alert_key = $1 AND acknowledged_at IS NULL RETURNING ${COLUMNS}`,
        [key, by, note ?? null],
      );
      if (updated.rows[0]) return { alert: toRow(updated.rows[0]), first: true };
      const { rows } = await tx.query<DbRow>(`SELECT ${COLUMNS} FROM alerts WHERE alert_key = $1`, [key]);
      return rows[0] ? { alert: toRow(rows[0]), first: false } : undefined;
    },
  };
}

export type AlertsStore = ReturnType<typeof alertsStore>;
