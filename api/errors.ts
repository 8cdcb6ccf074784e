// Typed errors and the one middleware that turns them into application/problem+json (RFC 9457).
// Nothing else writes error responses; unknown errors become a generic 500 without details.
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail?: string,
    readonly extra: Record<string, unknown> = {},
    /** Response headers the status calls for (`WWW-Authenticate` on a 401, …). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

/** Seconds a client should wait before retrying a 503 (the outage of a dependency). */
export const RETRY_AFTER_SECONDS = 5;

export const notFound = (detail: string) => new HttpError(404, 'Not Found', detail);
export const conflict = (detail: string) => new HttpError(409, 'Conflict', detail);
export const unprocessable = (detail: string) => new HttpError(422, 'Unprocessable Content', detail);
export const unavailable = (detail: string) => new HttpError(503, 'Service Unavailable', detail);

/** No key, or one that is not (or no longer) valid (RFC 6750 §3: `invalid_token` only when a key was presented). */
export const unauthorized = (detail: string, presented: boolean) =>
  new HttpError(401, 'Unauthorized', detail, {}, { 'www-authenticate': presented ? 'Bearer error="invalid_token"' : 'Bearer' });
export const forbidden = (required: readonly string[]) =>
  new HttpError(403, 'Forbidden', `this key lacks the role this route needs: one of ${required.join(', ')}`, { requiredRoles: required });

/** Field-level details from zod: `{ field: "body.amount", message }`. */
export function validationError(err: ZodError, where: 'body' | 'params' | 'query'): HttpError {
  const errors = err.issues.map((i) => ({ field: [where, ...i.path.map(String)].join('.'), message: i.message }));
  return new HttpError(400, 'Bad Request', `invalid ${errors.map((e) => e.field).join(', ')}`, { errors });
}

/**
 * PostgreSQL cannot be reached or cannot take the query now: connection refused or lost, the
 * server shutting down or out of connections, the pool's connect timeout. SQLSTATE classes 08
 * (connection exception) and 57P (operator intervention), 53300 (too many connections).
 */
function isDatabaseUnavailable(err: { code?: unknown; message?: unknown }): boolean {
  const code = typeof err.code === 'string' ? err.code : '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '53300'].includes(code)) return true;
  if (/^(08|57P)/.test(code)) return true;
  const message = typeof err.message === 'string' ? err.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/.test(
    message,
  );
}

/** What any thrown value answers with; unknown errors are 500 (and logged by the handler). */
export function toProblem(err: unknown): HttpError {
  const e = (err ?? {}) as { type?: unknown; name?: unknown; status?: unknown; message?: unknown; code?: unknown };
  if (err instanceof HttpError) return err;
  if (e.type === 'entity.parse.failed') return new HttpError(400, 'Bad Request', 'request body is not valid JSON');
  if (e.type === 'entity.too.large') return new HttpError(413, 'Content Too Large', 'request body is too large');
  if (e.name === 'ServiceError' || e.name === 'TransportError') return unavailable('the workflow service is unavailable; retry');
  if (isDatabaseUnavailable(e)) return unavailable('the database is unavailable; retry');
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return new HttpError(e.status, 'Bad Request', String(e.message));
  return new HttpError(500, 'Internal Server Error', 'unexpected error');
}

export function problemHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let problem = toProblem(err);
    if (problem.status === 500) {
      log.error({ err, reqId: req.id }, 'unhandled error');
      problem = new HttpError(500, 'Internal Server Error', 'unexpected error; see the server log for request ' + String(req.id));
    }
    for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
    if (problem.status === 503 && !res.hasHeader('retry-after')) res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    res
      .status(problem.status)
      .type('application/problem+json')
      .json({ type: 'about:blank', title: problem.title, status: problem.status, detail: problem.message, instance: req.originalUrl, ...problem.extra });
  };
}
