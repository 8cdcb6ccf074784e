// SQL for the audit trail (`audit_events`, see db/migrations/1764800000000_audit-events.sql): append
// one row per mutating request, list an account's rows newest first, and verify the hash chain.
// The chain itself is kept by the table's append trigger; the verifier here recomputes every hash
// with its own encoder, so it does not trust code stored in the database it checks.
import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';

/** One audited request. `outcome` is a code or short text (e.g. `created`, `forbidden`, `invalid:body.amount`), never personal data. */
export interface AuditEvent {
  keyId: string | null;
  roles: string[];
  method: string;
  /** The route pattern, e.g. `/v1/accounts/:accountId/arrears`, not the concrete path. */
  route: string;
  accountId: string | null;
  requestId: string;
  status: number;
  outcome: string;
}

export interface AuditEventRow extends AuditEvent {
  /** Decimal id; ids are gapless and in chain order. */
  id: string;
  /** UTC, ISO-8601 (milliseconds; the hash covers the stored microseconds). */
  at: string;
  /** SHA-256 hex of the row before (64 zeros for the first) and of this row. */
  prevHash: string;
  hash: string;
}

/** Longest outcome kept (the column refuses more); longer ones are cut. */
export const AUDIT_OUTCOME_MAX = 200;
/** Largest page listAuditEvents returns; a bigger limit is clamped. */
export const AUDIT_PAGE_MAX = 500;
/** What a `before` cursor looks like (an id); validate it at the API edge. */
export const AUDIT_CURSOR_PATTERN = /^[1-9]\d{0,17}$/;

const GENESIS: Buffer = Buffer.alloc(32);

function shortOutcome(outcome: string): string {
  const chars = Array.from(outcome.trim()); // by code point, so a cut never splits a surrogate pair
  return chars.length > AUDIT_OUTCOME_MAX ? chars.slice(0, AUDIT_OUTCOME_MAX).join('') : chars.join('');
}

/**
 * Appends one event. Pass the transaction's client when the request changed something, so the row
 * commits or rolls back with the change; call it as the transaction's last statement, because the
 * append holds the chain's lock until COMMIT. A Pool appends on its own (refusals, no-op requests).
 */
export async function appendAuditEvent(db: Pool | PoolClient, e: AuditEvent): Promise<void> {
  await db.query('INSERT INTO audit_events (key_id, roles, method, route, account_id, request_id, status, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
    e.keyId,
    e.roles,
    e.method,
    e.route,
    e.accountId,
    e.requestId,
    e.status,
    shortOutcome(e.outcome),
  ]);
}

interface DbRow {
  id: string;
  key_id: string | null;
  roles: string[];
  method: string;
  route: string;
  account_id: string | null;
  request_id: string;
  status: number;
  outcome: string;
  at: Date;
  prev_hash: Buffer;
  hash: Buffer;
}

const COLUMNS = 'id::text AS id, key_id, roles, method, route, account_id, request_id, status, outcome, at, prev_hash, hash';

function toRow(r: DbRow): AuditEventRow {
  return {
    id: r.id,
    keyId: r.key_id,
    roles: r.roles,
    method: r.method,
    route: r.route,
    accountId: r.account_id,
    requestId: r.request_id,
    status: r.status,
    outcome: r.outcome,
    at: r.at.toISOString(),
    prevHash: r.prev_hash.toString('hex'),
    hash: r.hash.toString('hex'),
  };
}

/** An account's events, newest first; `next` is the cursor (`before`) of the following page, absent on the last. */
export async function listAuditEvents(
  pool: Pool,
  accountId: string,
  opts: { limit: number; before?: string /* id cursor */ },
): Promise<{ events: AuditEventRow[]; next?: string }> {
  if (opts.before !== undefined && !AUDIT_CURSOR_PATTERN.test(opts.before)) throw new RangeError(`audit cursor ${JSON.stringify(opts.before)} is not an id`);
  const limit = Math.min(Math.max(Math.trunc(opts.limit) || 1, 1), AUDIT_PAGE_MAX);
  const { rows } = await pool.query<DbRow>(
    `SELECT ${COLUMNS} FROM audit_events WHERE account_id = $1 AND ($2::bigint IS NULL OR id < $2::bigint) ORDER BY audit_events.id DESC LIMIT $3`,
    [accountId, opts.before ?? null, limit + 1],
  );
  const events = rows.slice(0, limit).map(toRow);
  const last = events[events.length - 1];
  return rows.length > limit && last ? { events, next: last.id } : { events };
}

