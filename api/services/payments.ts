// Billing posts a payment: recorded once per payment id (a re-send returns the first answer, a
// different body under the same id is a conflict), then applied to the account's open episode
// through a workflow update (the payment id is the update id), which answers with the new balance
// and service state.
//
// The payments table is also an outbox: a payment that cannot reach its episode now (Temporal
// down, or the caller asked `Prefer: respond-async`) is kept and answered 202, and the deliverer
// (api/payment-delivery.ts) applies it as soon as it can. Nothing accepted is lost.
import type { PoolClient } from 'pg';
import type { Ledger, PaymentFields, PaymentRow, PendingPayment } from '../../db/stores/ledger';
import type { Payment } from '../../domain/policy/types';
import { UpdateRefused, type CollectionClient } from '../collection-client';
import { conflict, unprocessable } from '../errors';
import type { PaymentOutcome } from '../openapi/responses';
import type { PaymentBody } from '../schemas/requests';
import { requestHash } from './request-hash';

export interface PaymentAnswer {
  /** created/duplicate: the episode answered (now or before); accepted: kept, delivery pending. */
  status: 'created' | 'duplicate' | 'accepted';
  result: PaymentOutcome;
}

/**
 * Sends one payment to its episode; the answer to store. Throws UpdateRefused, or a delivery error.
 * `retry` is set when an earlier delivery failed: it may have reached an episode that has ended
 * since, and then the payment is answered from that episode instead of being applied again.
 */
async function applyToEpisode(
  collection: CollectionClient,
  p: PaymentFields,
  retry?: { since: Date },
): Promise<{ result: PaymentOutcome; applied: boolean; episodeId?: string }> {
  if (retry) {
    // five minutes' margin for clock skew between the database and the Temporal cluster
    const ended = await collection.endedEpisodeWithPayment(p.accountId, p.paymentId, new Date(retry.since.getTime() - 300_000));
    if (ended) {
      const result: PaymentOutcome = {
        paymentId: p.paymentId,
        accountId: p.accountId,
        applied: true,
        outcome: 'applied',
        balance: ended.balance,
        status: ended.status,
        service: ended.service,
        note: 'applied by an episode that has since ended (its answer had been lost)',
      };
      // the ledger's payment entry goes to that ended episode, not to the account's latest one
      return { result, applied: true, episodeId: ended.episodeId };
    }
  }
  const payment: Payment = { paymentId: p.paymentId, amount: p.amount, currency: p.currency, paidAt: p.paidAt, channel: p.channel };
  const applied = await collection.postPayment(p.accountId, payment);
  const result: PaymentOutcome = applied
    ? { paymentId: p.paymentId, accountId: p.accountId, applied: applied.outcome !== 'rejected', ...applied }
    : { paymentId: p.paymentId, accountId: p.accountId, applied: false, outcome: 'recorded', reason: 'no open collection episode for this account' };
  if (result.applied !== true) return { result, applied: false };
  const episodeId = await applyingEpisode(collection, p, applied);
  return { result, applied: true, ...(episodeId ? { episodeId } : {}) };
}

/**
 * The episode that applied a payment, for its ledger entry: the id its answer carries when it
 * carries one, else the id in the episode's state once that state holds the payment (the workflow
 * answers the update without its id). Undefined when neither says (the state could not be read,
 * or another episode has started since): the entry then goes to the episode of the account's
 * latest charge, as before. Without this, a payment to an episode that has no charge in the ledger
 * (one opened before the ledger) was booked to the previous episode.
 */
async function applyingEpisode(collection: CollectionClient, p: PaymentFields, answer: unknown): Promise<string | undefined> {
  const carried = (answer as { episodeId?: unknown } | undefined)?.episodeId;
  if (typeof carried === 'string' && carried !== '') return carried;
  const state = await collection.state(p.accountId).catch(() => undefined);
  return state?.payments.some((x) => x.paymentId === p.paymentId) ? state.episodeId : undefined;
}

export type Delivery = { kind: 'answered'; result: PaymentOutcome } | { kind: 'refused'; reason: string } | { kind: 'not_delivered'; reason: string };

/**
 * One delivery of a locked payment row, for the API request and the deliverer alike: the
 * episode's answer is stored, a failure is noted for a retry with backoff; what to do with a
 * refusal is the caller's (a request rolls back with 422, the deliverer stores it as rejected).
 */
export async function deliverPayment(deps: { ledger: Ledger; collection: CollectionClient }, tx: PoolClient, p: PendingPayment): Promise<Delivery> {
  try {
    const { result, applied, episodeId } = await applyToEpisode(deps.collection, p, p.attempts > 0 ? { since: p.receivedAt } : undefined);
    await deps.ledger.storePaymentResult(tx, p.paymentId, result, applied, episodeId);
    return { kind: 'answered', result };
  } catch (err) {
    if (err instanceof UpdateRefused) return { kind: 'refused', reason: err.message };
    await deps.ledger.noteDeliveryFailure(tx, p.paymentId, (err as Error).message);
    return { kind: 'not_delivered', reason: (err as Error).message };
  }
}

/** The stored answer for a kept payment its episode refused on delivery (not retried). */
export function rejectedAnswer(p: PaymentFields, reason: string): PaymentOutcome {
  return { paymentId: p.paymentId, accountId: p.accountId, applied: false, outcome: 'rejected', reason };
}

const pending = (body: PaymentBody, reason: string): PaymentOutcome => ({
  paymentId: body.paymentId,
  accountId: body.accountId,
  applied: null,
  delivery: 'pending',
  reason,
});

export function paymentService(deps: { ledger: Ledger; collection: CollectionClient; onPending?: () => void }) {
  /** `opts.onAnswer` runs inside the payment's transaction, last (the audit row); not for a refusal (rolled back). */
  return async function postPayment(
    body: PaymentBody,
    opts: { respondAsync?: boolean; onAnswer?: (tx: PoolClient, answer: PaymentAnswer) => Promise<void> } = {},
  ): Promise<PaymentAnswer> {
    const hash = requestHash(body);
    const answer = await deps.ledger.withPaymentLocked({ ...body, requestHash: hash }, async (row, tx): Promise<PaymentAnswer> => {
      const answer = await decide(row, tx);
      await opts.onAnswer?.(tx, answer);
      return answer;
    });
    if (answer.status === 'accepted') deps.onPending?.();
    return answer;

    async function decide(row: PaymentRow, tx: PoolClient): Promise<PaymentAnswer> {
      if (row.requestHash !== hash) throw conflict(`payment ${body.paymentId} was already posted with different content`);
      // the stored answer was written by this service (a PaymentOutcome)
      if (row.result) return { status: 'duplicate', result: row.result as PaymentOutcome };
      if (opts.respondAsync) return { status: 'accepted', result: pending(body, 'accepted for delivery (Prefer: respond-async)') };
      const delivery = await deliverPayment(deps, tx, { ...body, attempts: row.attempts, receivedAt: row.receivedAt });
      switch (delivery.kind) {
        case 'answered':
          // 201 also for a payment kept earlier (202) and applied by this re-send: this is its first answer.
          return { status: 'created', result: delivery.result };
        case 'refused':
          // Refused by the episode (e.g. another currency): rolled back, nothing recorded, 422.
          throw unprocessable(`payment refused by the episode: ${delivery.reason}`);
        case 'not_delivered':
          // Kept: the deliverer retries it.
          return {
            status: 'accepted',
            result: pending(body, `accepted; the collection workflow could not be reached (${delivery.reason}); delivery will be retried`),
          };
      }
    }
  };
}
