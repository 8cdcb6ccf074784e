// SQL of bulk intake (tables `batches`, `batch_rows`; ADR 15). A batch's rows are written in chunks
// (one multi-row INSERT each) inside the upload's transaction; the batch row itself comes last,
// when the file's hash is known (the rows' foreign key is deferred). The enrolment job takes
// pending rows with a lease (FOR UPDATE SKIP LOCKED), so several jobs never take the same row and
// a row whose job died is taken again once its lease runs out.
import type { Pool, PoolClient } from 'pg';

export const BATCH_KINDS = ['arrears', 'payments'] as const;
export type BatchKind = (typeof BATCH_KINDS)[number];
export type BatchFormat = 'csv' | 'ndjson';
export type RowResult = 'accepted' | 'updated' | 'unchanged';
export interface RowError {
  field: string;
  message: string;
}

export interface BatchRecord {
  batchId: string;
  kind: BatchKind;
  format: BatchFormat;
  contentSha256: string;
  rowCount: number;
  /** UTC, ISO-8601. */
  createdAt: string;
}

export interface BatchCounts {
  rows: number;
  pending: number;
  accepted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  enrolled: number;
}

export interface NewBatchRow {
  rowNo: number;
  /** The validated request, or undefined when the row was rejected. */
  payload?: unknown;
  errors?: RowError[];
  /** Decided at intake (payments): the row is done with this result. */
  result?: RowResult;
  paymentId?: string;
}

/** A validated payment row, as the payments outbox keeps it. */
export interface BatchPayment {
  rowNo: number;
  paymentId: string;
  accountId: string;
  amount: number;
  currency: string;
  paidAt: string;
  channel: string;
  requestHash: string;
}

export interface ClaimedRow {
  batchId: string;
  kind: BatchKind;
  rowNo: number;
  payload: unknown;
  attempts: number;
}

export interface RejectedRow {
  row: number;
  errors: RowError[];
}

/** Largest page of rejected rows. */
export const REJECTED_PAGE_MAX = 1000;

type Db = Pool | PoolClient;

interface BatchDbRow {
  batch_id: string;
  kind: BatchKind;
  format: BatchFormat;
  content_sha256: string;
  row_count: number;
  created_at: Date;
}

const toRecord = (r: BatchDbRow): BatchRecord => ({
  batchId: r.batch_id,
  kind: r.kind,
  format: r.format,
  contentSha256: r.content_sha256,
  rowCount: r.row_count,
  createdAt: r.created_at.toISOString(),
});

