// Liveness: public, no key, not audited.
import { Router } from 'express';
import type { RouteMounter } from './mount';

export function healthRouter(routes: RouteMounter): Router {
  const router = Router();
  routes.mount(router, 'getHealth', () => Promise.resolve({ status: 200, body: { status: 'ok' } }));
  return router;
}
