// SQL of the reports (issue 15, ADR 21): every figure is computed here, in PostgreSQL, from the
// read model, the ledger, the restorations and the work queues; the service only shapes the rows.
// Counts and sums come back as numbers (the pool parses bigint); numerics are cast to float8.
import type { Pool } from 'pg';
import { TASK_QUEUES } from './work-tasks';

/** Aging buckets in days since the oldest unpaid bill's due date (inclusive bounds; `366+` has no upper bound). */
export const AGING_REPORT_BUCKETS = [
  { bucket: '1-30', minDays: 1, maxDays: 30 },
  { bucket: '31-60', minDays: 31, maxDays: 60 },
  { bucket: '61-90', minDays: 61, maxDays: 90 },
  { bucket: '91-180', minDays: 91, maxDays: 180 },
  { bucket: '181-365', minDays: 181, maxDays: 365 },
  { bucket: '366+', minDays: 366, maxDays: null },
] as const;
export type AgingReportBucket = (typeof AGING_REPORT_BUCKETS)[number]['bucket'];

/** Days since due at which the recovery curve is read. */
export const RECOVERY_POINTS = [0, 7, 15, 30, 45, 60, 90, 120, 180] as const;

/** The restoration rule: a line back within 24 hours of the payment. */
export const RESTORATION_RULE_HOURS = 24;
/** Restoration latency histogram: each bucket holds latencies below `upToSeconds` (and at or above the previous bucket's). */
export const RESTORATION_BUCKETS = [
  { bucket: '<1m', upToSeconds: 60 },
  { bucket: '1-10m', upToSeconds: 600 },
  { bucket: '10-60m', upToSeconds: 3_600 },
  { bucket: '1-6h', upToSeconds: 21_600 },
  { bucket: '6-24h', upToSeconds: 86_400 },
  { bucket: '>=24h', upToSeconds: null },
] as const;
export type RestorationBucket = (typeof RESTORATION_BUCKETS)[number]['bucket'];

/** Statuses of an episode that is still running (legal: referred, still collecting). */
const RUNNING = `('open', 'legal')`;

/**
 * The policy an episode runs: the latest of its pin (`episode_policies`) and its policy migrations.
 * A subquery over the read-model row aliased `m`, one row (policy_id, policy_version) or none.
 */
export const EPISODE_POLICY_SQL = `(SELECT p.policy_id, p.policy_version FROM (
    SELECT ep.policy_id, ep.policy_version, ep.pinned_at AS at FROM episode_policies ep WHERE ep.account_id = m.account_id AND ep.episode_id = m.episode_id
    UNION ALL
    SELECT pm.to_policy, pm.to_version, pm.migrated_at FROM policy_migrations pm WHERE pm.account_id = m.account_id AND pm.episode_id = m.episode_id
  ) p ORDER BY p.at DESC LIMIT 1)`;

export interface AgingRow {
  bucket: AgingReportBucket;
  minDays: number;
  maxDays: number | null;
  currency: string;
  accounts: number;
  amount: number;
}
export interface CurrencyTotal {
  currency: string;
  accounts: number;
  amount: number;
}

export interface RecoveryRow {
  month: string;
  currency: string;
  days: number;
  accounts: number;
  billed: number;
  recovered: number;
  share: number;
}

export interface RestorationFigures {
  count: number;
  withinRule: number;
  breaches: number;
  p50Seconds: number | null;
  p99Seconds: number | null;
  maxSeconds: number | null;
  histogram: { bucket: RestorationBucket; upToSeconds: number | null; count: number }[];
  slowest: { accountId: string; lineId: string | null; paidAt: string; restoredAt: string; seconds: number }[];
  pending: number;
}

export interface WorkloadFigures {
  tasks: { queue: string; open: number; claimed: number; overdue: number }[];
  cases: { state: string; count: number }[];
  alerts: { open: number };
}

export interface PolicyEpisodeCount {
  policyId: string;
  policyVersion: number;
  open: number;
  ended: number;
}

const bucketValues = () => AGING_REPORT_BUCKETS.map((b, i) => `('${b.bucket}', ${b.minDays}, ${b.maxDays ?? 'NULL::int'}, ${i})`).join(', ');

