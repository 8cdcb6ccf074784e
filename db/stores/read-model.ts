// SQL of the list read model (`episode_read_model`, ADR 8): one row per account, the latest episode
// as its workflow last wrote it. The write is guarded by (episode_started_at, version): a write
// older than the row (a retried activity that lands late, an older episode) changes nothing. The
// list answers from this table only, never from the workflows.
import type { Pool } from 'pg';
import type { EpisodeView } from '../../domain/episode/read-model';
import { EPISODE_POLICY_SQL } from './reports';

/**
 * What the workflow writes at each change of status, stage, service, balance or next action: the
 * domain's view of the episode (domain/episode/read-model.ts) with its key, order and times in UTC.
 */
export interface EpisodeViewRecord extends Omit<EpisodeView, 'nextActionAt' | 'limitationExpiresAt'> {
  accountId: string;
  episodeId: string;
  /** Workflow time the episode first wrote its view (ISO, UTC): orders episodes of one account. */
  episodeStartedAt: string;
  /** Monotonic within the episode, carried across continue-as-new. */
  version: number;
  /** ISO, UTC; null when nothing is planned. */
  nextActionAt: string | null;
  /** Workflow time of the change (ISO, UTC). */
  updatedAt: string;
  /** 诉讼时效 (ISO, UTC); null when nothing is owed; absent from episodes before the `limitation` patch (the column is left as it was). */
  limitationExpiresAt?: string | null;
}

/** Writes the view unless the row already holds the same or a newer one; true when it was written. */
export async function recordEpisodeView(pool: Pool, v: EpisodeViewRecord): Promise<boolean> {
  const { rowCount } = await pool.query(
    `INSERT INTO episode_read_model AS m (account_id, episode_id, episode_started_at, version, status, stage, service, balance_minor, currency,
       segment, lists, anchor_due_date, next_action, next_action_at, region, updated_at, litigation_case_id, litigation_case_number,
       limitation_expires_at, lines)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, coalesce($14::timestamptz, 'infinity'),
       (SELECT region FROM accounts WHERE account_id = $1), $15, $16, $17, $18::timestamptz, $20::jsonb)
     ON CONFLICT (account_id) DO UPDATE SET
       episode_id = excluded.episode_id, episode_started_at = excluded.episode_started_at, version = excluded.version,
       status = excluded.status, stage = excluded.stage, service = excluded.service, balance_minor = excluded.balance_minor,
       currency = excluded.currency, segment = excluded.segment, lists = excluded.lists, anchor_due_date = excluded.anchor_due_date,
       next_action = excluded.next_action, next_action_at = excluded.next_action_at, region = excluded.region, updated_at = excluded.updated_at,
       litigation_case_id = excluded.litigation_case_id, litigation_case_number = excluded.litigation_case_number,
       limitation_expires_at = CASE WHEN $19::boolean THEN excluded.limitation_expires_at ELSE m.limitation_expires_at END,
       lines = excluded.lines
     WHERE (excluded.episode_started_at, excluded.version) > (m.episode_started_at, m.version)`,
    [
      v.accountId,
      v.episodeId,
      v.episodeStartedAt,
      v.version,
      v.status,
      v.stage,
      v.service,
      v.balance,
      v.currency,
      v.segment,
      v.lists,
      v.anchorDueDate,
      v.nextAction,
      v.nextActionAt,
      v.updatedAt,
      v.litigationCaseId ?? null,
      v.litigationCaseNumber ?? null,
      v.limitationExpiresAt ?? null,
      v.limitationExpiresAt !== undefined,
      v.lines ? JSON.stringify(v.lines) : null,
    ],
  );
  return rowCount === 1;
}

