// The list of accounts (GET /v1/accounts): answered from the read model (ADR 8), never by asking the
// workflows. Reads are not audited.
import { Router } from 'express';
import type { AppDeps } from '../app';
import { HttpError } from '../errors';
import { CursorError, listAccounts } from '../../db/stores/read-model';
import type { RouteMounter } from './mount';

export function accountListRouter(routes: RouteMounter, deps: AppDeps): Router {
  const router = Router();
  routes.mount(router, 'listAccounts', async ({ query, caller }) => {
    const { sort, order, limit, cursor, assignee, ...rest } = query;
    // `assignee=me`: the accounts with a task the calling key has claimed
    const filter = assignee ? { ...rest, assignee: assignee === 'me' ? caller.actor : assignee } : rest;
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
