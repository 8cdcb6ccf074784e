// Alerts for operations: list them (open ones, by kind), acknowledge one (who: the caller's key).
import { Router } from 'express';
import type { AppDeps } from '../app';
import { withTransaction } from '../../db/pool';
import { alertsStore } from '../../db/stores/alerts';
import { notFound } from '../errors';
import type { RouteMounter } from './mount';

export function alertsRouter(routes: RouteMounter, deps: AppDeps): Router {
  const router = Router();
  const alerts = alertsStore(deps.pool);

  routes.mount(router, 'getAlerts', async ({ query }) => ({ status: 200, body: await alerts.list(query) }));

  routes.mount(router, 'postAlertAcknowledgement', async ({ params, body, caller, auditIn }) => {
    const result = await withTransaction(deps.pool, async (tx) => {
      const r = await alerts.acknowledge(tx, params.key, caller.actor, body.note);
      if (r) await auditIn(tx, r.first ? 201 : 200, r.first ? 'alert acknowledged' : 'alert already acknowledged');
      return r;
    });
    if (!result) throw notFound(`no alert ${params.key}`);
    return { status: result.first ? 201 : 200, body: result.alert, outcome: result.first ? 'alert acknowledged' : 'alert already acknowledged' };
  });

  return router;
}
