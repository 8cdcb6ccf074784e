// SQL for the ledger (issue 13): every money movement of an account, one append-only entry each
// (table `ledger_entries`, migration 1766100000000), idempotent by its key. Amounts are signed from
// the customer's side: a charge or an accrued late fee is +, a payment, credit, waiver or write-off
// is -. Money that settles bills (payments, recoveries, credits) is also allocated to the bills,
// oldest first (`allocation` entries, which move no balance). Balances derive from the entries.
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../pool';
import { allocateFifo } from '../../domain/episode/ledger';

export const LEDGER_KINDS = [
  'charge',
  'payment',
  'allocation',
  'adjustment_credit',
  'late_fee_accrued',
  'late_fee_waived',
  'write_off',
  'recovery',
  'overpayment_credit',
  'credit_applied',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** The kinds that make up what the customer owes on an episode (its `balance`). */
export const BALANCE_KINDS: readonly LedgerKind[] = ['charge', 'payment', 'recovery', 'adjustment_credit', 'overpayment_credit', 'credit_applied'];
/** Money that settles bills: allocated to them oldest first. */
const SETTLING_KINDS: readonly LedgerKind[] = ['payment', 'recovery', 'adjustment_credit', 'credit_applied'];

export interface NewLedgerEntry {
  /** The idempotency key: the same key twice writes once. */
  key: string;
  accountId: string;
  episodeId: string;
  kind: LedgerKind;
  /** Signed minor units (see above). */
  amount: number;
  currency: string;
  /** When it happened (UTC); default: now. */
  at?: string;
  billId?: string;
  paymentId?: string;
  /** The id of what caused it: a dispute, a waiver, a write-off, a credit. */
  ref?: string;
  /** The `account_credits` entry this one mirrors. */
  creditEntryId?: string;
}

export interface LedgerEntry extends Required<Pick<NewLedgerEntry, 'key' | 'accountId' | 'episodeId' | 'kind' | 'amount' | 'currency'>> {
  seq: number;
  at: string;
  billId: string | null;
  paymentId: string | null;
  ref: string | null;
}

/** An episode's balances as the ledger has them, per currency. */
export interface LedgerBalance {
  accountId: string;
  episodeId: string;
  currency: string;
  /** What the customer owes on the episode: charges less payments, recoveries and credits. */
  balance: number;
  /** Late fees accrued less waived. */
  lateFees: number;
  /** Taken off the books (a positive figure). */
  writtenOff: number;
}

export interface LateFeeEntry {
  cursor: string;
  accountId: string;
  episodeId: string;
  kind: 'late_fee_accrued' | 'late_fee_waived';
  amount: number;
  currency: string;
  at: string;
  ref: string | null;
}

export const LATE_FEE_PAGE_MAX = 500;
export class LateFeeCursorError extends Error {}

/** The feed's cursor is the entry's seq, opaque to billing. */
export const encodeLateFeeCursor = (seq: number) => Buffer.from(`lf:${seq}`).toString('base64url');
export function decodeLateFeeCursor(raw: string): number {
  const m = /^lf:(\d{1,18})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!m) throw new LateFeeCursorError('not a cursor from the late-fee feed');
  return Number(m[1]);
}

const ENTRY_FIELDS = `seq, entry_key AS key, account_id AS "accountId", episode_id AS "episodeId", kind, amount_minor AS amount, currency,
  at, bill_id AS "billId", payment_id AS "paymentId", ref`;
type RawEntry = Omit<LedgerEntry, 'at'> & { at: Date };
const typed = (r: RawEntry): LedgerEntry => ({ ...r, seq: Number(r.seq), amount: Number(r.amount), at: r.at.toISOString() });

/**
 * Appends an entry inside `tx` (nothing when its key is known); money that settles bills is then
 * allocated to the episode's bills, oldest due date first. True when it was new.
 */
export async function appendLedgerEntry(tx: PoolClient, e: NewLedgerEntry): Promise<boolean> {
  if (!Number.isSafeInteger(e.amount) || e.amount === 0) return false;
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('ledger:' || $1))", [e.accountId]);
  const inserted = await tx.query(
    `INSERT INTO ledger_entries (entry_key, account_id, episode_id, kind, amount_minor, currency, at, bill_id, payment_id, ref, credit_entry_id)
     VALUES ($1, $2, $3, $4, $5, $6, coalesce($7::timestamptz, now()), $8, $9, $10, $11) ON CONFLICT (entry_key) DO NOTHING`,
    [
      e.key,
      e.accountId,
      e.episodeId,
      e.kind,
      e.amount,
      e.currency,
      e.at ?? null,
      e.billId ?? null,
      e.paymentId ?? null,
      e.ref ?? null,
      e.creditEntryId ?? null,
    ],
  );
  if (inserted.rowCount !== 1) return false;
  if (SETTLING_KINDS.includes(e.kind) && e.amount < 0) await allocate(tx, e);
  return true;
}

