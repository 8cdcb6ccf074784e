// Benchmark: the list read model (ADR 8). Fills `episode_read_model` with 100,000 episodes (one
// INSERT … SELECT over generate_series, seeded), then times ten typical list filters through the
// store's list query (`listAccounts`, a page of 50) and a few through HTTP (`GET /v1/accounts`),
// next to two bare indexed SELECTs on the same table in the same run: a primary-key lookup and a
// 50-row index range read. Prints p50/p99 per query and writes bench/results/read-model.json.
//   npm run bench:read-model -- [--rows 100000] [--runs 200]
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { Pool } from 'pg';
import { createApp } from '../api/app';
import type { CollectionClient } from '../api/collection-client';
import { KNOWN_POLICIES } from '../config/policy-schema';
import { apiKeys } from '../db/stores/api-keys';
import { listAccounts, listQuerySql, type AccountListQuery } from '../db/stores/read-model';
import { withThrowawayDatabase } from '../db/throwaway';
import { percentile, report } from './harness';

const PAGE = 50;

/** 100,000 episodes with realistic spreads: most open, a long tail of balances, 20 regions. */
async function fill(pool: Pool, rows: number): Promise<void> {
  await pool.query('SELECT setseed(0.11)');
  await pool.query(
    `INSERT INTO episode_read_model (account_id, episode_id, episode_started_at, version, status, stage, service, balance_minor, currency,
       segment, lists, anchor_due_date, next_action, next_action_at, region, updated_at)
     SELECT 'A' || lpad(i::text, 7, '0'), 'A' || lpad(i::text, 7, '0') || '-B1', now() - interval '200 days', 1 + (random() * 20)::int,
       st, stage, svc, CASE WHEN st = 'paid' THEN 0 ELSE (exp(random() * 12))::bigint * 100 END, 'CNY',
       (ARRAY['consumer','consumer','consumer','consumer','enterprise','ecommerce','key_account'])[1 + (random() * 6)::int],
       CASE WHEN r < 0.05 THEN ARRAY['red'] WHEN r < 0.08 THEN ARRAY['black'] ELSE '{}'::text[] END,
       current_date - (random() * 400)::int,
       CASE WHEN st = 'open' THEN (ARRAY['sms','voice','manual_call','field_visit','suspend_outgoing','suspend_full','promise_reminder'])[1 + (random() * 6)::int] END,
       CASE WHEN st = 'open' THEN now() + (random() * 30 - 3) * interval '1 day' ELSE 'infinity' END,
       'R' || lpad((random() * 19)::int::text, 2, '0'),
       now() - random() * interval '60 days'
     FROM (SELECT i, random() AS r, random() AS s FROM generate_series(1, $1) i) g,
     LATERAL (SELECT CASE WHEN s < 0.6 THEN 'open' WHEN s < 0.8 THEN 'paid' WHEN s < 0.88 THEN 'legal' WHEN s < 0.93 THEN 'written_off' ELSE 'closed' END AS st) a,
     LATERAL (SELECT (ARRAY['enrolled','sms','voice','manual_call','field_visit','suspend_outgoing','suspend_full','legal_referral'])[1 + (random() * 7 + 0 * g.i)::int] AS stage,
                     (ARRAY['active','active','active','outgoing_barred','suspended'])[1 + (random() * 4 + 0 * g.i)::int] AS svc) b`, // g.i: evaluated per row, not once
    [rows],
  );
  await pool.query('VACUUM ANALYZE episode_read_model');
}

const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
const q = (filter: AccountListQuery['filter'], sort: AccountListQuery['sort'] = 'updated_at', order: 'asc' | 'desc' = 'desc'): AccountListQuery => ({
  filter,
  sort,
  order,
  limit: PAGE,
});
const FILTERS: Record<string, AccountListQuery> = {
  'open, next action first': q({ status: ['open'] }, 'next_action_at', 'asc'),
  'open, next action due before tomorrow': q({ status: ['open'], nextActionBefore: day(1) }, 'next_action_at', 'asc'),
  'open enterprise, biggest balance first': q({ status: ['open'], segment: ['enterprise'] }, 'balance', 'desc'),
  'balance 1,000.00–5,000.00 CNY': q({ balanceMin: 100_000, balanceMax: 500_000 }, 'balance', 'desc'),
  'aging 91–180, oldest first': q({ aging: '91-180' }, 'anchor_due_date', 'asc'),
  'aging 180+ handed to legal': q({ aging: '180+', status: ['legal'] }, 'balance', 'desc'),
  'red list, open': q({ list: 'red', status: ['open'] }),
  'one region, open, by balance': q({ region: ['R07'], status: ['open'] }, 'balance', 'desc'),
  'stage manual_call, line active': q({ stage: ['manual_call'], service: ['active'] }),
  'suspended consumers, latest change first': q({ service: ['suspended'], segment: ['consumer'] }),
};
const HTTP_FILTERS: Record<string, string> = {
  'open, next action first': 'status=open&sort=next_action_at&order=asc',
  'one region, open, by balance': 'region=R07&status=open&sort=balance&order=desc',
  'aging 91–180, oldest first': 'aging=91-180&sort=anchor_due_date&order=asc',
};