export function reportsStore(pool: Pool) {
  return {
    /** Running episodes owing money, by days since their anchor (oldest unpaid bill's due date) on `asOf`; every bucket for each currency. */
    async aging(asOf: string): Promise<{ buckets: AgingRow[]; totals: CurrencyTotal[] }> {
      const aged = `SELECT currency::text AS currency, balance_minor, ($1::date - anchor_due_date) AS days
        FROM episode_read_model WHERE status IN ${RUNNING} AND balance_minor > 0 AND anchor_due_date <= $1::date - 1`;
      const buckets = await pool.query<AgingRow>(
        `WITH aged AS (${aged}),
              b(bucket, min_days, max_days, ord) AS (VALUES ${bucketValues()}),
              cur AS (SELECT DISTINCT currency FROM aged)
         SELECT b.bucket, b.min_days AS "minDays", b.max_days AS "maxDays", cur.currency,
                count(a.days)::int AS accounts, coalesce(sum(a.balance_minor), 0)::bigint AS amount
         FROM cur CROSS JOIN b
         LEFT JOIN aged a ON a.currency = cur.currency AND a.days >= b.min_days AND (b.max_days IS NULL OR a.days <= b.max_days)
         GROUP BY cur.currency, b.bucket, b.min_days, b.max_days, b.ord
         ORDER BY cur.currency, b.ord`,
        [asOf],
      );
      const totals = await pool.query<CurrencyTotal>(
        `WITH aged AS (${aged}) SELECT currency, count(*)::int AS accounts, sum(balance_minor)::bigint AS amount FROM aged GROUP BY currency ORDER BY currency`,
        [asOf],
      );
      return { buckets: buckets.rows, totals: totals.rows };
    },

    /**
     * Episodes by enrolment month (UTC month of their first charge), `from`–`to` inclusive
     * ('YYYY-MM'): billed (their charges) and recovered by each point (payments applied to them,
     * paid at most that many days after the first bill's due date; per episode at most what it was billed).
     */
    async recovery(from: string, to: string, points: readonly number[]): Promise<RecoveryRow[]> {
      const { rows } = await pool.query<RecoveryRow>(
        `WITH episodes AS (
           SELECT e.account_id, e.episode_id, e.currency::text AS currency, sum(e.amount_minor) AS billed, min(e.at) AS started_at,
                  min(coalesce(b.due_date, (e.at AT TIME ZONE 'UTC')::date)) AS first_due
           FROM ledger_entries e LEFT JOIN bills b ON b.bill_id = e.bill_id
           WHERE e.kind = 'charge'
           GROUP BY e.account_id, e.episode_id, e.currency
         ), cohort AS (
           SELECT *, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month FROM episodes
           WHERE started_at >= (($1::text || '-01')::timestamp AT TIME ZONE 'UTC')
             AND started_at < ((($2::text || '-01')::timestamp + interval '1 month') AT TIME ZONE 'UTC')
         ), paid AS (
           SELECT c.account_id, c.episode_id, -e.amount_minor AS amount,
                  ((coalesce(p.paid_at, e.at) AT TIME ZONE 'UTC')::date - c.first_due) AS days
           FROM cohort c
           JOIN ledger_entries e ON e.account_id = c.account_id AND e.episode_id = c.episode_id AND e.currency = c.currency AND e.kind IN ('payment', 'recovery')
           LEFT JOIN payments p ON p.payment_id = e.payment_id
         ), curve AS (
           SELECT c.month, c.currency, c.account_id, c.billed, pt.d,
                  least(c.billed, coalesce((SELECT sum(x.amount) FROM paid x WHERE x.account_id = c.account_id AND x.episode_id = c.episode_id AND x.days <= pt.d), 0)) AS recovered
           FROM cohort c CROSS JOIN unnest($3::int[]) AS pt(d)
         )
         SELECT month, currency, d AS days, count(DISTINCT account_id)::int AS accounts, sum(billed)::bigint AS billed, sum(recovered)::bigint AS recovered,
                round(sum(recovered)::numeric / nullif(sum(billed), 0), 4)::float8 AS share
         FROM curve GROUP BY month, currency, d ORDER BY month, currency, d`,
        [from, to, points],
      );
      return rows.map((r) => ({ ...r, share: r.share ?? 0 }));
    },

    /** Restorations whose payment was seen in [from, to): latency figures against the rule, the slowest ten; and lines still waiting now. */
    async restorations(from: string, to: string): Promise<RestorationFigures> {
      const rule = RESTORATION_RULE_HOURS * 3600;
      const inRange = `SELECT account_id, line_id, payment_seen_at, restored_at, latency_ms, latency_ms / 1000.0 AS s
        FROM restorations WHERE payment_seen_at >= $1::timestamptz AND payment_seen_at < $2::timestamptz`;
      const bucketCounts = RESTORATION_BUCKETS.map((b, i) => {
        const lower = i === 0 ? null : RESTORATION_BUCKETS[i - 1]!.upToSeconds;
        const cond = [lower !== null ? `s >= ${lower}` : null, b.upToSeconds !== null ? `s < ${b.upToSeconds}` : null].filter(Boolean).join(' AND ');
        return `count(*) FILTER (WHERE ${cond})::int AS b${i}`;
      }).join(', ');
      const figures = await pool.query<Record<string, number | null>>(
        `WITH r AS (${inRange})
         SELECT count(*)::int AS count, count(*) FILTER (WHERE s < ${rule})::int AS within,
                round(percentile_cont(0.5) WITHIN GROUP (ORDER BY s)::numeric, 3)::float8 AS p50,
                round(percentile_cont(0.99) WITHIN GROUP (ORDER BY s)::numeric, 3)::float8 AS p99,
                round(max(s), 3)::float8 AS max, ${bucketCounts}
         FROM r`,
        [from, to],
      );
      const slowest = await pool.query<{ accountId: string; lineId: string | null; paidAt: Date; restoredAt: Date; seconds: number }>(
        `WITH r AS (${inRange})
         SELECT account_id AS "accountId", line_id AS "lineId", payment_seen_at AS "paidAt", restored_at AS "restoredAt", round(s, 3)::float8 AS seconds
         FROM r ORDER BY latency_ms DESC, payment_seen_at, account_id LIMIT 10`,
        [from, to],
      );
      // Paid, a line still barred or suspended (the worst line is `service`): its restoration is not done yet.
      const pending = await pool.query<{ pending: number }>(
        `SELECT count(*)::int AS pending FROM episode_read_model WHERE status = 'paid' AND service IN ('outgoing_barred', 'suspended')`,
      );
      const f = figures.rows[0]!;
      const count = f['count'] ?? 0;
      const within = f['within'] ?? 0;
      return {
        count,
        withinRule: within,
        breaches: count - within,
        p50Seconds: f['p50'] ?? null,
        p99Seconds: f['p99'] ?? null,
        maxSeconds: f['max'] ?? null,
        histogram: RESTORATION_BUCKETS.map((b, i) => ({ bucket: b.bucket, upToSeconds: b.upToSeconds, count: f[`b${i}`] ?? 0 })),
        slowest: slowest.rows.map((r) => ({ ...r, paidAt: r.paidAt.toISOString(), restoredAt: r.restoredAt.toISOString() })),
        pending: pending.rows[0]?.pending ?? 0,
      };
    },

    /** Tasks not done per queue (every known queue, and any other kind with tasks), legal cases by state, open alerts. */
    async workload(): Promise<WorkloadFigures> {
      const tasks = await pool.query<WorkloadFigures['tasks'][number]>(
        `WITH q AS (SELECT unnest($1::text[]) AS queue UNION SELECT DISTINCT kind FROM work_tasks WHERE status <> 'done')
         SELECT q.queue, count(*) FILTER (WHERE t.status = 'open')::int AS open, count(*) FILTER (WHERE t.status = 'claimed')::int AS claimed,
                count(*) FILTER (WHERE t.due_at < now())::int AS overdue
         FROM q LEFT JOIN work_tasks t ON t.kind = q.queue AND t.status <> 'done'
         GROUP BY q.queue ORDER BY array_position($1::text[], q.queue) NULLS LAST, q.queue`,
        [TASK_QUEUES],
      );
      const cases = await pool.query<{ state: string; count: number }>(
        'SELECT state, count(*)::int AS count FROM litigation_cases GROUP BY state ORDER BY state',
      );
      const alerts = await pool.query<{ open: number }>('SELECT count(*)::int AS open FROM alerts WHERE acknowledged_at IS NULL');
      return { tasks: tasks.rows, cases: cases.rows, alerts: { open: alerts.rows[0]?.open ?? 0 } };
    },

    /** Episodes of the read model (each account's latest) by the policy they run; `policyId` null: no pin known. */
    async episodesByPolicy(): Promise<{ policyId: string | null; policyVersion: number | null; open: number; ended: number }[]> {
      const { rows } = await pool.query<{ policyId: string | null; policyVersion: number | null; open: number; ended: number }>(
        `SELECT p.policy_id AS "policyId", p.policy_version AS "policyVersion",
                count(*) FILTER (WHERE m.status IN ${RUNNING})::int AS open, count(*) FILTER (WHERE m.status NOT IN ${RUNNING})::int AS ended
         FROM episode_read_model m LEFT JOIN LATERAL ${EPISODE_POLICY_SQL} p ON true
         GROUP BY p.policy_id, p.policy_version ORDER BY p.policy_id NULLS LAST, p.policy_version`,
      );
      return rows;
    },

    /** Records the policy an episode runs, as its snapshot names it (the latest write wins). */
    async pinPolicy(accountId: string, episodeId: string, policy: { id: string; version: number }): Promise<void> {
      await pool.query(
        `INSERT INTO episode_policies (account_id, episode_id, policy_id, policy_version) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id, episode_id) DO UPDATE SET policy_id = excluded.policy_id, policy_version = excluded.policy_version, pinned_at = now()
         WHERE (episode_policies.policy_id, episode_policies.policy_version) IS DISTINCT FROM (excluded.policy_id, excluded.policy_version)`,
        [accountId, episodeId, policy.id, policy.version],
      );
    },
  };
}

export type ReportsStore = ReturnType<typeof reportsStore>;
