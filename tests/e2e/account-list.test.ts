// GET /v1/accounts over real HTTP against real PostgreSQL: a seeded read model whose right answers
// this test computes on its own (filter and sort the seeded rows in JS, page through, compare).
// The list never asks the workflows, so the workflow service is a fake that fails if called.
import fc from 'fast-check';
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

const noWorkflows = new Proxy(
  {},
  { get: (_t, p) => (p === 'then' ? undefined : () => Promise.reject(new Error(`the list asked the workflows (${String(p)})`))) },
);

const STATUSES = ['open', 'paid', 'legal', 'written_off', 'closed'];
const STAGES = ['enrolled', 'sms', 'voice', 'manual_call', 'suspend_full'];
const SERVICES = ['active', 'outgoing_barred', 'suspended'];
const SEGMENTS = ['consumer', 'enterprise', 'ecommerce'];
const REGIONS = ['north', 'south', null];
const NEXT = ['sms', 'voice', 'promise_reminder', null];
const N = 240;
const DAY = 86_400_000;

interface Seeded extends EpisodeViewRecord {
  region: string | null;
}
const seeded: Seeded[] = [];
const utcToday = () => new Date().toISOString().slice(0, 10);
const daysPast = (anchor: string, today: string) => Math.round((Date.parse(today) - Date.parse(anchor)) / DAY);

beforeAll(async () => {
  db = await freshDatabase();
  key = (await apiKeys(db.pool).create('list-ops', ['ops'])).key;
  const now = Date.now();
  const rnd = fc.sample(fc.array(fc.nat({ max: 1_000_000 }), { minLength: 12, maxLength: 12 }), { numRuns: N, seed: 11 });
  for (let i = 0; i < N; i++) {
    const r = rnd[i]!;
    const accountId = `L-${String(i).padStart(5, '0')}`;
    const region = REGIONS[r[0]! % REGIONS.length]!;
    await db.pool.query("INSERT INTO accounts (account_id, customer_name, phone, segment, timezone, region) VALUES ($1, 'x', '10000', 'consumer', 'UTC', $2)", [
      accountId,
      region,
    ]);
    const next = NEXT[r[1]! % NEXT.length]!;
    const view: Seeded = {
      accountId,
      episodeId: `${accountId}-B1`,
      episodeStartedAt: new Date(now - 400 * DAY).toISOString(),
      version: 1 + (r[2]! % 5),
      status: STATUSES[r[3]! % STATUSES.length]!,
      stage: STAGES[r[4]! % STAGES.length]!,
      service: SERVICES[r[5]! % SERVICES.length]!,
      // a few distinct balances, so ties cross page boundaries
      balance: [0, 5_000, 12_050, 80_000, 250_000][r[6]! % 5]!,
      currency: 'CNY',
      segment: SEGMENTS[r[7]! % SEGMENTS.length]!,
      lists: [[], ['red'], ['black'], ['red', 'black']][r[8]! % 4]!,
      anchorDueDate: new Date(now - (r[9]! % 260) * DAY).toISOString().slice(0, 10),
      nextAction: next,
      nextActionAt: next ? new Date(now + ((r[10]! % 40) - 10) * 3_600_000).toISOString() : null,
      updatedAt: new Date(now - (r[11]! % 1000) * 60_000).toISOString(),
      region,
    };
    expect(await recordEpisodeView(db.pool, view)).toBe(true);
    seeded.push(view);
  }
  served = await serveApp({
    pool: db.pool,
    collection: noWorkflows as CollectionClient,
  });
  base = served.base;
});

afterAll(async () => {
  // a failed beforeAll leaves no server: do not wait for a close that never comes
  await served?.close();
  await db?.drop();
});

