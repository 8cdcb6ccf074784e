// Payments: posted by billing (answered by the episode, or kept for delivery), and their status.
import { Router } from 'express';
import type { AppDeps } from '../app';
import { notFound } from '../errors';
import { paymentService, type PaymentAnswer } from '../services/payments';
import { ledger } from '../../db/stores/ledger';
import type { RouteMounter } from './mount';

// 201 applied now, 200 a re-send (the first answer), 202 kept for delivery: asked for with
// `Prefer: respond-async` (bulk posting), or because the workflow service could not be reached.
const STATUS: Record<PaymentAnswer['status'], number> = { created: 201, duplicate: 200, accepted: 202 };

function outcome(a: PaymentAnswer): string {
  if (a.status === 'accepted') return 'kept for delivery';
  const o = 'outcome' in a.result ? a.result.outcome : 'answered';
  return `${a.status === 'duplicate' ? 'duplicate: ' : ''}${o}`;
}

export function paymentsRouter(routes: RouteMounter, deps: AppDeps): Router {
  const router = Router();
  const store = ledger(deps.pool);
  const postPayment = paymentService({ ledger: store, collection: deps.collection, ...(deps.onPaymentPending ? { onPending: deps.onPaymentPending } : {}) });

  routes.mount(router, 'postPayment', async ({ body, req, auditIn }) => {
    const respondAsync = /\brespond-async\b/i.test(req.header('prefer') ?? '');
    // The audit row commits with the payment row.
    const answer = await postPayment(body, { respondAsync, onAnswer: (tx, a) => auditIn(tx, STATUS[a.status], outcome(a)) });
    const headers: Record<string, string> = {};
    if (answer.status === 'accepted') {
      headers['location'] = `/v1/payments/${encodeURIComponent(body.paymentId)}`;
      if (respondAsync) headers['preference-applied'] = 'respond-async';
    }
    return { status: STATUS[answer.status], headers, body: { ...answer.result, duplicate: answer.status === 'duplicate' }, outcome: outcome(answer) };
  });

  routes.mount(router, 'getPayment', async ({ params }) => {
    const status = await store.paymentStatus(params.paymentId);
    if (!status) throw notFound(`no payment ${params.paymentId}`);
    return { status: 200, body: status };
  });

  return router;
}
