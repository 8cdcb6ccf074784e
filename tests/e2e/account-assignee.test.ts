// GET /v1/accounts?assignee=: the accounts with an open task claimed by that actor (`me`: the
// calling key). A seeded read model and seeded tasks (open, claimed by one of three keys, done);
// the test computes the right answer itself from what it seeded.
import fc from 'fast-check';
import type { CollectionClient } from '../../api/collection-client';
import { ROUTES } from '../../api/routes/table';
import { apiKeys } from '../../db/stores/api-keys';
import { recordEpisodeView } from '../../db/stores/read-model';
import { contractFetch } from '../support/contract';
import { freshDatabase, type FreshDatabase } from '../support/db';
import { serveApp, type ServedApp } from '../support/app-server';

const fetch = contractFetch(ROUTES);
let db: FreshDatabase;
let served: ServedApp | undefined;
let base: string;
const keys: { key: string; actor: string }[] = [];

const noWorkflows = new Proxy(
  {},
  { get: (_t, p) => (p === 'then' ? undefined : () => Promise.reject(new Error(`the list asked the workflows (${String(p)})`))) },
);

const N = 90;
interface SeededTask {
  accountId: string;
  status: 'open' | 'claimed' | 'done';
  /** Index into `keys` of the claimer (claimed) or the completer (done). */
  by?: number;
}
const tasks: SeededTask[] = [];
const accountIds: string[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  for (const name of ['ops-a', 'ops-b', 'ops-c']) {
    const k = await apiKeys(db.pool).create(name, ['ops']);
    keys.push({ key: k.key, actor: `key:${k.keyId}:${name}` });
  }
  const now = Date.now();
  const rnd = fc.sample(fc.array(fc.nat({ max: 1_000 }), { minLength: 7, maxLength: 7 }), { numRuns: N, seed: 7 });
  for (let i = 0; i < N; i++) {
    const r = rnd[i]!;
    const accountId = `AS-${String(i).padStart(4, '0')}`;
    accountIds.push(accountId);
    await db.pool.query("INSERT INTO accounts (account_id, customer_name, phone, segment, timezone) VALUES ($1, 'x', '10000', 'consumer', 'UTC')", [accountId]);
    await recordEpisodeView(db.pool, {
      accountId,
      episodeId: `${accountId}-B1`,
      episodeStartedAt: new Date(now - 10 * 86_400_000).toISOString(),
      version: 1,
      status: r[0]! % 4 === 0 ? 'paid' : 'open',
      stage: 'manual_call',
      service: 'active',
      balance: 1_000 * (1 + (r[1]! % 50)),
      currency: 'CNY',
      segment: 'consumer',
      lists: [],
      anchorDueDate: new Date(now - 20 * 86_400_000).toISOString().slice(0, 10),
      nextAction: null,
      nextActionAt: null,
      updatedAt: new Date(now - r[2]! * 60_000).toISOString(),
    });
    // 0–3 tasks per account, each open, claimed by a key, or done by a key
    for (let t = 0; t < r[3]! % 4; t++) {
      const pick = r[4 + (t % 3)]! + t;
      const status = (['open', 'claimed', 'claimed', 'done'] as const)[pick % 4]!;
      const by = status === 'open' ? undefined : (pick >> 2) % keys.length;
      const taskId = `${accountId}/${accountId}-B1/c1/call-${t}/manual_call`;
      await db.pool.query(
        `INSERT INTO work_tasks (task_id, kind, account_id, episode_id, step_id, status, claimed_by, claimed_at, completed_by, completed_at)
         VALUES ($1, 'manual_call', $2, $3, $4, $5, $6, CASE WHEN $6::text IS NULL THEN NULL ELSE now() END, $7, CASE WHEN $7::text IS NULL THEN NULL ELSE now() END)`,
        [
          taskId,
          accountId,
          `${accountId}-B1`,
          `call-${t}`,
          status,
          status === 'claimed' ? keys[by!]!.actor : null,
          status === 'done' ? keys[by!]!.actor : null,
        ],
      );
      tasks.push({ accountId, status, ...(by !== undefined ? { by } : {}) });
    }
  }
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

async function all(query: string, key: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const res = await fetch(`${base}/v1/accounts?${query}&sort=balance&order=asc&limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accounts: { accountId: string }[]; next?: string };
    out.push(...body.accounts.map((a) => a.accountId));
    cursor = body.next;
    if (!cursor) return out.sort();
  }
  throw new Error('paging did not end');
}

/** Computed from the seed alone: accounts with a task in `claimed` held by key `k` (open and done tasks do not count). */
const expected = (k: number) => [...new Set(tasks.filter((t) => t.status === 'claimed' && t.by === k).map((t) => t.accountId))].sort();

test('the seed makes the filter bite: each key holds some accounts, not all; some accounts only have done or open tasks', () => {
  for (let k = 0; k < keys.length; k++) {
    expect(expected(k).length).toBeGreaterThan(0);
    expect(expected(k).length).toBeLessThan(N);
  }
  const onlyDoneBy0 = accountIds.filter((a) => tasks.some((t) => t.accountId === a && t.status === 'done' && t.by === 0) && !expected(0).includes(a));
  expect(onlyDoneBy0.length).toBeGreaterThan(0);
});

test.each([0, 1, 2])('assignee=me for key %i: exactly the accounts with a task it has claimed', async (k) => {
  expect(await all('assignee=me', keys[k]!.key)).toEqual(expected(k));
});

test('assignee=<actor> asks for another key, and combines with other filters', async () => {
  expect(await all(`assignee=${encodeURIComponent(keys[1]!.actor)}`, keys[0]!.key)).toEqual(expected(1));
  const openOnes = (await all('status=open', keys[0]!.key)).filter((a) => expected(2).includes(a));
  expect(await all(`assignee=${encodeURIComponent(keys[2]!.actor)}&status=open`, keys[0]!.key)).toEqual(openOnes);
  expect(openOnes.length).toBeLessThan(expected(2).length);
});

test('an actor holding nothing gets an empty list; a malformed one is 400 naming query.assignee', async () => {
  expect(await all('assignee=key:nobody:here', keys[0]!.key)).toEqual([]);
  const res = await fetch(`${base}/v1/accounts?assignee=${encodeURIComponent('drop table')}`, { headers: { authorization: `Bearer ${keys[0]!.key}` } });
  expect(res.status).toBe(400);
  const body = (await res.json()) as { errors: { field: string }[] };
  expect(body.errors.map((e) => e.field)).toContain('query.assignee');
});