export const AGING_BUCKETS = ['0-30', '31-60', '61-90', '91-180', '180+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];
/** Days past the anchor due date, inclusive bounds; `180+` is 181 days and more. */
export const AGING_DAYS: Record<AgingBucket, { min: number; max?: number }> = {
  '0-30': { min: 0, max: 30 },
  '31-60': { min: 31, max: 60 },
  '61-90': { min: 61, max: 90 },
  '91-180': { min: 91, max: 180 },
  '180+': { min: 181 },
};

export const SORT_KEYS = ['balance', 'next_action_at', 'anchor_due_date', 'updated_at'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
const SORT_COLUMN: Record<SortKey, string> = {
  balance: 'balance_minor',
  next_action_at: 'next_action_at',
  anchor_due_date: 'anchor_due_date',
  updated_at: 'updated_at',
};
const SORT_CAST: Record<SortKey, string> = { balance: 'bigint', next_action_at: 'timestamptz', anchor_due_date: 'date', updated_at: 'timestamptz' };
/** The sort value as the cursor keeps it: exact (timestamps to the microsecond). */
const SORT_TEXT: Record<SortKey, string> = {
  balance: 'balance_minor::text',
  next_action_at: "CASE WHEN next_action_at = 'infinity' THEN 'infinity' ELSE to_json(next_action_at)#>>'{}' END",
  anchor_due_date: "to_char(anchor_due_date, 'YYYY-MM-DD')",
  updated_at: "to_json(updated_at)#>>'{}'",
};

export const LIST_PAGE_MAX = 500;

export interface AccountListFilter {
  status?: string[];
  stage?: string[];
  service?: string[];
  segment?: string[];
  /** Accounts carrying this list flag. */
  list?: string;
  region?: string[];
  currency?: string;
  balanceMin?: number;
  balanceMax?: number;
  aging?: AgingBucket;
  /** ISO instant: the next action is planned strictly before it. */
  nextActionBefore?: string;
  /** Accounts with an open task claimed by this actor (`work_tasks.claimed_by`). */
  assignee?: string;
  /** ISO instant: the claim becomes time-barred (诉讼时效) strictly before it. */
  limitationBefore?: string;
  /** Accounts whose episode runs this policy version (its pin or latest policy migration; db/stores/reports.ts). */
  policyVersion?: number;
  /** Accounts whose episode runs this policy (by name). */
  policy?: string;
}

export interface AccountListQuery {
  filter: AccountListFilter;
  sort: SortKey;
  order: 'asc' | 'desc';
  limit: number;
  /** An opaque cursor from the previous page (see encodeCursor). */
  cursor?: string;
  /** The day ages are counted to (UTC `YYYY-MM-DD`); today by default. */
  asOfDate?: string;
}

export interface AccountListItem {
  accountId: string;
  episodeId: string;
  status: string;
  stage: string;
  service: string;
  balance: number;
  currency: string;
  segment: string;
  lists: string[];
  region: string | null;
  anchorDueDate: string;
  daysPastDue: number;
  nextAction: string | null;
  nextActionAt: string | null;
  version: number;
  updatedAt: string;
  /** 诉讼时效: when the earliest unpaid bill becomes time-barred (ISO, UTC); null when unknown or nothing is owed. */
  limitationExpiresAt: string | null;
  /** Each line's state (issue 13; `service` is the worst); null for an episode before lines (its single line is `service`). */
  lines: { lineId: string; service: string; state: string }[] | null;
}

export interface AccountListPage {
  accounts: AccountListItem[];
  next?: string;
}

/** A cursor is the sort, the order and the last row's sort value and id, base64url JSON. */
interface Cursor {
  s: SortKey;
  o: 'asc' | 'desc';
  v: string;
  id: string;
}

export class CursorError extends Error {}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(raw: string, sort: SortKey, order: 'asc' | 'desc'): Cursor {
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('not a cursor from a previous page');
  }
  const ok = (x: unknown): x is Cursor =>
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Cursor).v === 'string' &&
    typeof (x as Cursor).id === 'string' &&
    (x as Cursor).s === sort &&
    (x as Cursor).o === order;
  if (!ok(c)) throw new CursorError('not a cursor of this sort and order (ask again without it)');
  const valid =
    sort === 'balance'
      ? /^-?\d{1,16}$/.test(c.v)
      : sort === 'anchor_due_date'
        ? /^\d{4}-\d{2}-\d{2}$/.test(c.v)
        : c.v === 'infinity' || !Number.isNaN(Date.parse(c.v));
  if (!valid) throw new CursorError('not a cursor from a previous page');
  return c;
}

function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

interface Row {
  account_id: string;
  episode_id: string;
  status: string;
  stage: string;
  service: string;
  balance_minor: number;
  currency: string;
  segment: string;
  lists: string[];
  region: string | null;
  anchor_due_date: string;
  days_past_due: number;
  next_action: string | null;
  next_action_at: string | null;
  version: number;
  updated_at: string;
  limitation_expires_at: string | null;
  lines: { lineId: string; service: string; state: string }[] | null;
  sort_value: string;
}

