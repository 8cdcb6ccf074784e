// Accounts: billing posts overdue bills; operations read the episode's state.
import { Router } from 'express';
import type { AppDeps } from '../app';
import { notFound } from '../errors';
import { arrearsService } from '../services/arrears';
import { collectionRecords } from '../../db/stores/collection-records';
import { accountLinesStore } from '../../db/stores/account-lines';
import { contactPreferencesStore } from '../../db/stores/contact-preferences';
import { ledger } from '../../db/stores/ledger';
import { ledgerEntries } from '../../db/stores/ledger-entries';
import { reportsStore } from '../../db/stores/reports';
import { unappliedMoney } from '../../db/stores/unapplied-money';
import { moneyService } from '../services/unapplied-money';
import type { RouteMounter } from './mount';

export function accountsRouter(routes: RouteMounter, deps: AppDeps): Router {
  const router = Router();
  const money = unappliedMoney(deps.pool);
  const moneyRules = moneyService({
    pool: deps.pool,
    money,
    ledger: ledger(deps.pool),
    collection: deps.collection,
    ...(deps.onPaymentPending ? { onPending: deps.onPaymentPending } : {}),
  });
  const lines = accountLinesStore(deps.pool);
  const postArrears = arrearsService({
    money: moneyRules,
    ledger: ledger(deps.pool),
    records: collectionRecords(deps.pool),
    collection: deps.collection,
    policy: deps.policy,
    preferences: contactPreferencesStore(deps.pool),
    lines,
    entries: ledgerEntries(deps.pool),
    policyPins: reportsStore(deps.pool),
  });

  routes.mount(router, 'postArrears', async ({ params, body, auditIn }) => {
    const status = (r: { status: string }) => (r.status === 'accepted' ? 201 : 200);
    // The audit row commits with the bill's delivery (a duplicate already delivered changes nothing).
    const result = await postArrears(params.accountId, body, (tx, r) =>
      auditIn(tx, status(r), r.status === 'accepted' ? 'bill accepted' : 'bill delivered on re-send'),
    );
    return { status: status(result), body: result, outcome: result.status };
  });

  routes.mount(router, 'getCollection', async ({ params }) => {
    const state = await deps.collection.state(params.accountId);
    if (!state) throw notFound(`no collection episode for account ${params.accountId}`);
    const workflowUrl = deps.temporalUiUrl
      ? `${deps.temporalUiUrl}/namespaces/${deps.namespace ?? 'default'}/workflows/collection-${encodeURIComponent(params.accountId)}`
      : undefined;
    // An ended episode's overpayment is kept as the account's credit (idempotent), then shown.
    if (state.status === 'paid' && state.balance < 0) {
      await moneyRules.keepOverpayment(params.accountId).catch((err: Error) => {
        // the next bill keeps it again before it starts an episode; the answer shows what is kept so far
        deps.log.warn({ accountId: params.accountId, err: err.message }, 'overpayment credit not recorded yet');
      });
    }
    const accountCredit = await money.credit(params.accountId);
    // The lines' numbers from PostgreSQL (the workflow knows ids and services only).
    const numbers = new Map((await lines.list(params.accountId)).map((l) => [l.lineId, l.number]));
    const withNumbers = state.lines.map((l) => (numbers.has(l.lineId) ? { ...l, number: numbers.get(l.lineId)! } : l));
    return {
      status: 200,
      body: { ...state, lines: withNumbers, ...(workflowUrl ? { workflowUrl } : {}), ...(accountCredit.length ? { accountCredit } : {}) },
    };
  });

  return router;
}
