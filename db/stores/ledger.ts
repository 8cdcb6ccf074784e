// SQL for what billing posts: accounts, overdue bills and payments. Each is idempotent by its id
// and remembers a hash of the request, so a re-send is recognised and a conflicting re-use of an
// id is refused.
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../pool';
import type { Customer } from '../../domain/policy/types';
import { appendLedgerEntry, currentLedgerEpisode } from './ledger-entries';

export interface BillRow {
  billId: string;
  accountId: string;
  requestHash: string;
  deliveredAt: Date | null;
}

export interface PaymentRow {
  paymentId: string;
  accountId: string;
  requestHash: string;
  result: Record<string, unknown> | null;
  /** Earlier deliveries that failed: each may have reached the episode with its answer lost. */
  attempts: number;
  receivedAt: Date;
}

/** A payment as billing posted it. */
export interface PaymentFields {
  paymentId: string;
  accountId: string;
  amount: number;
  currency: string;
  paidAt: string;
  channel: string;
}

export interface NewPayment extends PaymentFields {
  requestHash: string;
}

/** A payment accepted but not yet answered by its episode (the outbox). */
export interface PendingPayment extends PaymentFields {
  attempts: number;
  receivedAt: Date;
}

export interface PaymentStatus extends Omit<PaymentFields, 'channel'> {
  receivedAt: string;
  delivery: 'pending' | 'delivered';
  deliveryAttempts: number;
  lastDeliveryError: string | null;
  result: Record<string, unknown> | null;
  /** pending: not answered yet; applied: an episode applied it; unapplied: kept, applied by none (GET /v1/payments?status=unapplied). */
  status: 'pending' | 'applied' | 'unapplied';
  /** The episode that applied it, when known. */
  episodeId: string | null;
}

/** The columns of a payment as billing posted it (without the channel), and their JS types. */
const PAYMENT_FIELDS = 'payment_id AS "paymentId", account_id AS "accountId", amount_minor AS amount, currency, paid_at AS "paidAt"';
/** A payment row as PAYMENT_FIELDS (and the channel) select it: `paid_at` comes back as a Date. */
type SelectedPayment = Omit<PaymentFields, 'paidAt'> & { paidAt: Date };
function typedPaymentFields(row: Record<string, unknown>) {
  return { amount: Number(row['amount']), currency: String(row['currency']), paidAt: (row['paidAt'] as Date).toISOString() };
}

