// The HTTP app: routes (HTTP shape only) → services (decisions) → stores / collection client.
import express, { type Request } from 'express';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { collectionRecords } from '../db/stores/collection-records';
import { ledger } from '../db/stores/ledger';
import type { CollectionPolicy } from '../workflows/policy/types';
import { UpdateRefused, type CollectionClient } from './collection-client';
import { notFound, problemHandler, unprocessable, validationError } from './errors';
import { accountParams, arrearsBody, disputeBody, installmentPlanBody, policyMigrationBody, disputeParams, paymentBody, paymentParams, promiseBody, resolutionBody, writeOffBody } from './schemas/requests';
import { arrearsService } from './services/arrears';
import { paymentService } from './services/payments';
import type { z } from 'zod';
import { resolvePolicy } from './services/policies';

export interface AppDeps {
  pool: Pool;
  collection: CollectionClient;
  /** The policy new episodes start with (running episodes keep the one they started with). */
  policy: () => CollectionPolicy;
  log: Logger;
  temporalUiUrl?: string;
  namespace?: string;
  /** Called when a payment was kept for later delivery (wakes the deliverer). */
  onPaymentPending?: () => void;
}

declare module 'express-serve-static-core' {
  interface Request {
    id?: string;
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'params'): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  const store = ledger(deps.pool);
  const postArrears = arrearsService({ ledger: store, records: collectionRecords(deps.pool), collection: deps.collection, policy: deps.policy });
  const postPayment = paymentService({ ledger: store, collection: deps.collection, ...(deps.onPaymentPending ? { onPending: deps.onPaymentPending } : {}) });

  app.disable('x-powered-by');
  app.use((req, res, next) => {
    req.id = req.header('x-request-id')?.slice(0, 64) || randomUUID();
    res.setHeader('x-request-id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () =>
      deps.log.info({ reqId: req.id, method: req.method, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'request'),
    );
    next();
  });
  app.use(express.json({ limit: '64kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.post('/v1/accounts/:accountId/arrears', async (req: Request, res) => {
    const { accountId } = parse(accountParams, req.params, 'params');
    const body = parse(arrearsBody, req.body, 'body');
    const result = await postArrears(accountId, body);
    res.status(result.status === 'accepted' ? 201 : 200).json(result);
  });

  // 201 applied now, 200 a re-send (the first answer), 202 kept for delivery: asked for with
  // `Prefer: respond-async` (bulk posting), or because the workflow service could not be reached.
  app.post('/v1/payments', async (req: Request, res) => {
    const body = parse(paymentBody, req.body, 'body');
    const respondAsync = /\brespond-async\b/i.test(req.header('prefer') ?? '');
    const answer = await postPayment(body, { respondAsync });
    if (answer.status === 'accepted') {
      res.setHeader('location', `/v1/payments/${encodeURIComponent(body.paymentId)}`);
      if (respondAsync) res.setHeader('preference-applied', 'respond-async');
    }
    res.status({ created: 201, duplicate: 200, accepted: 202 }[answer.status]).json({ ...answer.result, duplicate: answer.status === 'duplicate' });
  });

  app.get('/v1/payments/:paymentId', async (req: Request, res) => {
    const { paymentId } = parse(paymentParams, req.params, 'params');
    const status = await store.paymentStatus(paymentId);
    if (!status) throw notFound(`no payment ${paymentId}`);
    res.json(status);
  });

  /**
   * A route that sends one update to the account's episode: 201 with the episode's answer, 422 if
   * the episode refused it, 404 if no episode is open.
   */
  function episodeRoute<P extends z.ZodType<{ accountId: string }>, B extends z.ZodType>(
    path: string,
    params: P,
    body: B,
    what: string,
    send: (params: z.infer<P>, body: z.infer<B>) => Promise<unknown>,
  ): void {
    app.post(path, async (req: Request, res) => {
      const p = parse(params, req.params, 'params');
      const b = parse(body, req.body, 'body');
      const answer = await send(p, b).catch((err: Error) => {
        if (err instanceof UpdateRefused) throw unprocessable(`${what} refused by the episode: ${err.message}`);
        throw err;
      });
      if (answer === undefined) throw notFound(`no open collection episode for account ${p.accountId}`);
      res.status(201).json(answer);
    });
  }

  const c = deps.collection;
  episodeRoute('/v1/accounts/:accountId/promises', accountParams, promiseBody, 'promise', (p, b) => c.promiseToPay(p.accountId, b));
  episodeRoute('/v1/accounts/:accountId/disputes', accountParams, disputeBody, 'dispute', (p, b) => c.openDispute(p.accountId, b));
  episodeRoute('/v1/accounts/:accountId/disputes/:disputeId/resolution', disputeParams, resolutionBody, 'resolution', (p, b) =>
    c.resolveDispute(p.accountId, { disputeId: p.disputeId, ...b }),
  );
  episodeRoute('/v1/accounts/:accountId/installment-plans', accountParams, installmentPlanBody, 'installment plan', (p, b) =>
    c.agreeInstallments(p.accountId, b),
  );
  // Audited: the episode records who moved it, why, and from which version to which.
  episodeRoute('/v1/accounts/:accountId/policy-migrations', accountParams, policyMigrationBody, 'policy migration', (p, { policy, ...rest }) =>
    c.migratePolicy(p.accountId, { ...rest, policy: resolvePolicy(policy) }),
  );
  episodeRoute('/v1/accounts/:accountId/write-off', accountParams, writeOffBody, 'write-off', (p, b) => c.writeOff(p.accountId, b));

  app.get('/v1/accounts/:accountId/collection', async (req: Request, res) => {
    const { accountId } = parse(accountParams, req.params, 'params');
    const state = await deps.collection.state(accountId);
    if (!state) throw notFound(`no collection episode for account ${accountId}`);
    const workflowUrl = deps.temporalUiUrl
      ? `${deps.temporalUiUrl}/namespaces/${deps.namespace ?? 'default'}/workflows/collection-${encodeURIComponent(accountId)}`
      : undefined;
    res.json({ ...state, ...(workflowUrl ? { workflowUrl } : {}) });
  });

  app.use((req, _res, next) => next(notFound(`no route ${req.method} ${req.path}`)));
  app.use(problemHandler(deps.log));
  return app;
}
