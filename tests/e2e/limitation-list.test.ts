// GET /v1/accounts?limitationBefore=…: accounts whose claim becomes time-barred (诉讼时效) before an
// instant, from the read model's limitation_expires_at, over real HTTP against real PostgreSQL.
import type { CollectionClient } from '../../api/collection-client';
import { ROUTES } from '../../api/routes/table';
import { apiKeys } from '../../db/stores/api-keys';
import { recordEpisodeView, type EpisodeViewRecord } from '../../db/stores/read-model';
import { contractFetch } from '../support/contract';
import { freshDatabase, type FreshDatabase } from '../support/db';
import { serveApp, type ServedApp } from '../support/app-server';

const fetch = contractFetch(ROUTES);
let db: FreshDatabase;
let served: ServedApp | undefined;
let base: string;
let key: string;
const DAY = 86_400_000;
const now = Date.now();
const at = (days: number) => new Date(now + days * DAY).toISOString();

const noWorkflows = new Proxy(
  {},
  { get: (_t, p) => (p === 'then' ? undefined : () => Promise.reject(new Error(`the list asked the workflows (${String(p)})`))) },
);

function view(accountId: string, version: number, limitation?: string | null): EpisodeViewRecord {
  return {
    accountId,
    episodeId: `${accountId}-E1`,
    episodeStartedAt: at(-400),
    version,
    status: 'open',
    stage: 'sms',
    service: 'active',
    balance: 10_000,
    currency: 'CNY',
    segment: 'consumer',
    lists: [],
    anchorDueDate: at(-30).slice(0, 10),
    nextAction: null,
    nextActionAt: null,
    updatedAt: at(-1),
    ...(limitation !== undefined ? { limitationExpiresAt: limitation } : {}),
  };
}

beforeAll(async () => {
  db = await freshDatabase();
  key = (await apiKeys(db.pool).create('lim-ops', ['ops'])).key;
  for (const id of ['LB-1', 'LB-2', 'LB-3', 'LB-4', 'LB-5']) {
    await db.pool.query("INSERT INTO accounts (account_id, customer_name, phone, segment, timezone) VALUES ($1, 'x', '10000', 'consumer', 'UTC')", [id]);
  }
  await recordEpisodeView(db.pool, view('LB-1', 1, at(30))); // expires in a month
  await recordEpisodeView(db.pool, view('LB-2', 1, at(400))); // in over a year
  await recordEpisodeView(db.pool, view('LB-3', 1, null)); // nothing owed
  await recordEpisodeView(db.pool, view('LB-4', 1)); // an episode from before the limitation patch
  await recordEpisodeView(db.pool, view('LB-5', 1, at(60)));
  await recordEpisodeView(db.pool, view('LB-5', 2)); // a later write without the field keeps the known expiry
  served = await serveApp({
    pool: db.pool,
    collection: noWorkflows as CollectionClient,
  });
  base = served.base;
});

afterAll(async () => {
  await served?.close();
  await db?.drop();
});

async function get(query: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/v1/accounts?${query}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('limitationBefore keeps the accounts whose claim is time-barred before the instant', async () => {
  const r = await get(`limitationBefore=${encodeURIComponent(at(90))}&sort=balance&order=asc`);
  expect(r.status).toBe(200);
  const accounts = r.body['accounts'] as { accountId: string; limitationExpiresAt: string | null }[];
  expect(accounts.map((a) => [a.accountId, a.limitationExpiresAt]).sort()).toEqual([
    ['LB-1', at(30)],
    ['LB-5', at(60)],
  ]);
  const everyone = (await get('limit=50')).body['accounts'] as { accountId: string; limitationExpiresAt: string | null }[];
  expect(Object.fromEntries(everyone.map((a) => [a.accountId, a.limitationExpiresAt]))).toEqual({
    'LB-1': at(30),
    'LB-2': at(400),
    'LB-3': null,
    'LB-4': null,
    'LB-5': at(60),
  });
});

test('a limitationBefore that is not an instant is 400 naming the field', async () => {
  const r = await get('limitationBefore=soon');
  expect(r.status).toBe(400);
  expect((r.body['errors'] as { field: string }[]).map((e) => e.field)).toContain('query.limitationBefore');
});
