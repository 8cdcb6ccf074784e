// Why: a runaway script must not starve everyone else (issue 14): past its limit a key gets 429
// problem+json with Retry-After, other keys go on being served, and a public route is never limited.
import type { CollectionClient } from '../../api/collection-client';
import { apiKeys } from '../../db/stores/api-keys';
import { freshDatabase, type FreshDatabase } from '../support/db';
import { serveApp, type ServedApp } from '../support/app-server';

let db: FreshDatabase;
let served: ServedApp | undefined;
let base: string;
let busy: string;
let quiet: string;

beforeAll(async () => {
  db = await freshDatabase();
  busy = (await apiKeys(db.pool).create('busy-ops', ['ops'])).key;
  quiet = (await apiKeys(db.pool).create('quiet-ops', ['ops'])).key;
  served = await serveApp({
    pool: db.pool,
    collection: {} as CollectionClient,
    rateLimit: { requests: 3, windowSeconds: 600 },
  });
  base = served.base;
});

afterAll(async () => {
  await served?.close();
  await db?.drop();
});

const list = (key: string) => fetch(`${base}/v1/accounts`, { headers: { authorization: `Bearer ${key}` } });

test('past its limit a key gets 429 with Retry-After; another key and the public routes are still served', async () => {
  for (let i = 0; i < 3; i++) expect((await list(busy)).status).toBe(200);
  const refused = await list(busy);
  expect(refused.status).toBe(429);
  expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
  const retryAfter = Number(refused.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(600);
  expect(await refused.json()).toMatchObject({ status: 429, title: 'Too Many Requests', limit: 3, windowSeconds: 600 });

  expect((await list(quiet)).status).toBe(200);
  for (let i = 0; i < 5; i++) expect((await fetch(`${base}/healthz`)).status).not.toBe(429);
});