/** The WHERE clause and its parameters for a filter (also what the benchmark measures). */
export function listQuerySql(q: AccountListQuery): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const p = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  const where: string[] = [];
  const f = q.filter;
  const anyOf = (column: string, list?: string[]) => {
    if (list?.length) where.push(list.length === 1 ? `${column} = ${p(list[0])}` : `${column} = ANY(${p(list)}::text[])`);
  };
  anyOf('status', f.status);
  anyOf('stage', f.stage);
  anyOf('service', f.service);
  anyOf('segment', f.segment);
  anyOf('region', f.region);
  if (f.list) where.push(`lists @> ARRAY[${p(f.list)}]::text[]`);
  if (f.currency) where.push(`currency = ${p(f.currency)}`);
  if (f.balanceMin !== undefined) where.push(`balance_minor >= ${p(f.balanceMin)}`);
  if (f.balanceMax !== undefined) where.push(`balance_minor <= ${p(f.balanceMax)}`);
  const asOf = q.asOfDate ?? utcDate(Date.now());
  if (f.aging) {
    // Days past due = asOf − anchor: a range on anchor_due_date, so its index serves it.
    const { min, max } = AGING_DAYS[f.aging];
    where.push(`anchor_due_date <= ${p(asOf)}::date - ${p(min)}::int`);
    if (max !== undefined) where.push(`anchor_due_date >= ${p(asOf)}::date - ${p(max)}::int`);
  }
  if (f.nextActionBefore) where.push(`next_action_at < ${p(f.nextActionBefore)}::timestamptz`);
  if (f.assignee) {
    where.push(`EXISTS (SELECT 1 FROM work_tasks t WHERE t.status = 'claimed' AND t.claimed_by = ${p(f.assignee)} AND t.account_id = m.account_id)`);
  }
  if (f.limitationBefore) where.push(`limitation_expires_at < ${p(f.limitationBefore)}::timestamptz`);
  if (f.policyVersion !== undefined || f.policy !== undefined) {
    const conds = [
      ...(f.policyVersion !== undefined ? [`ep.policy_version = ${p(f.policyVersion)}::int`] : []),
      ...(f.policy !== undefined ? [`ep.policy_id = ${p(f.policy)}`] : []),
    ];
    where.push(`EXISTS (SELECT 1 FROM ${EPISODE_POLICY_SQL} ep WHERE ${conds.join(' AND ')})`);
  }

  const column = SORT_COLUMN[q.sort];
  const dir = q.order === 'desc' ? 'DESC' : 'ASC';
  if (q.cursor) {
    const c = decodeCursor(q.cursor, q.sort, q.order);
    where.push(`(${column}, account_id) ${q.order === 'desc' ? '<' : '>'} (${p(c.v)}::${SORT_CAST[q.sort]}, ${p(c.id)})`);
  }
  const limit = Math.min(Math.max(Math.trunc(q.limit) || 1, 1), LIST_PAGE_MAX);
  // ORDER BY names the table's columns (m.…): bare names would mean the output columns of the same
  // names (text renderings), which sort alike but use no index.
  const text = `SELECT account_id, episode_id, status, stage, service, balance_minor, currency, segment, lists, region,
      to_char(anchor_due_date, 'YYYY-MM-DD') AS anchor_due_date, (${p(asOf)}::date - anchor_due_date) AS days_past_due,
      next_action, CASE WHEN next_action_at = 'infinity' THEN NULL ELSE to_json(next_action_at)#>>'{}' END AS next_action_at,
      version, to_json(updated_at)#>>'{}' AS updated_at, to_json(limitation_expires_at)#>>'{}' AS limitation_expires_at,
      lines, ${SORT_TEXT[q.sort]} AS sort_value
    FROM episode_read_model m
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY m.${column} ${dir}, m.account_id ${dir}
    LIMIT ${p(limit + 1)}`;
  return { text, values };
}

const iso = (v: string | null) => (v === null ? null : new Date(v).toISOString());

export async function listAccounts(pool: Pool, q: AccountListQuery): Promise<AccountListPage> {
  const limit = Math.min(Math.max(Math.trunc(q.limit) || 1, 1), LIST_PAGE_MAX);
  const { text, values } = listQuerySql(q);
  const { rows } = await pool.query<Row>(text, values);
  const page = rows.slice(0, limit);
  const accounts = page.map((r) => ({
    accountId: r.account_id,
    episodeId: r.episode_id,
    status: r.status,
    stage: r.stage,
    service: r.service,
    balance: r.balance_minor,
    currency: r.currency,
    segment: r.segment,
    lists: r.lists,
    region: r.region,
    anchorDueDate: r.anchor_due_date,
    daysPastDue: r.days_past_due,
    nextAction: r.next_action,
    nextActionAt: iso(r.next_action_at),
    version: r.version,
    updatedAt: iso(r.updated_at)!,
    limitationExpiresAt: iso(r.limitation_expires_at),
    lines: r.lines,
  }));
  const last = page[page.length - 1];
  return rows.length > limit && last ? { accounts, next: encodeCursor({ s: q.sort, o: q.order, v: last.sort_value, id: last.account_id }) } : { accounts };
}
