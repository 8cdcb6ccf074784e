// The ledger's routes (issue 13): billing's late-fee feed and its acknowledgements.
import { Router } from 'express';
import type { AppDeps } from '../app';
import { withTransaction } from '../../db/pool';
import { LateFeeCursorError, ledgerEntries } from '../../db/stores/ledger-entries';
import { HttpError } from '../errors';
import { lateFeeService } from '../services/late-fees';
import type { RouteMounter } from './mount';

function badCursor(field: string, err: unknown): never {
  if (err instanceof LateFeeCursorError) {
    throw new HttpError(400, 'Bad Request', `invalid ${field}: ${err.message}`, { errors: [{ field, message: err.message }] });
  }
  throw err;
}

export function ledgerRouter(routes: RouteMounter, deps: AppDeps): Router {
  const router = Router();
  const entries = ledgerEntries(deps.pool);
  const fees = lateFeeService({ entries, state: (accountId) => deps.collection.state(accountId) });

  routes.mount(router, 'listLateFees', async ({ query }) => {
    const page = await fees.page({ limit: query.limit, ...(query.after ? { after: query.after } : {}) }).catch((err: unknown) => badCursor('query.after', err));
    return { status: 200, body: page };
  });

  routes.mount(router, 'acknowledgeLateFees', async ({ body, caller, auditIn }) => {
    const answer = await withTransaction(deps.pool, async (tx) => {
      const a = await entries.acknowledgeLateFees(tx, body.upTo, caller.actor);
      await auditIn(tx, a.acknowledged ? 201 : 200, a.acknowledged ? 'late fees acknowledged' : 'late fees already acknowledged');
      return a;
    }).catch((err: unknown) => badCursor('body.upTo', err));
    return {
      status: answer.acknowledged ? 201 : 200,
      body: answer,
      outcome: answer.acknowledged ? 'late fees acknowledged' : 'late fees already acknowledged',
    };
  });

  return router;
}
