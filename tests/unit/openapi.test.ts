// The OpenAPI document: valid OpenAPI 3.1, generated from the route table (every route, its
// method, security and roles), and the contract check the e2e suite runs on real answers.
import { z } from 'zod';
import { buildOpenApiDocument, toOpenApiPath, type OpenApiDocument } from '../../api/openapi/document';
import { paymentAnswerSchema, paymentStatusSchema } from '../../api/openapi/responses';
import type { RouteSpec } from '../../api/routes/route-spec';
import { ROUTES } from '../../api/routes/table';
import { accountParams, paymentBody } from '../../api/schemas/requests';
import { checkResponse, ContractViolation } from '../support/contract';
import { validateOpenApi } from '../support/openapi-validator';

const problems = { 400: { description: 'bad input' }, 401: { description: 'no key' }, 403: { description: 'no role' }, 503: { description: 'down' } };

/** A small table with the shapes the real one has: public, protected, params, body, query. */
const SAMPLE: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    summary: 'up',
    tags: ['health'],
    roles: 'public',
    responses: { 200: { description: 'up', schema: z.object({ status: z.literal('ok') }) } },
  },
  {
    method: 'post',
    path: '/v1/payments',
    operationId: 'postPayment',
    summary: 'pay',
    tags: ['payments'],
    roles: ['billing'],
    request: { body: paymentBody },
    responses: { 201: { description: 'applied', schema: paymentAnswerSchema }, ...problems, 409: { description: 'conflict' } },
  },
  {
    method: 'get',
    path: '/v1/accounts/:accountId/payments/:paymentId',
    operationId: 'getAccountPayment',
    summary: 'one payment',
    tags: ['payments'],
    roles: ['billing', 'ops'],
    request: { params: accountParams.extend({ paymentId: z.string() }), query: z.object({ asOf: z.string().optional() }) },
    responses: { 200: { description: 'the payment', schema: paymentStatusSchema }, ...problems, 404: { description: 'unknown' } },
  },
];

const info = { title: 'test', version: '0.0.0' };

function operation(doc: OpenApiDocument, route: RouteSpec) {
  const op = doc.paths?.[toOpenApiPath(route.path)]?.[route.method];
  if (!op) throw new Error(`${route.method} ${route.path} is not in the document`);
  return op as Record<string, any>;
}

describe('the document built from a sample table', () => {
  const doc = buildOpenApiDocument(SAMPLE, info);

  test('is valid OpenAPI 3.1', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(validateOpenApi(doc)).toEqual({ valid: true });
  });

  test('the validator does reject a broken document', () => {
    const broken = structuredClone(doc) as Record<string, any>;
    broken['paths']['/healthz']['get']['responses'] = { 200: { content: {} } }; // a response needs a description
    expect(validateOpenApi(broken).valid).toBe(false);
  });

  test('express paths become {param} paths with their path and query parameters', () => {
    expect(Object.keys(doc.paths ?? {})).toEqual(['/healthz', '/v1/payments', '/v1/accounts/{accountId}/payments/{paymentId}']);
    const params = operation(doc, SAMPLE[2]!)['parameters'] as { in: string; name: string; required?: boolean }[];
    expect(params.map((p) => [p.in, p.name, p.required ?? false])).toEqual([
      ['path', 'accountId', true],
      ['path', 'paymentId', true],
      ['query', 'asOf', false],
    ]);
  });

  test('public routes need no key; the others a bearer key, with their roles stated', () => {
    expect(doc.components?.securitySchemes?.['bearerAuth']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(operation(doc, SAMPLE[0]!)).toMatchObject({ security: [], 'x-roles': [] });
    expect(operation(doc, SAMPLE[0]!)['description']).toMatch(/no API key/);
    expect(operation(doc, SAMPLE[2]!)).toMatchObject({ security: [{ bearerAuth: [] }], 'x-roles': ['billing', 'ops'] });
    expect(operation(doc, SAMPLE[2]!)['description']).toContain('`billing`, `ops`, `admin`');
  });

  test('answers: JSON bodies as named components, every 4xx/5xx as problem+json', () => {
    const op = operation(doc, SAMPLE[1]!);
    expect(op['requestBody']).toMatchObject({ required: true, content: { 'application/json': { schema: { type: 'object' } } } });
    expect(op['responses']['201']['content']['application/json']['schema']).toEqual({ $ref: '#/components/schemas/PaymentAnswer' });
    for (const status of ['400', '401', '403', '409', '503']) {
      expect(op['responses'][status]['content']['application/problem+json']['schema']).toEqual({ $ref: '#/components/schemas/Problem' });
    }
    expect(op['responses']['503']['headers']).toHaveProperty('Retry-After');
    expect(op['responses']['401']['headers']).toHaveProperty('WWW-Authenticate');
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(
      expect.arrayContaining(['Problem', 'FieldError', 'PaymentAnswer', 'PaymentOutcome', 'PaymentStatus', 'EpisodeStatus']),
    );
  });

  test('a route twice is refused', () => {
    expect(() => buildOpenApiDocument([...SAMPLE, { ...SAMPLE[0]!, operationId: 'again' }], info)).toThrow(/two routes for GET \/healthz/);
  });
});