async function allocate(tx: PoolClient, e: NewLedgerEntry): Promise<void> {
  const { rows } = await tx.query<{ billId: string; dueDate: string; amount: number; allocated: number }>(
    `SELECT c.bill_id AS "billId", to_char(b.due_date, 'YYYY-MM-DD') AS "dueDate", c.amount_minor AS amount,
            coalesce((SELECT sum(a.amount_minor) FROM ledger_entries a WHERE a.kind = 'allocation' AND a.episode_id = c.episode_id
                      AND a.account_id = c.account_id AND a.bill_id = c.bill_id), 0)::bigint AS allocated
     FROM ledger_entries c JOIN bills b ON b.bill_id = c.bill_id
     WHERE c.kind = 'charge' AND c.account_id = $1 AND c.episode_id = $2 AND c.currency = $3`,
    [e.accountId, e.episodeId, e.currency],
  );
  const bills = rows.map((r) => ({ billId: r.billId, dueDate: r.dueDate, amount: Number(r.amount), allocated: Number(r.allocated) }));
  const { allocations } = allocateFifo(bills, -e.amount);
  for (const a of allocations) {
    await tx.query(
      `INSERT INTO ledger_entries (entry_key, account_id, episode_id, kind, amount_minor, currency, at, bill_id, payment_id, ref)
       VALUES ($1, $2, $3, 'allocation', $4, $5, coalesce($6::timestamptz, now()), $7, $8, $9) ON CONFLICT (entry_key) DO NOTHING`,
      [`allocation:${e.key}:${a.billId}`, e.accountId, e.episodeId, a.amount, e.currency, e.at ?? null, a.billId, e.paymentId ?? null, e.ref ?? e.key],
    );
  }
}

/** The episode the account's money goes to now: the one its latest charge joined, and its currency (undefined: none yet). */
export async function currentLedgerEpisode(q: Pool | PoolClient, accountId: string): Promise<{ episodeId: string; currency: string } | undefined> {
  const { rows } = await q.query<{ episodeId: string; currency: string }>(
    `SELECT episode_id AS "episodeId", currency FROM ledger_entries WHERE account_id = $1 AND kind = 'charge' ORDER BY seq DESC LIMIT 1`,
    [accountId],
  );
  return rows[0];
}