export function ledger(pool: Pool) {
  return {
    /** The account's bills other than `billId`: how many (earlier arrears) and in which currencies. */
    async otherBills(accountId: string, billId: string): Promise<{ count: number; currencies: string[] }> {
      const { rows } = await pool.query<{ n: number; currencies: string[] }>(
        "SELECT count(*) AS n, coalesce(array_agg(DISTINCT currency), '{}') AS currencies FROM bills WHERE account_id = $1 AND bill_id <> $2",
        [accountId, billId],
      );
      return { count: Number(rows[0]!.n), currencies: rows[0]!.currencies.map(String) };
    },

    /**
     * In one transaction: the account with billing's latest contact details, and the bill unless
     * its id is known. A known id with other content is a conflict, and then nothing changes.
     */
    async recordBill(
      c: Customer,
      b: { billId: string; accountId: string; amount: number; currency: string; dueDate: string; previousAverage?: number; requestHash: string },
      /** The account's region; absent leaves the stored one as it is. */
      region?: string,
    ): Promise<{ conflict: true } | { conflict: false; created: boolean; row: BillRow; numberRef: string; numberChanged: boolean }> {
      const CONFLICT = new Error('bill id known with other content'); // a sentinel, caught below
      try {
        return await withTransaction(pool, async (tx) => {
          // The number on file before this bill (locked): a different one moves `number_version` (ADR 26).
          const before = await tx.query<{ phone: string }>('SELECT phone FROM accounts WHERE account_id = $1 FOR UPDATE', [b.accountId]);
          const numberChanged = before.rows[0] !== undefined && before.rows[0].phone !== c.phone;
          const account = await tx.query<{ numberVersion: number }>(
            `INSERT INTO accounts (account_id, customer_name, phone, segment, lists, timezone, region)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (account_id) DO UPDATE SET customer_name = $2, phone = $3, segment = $4, lists = $5, timezone = $6,
               region = coalesce($7, accounts.region), updated_at = now(),
               number_version = accounts.number_version + (accounts.phone IS DISTINCT FROM $3)::int
             RETURNING number_version AS "numberVersion"`,
            [b.accountId, c.name, c.phone, c.segment, c.lists, c.timezone, region ?? null],
          );
          const numberRef = `n${account.rows[0]!.numberVersion}`;
          const inserted = await tx.query(
            `INSERT INTO bills (bill_id, account_id, amount_minor, currency, due_date, previous_average_minor, request_hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (bill_id) DO NOTHING`,
            [b.billId, b.accountId, b.amount, b.currency, b.dueDate, b.previousAverage ?? null, b.requestHash],
          );
          const { rows } = await tx.query(
            'SELECT bill_id AS "billId", account_id AS "accountId", request_hash AS "requestHash", delivered_at AS "deliveredAt" FROM bills WHERE bill_id = $1',
            [b.billId],
          );
          const row = rows[0] as BillRow;
          if (row.requestHash !== b.requestHash) throw CONFLICT; // rolls the account update back too
          return { conflict: false as const, created: inserted.rowCount === 1, row, numberRef, numberChanged };
        });
      } catch (err) {
        if (err === CONFLICT) return { conflict: true };
        throw err;
      }
    },

    /** `alsoInTx` runs in the same transaction, last (the request's audit row). */
    async markBillDelivered(billId: string, alsoInTx?: (tx: PoolClient) => Promise<void>): Promise<void> {
      await withTransaction(pool, async (tx) => {
        await tx.query('UPDATE bills SET delivered_at = now() WHERE bill_id = $1 AND delivered_at IS NULL', [billId]);
        await alsoInTx?.(tx);
      });
    },

    /**
     * Runs `fn` at most once per payment id at a time: the row is inserted (or found) and
     * locked, so a concurrent duplicate waits and then sees the first result.
     */
    async withPaymentLocked<T>(p: NewPayment, fn: (row: PaymentRow, tx: PoolClient) => Promise<T>): Promise<T> {
      return withTransaction(pool, async (tx) => {
        await tx.query(
          `INSERT INTO payments (payment_id, account_id, amount_minor, currency, paid_at, channel, request_hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (payment_id) DO NOTHING`,
          [p.paymentId, p.accountId, p.amount, p.currency, p.paidAt, p.channel, p.requestHash],
        );
        const { rows } = await tx.query(
          `SELECT payment_id AS "paymentId", account_id AS "accountId", request_hash AS "requestHash", result,
                  delivery_attempts AS attempts, received_at AS "receivedAt"
           FROM payments WHERE payment_id = $1 FOR UPDATE`,
          [p.paymentId],
        );
        return fn(rows[0] as PaymentRow, tx);
      });
    },

    /** `episodeId`: the episode that applied it, when known (else the episode of the account's latest charge). */
    async storePaymentResult(tx: PoolClient, paymentId: string, result: Record<string, unknown>, applied: boolean, episodeId?: string): Promise<void> {
      // the applying episode, when known, is kept on the payment as well (GET /v1/payments/:paymentId)
      await tx.query(
        `UPDATE payments SET result = $2, applied_at = CASE WHEN $3 THEN now() ELSE applied_at END, delivery_error = NULL,
           episode_id = CASE WHEN $3 THEN coalesce($4, episode_id) ELSE episode_id END
         WHERE payment_id = $1`,
        [paymentId, JSON.stringify(result), applied, episodeId ?? null],
      );
      if (applied) await appendPaymentEntry(tx, paymentId, result['recovery'] === true ? 'recovery' : 'payment', episodeId);
    },

    /** A delivery that did not reach the episode: retried after a backoff of 2^attempts s (at most 5 min). */
    async noteDeliveryFailure(tx: PoolClient, paymentId: string, error: string): Promise<void> {
      await tx.query(
        `UPDATE payments SET delivery_attempts = delivery_attempts + 1, delivery_error = $2,
           next_delivery_at = now() + make_interval(secs => least(power(2, least(delivery_attempts + 1, 9)), 300))
         WHERE payment_id = $1`,
        [paymentId, error.slice(0, 500)],
      );
    },

    /**
     * The outbox: locks the oldest payment due for delivery and runs `fn` on it; false if there is
     * none. Rows locked by a delivery in progress (an API request) are skipped, never waited for.
     */
    async withNextUndeliveredPayment(fn: (p: PendingPayment, tx: PoolClient) => Promise<void>): Promise<boolean> {
      return withTransaction(pool, async (tx) => {
        const { rows } = await tx.query<SelectedPayment & { attempts: number; receivedAt: Date }>(
          `SELECT ${PAYMENT_FIELDS}, channel, delivery_attempts AS attempts, received_at AS "receivedAt"
           FROM payments WHERE result IS NULL AND next_delivery_at <= now()
           ORDER BY next_delivery_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
        );
        const row = rows[0];
        if (!row) return false;
        await fn({ ...row, ...typedPaymentFields(row) }, tx);
        return true;
      });
    },

    async paymentStatus(paymentId: string): Promise<PaymentStatus | undefined> {
      const { rows } = await pool.query<
        Omit<SelectedPayment, 'channel'> & {
          receivedAt: Date;
          deliveryAttempts: number;
          lastDeliveryError: string | null;
          result: Record<string, unknown> | null;
          appliedAt: Date | null;
          episodeId: string | null;
        }
      >(
        `SELECT ${PAYMENT_FIELDS}, received_at AS "receivedAt", delivery_attempts AS "deliveryAttempts", delivery_error AS "lastDeliveryError", result,
                applied_at AS "appliedAt", episode_id AS "episodeId"
         FROM payments WHERE payment_id = $1`,
        [paymentId],
      );
      const r = rows[0];
      if (!r) return undefined;
      const { appliedAt, ...rest } = r;
      return {
        ...rest,
        ...typedPaymentFields(r),
        receivedAt: r.receivedAt.toISOString(),
        delivery: r.result ? 'delivered' : 'pending',
        status: appliedAt ? 'applied' : r.result ? 'unapplied' : 'pending',
      };
    },
  };
}

export type Ledger = ReturnType<typeof ledger>;

/**
 * The ledger entry of an applied payment (once per payment id), under the episode the account's
 * latest charge joined (or `episodeId` when the caller knows it). A payment of an account with no
 * charge in the ledger (an episode from before the ledger) is not entered.
 */
export async function appendPaymentEntry(tx: PoolClient, paymentId: string, kind: 'payment' | 'recovery', episodeId?: string): Promise<void> {
  const { rows } = await tx.query<{ accountId: string; amount: number; currency: string; paidAt: Date }>(
    'SELECT account_id AS "accountId", amount_minor AS amount, currency, paid_at AS "paidAt" FROM payments WHERE payment_id = $1',
    [paymentId],
  );
  const p = rows[0];
  if (!p) return;
  const episode = episodeId ?? (await currentLedgerEpisode(tx, p.accountId))?.episodeId;
  if (!episode) return;
  await appendLedgerEntry(tx, {
    key: `payment:${paymentId}`,
    accountId: p.accountId,
    episodeId: episode,
    kind,
    amount: -Number(p.amount),
    currency: p.currency,
    paymentId,
  });
}