describe('the document of the route table', () => {
  const doc = buildOpenApiDocument(ROUTES, info);

  test('is valid OpenAPI 3.1', () => {
    expect(validateOpenApi(doc)).toEqual({ valid: true });
  });

  test('has every route of the table with its method, and nothing else', () => {
    const inDoc = Object.entries(doc.paths ?? {}).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
    expect(inDoc.sort()).toEqual(ROUTES.map((r) => `${r.method} ${toOpenApiPath(r.path)}`).sort());
    for (const route of ROUTES) expect(operation(doc, route)['operationId']).toBe(route.operationId);
  });

  test.each(ROUTES.map((r) => [r.operationId, r] as const))('%s: security and roles match the table', (_id, route) => {
    const op = operation(doc, route);
    if (route.roles === 'public') {
      expect(op['security']).toEqual([]);
      expect(op['x-roles']).toEqual([]);
    } else {
      expect(op['security']).toEqual([{ bearerAuth: [] }]);
      expect(op['x-roles']).toEqual([...route.roles]);
      for (const role of route.roles) expect(op['description']).toContain(`\`${role}\``);
      expect(Object.keys(op['responses'])).toEqual(expect.arrayContaining(['401', '403']));
    }
    expect(Object.keys(op['responses']).sort()).toEqual(Object.keys(route.responses).sort());
  });

  test('every JSON answer of the table has a schema (only the HTML docs page has none)', () => {
    const without = ROUTES.flatMap((r) =>
      Object.entries(r.responses)
        .filter(([code, spec]) => Number(code) < 400 && !spec.schema)
        .map(([code]) => `${r.operationId} ${code}`),
    );
    expect(without).toEqual(['getDocsPage 200']);
  });
});

describe('the response contract', () => {
  const ok = {
    paymentId: 'P1',
    accountId: 'A1',
    applied: true,
    outcome: 'applied',
    balance: 0,
    status: 'paid',
    service: 'active',
    restoring: false,
    duplicate: false,
  };
  const check = (status: number, body: unknown, path = '/v1/payments', method = 'POST') => checkResponse(SAMPLE, { method, path, status, body });

  test('a matching answer passes and names its operation', () => {
    expect(check(201, ok)).toBe('postPayment');
    expect(
      check(400, { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'invalid body.amount', errors: [{ field: 'body.amount', message: 'x' }] }),
    ).toBe('postPayment');
    expect(
      checkResponse(SAMPLE, {
        method: 'GET',
        path: '/v1/accounts/A1/payments/P1?asOf=now',
        status: 404,
        body: { type: 'about:blank', title: 'Not Found', status: 404 },
      }),
    ).toBe('getAccountPayment');
  });

  test('a mismatch is reported with the path of the field', () => {
    expect(() => check(201, { ...ok, status: 'gone' })).toThrow(/body\.status: Invalid/);
    expect(() => check(201, { ...ok, balance: 1.5 })).toThrow(ContractViolation);
    expect(() => check(400, { title: 'Bad Request', status: 400, errors: [{ field: 1 }] })).toThrow(/body\.type.*body\.errors\.0\.field/s);
  });

  test('a field the schema does not name is reported', () => {
    expect(() => check(201, { ...ok, secret: 'x' })).toThrow(/fields the schema does not name: body\.secret/);
  });

  test('a status the route does not declare, or a route not in the table, is reported', () => {
    expect(() => check(500, { type: 'about:blank', title: 'x', status: 500 })).toThrow(/does not declare status 500/);
    expect(() => check(200, {}, '/v1/nowhere', 'GET')).toThrow(/no RouteSpec/);
  });

  test('problem+json for errors and JSON for answers, when the content type is known', () => {
    expect(() => checkResponse(SAMPLE, { method: 'GET', path: '/healthz', status: 200, contentType: 'text/html', body: { status: 'ok' } })).toThrow(
      /content-type text\/html/,
    );
    expect(
      checkResponse(SAMPLE, { method: 'GET', path: '/healthz', status: 200, contentType: 'application/json; charset=utf-8', body: { status: 'ok' } }),
    ).toBe('getHealth');
  });
});