export function ledgerEntries(pool: Pool) {
  return {
    /** Appends one entry in its own transaction (see appendLedgerEntry). */
    append(e: NewLedgerEntry): Promise<boolean> {
      return withTransaction(pool, (tx) => appendLedgerEntry(tx, e));
    },

    async entries(accountId: string): Promise<LedgerEntry[]> {
      const { rows } = await pool.query<RawEntry>(`SELECT ${ENTRY_FIELDS} FROM ledger_entries WHERE account_id = $1 ORDER BY seq`, [accountId]);
      return rows.map(typed);
    },

    /** The account's balances from its entries, per episode and currency (oldest episode first). */
    async ledgerBalance(accountId: string): Promise<LedgerBalance[]> {
      const { rows } = await pool.query<{ episodeId: string; currency: string; balance: number; lateFees: number; writtenOff: number }>(
        `SELECT episode_id AS "episodeId", currency,
                coalesce(sum(amount_minor) FILTER (WHERE kind = ANY($2::text[])), 0)::bigint AS balance,
                coalesce(sum(amount_minor) FILTER (WHERE kind IN ('late_fee_accrued', 'late_fee_waived')), 0)::bigint AS "lateFees",
                coalesce(-sum(amount_minor) FILTER (WHERE kind = 'write_off'), 0)::bigint AS "writtenOff"
         FROM ledger_entries WHERE account_id = $1 GROUP BY episode_id, currency ORDER BY min(seq)`,
        [accountId, BALANCE_KINDS],
      );
      return rows.map((r) => ({ accountId, ...r, balance: Number(r.balance), lateFees: Number(r.lateFees), writtenOff: Number(r.writtenOff) }));
    },

    /** Late fees accrued on the episode so far, by the ledger. */
    async lateFeeAccrued(accountId: string, episodeId: string): Promise<number> {
      const { rows } = await pool.query<{ total: number }>(
        `SELECT coalesce(sum(amount_minor), 0)::bigint AS total FROM ledger_entries WHERE account_id = $1 AND episode_id = $2 AND kind = 'late_fee_accrued'`,
        [accountId, episodeId],
      );
      return Number(rows[0]!.total);
    },

    /**
     * Brings the episode's accrued late fee in the ledger up to `accruedTotal` (what the episode
     * says has accrued so far): one entry for the difference, none when the ledger has it already.
     */
    async accrueLateFee(a: { accountId: string; episodeId: string; currency: string; accruedTotal: number }): Promise<number> {
      return withTransaction(pool, async (tx) => {
        await tx.query("SELECT pg_advisory_xact_lock(hashtext('ledger:' || $1))", [a.accountId]);
        const { rows } = await tx.query<{ total: number }>(
          `SELECT coalesce(sum(amount_minor), 0)::bigint AS total FROM ledger_entries WHERE account_id = $1 AND episode_id = $2 AND kind = 'late_fee_accrued'`,
          [a.accountId, a.episodeId],
        );
        const delta = a.accruedTotal - Number(rows[0]!.total);
        if (delta <= 0) return 0;
        await appendLedgerEntry(tx, {
          key: `late-fee-accrued:${a.accountId}:${a.episodeId}:${a.accruedTotal}`,
          accountId: a.accountId,
          episodeId: a.episodeId,
          kind: 'late_fee_accrued',
          amount: delta,
          currency: a.currency,
          ref: `accrued:${a.accruedTotal}`,
        });
        return delta;
      });
    },

    /** A late-fee waiver the episode accepted (once per adjustment id), under the account's current episode. */
    async recordLateFeeWaiver(accountId: string, adjustmentId: string, amount: number): Promise<void> {
      await withTransaction(pool, async (tx) => {
        const current = await currentLedgerEpisode(tx, accountId);
        if (!current) return;
        await appendLedgerEntry(tx, {
          key: `late-fee-waived:${accountId}:${adjustmentId}`,
          accountId,
          episodeId: current.episodeId,
          kind: 'late_fee_waived',
          amount: -amount,
          currency: current.currency,
          ref: adjustmentId,
        });
      });
    },

    /** Every account with entries, and those the read model has open (the reconciliation's list). */
    async accountsToReconcile(): Promise<string[]> {
      const { rows } = await pool.query<{ accountId: string }>(
        `SELECT account_id AS "accountId" FROM ledger_entries
         UNION SELECT account_id FROM episode_read_model WHERE status NOT IN ('paid', 'closed') ORDER BY 1`,
      );
      return rows.map((r) => r.accountId);
    },

    /**
     * The late-fee feed: late-fee entries after `after` (a cursor) not yet acknowledged, oldest
     * first; `next` is absent on the last page.
     */
    async lateFees(q: { after?: string; limit: number }): Promise<{ fees: LateFeeEntry[]; next?: string }> {
      const limit = Math.min(Math.max(Math.trunc(q.limit) || 1, 1), LATE_FEE_PAGE_MAX);
      const after = q.after ? decodeLateFeeCursor(q.after) : 0;
      const { rows } = await pool.query<RawEntry>(
        `SELECT ${ENTRY_FIELDS} FROM ledger_entries
         WHERE kind IN ('late_fee_accrued', 'late_fee_waived') AND seq > $1
           AND seq > coalesce((SELECT max(up_to) FROM late_fee_acknowledgements), 0)
         ORDER BY seq LIMIT $2`,
        [after, limit + 1],
      );
      const fees = rows.slice(0, limit).map((r) => {
        const e = typed(r);
        return {
          cursor: encodeLateFeeCursor(e.seq),
          accountId: e.accountId,
          episodeId: e.episodeId,
          kind: e.kind as LateFeeEntry['kind'],
          amount: e.amount,
          currency: e.currency,
          at: e.at,
          ref: e.ref,
        };
      });
      const last = fees[fees.length - 1];
      return rows.length > limit && last ? { fees, next: last.cursor } : { fees };
    },

    /** Billing took every late fee up to `upTo` into a bill: none of them is listed again. */
    async acknowledgeLateFees(tx: PoolClient, upTo: string, actor: string): Promise<{ upTo: string; acknowledged: boolean }> {
      const seq = decodeLateFeeCursor(upTo);
      const known = await tx.query("SELECT 1 FROM ledger_entries WHERE seq = $1 AND kind IN ('late_fee_accrued', 'late_fee_waived')", [seq]);
      // never a cursor billing has not been given: that would acknowledge fees not yet listed
      if (known.rowCount !== 1) throw new LateFeeCursorError('no late fee has this cursor');
      const r = await tx.query('INSERT INTO late_fee_acknowledgements (up_to, actor) VALUES ($1, $2) ON CONFLICT (up_to) DO NOTHING', [seq, actor]);
      return { upTo, acknowledged: r.rowCount === 1 };
    },
  };
}

export type LedgerEntries = ReturnType<typeof ledgerEntries>;