export function batchStore(pool: Pool) {
  return {
    pool,

    async find(db: Db, batchId: string): Promise<BatchRecord | undefined> {
      const { rows } = await db.query<BatchDbRow>('SELECT * FROM batches WHERE batch_id = $1', [batchId]);
      return rows[0] && toRecord(rows[0]);
    },

    async findByContent(db: Db, kind: BatchKind, sha256: string): Promise<BatchRecord | undefined> {
      const { rows } = await db.query<BatchDbRow>('SELECT * FROM batches WHERE kind = $1 AND content_sha256 = $2', [kind, sha256]);
      return rows[0] && toRecord(rows[0]);
    },

    /** Serialises uploads under one batch id until the transaction ends. */
    async lockBatchId(tx: PoolClient, batchId: string): Promise<void> {
      await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('batch:' || $1, 0))", [batchId]);
    },

    /** One multi-row INSERT for a chunk of rows. */
    async insertRows(tx: PoolClient, batchId: string, rows: readonly NewBatchRow[]): Promise<void> {
      if (rows.length === 0) return;
      await tx.query(
        `INSERT INTO batch_rows (batch_id, row_no, state, result, payload, errors, payment_id, done_at)
         SELECT $1, r.row_no, CASE WHEN r.errors IS NOT NULL THEN 'rejected' WHEN r.result IS NOT NULL THEN 'enrolled' ELSE 'pending' END,
                r.result, r.payload, r.errors, r.payment_id, CASE WHEN r.result IS NOT NULL OR r.errors IS NOT NULL THEN now() END
         FROM unnest($2::int[], $3::jsonb[], $4::jsonb[], $5::text[], $6::text[]) AS r(row_no, payload, errors, result, payment_id)`,
        [
          batchId,
          rows.map((r) => r.rowNo),
          // a payment row's payload is in the payments table: not kept twice
          rows.map((r) => (r.errors || r.paymentId ? null : JSON.stringify(r.payload))),
          rows.map((r) => (r.errors ? JSON.stringify(r.errors) : null)),
          rows.map((r) => r.result ?? null),
          rows.map((r) => r.paymentId ?? null),
        ],
      );
    },

    /**
     * A chunk of payments into the payments outbox (one multi-row INSERT; the deliverer applies
     * them): each row's result by payment id. accepted: new; unchanged: the same payment was posted
     * before (alone or in a batch, or earlier in this file); rejected: the id was posted with another body.
     */
    async insertPayments(tx: PoolClient, rows: readonly BatchPayment[]): Promise<Map<number, RowResult | 'conflict'>> {
      const out = new Map<number, RowResult | 'conflict'>();
      if (rows.length === 0) return out;
      const { rows: inserted } = await tx.query<{ payment_id: string }>(
        `INSERT INTO payments (payment_id, account_id, amount_minor, currency, paid_at, channel, request_hash)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::timestamptz[], $6::text[], $7::text[])
         ON CONFLICT (payment_id) DO NOTHING RETURNING payment_id`,
        [
          rows.map((r) => r.paymentId),
          rows.map((r) => r.accountId),
          rows.map((r) => r.amount),
          rows.map((r) => r.currency),
          rows.map((r) => r.paidAt),
          rows.map((r) => r.channel),
          rows.map((r) => r.requestHash),
        ],
      );
      const fresh = new Set(inserted.map((r) => r.payment_id));
      const { rows: stored } = await tx.query<{ payment_id: string; request_hash: string }>(
        'SELECT payment_id, request_hash FROM payments WHERE payment_id = ANY($1::text[])',
        [rows.map((r) => r.paymentId)],
      );
      const hashOf = new Map(stored.map((r) => [r.payment_id, r.request_hash]));
      for (const r of rows) {
        if (fresh.delete(r.paymentId))
          out.set(r.rowNo, 'accepted'); // the first row with this id inserted it
        else out.set(r.rowNo, hashOf.get(r.paymentId) === r.requestHash ? 'unchanged' : 'conflict');
      }
      return out;
    },

    /** Rows of a payments batch whose payment the episodes have not answered yet. */
    async undeliveredPayments(db: Db, batchId: string): Promise<{ undelivered: number; delivered: number }> {
      const { rows } = await db.query<{ undelivered: number; delivered: number }>(
        `SELECT count(*) FILTER (WHERE p.result IS NULL)::int AS undelivered, count(*) FILTER (WHERE p.result IS NOT NULL)::int AS delivered
         FROM batch_rows r JOIN payments p USING (payment_id) WHERE r.batch_id = $1 AND r.state = 'enrolled'`,
        [batchId],
      );
      return rows[0]!;
    },

    /** The batch row, last: false when a batch with this id or this content exists already (the caller rolls back). */
    async insertBatch(tx: PoolClient, b: Omit<BatchRecord, 'createdAt'>): Promise<boolean> {
      const { rowCount } = await tx.query(
        `INSERT INTO batches (batch_id, kind, format, content_sha256, row_count) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [b.batchId, b.kind, b.format, b.contentSha256, b.rowCount],
      );
      return rowCount === 1;
    },

    async counts(db: Db, batchId: string): Promise<BatchCounts & { touched: number }> {
      const { rows } = await db.query<Record<string, number>>(
        `SELECT count(*)::int AS rows,
                count(*) FILTER (WHERE state = 'pending')::int AS pending,
                count(*) FILTER (WHERE result = 'accepted')::int AS accepted,
                count(*) FILTER (WHERE result = 'updated')::int AS updated,
                count(*) FILTER (WHERE result = 'unchanged')::int AS unchanged,
                count(*) FILTER (WHERE state = 'rejected')::int AS rejected,
                count(*) FILTER (WHERE state = 'enrolled')::int AS enrolled,
                count(*) FILTER (WHERE attempts > 0)::int AS touched
         FROM batch_rows WHERE batch_id = $1`,
        [batchId],
      );
      const r = rows[0]!;
      return {
        rows: r['rows']!,
        pending: r['pending']!,
        accepted: r['accepted']!,
        updated: r['updated']!,
        unchanged: r['unchanged']!,
        rejected: r['rejected']!,
        enrolled: r['enrolled']!,
        touched: r['touched']!,
      };
    },

    /** Rejected rows after row number `after`, in row order. */
    async rejected(db: Db, batchId: string, after: number, limit: number): Promise<RejectedRow[]> {
      const { rows } = await db.query<{ row_no: number; errors: RowError[] }>(
        `SELECT row_no, errors FROM batch_rows WHERE batch_id = $1 AND state = 'rejected' AND row_no > $2 ORDER BY row_no LIMIT $3`,
        [batchId, after, limit],
      );
      return rows.map((r) => ({ row: r.row_no, errors: r.errors }));
    },

    /**
     * Takes up to `n` pending rows whose lease is free, oldest batch first and in row order, and
     * leases them for `leaseMs`. Locked rows (another job is taking them) are skipped.
     */
    async claimPending(n: number, leaseMs: number): Promise<ClaimedRow[]> {
      const { rows } = await pool.query<{ batch_id: string; kind: BatchKind; row_no: number; payload: unknown; attempts: number }>(
        `WITH next AS (
           SELECT r.batch_id, r.row_no FROM batch_rows r JOIN batches b USING (batch_id)
           WHERE r.state = 'pending' AND (r.claimed_until IS NULL OR r.claimed_until < now())
           ORDER BY b.created_at, r.batch_id, r.row_no
           LIMIT $1
           FOR UPDATE OF r SKIP LOCKED)
         UPDATE batch_rows r SET claimed_until = now() + make_interval(secs => $2::double precision / 1000), attempts = r.attempts + 1
         FROM next, batches b WHERE r.batch_id = next.batch_id AND r.row_no = next.row_no AND b.batch_id = r.batch_id
         RETURNING r.batch_id, b.kind, r.row_no, r.payload, r.attempts - 1 AS attempts`,
        [n, leaseMs],
      );
      return rows
        .map((r) => ({ batchId: r.batch_id, kind: r.kind, rowNo: r.row_no, payload: r.payload, attempts: r.attempts }))
        .sort((a, b) => (a.batchId === b.batchId ? a.rowNo - b.rowNo : a.batchId < b.batchId ? -1 : 1));
    },

    /** The row is enrolled with its result (only a pending row: a late duplicate changes nothing). */
    async markEnrolled(db: Db, batchId: string, rowNo: number, result: RowResult): Promise<void> {
      await db.query(
        `UPDATE batch_rows SET state = 'enrolled', result = $3, claimed_until = NULL, done_at = now() WHERE batch_id = $1 AND row_no = $2 AND state = 'pending'`,
        [batchId, rowNo, result],
      );
    },

    async markRejected(db: Db, batchId: string, rowNo: number, errors: RowError[]): Promise<void> {
      await db.query(
        `UPDATE batch_rows SET state = 'rejected', errors = $3, claimed_until = NULL, done_at = now() WHERE batch_id = $1 AND row_no = $2 AND state = 'pending'`,
        [batchId, rowNo, JSON.stringify(errors)],
      );
    },

    /** Gives the row back, to be taken again after `retryInMs`. */
    async release(batchId: string, rowNo: number, retryInMs: number): Promise<void> {
      await pool.query(
        `UPDATE batch_rows SET claimed_until = now() + make_interval(secs => $3::double precision / 1000) WHERE batch_id = $1 AND row_no = $2 AND state = 'pending'`,
        [batchId, rowNo, retryInMs],
      );
    },
  };
}

export type BatchStore = ReturnType<typeof batchStore>;