async function get(query: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/v1/accounts${query ? `?${query}` : ''}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Every page of a query, following `next`. */
async function all(query: string, limit: number): Promise<{ accountId: string; daysPastDue: number }[]> {
  const out: { accountId: string; daysPastDue: number }[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const r = await get(`${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status).toBe(200);
    const accounts = r.body['accounts'] as { accountId: string; daysPastDue: number }[];
    expect(accounts.length).toBeLessThanOrEqual(limit);
    out.push(...accounts);
    cursor = r.body['next'] as string | undefined;
    if (!cursor) return out;
  }
  throw new Error('paging did not end');
}

type Filter = {
  status?: string[];
  stage?: string;
  service?: string;
  segment?: string;
  list?: string;
  region?: string;
  balanceMin?: number;
  balanceMax?: number;
  aging?: string;
  nextActionBefore?: string;
};
const AGING: Record<string, [number, number]> = { '0-30': [0, 30], '31-60': [31, 60], '61-90': [61, 90], '91-180': [91, 180], '180+': [181, Infinity] };

function expected(f: Filter, sort: 'balance' | 'next_action_at' | 'anchor_due_date' | 'updated_at', order: 'asc' | 'desc', today: string): string[] {
  const keep = seeded.filter(
    (v) =>
      (!f.status || f.status.includes(v.status)) &&
      (!f.stage || v.stage === f.stage) &&
      (!f.service || v.service === f.service) &&
      (!f.segment || v.segment === f.segment) &&
      (!f.list || v.lists.includes(f.list)) &&
      (!f.region || v.region === f.region) &&
      (f.balanceMin === undefined || v.balance >= f.balanceMin) &&
      (f.balanceMax === undefined || v.balance <= f.balanceMax) &&
      (!f.aging || (daysPast(v.anchorDueDate, today) >= AGING[f.aging]![0] && daysPast(v.anchorDueDate, today) <= AGING[f.aging]![1])) &&
      (!f.nextActionBefore || (v.nextActionAt !== null && Date.parse(v.nextActionAt) < Date.parse(f.nextActionBefore))),
  );
  const key = (v: Seeded): number =>
    sort === 'balance'
      ? v.balance
      : sort === 'next_action_at'
        ? v.nextActionAt === null
          ? Infinity
          : Date.parse(v.nextActionAt)
        : sort === 'anchor_due_date'
          ? Date.parse(v.anchorDueDate)
          : Date.parse(v.updatedAt);
  const sign = order === 'asc' ? 1 : -1;
  return keep.sort((a, b) => sign * (key(a) - key(b) || (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0))).map((v) => v.accountId);
}

function toQuery(f: Filter): string {
  return Object.entries(f)
    .map(([k, v]) => `${k}=${encodeURIComponent(Array.isArray(v) ? v.join(',') : String(v))}`)
    .join('&');
}

const soon = new Date(Date.now() + 5 * 3_600_000).toISOString();
const CASES: [string, Filter, 'balance' | 'next_action_at' | 'anchor_due_date' | 'updated_at', 'asc' | 'desc'][] = [
  ['everything, newest change first', {}, 'updated_at', 'desc'],
  ['open, by balance', { status: ['open'] }, 'balance', 'desc'],
  ['open or legal, red list', { status: ['open', 'legal'], list: 'red' }, 'anchor_due_date', 'asc'],
  ['a stage and a service', { stage: 'sms', service: 'active' }, 'balance', 'asc'],
  ['enterprise in the north', { segment: 'enterprise', region: 'north' }, 'updated_at', 'asc'],
  ['balance range', { balanceMin: 5_000, balanceMax: 80_000 }, 'balance', 'desc'],
  ['aging 31-60', { aging: '31-60' }, 'anchor_due_date', 'desc'],
  ['aging 180+, black list', { aging: '180+', list: 'black' }, 'balance', 'asc'],
  ['aging 0-30', { aging: '0-30' }, 'updated_at', 'desc'],
  ['next action due soon, open', { status: ['open'], nextActionBefore: soon }, 'next_action_at', 'asc'],
  ['by next action, nothing planned last', { segment: 'consumer' }, 'next_action_at', 'asc'],
  ['by next action descending', { service: 'suspended' }, 'next_action_at', 'desc'],
];

test.each(CASES)('%s: the right accounts in the right order across pages', async (_name, filter, sort, order) => {
  for (let attempt = 0; ; attempt++) {
    const today = utcToday();
    const got = await all(`${toQuery(filter)}&sort=${sort}&order=${order}`, 7);
    if (utcToday() !== today && attempt === 0) continue; // midnight UTC passed mid-query: ages moved, ask again
    const want = expected(filter, sort, order, today);
    expect(got.map((a) => a.accountId)).toEqual(want);
    for (const a of got) expect(a.daysPastDue).toBe(daysPast(seeded.find((v) => v.accountId === a.accountId)!.anchorDueDate, today));
    return;
  }
});

test('the seeded set makes the filters bite (neither empty nor everything)', () => {
  const today = utcToday();
  for (const [, f, s, o] of CASES.slice(1)) {
    const n = expected(f, s, o, today).length;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(N);
  }
});

test('an item carries the read model row as written', async () => {
  const v = seeded[17]!;
  const r = await get(`region=${v.region ?? 'north'}&limit=500`);
  const item = (r.body['accounts'] as Record<string, unknown>[]).find((a) => a['accountId'] === v.accountId);
  if (v.region === null) return expect(item).toBeUndefined();
  expect(item).toMatchObject({
    episodeId: v.episodeId,
    status: v.status,
    stage: v.stage,
    service: v.service,
    balance: v.balance,
    currency: 'CNY',
    segment: v.segment,
    lists: v.lists,
    region: v.region,
    anchorDueDate: v.anchorDueDate,
    nextAction: v.nextAction,
    nextActionAt: v.nextActionAt,
    version: v.version,
    updatedAt: v.updatedAt,
  });
});

test.each([
  ['status=opened', 'query.status.0'],
  ['segment=consumer,nobody', 'query.segment.1'],
  ['balanceMin=-1', 'query.balanceMin'],
  ['balanceMin=10&balanceMax=5', 'query.balanceMax'],
  ['aging=30-60', 'query.aging'],
  ['nextActionBefore=tomorrow', 'query.nextActionBefore'],
  ['nextActionBefore=0000-01-01T00:00:00Z', 'query.nextActionBefore'],
  ['limitationBefore=0000-06-01T00:00:00Z', 'query.limitationBefore'],
  ['sort=name', 'query.sort'],
  ['limit=0', 'query.limit'],
  ['assignee=somebody', 'query.assignee'],
  ['cursor=bm90LWEtY3Vyc29y', 'query.cursor'],
])('%s → 400 naming %s', async (query, field) => {
  const r = await get(query);
  expect(r.status).toBe(400);
  expect((r.body['errors'] as { field: string }[]).map((e) => e.field)).toContain(field);
});

test('a cursor of another sort is refused, not misread', async () => {
  const first = await get('sort=balance&limit=3');
  const r = await get(`sort=updated_at&limit=3&cursor=${encodeURIComponent(first.body['next'] as string)}`);
  expect(r.status).toBe(400);
});

test('the store guard: an older version, or an older episode, never overwrites a newer one', async () => {
  const v = seeded[3]!;
  const row = async () => (await db.pool.query('SELECT version, status, episode_id FROM episode_read_model WHERE account_id = $1', [v.accountId])).rows[0];
  expect(await recordEpisodeView(db.pool, { ...v, version: v.version, status: 'closed' })).toBe(false); // same version
  expect(await recordEpisodeView(db.pool, { ...v, version: v.version - 1, status: 'closed' })).toBe(false);
  expect(await row()).toEqual({ version: v.version, status: v.status, episode_id: v.episodeId });
  expect(await recordEpisodeView(db.pool, { ...v, version: v.version + 1, status: 'closed' })).toBe(true);
  expect(await row()).toEqual({ version: v.version + 1, status: 'closed', episode_id: v.episodeId });
  // The next episode starts at version 1 and still wins; a late write of the older one then loses.
  const later = new Date(Date.parse(v.episodeStartedAt) + DAY).toISOString();
  expect(await recordEpisodeView(db.pool, { ...v, episodeId: `${v.accountId}-B2`, episodeStartedAt: later, version: 1, status: 'open' })).toBe(true);
  expect(await recordEpisodeView(db.pool, { ...v, version: v.version + 5, status: 'paid' })).toBe(false);
  expect(await row()).toEqual({ version: 1, status: 'open', episode_id: `${v.accountId}-B2` });
  v.status = 'open';
  v.episodeId = `${v.accountId}-B2`;
  v.version = 1;
  v.episodeStartedAt = later;
});
