// Every route of the table over real HTTP, with no key, a revoked key, an agency key and a key of
// each role: 401 without a valid key (except public routes), 403 without the role, anything else
// with it. The workflow service is a fake (the roles are the API's business); PostgreSQL is real,
// so the keys, the audit rows and their transactions are the production ones.
import type { Server } from 'node:http';
import type { Pool, PoolClient } from 'pg';
import type { AppDeps } from '../../api/app';
import type { CollectionClient } from '../../api/collection-client';
import { ROLES, type Role, type RouteSpec } from '../../api/routes/route-spec';
import { allowedRoles, ROUTES } from '../../api/routes/table';
import type { AuditEvent } from '../../db/stores/audit';
import { apiKeys } from '../../db/stores/api-keys';
import { appendAuditEvent, verifyAuditChain } from '../../db/stores/audit';
import { createPool } from '../../db/pool';
import { freshDatabase, type FreshDatabase } from '../support/db';
import { freePort } from '../support/ports';
import { serveApp } from '../support/app-server';

let db: FreshDatabase;
const keys = {} as Record<Role, string>;
let revoked: string;
const servers: Server[] = [];

/** Answers like a workflow service with no episode open (updates: undefined → 404). */
const fakeCollection = {
  enrol: async (req: { accountId: string }) => ({ workflowId: `collection-${req.accountId}`, runId: 'r1' }),
  postPayment: async () => undefined,
  promiseToPay: async () => undefined,
  openDispute: async () => undefined,
  resolveDispute: async () => undefined,
  writeOff: async () => undefined,
  agreeInstallments: async () => undefined,
  migratePolicy: async () => undefined,
  state: async () => undefined,
  endedEpisodeWithPayment: async () => undefined,
  endedState: async () => undefined,
} as unknown as CollectionClient;

async function serve(overrides: Partial<AppDeps> = {}): Promise<string> {
  const served = await serveApp({ pool: db.pool, collection: fakeCollection, ...overrides });
  servers.push(served.server);
  return served.base;
}

let base: string;
beforeAll(async () => {
  db = await freshDatabase();
  const store = apiKeys(db.pool);
  for (const role of ROLES) keys[role] = (await store.create(`matrix-${role}`, [role])).key;
  const old = await store.create('matrix-revoked', ['admin']);
  await store.revoke(old.keyId);
  revoked = old.key;
  base = await serve();
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await db?.drop();
});

const concretePath = (spec: RouteSpec) => spec.path.replace(':accountId', 'MATRIX-1').replace(/:(\w+)/g, 'X-1');

async function call(spec: RouteSpec, key?: string, url = base) {
  const res = await fetch(url + concretePath(spec), {
    method: spec.method.toUpperCase(),
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    ...(spec.method === 'get' ? {} : { body: '{}' }),
  });
  // every answer is JSON but the docs page (HTML)
  const body = /json/.test(res.headers.get('content-type') ?? '') ? ((await res.json()) as Record<string, unknown>) : {};
  return { status: res.status, headers: res.headers, body };
}

const auditCount = async () => Number((await db.pool.query('SELECT count(*) AS n FROM audit_events')).rows[0].n);

describe('every route, every role', () => {
  test.each(ROUTES.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s', async (_name, spec) => {
    const allowed = allowedRoles(spec);
    const mutating = spec.method !== 'get' && allowed !== 'public';
    const before = await auditCount();
    let requests = 0;

    const none = await call(spec);
    const expired = await call(spec, revoked);
    requests += 2;
    if (allowed === 'public') {
      expect(none.status).toBe(200);
      expect(expired.status).toBe(200);
    } else {
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(expired.status).toBe(401);
      expect(expired.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    }
    for (const role of ROLES) {
      const res = await call(spec, keys[role]);
      requests++;
      if (allowed === 'public' || allowed.includes(role)) {
        expect([role, res.status]).not.toEqual([role, 401]);
        expect([role, res.status]).not.toEqual([role, 403]);
        expect(res.status).toBeLessThan(500);
      } else {
        expect([role, res.status]).toEqual([role, 403]);
        expect(res.body['requiredRoles']).toEqual(allowed);
      }
    }
    // one audit row per mutating request, refused ones included; reads and public routes none
    expect(await auditCount()).toBe(before + (mutating ? requests : 0));
  });

  test('admin reaches every route; agency only its outcome route; the table has no admin entries of its own', () => {
    for (const spec of ROUTES) {
      if (spec.roles === 'public') continue;
      expect(spec.roles).not.toContain('admin');
    }
    expect(ROUTES.filter((r) => r.roles !== 'public' && (r.roles as readonly string[]).includes('agency')).map((r) => r.operationId)).toEqual([
      'postAgencyOutcome',
      // who the key is (GET /v1/session): every key may ask, and learns only its own id, roles and agency
      'getSession',
    ]);
    expect(ROUTES.filter((r) => r.roles === 'public').map((r) => r.path)).toEqual(['/healthz', '/openapi.json', '/docs']);
  });
});

