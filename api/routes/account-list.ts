// The list of accounts (GET /v1/accounts): answered from the read model (ADR 8), never by asking the
// workflows. Reads are not audited.
import { Router } from 'express';
import type { AppDeps } from '../app';
import { HttpError } from '../errors';
import { CursorError, listAccounts } from '../../db/stores/read-model';
import type { RouteMounter } from './mount';

export function accountListRouter(routes: RouteMounter, deps: AppDeps): Router {
  const router = Router();
  routes.mount(router, 'listAccounts', async ({ query }) => {
    const { sort, order, limit, cursor, assignee: _unsupported, ...filter } = query;
    try {
      const page = await listAccounts(deps.pool, { filter, sort, order, limit, ...(cursor ? { cursor } : {}) });
      return { status: 200, body: page };
    } catch (err) {
      if (err instanceof CursorError) {
        throw new HttpError(400, 'Bad Request', `invalid query.cursor: ${err.message}`, { errors: [{ field: 'query.cursor', message: err.message }] });
      }
      throw err;
    }
  });
  return router;
}
