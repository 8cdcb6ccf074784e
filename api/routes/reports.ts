// Reports (issue 15, ADR 21): aging, recovery, restorations, workload and the policies, computed in
// PostgreSQL (db/stores/reports.ts) and shaped by api/services/reports.ts. Reads are not audited.
import { Router } from 'express';
import type { AppDeps } from '../app';
import { reportsStore } from '../../db/stores/reports';
import { reportsService } from '../services/reports';
import type { RouteMounter } from './mount';

export function reportsRouter(routes: RouteMounter, deps: AppDeps): Router {
  const router = Router();
  const reports = reportsService({ store: reportsStore(deps.pool), policy: deps.policy });
  routes.mount(router, 'getAgingReport', async ({ query }) => ({ status: 200, body: await reports.aging(query) }));
  routes.mount(router, 'getRecoveryReport', async ({ query }) => ({ status: 200, body: await reports.recovery(query) }));
  routes.mount(router, 'getRestorationsReport', async ({ query }) => ({ status: 200, body: await reports.restorations(query) }));
  routes.mount(router, 'getWorkloadReport', async () => ({ status: 200, body: await reports.workload() }));
  routes.mount(router, 'listPolicies', async () => ({ status: 200, body: await reports.policies() }));
  return router;
}
