// SQL for money nobody could place (issue 11): payments kept without being applied (unapplied),
// their hand-over to a new episode's start, their moves to another account, and the account's
// credit (overpayments), an append-only ledger of entries (`account_credits`).
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../pool';
import { appendPaymentEntry, type PaymentFields } from './ledger';
import { appendLedgerEntry } from './ledger-entries';

export const UNAPPLIED_PAGE_MAX = 500;

export interface UnappliedPayment {
  paymentId: string;
  accountId: string;
  amount: number;
  currency: string;
  paidAt: string;
  receivedAt: string;
  /** Why it is not applied: no open episode when it came, or the episode refused it. */
  reason: string;
  /** The account billing posted it for, when ops moved it since. */
  originalAccountId: string | null;
}

export interface UnappliedPage {
  payments: UnappliedPayment[];
  next?: string;
}

/** A payment handed to a new episode's start: what the workflow input carries. */
export type OpeningPayment = Omit<PaymentFields, 'accountId'>;

export class UnappliedCursorError extends Error {}

/** A payment is unapplied when it was answered (`result`) but not applied (`applied_at` NULL). */
const UNAPPLIED = 'applied_at IS NULL AND result IS NOT NULL';

const encodeCursor = (receivedAt: string, paymentId: string) => Buffer.from(JSON.stringify([receivedAt, paymentId])).toString('base64url');
function decodeCursor(raw: string): [string, string] {
  try {
    const c: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(c) && c.length === 2 && typeof c[0] === 'string' && !Number.isNaN(Date.parse(c[0])) && typeof c[1] === 'string') return [c[0], c[1]];
  } catch {
    // fall through
  }
  throw new UnappliedCursorError('not a cursor from a previous page');
}

interface Raw {
  paymentId: string;
  accountId: string;
  amount: number;
  currency: string;
  paidAt: Date;
  receivedAt: Date;
  receivedAtText: string;
  reason: string | null;
  originalAccountId: string | null;
}

