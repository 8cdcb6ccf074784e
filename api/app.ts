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
import { KNOWN_POLICIES, policySchema } from '../config/policy-schema';
import { accountParams, arrearsBody, disputeBody, installmentPlanBody, policyMigrationBody, disputeParams, paymentBody, promiseBody, resolutionBody, writeOffBody } from './schemas';
import { arrearsService } from './services/arrears';
import { paymentService } from './services/payments';
import type { z } from 'zod';

export interface AppDeps {
  pool: Pool;
  collection: CollectionClient;
  /** The policy new episodes start with (running episodes keep the one they started with). */
  policy: () => CollectionPolicy;
  log: Logger;
  temporalUiUrl?: string;
  namespace?: string;
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
  const postPayment = paymentService({ ledger: store, collection: deps.collection });

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

  app.post('/v1/payments', async (req: Request, res) => {
    const body = parse(paymentBody, req.body, 'body');
    const answer = await postPayment(body);
    res.status(answer.status === 'created' ? 201 : 200).json({ ...answer.result, duplicate: answer.status === 'duplicate' });
  });

  /** An episode update behind a route: 201 with the episode's answer, 422 if it refused, 404 if none is open. */
  async function episodeUpdate<T>(accountId: string, what: string, send: () => Promise<T | undefined>): Promise<T> {
    const answer = await send().catch((err: Error) => {
      if (err instanceof UpdateRefused) throw unprocessable(`${what} refused by the episode: ${err.message}`);
      throw err;
    });
    if (answer === undefined) throw notFound(`no open collection episode for account ${accountId}`);
    return answer;
  }

  app.post('/v1/accounts/:accountId/promises', async (req: Request, res) => {
    const { accountId } = parse(accountParams, req.params, 'params');
    const body = parse(promiseBody, req.body, 'body');
    res.status(201).json(await episodeUpdate(accountId, 'promise', () => deps.collection.promiseToPay(accountId, body)));
  });

  app.post('/v1/accounts/:accountId/disputes', async (req: Request, res) => {
    const { accountId } = parse(accountParams, req.params, 'params');
    const body = parse(disputeBody, req.body, 'body');
    res.status(201).json(await episodeUpdate(accountId, 'dispute', () => deps.collection.openDispute(accountId, body)));
  });

  app.post('/v1/accounts/:accountId/disputes/:disputeId/resolution', async (req: Request, res) => {
    const { accountId, disputeId } = parse(disputeParams, req.params, 'params');
    const body = parse(resolutionBody, req.body, 'body');
    res.status(201).json(await episodeUpdate(accountId, 'resolution', () => deps.collection.resolveDispute(accountId, { disputeId, ...body })));
  });

  app.post('/v1/accounts/:accountId/installment-plans', async (req: Request, res) => {
    const { accountId } = parse(accountParams, req.params, 'params');
    const body = parse(installmentPlanBody, req.body, 'body');
    res.status(201).json(await episodeUpdate(accountId, 'installment plan', () => deps.collection.agreeInstallments(accountId, body)));
  });

  // Audited: the episode records who moved it, why, and from which version to which.
  app.post('/v1/accounts/:accountId/policy-migrations', async (req: Request, res) => {
    const { accountId } = parse(accountParams, req.params, 'params');
    const body = parse(policyMigrationBody, req.body, 'body');
    const policy = typeof body.policy === 'string' ? KNOWN_POLICIES[body.policy] : parse(policySchema, body.policy, 'body') as CollectionPolicy;
    if (!policy) throw unprocessable(`unknown policy ${String(body.policy)}; known: ${Object.keys(KNOWN_POLICIES).join(', ')}`);
    const { migrationId, reason, actor } = body;
    res.status(201).json(await episodeUpdate(accountId, 'policy migration', () => deps.collection.migratePolicy(accountId, { migrationId, policy, reason, actor })));
  });

  app.post('/v1/accounts/:accountId/write-off', async (req: Request, res) => {
    const { accountId } = parse(accountParams, req.params, 'params');
    const body = parse(writeOffBody, req.body, 'body');
    res.status(201).json(await episodeUpdate(accountId, 'write-off', () => deps.collection.writeOff(accountId, body)));
  });

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
