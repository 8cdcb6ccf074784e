// The payment deliverer: applies the payments the API accepted but could not (or was asked not to)
// deliver at once. It drains the outbox oldest first, `concurrency` at a time, then sleeps
// `intervalMs`; `nudge()` wakes it early (a payment was just accepted). A failed delivery is
// retried with backoff; a refusal by the episode is stored as the payment's answer.
import type { Logger } from 'pino';
import type { Ledger } from '../db/stores/ledger';
import { startBackgroundLoop, type BackgroundLoop } from './background-loop';
import type { CollectionClient } from './collection-client';
import { deliverPayment, rejectedAnswer } from './services/payments';

export type PaymentDelivery = BackgroundLoop;

export function startPaymentDelivery(deps: {
  ledger: Ledger;
  collection: CollectionClient;
  log: Logger;
  intervalMs?: number;
  concurrency?: number;
}): PaymentDelivery {
  const deliverOne = () =>
    deps.ledger.withNextUndeliveredPayment(async (p, tx) => {
      const delivery = await deliverPayment(deps, tx, p);
      if (delivery.kind === 'refused') await deps.ledger.storePaymentResult(tx, p.paymentId, rejectedAnswer(p, delivery.reason), false);
      if (delivery.kind === 'not_delivered' && p.attempts % 10 === 0) {
        deps.log.warn({ paymentId: p.paymentId, attempts: p.attempts + 1, err: delivery.reason }, 'payment not delivered yet; will retry');
      }
    });

  // Drain: each of `concurrency` workers takes the next due payment until none is left; a worker
  // that fails ends its pass alone, so a pass never leaves workers running into the next one.
  return startBackgroundLoop(
    (stopped) =>
      Promise.all(
        Array.from({ length: deps.concurrency ?? 8 }, async () => {
          try {
            while (!stopped() && (await deliverOne()));
          } catch (err) {
            deps.log.error({ err: (err as Error).message }, 'payment delivery pass failed; retrying');
          }
        }),
      ).then(() => undefined),
    deps.intervalMs ?? 1000,
  );
}