test('a refused request leaves an audit row naming the route pattern, the account and the reason', async () => {
  const res = await fetch(`${base}/v1/accounts/MATRIX-2/write-off`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.ops}`, 'x-request-id': 'req-refused-1' },
    body: JSON.stringify({ writeOffId: 'W1', reason: 'gone' }),
  });
  expect(res.status).toBe(403);
  const { rows } = await db.pool.query("SELECT key_id, roles, method, route, account_id, status, outcome FROM audit_events WHERE request_id = 'req-refused-1'");
  const opsKeyId = keys.ops.split('_')[1];
  expect(rows).toEqual([
    { key_id: opsKeyId, roles: ['ops'], method: 'POST', route: '/v1/accounts/:accountId/write-off', account_id: 'MATRIX-2', status: 403, outcome: 'forbidden' },
  ]);

  const bad = await fetch(`${base}/v1/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.billing}`, 'x-request-id': 'req-bad-1' },
    body: JSON.stringify({ paymentId: 'P1', accountId: 'MATRIX-3', amount: 1.5 }),
  });
  expect(bad.status).toBe(400);
  const { rows: badRows } = await db.pool.query("SELECT account_id, status, outcome FROM audit_events WHERE request_id = 'req-bad-1'");
  expect(badRows[0]).toMatchObject({ account_id: 'MATRIX-3', status: 400, outcome: expect.stringMatching(/^invalid:.*body\.amount/) });
  const bodyless = await fetch(`${base}/v1/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.billing}` },
    body: '{"x":',
  });
  expect(bodyless.status).toBe(400);
});

test('the audit trail of an account: ops and admin, newest first, paged', async () => {
  const get = (q: string, key = keys.ops) => fetch(`${base}/v1/accounts/MATRIX-1/audit${q}`, { headers: { authorization: `Bearer ${key}` } });
  const first = (await (await get('?limit=2')).json()) as { events: { id: string; status: number }[]; next?: string };
  expect(first.events).toHaveLength(2);
  expect(Number(first.events[0]!.id)).toBeGreaterThan(Number(first.events[1]!.id));
  expect(first.next).toBe(first.events[1]!.id);
  const second = (await (await get(`?limit=2&before=${first.next}`)).json()) as { events: { id: string }[] };
  expect(Number(second.events[0]!.id)).toBeLessThan(Number(first.next));
  expect((await get('?limit=0')).status).toBe(400);
  expect((await get('?before=abc')).status).toBe(400);
  expect((await get('', keys.billing)).status).toBe(403);
  expect((await get('', keys.admin)).status).toBe(200);
});

test('an enrolment and a payment write their audit rows in their own transactions', async () => {
  const bill = { billId: 'MATRIX-9-B1', customerName: '测试', phone: '13700000099', amount: 100, currency: 'CNY', dueDate: '2026-01-01' };
  const post = (url: string, body: unknown, requestId: string) =>
    fetch(base + url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.billing}`, 'x-request-id': requestId },
      body: JSON.stringify(body),
    });
  expect((await post('/v1/accounts/MATRIX-9/arrears', bill, 'req-enrol-1')).status).toBe(201);
  // same transaction: the audit row and the bill's delivery mark carry the same transaction id
  const xmin = async (sql: string) => (await db.pool.query(sql)).rows[0]?.x as string | undefined;
  const audited = await xmin("SELECT xmin::text AS x FROM audit_events WHERE request_id = 'req-enrol-1'");
  expect(audited).toBeDefined();
  expect(await xmin("SELECT xmin::text AS x FROM bills WHERE bill_id = 'MATRIX-9-B1'")).toBe(audited);
  const { rows } = await db.pool.query("SELECT status, outcome, account_id FROM audit_events WHERE request_id = 'req-enrol-1'");
  expect(rows).toEqual([{ status: 201, outcome: 'bill accepted', account_id: 'MATRIX-9' }]);

  const payment = { paymentId: 'MATRIX-9-P1', accountId: 'MATRIX-9', amount: 100, currency: 'CNY', paidAt: '2026-01-02T10:00:00+08:00', channel: 'bank' };
  expect((await post('/v1/payments', payment, 'req-pay-1')).status).toBe(201);
  const paid = await xmin("SELECT xmin::text AS x FROM audit_events WHERE request_id = 'req-pay-1'");
  expect(await xmin("SELECT xmin::text AS x FROM payments WHERE payment_id = 'MATRIX-9-P1'")).toBe(paid);

  // An audit row that cannot be written in the transaction takes the change down with it.
  const failingInTx = {
    append: async (conn: Pool | PoolClient, e: AuditEvent) => {
      if (conn !== db.pool) throw Object.assign(new Error('Connection terminated unexpectedly'), {});
      await appendAuditEvent(conn, e);
    },
  };
  const failing = await serve({ audit: failingInTx });
  const res = await fetch(`${failing}/v1/accounts/MATRIX-10/arrears`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.billing}`, 'x-request-id': 'req-enrol-2' },
    body: JSON.stringify({ ...bill, billId: 'MATRIX-10-B1' }),
  });
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  const { rows: bills } = await db.pool.query("SELECT delivered_at FROM bills WHERE bill_id = 'MATRIX-10-B1'");
  expect(bills).toEqual([{ delivered_at: null }]); // recorded, not marked delivered: a re-send delivers it
  const { rows: failed } = await db.pool.query("SELECT status, outcome FROM audit_events WHERE request_id = 'req-enrol-2'");
  expect(failed).toEqual([{ status: 503, outcome: 'unavailable' }]);
  expect(await verifyAuditChain(db.pool)).toMatchObject({ ok: true });
});

test('PostgreSQL down while the key is looked up: 503 with Retry-After, never 500', async () => {
  const deadPool = createPool(`postgres://postgres:postgres@127.0.0.1:${await freePort()}/none`, { max: 1, connectionTimeoutMillis: 1_000 });
  try {
    const down = await serve({ pool: deadPool });
    for (const spec of ROUTES.filter((r) => r.roles !== 'public')) {
      const res = await call(spec, keys.admin, down);
      expect([spec.operationId, res.status]).toEqual([spec.operationId, 503]);
      expect(res.headers.get('retry-after')).toBe('5');
    }
  } finally {
    await deadPool.end();
  }
});
