// Billing posts a payment: recorded once per payment id (a re-send returns the first answer, a
// different body under the same id is a conflict), then applied to the account's open episode
// through a workflow update, which answers synchronously with the new balance and service state.
import type { Ledger } from '../../db/stores/ledger';
import { UpdateRefused, type CollectionClient } from '../collection-client';
import { conflict, unavailable, unprocessable } from '../errors';
import type { PaymentBody } from '../schemas';
import { requestHash } from './request-hash';

export interface PaymentAnswer {
  status: 'created' | 'duplicate';
  result: Record<string, unknown>;
}

export function paymentService(deps: { ledger: Ledger; collection: CollectionClient }) {
  return async function postPayment(body: PaymentBody): Promise<PaymentAnswer> {
    const hash = requestHash(body);
    return deps.ledger.withPaymentLocked({ ...body, requestHash: hash }, async (row, created, tx) => {
      if (row.requestHash !== hash) throw conflict(`payment ${body.paymentId} was already posted with different content`);
      if (row.result) return { status: 'duplicate', result: row.result };

      let result: Record<string, unknown>;
      try {
        const applied = await deps.collection.postPayment(body.accountId, {
          paymentId: body.paymentId,
          amount: body.amount,
          currency: body.currency,
          paidAt: body.paidAt,
          channel: body.channel,
        });
        result = applied
          ? { paymentId: body.paymentId, accountId: body.accountId, applied: applied.outcome !== 'rejected', ...applied }
          : { paymentId: body.paymentId, accountId: body.accountId, applied: false, outcome: 'recorded', reason: 'no open collection episode for this account' };
      } catch (err) {
        // Refused or not delivered: the transaction rolls back, so nothing is half-recorded and a retry starts clean.
        if (err instanceof UpdateRefused) throw unprocessable(`payment refused by the episode: ${err.message}`);
        throw unavailable(`could not reach the collection workflow (${(err as Error).message}); nothing was recorded, retry`);
      }
      await deps.ledger.storePaymentResult(tx, body.paymentId, result, result['applied'] === true);
      return { status: created ? 'created' : 'duplicate', result };
    });
  };
}
