// The response contract, checked on real answers: given method, path, status and body, find the
// RouteSpec, check the status is one it declares and the body matches its response schema (the
// problem schema for 4xx/5xx without one). It also refuses keys the schema does not name (zod
// strips them when parsing, the document says `additionalProperties: false`): the API must not
// send what it does not document. Problem details stay open (RFC 9457 extension members).
import type { z } from 'zod';
import { PROBLEM_CONTENT_TYPE, problemSchema } from '../../api/openapi/problem';
import type { RouteSpec } from '../../api/routes/route-spec';

export class ContractViolation extends Error {}

export interface RecordedResponse {
  method: string;
  /** The request path, with or without a query string. */
  path: string;
  status: number;
  /** The response's Content-Type, when known: JSON for answers, problem+json for errors. */
  contentType?: string | null;
  body: unknown;
}

function pattern(expressPath: string): RegExp {
  const escaped = expressPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_][A-Za-z0-9_]*/g, '[^/]+');
  return new RegExp(`^${escaped}/?$`);
}

export function findRoute(routes: readonly RouteSpec[], method: string, path: string): RouteSpec | undefined {
  const bare = path.split('?')[0]!;
  const m = method.toLowerCase();
  return routes.find((r) => r.method === m && pattern(r.path).test(bare));
}

const where = (path: readonly PropertyKey[]) => ['body', ...path.map(String)].join('.');

/**
 * One line per issue. A union that matched no option reports the option that came closest (the
 * fewest issues), so a payment answer off by one field names that field, not just "invalid input".
 */
function describe(issues: readonly z.core.$ZodIssue[], base: readonly PropertyKey[] = []): string[] {
  return issues.flatMap((i) => {
    const path = [...base, ...i.path];
    if (i.code === 'invalid_union' && i.errors.length > 0) {
      const closest = [...i.errors].sort((a, b) => a.length - b.length)[0]!;
      return describe(closest, path);
    }
    return [`${where(path)}: ${i.message}`];
  });
}

/** Paths of keys in `sent` that parsing dropped, i.e. that the schema does not name. */
function undocumented(sent: unknown, parsed: unknown, path: string[] = []): string[] {
  if (Array.isArray(sent) && Array.isArray(parsed)) return sent.flatMap((v, i) => undocumented(v, parsed[i], [...path, String(i)]));
  if (sent && typeof sent === 'object' && parsed && typeof parsed === 'object') {
    return Object.entries(sent).flatMap(([k, v]) =>
      k in parsed ? undocumented(v, (parsed as Record<string, unknown>)[k], [...path, k]) : [where([...path, k])],
    );
  }
  return [];
}

/** The schema a response must match; throws when the route or the status is not in the table. */
export function responseSchemaFor(routes: readonly RouteSpec[], r: Pick<RecordedResponse, 'method' | 'path' | 'status'>): z.ZodType {
  const label = `${r.method.toUpperCase()} ${r.path} → ${r.status}`;
  const route = findRoute(routes, r.method, r.path);
  if (!route) {
    // The catch-all answer for a path the API does not have.
    if (r.status === 404) return problemSchema;
    throw new ContractViolation(`${label}: no RouteSpec has this method and path`);
  }
  const spec = route.responses[r.status];
  if (!spec)
    throw new ContractViolation(`${label}: ${route.operationId} does not declare status ${r.status} (declared: ${Object.keys(route.responses).join(', ')})`);
  const schema = spec.schema ?? (r.status >= 400 ? problemSchema : undefined);
  if (!schema) throw new ContractViolation(`${label}: ${route.operationId} has no response schema for ${r.status}`);
  return schema;
}

/** Throws a ContractViolation naming the first mismatching field(s); returns the operationId checked. */
export function checkResponse(routes: readonly RouteSpec[], r: RecordedResponse): string {
  const label = `${r.method.toUpperCase()} ${r.path} → ${r.status}`;
  const schema = responseSchemaFor(routes, r);
  if (r.contentType != null) {
    const expected = r.status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json';
    if (!r.contentType.toLowerCase().startsWith(expected)) throw new ContractViolation(`${label}: content-type ${r.contentType}, expected ${expected}`);
  }
  const result = schema.safeParse(r.body);
  if (!result.success) {
    const issues = describe(result.error.issues).join('; ');
    throw new ContractViolation(`${label}: the body does not match its schema: ${issues}\nbody: ${JSON.stringify(r.body)}`);
  }
  const extra = undocumented(r.body, result.data);
  if (extra.length > 0) throw new ContractViolation(`${label}: fields the schema does not name: ${extra.join(', ')}`);
  return findRoute(routes, r.method, r.path)?.operationId ?? '(no route)';
}

/**
 * A `fetch` that checks every JSON answer against the contract before handing it back (the body
 * stays readable); `checked` counts answers per operationId, so a suite can tell which it covered.
 */
export function contractFetch(routes: readonly RouteSpec[]): typeof fetch & { checked: Map<string, number> } {
  const checked = new Map<string, number>();
  const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const res = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const contentType = res.headers.get('content-type');
    if (contentType && /json/i.test(contentType)) {
      const body: unknown = await res.clone().json();
      const op = checkResponse(routes, { method, path: url.pathname, status: res.status, contentType, body });
      checked.set(op, (checked.get(op) ?? 0) + 1);
    } else {
      // Not JSON: only an answer the table declares without a body schema (the HTML docs page).
      const route = findRoute(routes, method, url.pathname);
      const spec = route?.responses[res.status];
      if (!route || !spec || spec.schema) throw new ContractViolation(`${method} ${url.pathname} → ${res.status}: not JSON (content-type ${contentType})`);
      checked.set(route.operationId, (checked.get(route.operationId) ?? 0) + 1);
    }
    return res;
  };
  return Object.assign(wrapped, { checked });
}
