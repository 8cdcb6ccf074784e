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
  ) {
    super(detail ?? title);
  }
}

export const notFound = (detail: string) => new HttpError(404, 'Not Found', detail);
export const conflict = (detail: string) => new HttpError(409, 'Conflict', detail);
export const unprocessable = (detail: string) => new HttpError(422, 'Unprocessable Content', detail);
export const unavailable = (detail: string) => new HttpError(503, 'Service Unavailable', detail);

/** Field-level details from zod: `{ field: "body.amount", message }`. */
export function validationError(err: ZodError, where: 'body' | 'params' | 'query'): HttpError {
  const errors = err.issues.map((i) => ({ field: [where, ...i.path.map(String)].join('.'), message: i.message }));
  return new HttpError(400, 'Bad Request', `invalid ${errors.map((e) => e.field).join(', ')}`, { errors });
}

export function problemHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    // The fields body-parser and the Temporal client put on their errors.
    const e = (err ?? {}) as { type?: unknown; name?: unknown; status?: unknown; message?: unknown };
    let problem: HttpError;
    if (err instanceof HttpError) problem = err;
    else if (e.type === 'entity.parse.failed') problem = new HttpError(400, 'Bad Request', 'request body is not valid JSON');
    else if (e.type === 'entity.too.large') problem = new HttpError(413, 'Content Too Large', 'request body is too large');
    else if (e.name === 'ServiceError' || e.name === 'TransportError') problem = new HttpError(503, 'Service Unavailable', 'the workflow service is unavailable; retry');
    else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) problem = new HttpError(e.status, 'Bad Request', typeof e.message === 'string' ? e.message : undefined);
    else {
      log.error({ err, reqId: req.id }, 'unhandled error');
      problem = new HttpError(500, 'Internal Server Error', 'unexpected error; see the server log for request ' + String(req.id));
    }
    res
      .status(problem.status)
      .type('application/problem+json')
      .json({ type: 'about:blank', title: problem.title, status: problem.status, detail: problem.message, instance: req.originalUrl, ...problem.extra });
  };
}
