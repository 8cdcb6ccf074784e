// The one way a handler is attached to a route of the table: the key is checked against the
// route's roles (401/403), the JSON body is read only after that, params/query/body are parsed with
// the route's schemas (400 naming the field), and every mutating request, refused ones included,
// leaves one audit row. Handlers return a Reply; errors they throw reach the problem+json handler.
import type { KeyLimiter } from '../rate-limit';
import express, { type Request, type Response, type Router } from 'express';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ApiKeys } from '../../db/stores/api-keys';
import type { AuditEvent } from '../../db/stores/audit';
import { idSchema } from '../schemas/requests';
import { forbidden, toProblem, unauthorized, validationError, type HttpError } from '../errors';
import type { Role, RouteSpec } from './route-spec';
import { allowedRoles, ROUTES, routeSpec, type OperationId, type SpecOf } from './table';

/** The key a request was made with. */
export interface Caller {
  keyId: string;
  name: string;
  roles: Role[];
  /** An agency key's agency id (issue 11): it reaches only the accounts referred to that agency. */
  agency?: string;
  /** Who did it, for the records the episode keeps (write-off approver, policy-migration actor). */
  actor: string;
}

/** Where audit rows go: the audit store's appendAuditEvent (tests may wrap it). */
export interface AuditSink {
  append(db: Pool | PoolClient, event: AuditEvent): Promise<void>;
}

export interface MountDeps {
  pool: Pool;
  keys: ApiKeys;
  audit: AuditSink;
  log: Logger;
  /** Requests per key (api/rate-limit.ts); absent: no limit. */
  limit?: KeyLimiter;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** A short outcome for the audit trail (mutating routes), e.g. `payment applied`. */
  outcome?: string;
  /** Sent as is with this content type (an HTML page, a document); otherwise `body` is sent as JSON. */
  contentType?: string;
}

type Parsed<S, K extends 'params' | 'query' | 'body'> = S extends { request: { [P in K]: infer T } }
  ? T extends z.ZodType
    ? z.output<T>
    : undefined
  : undefined;

export interface Call<S> {
  params: Parsed<S, 'params'>;
  query: Parsed<S, 'query'>;
  body: Parsed<S, 'body'>;
  /** undefined only on public routes. */
  caller: S extends { roles: 'public' } ? undefined : Caller;
  req: Request;
  /**
   * Writes this request's audit row inside the transaction that makes its change (call it as the
   * transaction's last statement). Without it the row is written once the answer is known.
   */
  auditIn: (tx: PoolClient, status: number, outcome: string, accountId?: string) => Promise<void>;
}

export type Handler<S> = (call: Call<S>) => Promise<Reply>;

const MUTATING = new Set(['post', 'put', 'patch', 'delete']);
const jsonBody = express.json({ limit: '64kb' });

function readJson(req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) =>
    jsonBody(req, res, (err?: unknown) => (err ? reject(err instanceof Error ? err : new Error('request body could not be read', { cause: err })) : resolve())),
  );
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: 'body' | 'params' | 'query'): T | undefined {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}

/** The account a request is about: from the path, or the body (payments); only a well-formed id. */
function targetAccount(req: Request): string | null {
  const body = req.body as { accountId?: unknown } | undefined;
  for (const candidate of [req.params['accountId'], body?.accountId]) {
    if (idSchema.safeParse(candidate).success) return candidate as string;
  }
  return null;
}

async function authenticate(deps: MountDeps, req: Request): Promise<Caller> {
  const bearer = /^Bearer +([^\s]+) *$/i.exec(req.header('authorization') ?? '');
  if (!bearer) throw unauthorized('this route needs an API key: Authorization: Bearer <key>', false);
  const key = await deps.keys.authenticate(bearer[1]!); // a database outage becomes 503 (toProblem)
  if (!key) throw unauthorized('unknown or revoked API key', true);
  return { ...key, actor: `key:${key.keyId}:${key.name}` };
}

function authorize(spec: RouteSpec, caller: Caller): void {
  const allowed = allowedRoles(spec);
  if (allowed !== 'public' && !caller.roles.some((r) => allowed.includes(r))) throw forbidden(allowed);
}