export function unappliedMoney(pool: Pool) {
  return {
    /** Unapplied payments, oldest received first (ties by id); `next` is absent on the last page. */
    async list(q: { limit: number; cursor?: string; accountId?: string }): Promise<UnappliedPage> {
      const limit = Math.min(Math.max(Math.trunc(q.limit) || 1, 1), UNAPPLIED_PAGE_MAX);
      const values: unknown[] = [];
      const p = (v: unknown) => `$${values.push(v)}`;
      const where = [UNAPPLIED];
      if (q.accountId) where.push(`account_id = ${p(q.accountId)}`);
      if (q.cursor) {
        const [at, id] = decodeCursor(q.cursor);
        where.push(`(received_at, payment_id) > (${p(at)}::timestamptz, ${p(id)})`);
      }
      const { rows } = await pool.query<Raw>(
        `SELECT payment_id AS "paymentId", account_id AS "accountId", amount_minor AS amount, currency, paid_at AS "paidAt",
                received_at AS "receivedAt", to_json(received_at)#>>'{}' AS "receivedAtText", result->>'reason' AS reason,
                original_account_id AS "originalAccountId"
         FROM payments WHERE ${where.join(' AND ')} ORDER BY received_at, payment_id LIMIT ${p(limit + 1)}`,
        values,
      );
      const page = rows.slice(0, limit);
      const payments = page.map((r) => ({
        paymentId: r.paymentId,
        accountId: r.accountId,
        amount: r.amount,
        currency: r.currency,
        paidAt: r.paidAt.toISOString(),
        receivedAt: r.receivedAt.toISOString(),
        reason: r.reason ?? 'not applied',
        originalAccountId: r.originalAccountId,
      }));
      const last = page[page.length - 1];
      return rows.length > limit && last ? { payments, next: encodeCursor(last.receivedAtText, last.paymentId) } : { payments };
    },

    /**
     * Hands the account's unapplied payments in `currency` to the start of episode `episodeId`
     * (marks them, so no other episode gets them while this start is unconfirmed), with the
     * account's credit in that currency. A re-sent start gets the same payments again.
     */
    async claimOpening(accountId: string, episodeId: string, currency: string): Promise<{ payments: OpeningPayment[]; credit: number }> {
      return withTransaction(pool, async (tx) => {
        await lockAccount(tx, accountId);
        const { rows } = await tx.query<{ paymentId: string; amount: number; currency: string; paidAt: Date; channel: string }>(
          `UPDATE payments SET opening_episode_id = $2
           WHERE account_id = $1 AND currency = $3 AND ${UNAPPLIED} AND (opening_episode_id IS NULL OR opening_episode_id = $2)
           RETURNING payment_id AS "paymentId", amount_minor AS amount, currency, paid_at AS "paidAt", channel`,
          [accountId, episodeId, currency],
        );
        const credit = await creditIn(tx, accountId, currency);
        const payments = rows
          .map((r) => ({ paymentId: r.paymentId, amount: r.amount, currency: r.currency, paidAt: r.paidAt.toISOString(), channel: r.channel }))
          .sort((a, b) => a.paidAt.localeCompare(b.paidAt) || a.paymentId.localeCompare(b.paymentId));
        return { payments, credit };
      });
    },

    /**
     * After the start: the claimed payments the episode holds are applied (by `episodeId`, with its
     * answer); the others (the start found an episode already running, which ignored the input)
     * go back to the outbox, whose deliverer applies them to that episode. The opening credit the
     * episode holds is taken off the account (once per episode).
     */
    async confirmOpening(c: {
      accountId: string;
      claimedFor: string;
      currency: string;
      episode: { episodeId: string; balance: number; status: string; service: string; paymentIds: string[]; creditIds: string[] };
      credit?: { creditId: string; amount: number; currency: string };
    }): Promise<{ applied: string[]; released: string[] }> {
      return withTransaction(pool, async (tx) => {
        await lockAccount(tx, c.accountId);
        const { rows } = await tx.query<{ paymentId: string }>(
          // also those kept since the claim (a payment that found no episode just before this start)
          `SELECT payment_id AS "paymentId" FROM payments
           WHERE account_id = $1 AND ${UNAPPLIED} AND (opening_episode_id = $2 OR (opening_episode_id IS NULL AND currency = $3)) FOR UPDATE`,
          [c.accountId, c.claimedFor, c.currency],
        );
        const held = new Set(c.episode.paymentIds);
        const applied = rows.map((r) => r.paymentId).filter((id) => held.has(id));
        const released = rows.map((r) => r.paymentId).filter((id) => !held.has(id));
        for (const paymentId of applied) {
          const result = {
            paymentId,
            accountId: c.accountId,
            applied: true,
            outcome: 'applied',
            balance: c.episode.balance,
            status: c.episode.status,
            service: c.episode.service,
            note: `applied when episode ${c.episode.episodeId} started (an early payment)`,
          };
          await tx.query(
            `UPDATE payments SET result = $2, applied_at = now(), episode_id = $3, opening_episode_id = NULL, delivery_error = NULL WHERE payment_id = $1`,
            [paymentId, JSON.stringify(result), c.episode.episodeId],
          );
          await appendPaymentEntry(tx, paymentId, 'payment', c.episode.episodeId);
        }
        if (released.length) {
          await tx.query(`UPDATE payments SET result = NULL, opening_episode_id = NULL, next_delivery_at = now() WHERE payment_id = ANY($1::text[])`, [
            released,
          ]);
        }
        if (c.credit && c.episode.creditIds.includes(c.credit.creditId)) {
          await tx.query(
            `INSERT INTO account_credits (entry_id, account_id, kind, amount_minor, currency, episode_id)
             VALUES ($1, $2, 'opening_credit', $3, $4, $5) ON CONFLICT (entry_id) DO NOTHING`,
            [`opening:${c.accountId}:${c.episode.episodeId}`, c.accountId, -c.credit.amount, c.credit.currency, c.episode.episodeId],
          );
          await appendLedgerEntry(tx, {
            key: `credit-applied:${c.accountId}:${c.episode.episodeId}`,
            accountId: c.accountId,
            episodeId: c.episode.episodeId,
            kind: 'credit_applied',
            amount: -c.credit.amount,
            currency: c.credit.currency,
            ref: c.credit.creditId,
            creditEntryId: `opening:${c.accountId}:${c.episode.episodeId}`,
          });
        }
        return { applied, released };
      });
    },

    /** Whether the account has unapplied payments in `currency` no start has claimed. */
    async hasUnclaimed(accountId: string, currency: string): Promise<boolean> {
      const { rows } = await pool.query(
        `SELECT 1 FROM payments WHERE account_id = $1 AND currency = $2 AND opening_episode_id IS NULL AND ${UNAPPLIED} LIMIT 1`,
        [accountId, currency],
      );
      return rows.length > 0;
    },

    /**
     * An episode that has ended paid with a negative balance left a credit: recorded once (entries
     * up to the overpaid amount; a later, larger overpayment of the same episode adds the rest).
     */
    async recordOverpayment(accountId: string, episodeId: string, overpaid: number, currency: string): Promise<boolean> {
      if (!Number.isSafeInteger(overpaid) || overpaid <= 0) return false;
      return withTransaction(pool, async (tx) => {
        await lockAccount(tx, accountId);
        const { rows } = await tx.query<{ total: number }>(
          `SELECT coalesce(sum(amount_minor), 0)::bigint AS total FROM account_credits WHERE account_id = $1 AND episode_id = $2 AND kind = 'overpayment'`,
          [accountId, episodeId],
        );
        const delta = overpaid - Number(rows[0]!.total);
        if (delta <= 0) return false;
        await tx.query(
          `INSERT INTO account_credits (entry_id, account_id, kind, amount_minor, currency, episode_id)
           VALUES ($1, $2, 'overpayment', $3, $4, $5) ON CONFLICT (entry_id) DO NOTHING`,
          [`overpayment:${accountId}:${episodeId}:${overpaid}`, accountId, delta, currency, episodeId],
        );
        // The same money leaves the episode for the account's credit.
        await appendLedgerEntry(tx, {
          key: `overpayment-credit:${accountId}:${episodeId}:${overpaid}`,
          accountId,
          episodeId,
          kind: 'overpayment_credit',
          amount: delta,
          currency,
          creditEntryId: `overpayment:${accountId}:${episodeId}:${overpaid}`,
        });
        return true;
      });
    },

    /** The account's credit per currency (only currencies with credit left). */
    async credit(accountId: string): Promise<{ amount: number; currency: string }[]> {
      const { rows } = await pool.query<{ amount: number; currency: string }>(
        `SELECT sum(amount_minor)::bigint AS amount, currency FROM account_credits WHERE account_id = $1 GROUP BY currency HAVING sum(amount_minor) > 0 ORDER BY currency`,
        [accountId],
      );
      return rows.map((r) => ({ amount: Number(r.amount), currency: r.currency }));
    },

    /**
     * Locks an unapplied payment and moves it to `toAccount` (recorded with who and why), inside
     * `tx`; what it was, or why it cannot move.
     */
    async moveUnapplied(
      tx: PoolClient,
      m: { paymentId: string; toAccount: string; reason: string; actor: string },
    ): Promise<
      { kind: 'moved'; payment: PaymentFields & { receivedAt: Date }; from: string } | { kind: 'not_found' } | { kind: 'not_unapplied'; state: string }
    > {
      const { rows } = await tx.query<{
        paymentId: string;
        accountId: string;
        amount: number;
        currency: string;
        paidAt: Date;
        channel: string;
        receivedAt: Date;
        appliedAt: Date | null;
        result: unknown;
        opening: string | null;
      }>(
        `SELECT payment_id AS "paymentId", account_id AS "accountId", amount_minor AS amount, currency, paid_at AS "paidAt", channel,
                received_at AS "receivedAt", applied_at AS "appliedAt", result, opening_episode_id AS opening
         FROM payments WHERE payment_id = $1 FOR UPDATE`,
        [m.paymentId],
      );
      const r = rows[0];
      if (!r) return { kind: 'not_found' };
      if (r.appliedAt) return { kind: 'not_unapplied', state: 'already applied' };
      if (r.result === null) return { kind: 'not_unapplied', state: 'still being delivered to its episode' };
      if (r.opening) return { kind: 'not_unapplied', state: `being applied by the start of episode ${r.opening}` };
      await tx.query(
        `UPDATE payments SET account_id = $2, original_account_id = coalesce(original_account_id, account_id), result = NULL, delivery_error = NULL
         WHERE payment_id = $1`,
        [m.paymentId, m.toAccount],
      );
      await tx.query('INSERT INTO payment_reassignments (payment_id, from_account, to_account, reason, actor) VALUES ($1, $2, $3, $4, $5)', [
        m.paymentId,
        r.accountId,
        m.toAccount,
        m.reason,
        m.actor,
      ]);
      return {
        kind: 'moved',
        from: r.accountId,
        payment: {
          paymentId: r.paymentId,
          accountId: m.toAccount,
          amount: r.amount,
          currency: r.currency,
          paidAt: r.paidAt.toISOString(),
          channel: r.channel,
          receivedAt: r.receivedAt,
        },
      };
    },

    /** Notes the episode that applied a payment (known when the API asked it). */
    async noteAppliedBy(tx: PoolClient, paymentId: string, episodeId: string): Promise<void> {
      await tx.query('UPDATE payments SET episode_id = $2 WHERE payment_id = $1 AND applied_at IS NOT NULL', [paymentId, episodeId]);
    },
  };
}

export type UnappliedMoney = ReturnType<typeof unappliedMoney>;

/** Serialises the money bookkeeping of one account (claims, confirmations, credit entries). */
async function lockAccount(tx: PoolClient, accountId: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('account-money:' || $1))", [accountId]);
}

async function creditIn(tx: PoolClient, accountId: string, currency: string): Promise<number> {
  const { rows } = await tx.query<{ total: number }>(
    'SELECT coalesce(sum(amount_minor), 0)::bigint AS total FROM account_credits WHERE account_id = $1 AND currency = $2',
    [accountId, currency],
  );
  return Math.max(0, Number(rows[0]!.total));
}
