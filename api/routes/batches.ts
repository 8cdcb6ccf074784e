// Bulk intake (issue 13): billing posts a file of overdue bills or of payments; billing and ops follow the batch.
// The body is read here as a stream (the mount reads JSON bodies only, so a CSV or NDJSON body
// reaches the handler unread).
import { Router } from 'express';
import type { AppDeps } from '../app';
import { batchStore, type BatchKind } from '../../db/stores/batches';
import { HttpError } from '../errors';
import { idSchema } from '../schemas/requests';
import { batchService } from '../services/batches';
import type { Call, Reply, RouteMounter } from './mount';
import type { SpecOf } from './table';

export function batchesRouter(routes: RouteMounter, deps: AppDeps): Router {
  const router = Router();
  const batches = batchService({ pool: deps.pool, store: batchStore(deps.pool) });

  const receive =
    (kind: BatchKind) =>
    async ({ req, auditIn }: Pick<Call<SpecOf<'postArrearsBatch'>>, 'req' | 'auditIn'>): Promise<Reply> => {
      const format = req.is(['text/csv']) ? 'csv' : req.is(['application/x-ndjson']) ? 'ndjson' : undefined;
      if (!format || req.body !== undefined) {
        throw new HttpError(415, 'Unsupported Media Type', 'send the rows as text/csv (with a header row) or application/x-ndjson');
      }
      const key = req.header('idempotency-key');
      if (key !== undefined) {
        const parsed = idSchema.safeParse(key);
        if (!parsed.success) throw badKey(parsed.error.issues[0]?.message);
      }
      const { created, batch } = await batches.receive({
        kind,
        format,
        ...(key !== undefined ? { batchId: key } : {}),
        body: req,
        onCreated: (tx, v) => auditIn(tx, 202, `${kind} batch ${v.batchId} received: ${v.counts.rows} rows, ${v.counts.rejected} rejected`),
      });
      if (created) (kind === 'payments' ? deps.onPaymentPending : deps.onBatchReceived)?.();
      const base = kind === 'payments' ? '/v1/payments/batches/' : '/v1/arrears/batches/';
      return created
        ? { status: 202, body: batch, headers: { location: base + encodeURIComponent(batch.batchId) }, outcome: 'batch received' }
        : { status: 200, body: batch, outcome: `batch ${batch.batchId} re-sent: nothing changed` };
    };

  routes.mount(router, 'postArrearsBatch', receive('arrears'));
  routes.mount(router, 'postPaymentBatch', receive('payments'));

  routes.mount(router, 'getArrearsBatch', async ({ params, query }) => ({
    status: 200,
    body: await batches.page('arrears', params.batchId, query.after, query.limit),
  }));
  routes.mount(router, 'getPaymentBatch', async ({ params, query }) => ({
    status: 200,
    body: await batches.page('payments', params.batchId, query.after, query.limit),
  }));

  return router;
}

const badKey = (message = 'invalid') =>
  new HttpError(400, 'Bad Request', 'invalid headers.idempotency-key', { errors: [{ field: 'headers.idempotency-key', message }] });