// The canonical encoding, the same as audit_field / audit_event_payload in the migration.
function field(v: string | null): Buffer {
  const len = Buffer.alloc(4);
  if (v === null) {
    len.writeInt32BE(-1);
    return len;
  }
  const bytes = Buffer.from(v, 'utf8');
  len.writeInt32BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

interface ChainRow extends DbRow {
  at_us: string;
}

function expectedHash(prev: Buffer, r: ChainRow): Buffer {
  const count = Buffer.alloc(4);
  count.writeInt32BE(r.roles.length);
  const payload = Buffer.concat([
    field(r.id),
    field(r.key_id),
    count,
    ...r.roles.map(field),
    field(r.method),
    field(r.route),
    field(r.account_id),
    field(r.request_id),
    field(String(r.status)),
    field(r.outcome),
    field(r.at_us),
  ]);
  return createHash('sha256').update(prev).update(payload).digest();
}

const VERIFY_PAGE = 5000;

/**
 * Recomputes the whole chain in id order, a page at a time (constant memory for any number of
 * rows), in one REPEATABLE READ snapshot so rows appended meanwhile cannot confuse it. Checks each
 * row's id (gapless), its link to the row before and its hash, then that the chain head names the
 * last row (rows cut off the end). `firstBroken` is the first row that does not hold.
 */
export async function verifyAuditChain(pool: Pool): Promise<{ ok: boolean; rows: number; firstBroken?: { id: string; reason: string } }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    let prevId = 0n;
    let prevHash = GENESIS;
    let rows = 0;
    for (;;) {
      const page = await client.query<ChainRow>(
        `SELECT ${COLUMNS}, (extract(epoch FROM at) * 1000000)::bigint::text AS at_us FROM audit_events WHERE id > $1::bigint ORDER BY audit_events.id LIMIT $2`,
        [prevId.toString(), VERIFY_PAGE],
      );
      for (const r of page.rows) {
        const broken = (reason: string) => ({ ok: false, rows, firstBroken: { id: r.id, reason } });
        if (BigInt(r.id) !== prevId + 1n) return broken(`rows ${prevId + 1n}..${BigInt(r.id) - 1n} are missing`);
        if (!r.prev_hash.equals(prevHash)) return broken(`prev_hash does not match the hash of row ${prevId}`);
        if (!r.hash.equals(expectedHash(prevHash, r))) return broken('hash does not match the row’s contents');
        rows++;
        prevId = BigInt(r.id);
        prevHash = r.hash;
      }
      if (page.rows.length < VERIFY_PAGE) break;
    }
    const head = await client.query<{ last_id: string; last_hash: Buffer }>('SELECT last_id::text AS last_id, last_hash FROM audit_chain_head');
    const h = head.rows[0];
    const at = (id: bigint, reason: string) => ({ ok: false, rows, firstBroken: { id: id.toString(), reason } });
    if (!h) return at(prevId + 1n, 'the chain head row is missing');
    const headId = BigInt(h.last_id);
    if (headId > prevId) return at(prevId + 1n, `rows ${prevId + 1n}..${headId} are missing from the end`);
    if (headId < prevId) return at(headId + 1n, `rows after ${headId} were not appended through the chain head`);
    if (!h.last_hash.equals(prevHash)) return at(prevId, 'the last row’s hash does not match the chain head');
    return { ok: true, rows };
  } finally {
    const rolledBack = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    client.release(rolledBack ? undefined : new Error('connection unusable after verifying'));
  }
}