async function time(runs: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number; rows?: number }> {
  for (let i = 0; i < Math.min(20, runs); i++) await fn(i); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn(i);
    ms.push(performance.now() - t0);
  }
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50: r(percentile(ms, 50)), p99: r(percentile(ms, 99)) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rows: { type: 'string', default: '100000' }, runs: { type: 'string', default: '200' }, explain: { type: 'boolean', default: false } },
  });
  const rows = Number(values.rows);
  const runs = Number(values.runs);
  await withThrowawayDatabase({ name: 'bench-read-model', port: 55000 + (process.pid % 1000), maxConnections: 4 }, async ({ pool }) => {
    const t0 = performance.now();
    await fill(pool, rows);
    const fillMs = Math.round(performance.now() - t0);
    const count = Number((await pool.query<{ n: number }>('SELECT count(*) AS n FROM episode_read_model')).rows[0]!.n);

    if (values.explain) {
      for (const [name, query] of Object.entries(FILTERS)) {
        const { text, values: params } = listQuerySql(query);
        const plan = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${text}`, params);
        console.log(`-- ${name}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
      }
      return;
    }

    const ids = Array.from({ length: runs + 20 }, (_, i) => `A${String(1 + ((i * 7919) % rows)).padStart(7, '0')}`);
    const baseline = {
      'primary-key lookup (SELECT * … WHERE account_id = $1)': await time(runs, (i) =>
        pool.query('SELECT * FROM episode_read_model WHERE account_id = $1', [ids[i % ids.length]]),
      ),
      'index range, 50 rows (… ORDER BY balance_minor DESC LIMIT 50)': await time(runs, () =>
        pool.query('SELECT * FROM episode_read_model ORDER BY balance_minor DESC, account_id DESC LIMIT 50'),
      ),
    };

    const store: Record<string, { p50: number; p99: number; matching: number }> = {};
    for (const [name, query] of Object.entries(FILTERS)) {
      const t = await time(runs, () => listAccounts(pool, query));
      store[name] = { ...t, matching: 0 };
    }
    // How many rows each filter matches (not timed), so a fast answer is not an empty one.
    for (const [name, query] of Object.entries(FILTERS)) {
      let n = 0;
      let cursor: string | undefined;
      do {
        const page = await listAccounts(pool, { ...query, limit: 500, ...(cursor ? { cursor } : {}) });
        n += page.accounts.length;
        cursor = page.next;
      } while (cursor);
      store[name]!.matching = n;
    }

    // The same through HTTP: key check, zod parsing, JSON.
    const { key } = await apiKeys(pool).create('bench-ops', ['ops']);
    const app = createApp({ pool, collection: {} as CollectionClient, policy: () => KNOWN_POLICIES['default']!, log: pino({ level: 'silent' }) });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const http: Record<string, { p50: number; p99: number }> = {};
    try {
      for (const [name, query] of Object.entries(HTTP_FILTERS)) {
        http[name] = await time(runs, async () => {
          const res = await fetch(`${base}/v1/accounts?${query}&limit=${PAGE}`, { headers: { authorization: `Bearer ${key}` } });
          if (res.status !== 200) throw new Error(`${query}: ${res.status}`);
          await res.json();
        });
      }
    } finally {
      await new Promise((r) => server.close(r));
    }

    const p99s = Object.values(store).map((s) => s.p99);
    report('read-model', {
      rows: count,
      runsPerQuery: runs,
      pageSize: PAGE,
      fillMs,
      baselineMs: baseline,
      listQueryMs: store,
      httpMs: http,
      summary: {
        worstFilterP99Ms: Math.max(...p99s),
        medianFilterP50Ms: percentile(
          Object.values(store).map((s) => s.p50),
          50,
        ),
        ratioWorstP99ToPkP99: Math.round((Math.max(...p99s) / baseline['primary-key lookup (SELECT * … WHERE account_id = $1)'].p99) * 10) / 10,
      },
    });
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
