// Billing posts a payment: recorded once per payment id (a re-send returns the first answer, a
// different body under the same id is a conflict), then applied to the account's open episode
// through a workflow update (the payment id is the update id), which answers with the new balance
// and service state.
//
// The payments table is also an outbox: a payment that cannot reach its episode now (Temporal
// down, or the caller asked `Prefer: respond-async`) is kept and answered 202, and the deliverer
// (api/payment-delivery.ts) applies it as soon as it can. Nothing accepted is lost.
import type { Ledger, PaymentFields } from '../../db/stores/ledger';
import type { Payment } from '../../workflows/policy/types';
import { UpdateRefused, type CollectionClient } from '../collection-client';
import { conflict, unprocessable } from '../errors';
import type { PaymentBody } from '../schemas';
import { requestHash } from './request-hash';

export interface PaymentAnswer {
  /** created/duplicate: the episode answered (now or before); accepted: kept, delivery pending. */
  status: 'created' | 'duplicate' | 'accepted';
  result: Record<string, unknown>;
}

/**
 * Sends one payment to its episode; the answer to store. Throws UpdateRefused, or a delivery error.
 * `retry` is set when an earlier delivery failed: it may have reached an episode that has ended
 * since, and then the payment is answered from that episode instead of being applied again.
 */
export async function applyToEpisode(
  collection: CollectionClient,
  p: PaymentFields,
  retry?: { since: Date },
): Promise<{ result: Record<string, unknown>; applied: boolean }> {
  if (retry) {
    // five minutes' margin for clock skew between the database and the Temporal cluster
    const ended = await collection.endedEpisodeWithPayment(p.accountId, p.paymentId, new Date(retry.since.getTime() - 300_000));
    if (ended) {
      const result = { paymentId: p.paymentId, accountId: p.accountId, applied: true, outcome: 'applied', balance: ended.balance, status: ended.status, service: ended.service, note: 'applied by an episode that has since ended (its answer had been lost)' };
      return { result, applied: true };
    }
  }
  const payment: Payment = { paymentId: p.paymentId, amount: p.amount, currency: p.currency, paidAt: p.paidAt, channel: p.channel };
  const applied = await collection.postPayment(p.accountId, payment);
  const result = applied
    ? { paymentId: p.paymentId, accountId: p.accountId, applied: applied.outcome !== 'rejected', ...applied }
    : { paymentId: p.paymentId, accountId: p.accountId, applied: false, outcome: 'recorded', reason: 'no open collection episode for this account' };
  return { result, applied: result['applied'] === true };
}

const pending = (body: PaymentBody, reason: string) => ({ paymentId: body.paymentId, accountId: body.accountId, applied: null, delivery: 'pending', reason });

export function paymentService(deps: { ledger: Ledger; collection: CollectionClient; onPending?: () => void }) {
  return async function postPayment(body: PaymentBody, opts: { respondAsync?: boolean } = {}): Promise<PaymentAnswer> {
    const hash = requestHash(body);
    const answer = await deps.ledger.withPaymentLocked({ ...body, requestHash: hash }, async (row, _created, tx): Promise<PaymentAnswer> => {
      if (row.requestHash !== hash) throw conflict(`payment ${body.paymentId} was already posted with different content`);
      if (row.result) return { status: 'duplicate', result: row.result };
      if (opts.respondAsync) return { status: 'accepted', result: pending(body, 'accepted for delivery (Prefer: respond-async)') };
      try {
        const { result, applied } = await applyToEpisode(deps.collection, body, row.attempts > 0 ? { since: row.receivedAt } : undefined);
        await deps.ledger.storePaymentResult(tx, body.paymentId, result, applied);
        // 201 also for a payment kept earlier (202) and applied by this re-send: this is its first answer.
        return { status: 'created', result };
      } catch (err) {
        // Refused by the episode (e.g. another currency): rolled back, nothing recorded, 422.
        if (err instanceof UpdateRefused) throw unprocessable(`payment refused by the episode: ${err.message}`);
        // Not delivered: the payment is kept and the deliverer retries it.
        const reason = `accepted; the collection workflow could not be reached (${(err as Error).message}); delivery will be retried`;
        await deps.ledger.noteDeliveryFailure(tx, body.paymentId, (err as Error).message);
        return { status: 'accepted', result: pending(body, reason) };
      }
    });
    if (answer.status === 'accepted') deps.onPending?.();
    return answer;
  };
}