/** A refusal as a short code for the audit trail: `unauthorized`, `forbidden`, `invalid:body.amount`, `conflict: …`. */
function problemOutcome(p: HttpError): string {
  const fields = (p.extra['errors'] as { field: string }[] | undefined)?.map((e) => e.field);
  if (p.status === 400 && fields) return `invalid:${fields.join(',')}`;
  const code = { 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 413: 'too_large', 422: 'refused', 503: 'unavailable' }[p.status];
  if (!code) return p.status >= 500 ? 'error' : 'invalid';
  // the detail of a refusal says why (ids and rules, never personal data); the others are the code alone
  return p.status === 409 || p.status === 422 || p.status === 404 ? `${code}: ${p.message}` : code;
}

export function routeMounter(deps: MountDeps) {
  const mounted = new Set<string>();

  function mount<Id extends OperationId>(router: Router, operationId: Id, handler: Handler<SpecOf<Id>>): void {
    const spec: RouteSpec = routeSpec(operationId);
    if (mounted.has(operationId)) throw new Error(`route ${operationId} mounted twice`);
    mounted.add(operationId);
    const audited = spec.roles !== 'public' && MUTATING.has(spec.method);

    router[spec.method](spec.path, async (req: Request, res: Response, next: (err?: unknown) => void) => {
      let caller: Caller | undefined;
      let reply: Reply | undefined;
      let failure: unknown;
      let auditedInTx = false;
      // A route whose path names no account (a task) gives the account it touched to auditIn.
      let knownAccount: string | undefined;
      const event = (status: number, outcome: string): AuditEvent => ({
        keyId: caller?.keyId ?? null,
        roles: caller?.roles ?? [],
        method: spec.method.toUpperCase(),
        route: spec.path,
        accountId: knownAccount ?? targetAccount(req),
        requestId: String(req.id),
        status,
        outcome, // the store cuts it to AUDIT_OUTCOME_MAX
      });
      try {
        if (spec.roles !== 'public') {
          caller = await authenticate(deps, req);
          if (deps.limit) await deps.limit(caller.keyId); // counted per key, whatever the route
          authorize(spec, caller); // after `caller` is set: a refusal's audit row names the key
        }
        if (spec.method !== 'get') await readJson(req, res);
        const call = {
          params: parse(spec.request?.params, req.params, 'params'),
          query: parse(spec.request?.query, req.query, 'query'),
          body: parse(spec.request?.body, req.body, 'body'),
          caller,
          req,
          auditIn: async (tx: PoolClient, status: number, outcome: string, accountId?: string) => {
            if (!audited) return;
            knownAccount = accountId ?? knownAccount;
            await deps.audit.append(tx, event(status, outcome));
            auditedInTx = true;
          },
        } as Call<SpecOf<Id>>;
        reply = await handler(call);
      } catch (err) {
        failure = err;
      }
      // A row written in a transaction that then failed was rolled back: the failure gets its own.
      if (audited && !(reply && auditedInTx)) {
        const problem = failure === undefined ? undefined : toProblem(failure);
        const status = reply?.status ?? problem!.status;
        const outcome = reply ? (reply.outcome ?? 'done') : problemOutcome(problem!);
        try {
          await deps.audit.append(deps.pool, event(status, outcome));
        } catch (auditErr) {
          // No change is answered as done without its audit row: the caller retries (every
          // mutating route is idempotent by its id), and the retry is audited.
          deps.log.error({ err: auditErr, reqId: req.id, route: spec.path }, 'audit row not written');
          failure ??= auditErr;
        }
      }
      if (failure !== undefined) return next(failure);
      for (const [name, value] of Object.entries(reply!.headers ?? {})) res.setHeader(name, value);
      if (reply!.contentType) res.status(reply!.status).type(reply!.contentType).send(reply!.body);
      else res.status(reply!.status).json(reply!.body);
    });
  }

  return {
    mount,
    /** Throws unless every route of the table has its handler (a route cannot be declared and forgotten). */
    assertAllMounted(): void {
      const missing = ROUTES.filter((r) => !mounted.has(r.operationId)).map((r) => `${r.method.toUpperCase()} ${r.path} (${r.operationId})`);
      if (missing.length) throw new Error(`routes declared in api/routes/table.ts without a handler: ${missing.join(', ')}`);
    },
  };
}

export type RouteMounter = ReturnType<typeof routeMounter>;
