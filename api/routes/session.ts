// Who the calling key is (GET /v1/session): the web console shows the menus and actions its roles
// allow. Only the key's id, roles and agency: never its name or secret.
import { Router } from 'express';
import type { RouteMounter } from './mount';

export function sessionRouter(routes: RouteMounter): Router {
  const router = Router();
  routes.mount(router, 'getSession', ({ caller }) =>
    Promise.resolve({ status: 200, body: { keyId: caller.keyId, roles: caller.roles, agency: caller.agency ?? null } }),
  );
  return router;
}
