// The HTTP app: one router per resource (api/routes/), each mounting its handlers against the one
// route table (api/routes/table.ts), which sets the roles; routes → services → stores / client.
import { keyLimiter, type RateLimit } from './rate-limit';
import express from 'express';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import pkg from '../package.json';
import { apiKeys } from '../db/stores/api-keys';
import { appendAuditEvent } from '../db/stores/audit';
import type { CollectionPolicy } from '../domain/policy/types';
import type { CollectionClient } from './collection-client';
import type { LitigationClient } from './litigation-client';
import { notFound, problemHandler } from './errors';
import { accountListRouter } from './routes/account-list';
import { accountsRouter } from './routes/accounts';
import { alertsRouter } from './routes/alerts';
import { contactPreferencesRouter } from './routes/contact-preferences';
import { auditRouter } from './routes/audit';
import { batchesRouter } from './routes/batches';
import { episodeActionsRouter } from './routes/episode-actions';
import { steeringRouter } from './routes/steering';
import { healthRouter } from './routes/health';
import { legalRouter } from './routes/legal';
import { buildOpenApiDocument } from './openapi/document';
import { docsRouter } from './openapi/docs';
import { routeMounter, type AuditSink } from './routes/mount';
import { paymentsRouter } from './routes/payments';
import { tasksRouter } from './routes/tasks';
import { storyRouter } from './routes/story';
import { codecCors, codecRouter } from './routes/codec';
import type { PayloadCodec } from '@temporalio/common';
import { ROUTES } from './routes/table';
import { ledgerRouter } from './routes/ledger';
import { reportsRouter } from './routes/reports';
import { sessionRouter } from './routes/session';
import { consoleRouter } from './console-static';

export interface AppDeps {
  pool: Pool;
  collection: CollectionClient;
  /** The litigation case workflows (without it, the case routes that need a workflow answer 503). */
  litigation?: LitigationClient;
  /** The policy new episodes start with (running episodes keep the one they started with). */
  policy: () => CollectionPolicy;
  log: Logger;
  temporalUiUrl?: string;
  namespace?: string;
  /** Called when a payment was kept for later delivery (wakes the deliverer). */
  onPaymentPending?: () => void;
  /** Called when a batch was received (wakes the batch enrolment job). */
  onBatchReceived?: () => void;
  /** Where audit rows go (default: the `audit_events` table). */
  audit?: AuditSink;
  /** Requests per API key (config RATE_LIMIT_*); absent: no limit (tests that build the app themselves). */
  rateLimit?: RateLimit;
  /** The payload codec the Temporal client uses; `/codec/decode` and `/codec/encode` use it too (ADR 20). */
  payloadCodec?: PayloadCodec;
}

declare module 'express-serve-static-core' {
  interface Request {
    id?: string;
  }
}

let document: ReturnType<typeof buildOpenApiDocument> | undefined;
/** Built on first use and kept: the table does not change while the process runs. */
function apiDocument() {
  return (document ??= buildOpenApiDocument(ROUTES, {
    title: 'Arrears collection API',
    version: pkg.version,
    description:
      'Overdue telecom accounts (欠费催缴), one Temporal workflow per account. Amounts are integers in minor units with an ISO-4217 currency; times are ISO-8601, stored in UTC. Errors are application/problem+json (RFC 9457).',
  }));
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  const limit = deps.rateLimit ? keyLimiter(deps.rateLimit) : undefined;
  const routes = routeMounter({
    pool: deps.pool,
    keys: apiKeys(deps.pool),
    audit: deps.audit ?? { append: appendAuditEvent },
    log: deps.log,
    ...(limit ? { limit } : {}),
  });

  app.disable('x-powered-by');
  app.use((req, res, next) => {
    req.id = req.header('x-request-id')?.slice(0, 64) || randomUUID();
    res.setHeader('x-request-id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () =>
      deps.log.info(
        { reqId: req.id, method: req.method, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'request',
      ),
    );
    next();
  });
  // Bodies are read by each route after its key is checked (api/routes/mount.ts).
  app.use(codecCors(deps));

  app.use(healthRouter(routes));
  app.use(accountsRouter(routes, deps));
  app.use(accountListRouter(routes, deps));
  app.use(paymentsRouter(routes, deps));
  app.use(episodeActionsRouter(routes, deps));
  app.use(steeringRouter(routes, deps));
  app.use(auditRouter(routes, deps));
  app.use(alertsRouter(routes, deps));
  app.use(contactPreferencesRouter(routes, deps));
  app.use(tasksRouter(routes, deps));
  app.use(legalRouter(routes, deps));
  app.use(storyRouter(routes, deps));
  app.use(batchesRouter(routes, deps));
  app.use(ledgerRouter(routes, deps));
  app.use(codecRouter(routes, deps));
  app.use(reportsRouter(routes, deps));
  app.use(docsRouter(routes, apiDocument()));
  app.use(sessionRouter(routes));
  app.use(consoleRouter());
  routes.assertAllMounted();

  app.use((req, _res, next) => next(notFound(`no route ${req.method} ${req.path}`)));
  app.use(problemHandler(deps.log));
  return app;
}
