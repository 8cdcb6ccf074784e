// The audit trail of an account: every mutating request about it, refused ones included, newest
// first, a page at a time. Reads are not audited.
import { Router } from 'express';
import type { AppDeps } from '../app';
import { listAuditEvents } from '../../db/stores/audit';
import type { RouteMounter } from './mount';

export function auditRouter(routes: RouteMounter, deps: AppDeps): Router {
  const router = Router();
  routes.mount(router, 'getAccountAudit', async ({ params, query }) => {
    const page = await listAuditEvents(deps.pool, params.accountId, { limit: query.limit, ...(query.before ? { before: query.before } : {}) });
    return { status: 200, body: { accountId: params.accountId, ...page } };
  });
  return router;
}
