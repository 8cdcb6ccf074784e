// The OpenAPI 3.1 document, generated from the route table: every RouteSpec becomes one operation
// with its request schemas, its answers (problem+json for every 4xx/5xx), its security and its
// roles, so the document cannot describe a route the API does not have, or miss one it has.
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import type { RouteSpec } from '../routes/route-spec';
import { PROBLEM_CONTENT_TYPE, problemSchema } from './problem';

export type OpenApiDocument = ReturnType<typeof createDocument>;

/** The security scheme's name in `components.securitySchemes`. */
export const BEARER_AUTH = 'bearerAuth';

/** `/v1/accounts/:accountId/collection` → `/v1/accounts/{accountId}/collection`. */
export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** Headers that go with a status whatever the route (set by the auth middleware and the problem handler). */
const STATUS_HEADERS: Record<number, z.ZodObject> = {
  401: z.object({
    'WWW-Authenticate': z.string().meta({ description: '`Bearer`, or `Bearer error="invalid_token"` when a key was presented', example: 'Bearer' }),
  }),
  503: z.object({ 'Retry-After': z.string().meta({ description: 'seconds to wait before retrying', example: '5' }) }),
};

function rolesText(roles: RouteSpec['roles']): string {
  if (roles === 'public') return 'Public: no API key needed.';
  return `Roles: ${[...roles, 'admin'].map((r) => `\`${r}\``).join(', ')} (a key needs one of them).`;
}

function responsesOf(route: RouteSpec): ZodOpenApiResponsesObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const [code, spec] of Object.entries(route.responses)) {
    const status = Number(code);
    const error = status >= 400;
    const schema = spec.schema ?? (error ? problemSchema : undefined);
    const headers = STATUS_HEADERS[status];
    responses[code as `${1 | 2 | 3 | 4 | 5}${string}`] = {
      description: spec.description,
      ...(schema ? { content: { [error ? PROBLEM_CONTENT_TYPE : 'application/json']: { schema } } } : {}),
      ...(headers ? { headers } : {}),
    };
  }
  return responses;
}

function operationOf(route: RouteSpec): ZodOpenApiOperationObject {
  const { params, query, body, stream } = route.request ?? {};
  const roles = route.roles === 'public' ? [] : [...route.roles];
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: rolesText(route.roles),
    tags: [...route.tags],
    'x-roles': roles,
    // An empty list overrides nothing globally but states that no key is needed.
    security: route.roles === 'public' ? [] : [{ [BEARER_AUTH]: [] }],
    ...(params || query ? { requestParams: { ...(params ? { path: params } : {}), ...(query ? { query } : {}) } } : {}),
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
    ...(stream
      ? { requestBody: { required: true, description: stream.description, content: Object.fromEntries(stream.media.map((m) => [m, { schema: z.string() }])) } }
      : {}),
    responses: responsesOf(route),
  };
}

export function buildOpenApiDocument(routes: readonly RouteSpec[], info: { title: string; version: string; description?: string }): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  const operationIds = new Set<string>();
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    const item = (paths[path] ??= {});
    if (item[route.method]) throw new Error(`two routes for ${route.method.toUpperCase()} ${route.path}`);
    if (operationIds.has(route.operationId)) throw new Error(`operationId ${route.operationId} is used twice`);
    operationIds.add(route.operationId);
    item[route.method] = operationOf(route);
  }
  const tags = [...new Set(routes.flatMap((r) => r.tags))].map((name) => ({ name }));
  return createDocument({
    openapi: '3.1.0',
    info,
    tags,
    paths,
    components: {
      securitySchemes: {
        [BEARER_AUTH]: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer <key>`. Each key carries roles.' },
      },
    },
  });
}
