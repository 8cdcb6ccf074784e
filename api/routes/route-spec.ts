// The contract every HTTP route is declared with: one table (api/routes/table.ts) of these feeds
// the router wiring, the role check, the audit trail, the OpenAPI document and the role-matrix
// test, so a route cannot exist without its roles, its schemas and its place in the document.
import type { z } from 'zod';

/** Roles a key can carry. `admin` may do everything; `agency` sees only accounts referred to it. */
export const ROLES = ['billing', 'ops', 'legal', 'finance', 'agency', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  /** The body's zod schema (problem+json answers use the shared problem schema). */
  schema?: z.ZodType;
}

export interface RouteSpec {
  method: HttpMethod;
  /** Express-style path, e.g. `/v1/accounts/:accountId/collection`. */
  path: string;
  /** Stable name, also the OpenAPI operationId. */
  operationId: string;
  summary: string;
  tags: readonly string[];
  /** Who may call it (`admin` always may); `public` routes need no key and are not audited. */
  roles: readonly Role[] | 'public';
  request?: {
    params?: z.ZodObject;
    query?: z.ZodObject;
    body?: z.ZodType;
    /** A body read by the handler as a stream (not JSON): its media types and what it holds. */
    stream?: { media: readonly string[]; description: string };
  };
  /** Every status the route answers with on purpose, keyed by HTTP status. */
  responses: Readonly<Record<number, ResponseSpec>>;
}
