// Payments: posted by billing (answered by the episode, or kept for delivery), and their status.
import { Router } from 'express';
import type { AppDeps } from '../app';
import { HttpError, notFound } from '../errors';
import { paymentService, type PaymentAnswer } from '../services/payments';
import { ledger } from '../../db/stores/ledger';
import { UnappliedCursorError, unappliedMoney } from '../../db/stores/unapplied-money';
import { moneyService } from '../services/unapplied-money';
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

  const money = moneyService({
    pool: deps.pool,
    money: unappliedMoney(deps.pool),
    ledger: store,
    collection: deps.collection,
    ...(deps.onPaymentPending ? { onPending: deps.onPaymentPending } : {}),
  });

  routes.mount(router, 'listUnappliedPayments', async ({ query }) => {
    try {
      const page = await money.list({
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
        ...(query.accountId ? { accountId: query.accountId } : {}),
      });
      return { status: 200, body: page };
    } catch (err) {
      if (err instanceof UnappliedCursorError) {
        throw new HttpError(400, 'Bad Request', `invalid query.cursor: ${err.message}`, { errors: [{ field: 'query.cursor', message: err.message }] });
      }
      throw err;
    }
  });

  routes.mount(router, 'reassignPayment', async ({ params, body, caller, auditIn }) => {
    const answer = await money.reassign(params.paymentId, body, caller.actor, (tx, status, outcome) => auditIn(tx, status, outcome, body.accountId));
    return { status: 200, body: answer, outcome: `moved to ${answer.accountId}: ${answer.status}` };
  });

  return router;
}
