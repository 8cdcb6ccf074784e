// Why: guards the schema every activity relies on, the bigint-as-number pool contract (money is
// integer minor units), and the config parsing every entry point starts with.
import type pg from 'pg';
import { loadConfig } from '../../config';
import { createPool, withTransaction } from '../../db/pool';
import { freshDatabase, testDatabaseUrl } from '../support/db';

const TABLES = [
  'accounts',
  'bills',
  'payments',
  'collection_attempts',
  'work_tasks',
  'restorations',
  'alerts',
  'litigation_cases',
  'provider_requests',
  'audit_events',
  'audit_chain_head',
  'contact_preferences',
  'episode_closures',
  'episode_read_model',
  'account_credits',
  'payment_reassignments',
  'batches',
  'batch_rows',
  'account_lines',
  'ledger_entries',
  'late_fee_acknowledgements',
  'episode_policies',
];

describe('database schema', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = createPool(testDatabaseUrl(), { max: 2 });
  });
  afterAll(async () => {
    await pool.end();
  });

  it('has every table the system uses', async () => {
    const { rows } = await pool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ANY($1)",
      [TABLES],
    );
    expect(rows.map((r) => r.table_name).sort()).toEqual([...TABLES].sort());
  });

  it('returns bigint and numeric values as JS numbers', async () => {
    const { rows } = await pool.query(
      'SELECT 9007199254740991::bigint AS max, count(*) AS n, sum(x)::numeric AS total, ARRAY[1, 2]::bigint[] AS arr FROM (VALUES (1::bigint), (2::bigint)) v(x)',
    );
    expect(rows[0]).toEqual({ max: Number.MAX_SAFE_INTEGER, n: 2, total: 3, arr: [1, 2] });
  });

  it('round-trips a bigint money column as a number, inside a rolled-back transaction', async () => {
    const rollback = new Error('rollback');
    let seen: unknown;
    await expect(
      withTransaction(pool, async (c) => {
        await c.query("INSERT INTO accounts (account_id, customer_name, phone, segment, timezone) VALUES ('A-1', 'n', 'p', 's', 'Asia/Shanghai')");
        const { rows } = await c.query(
          "INSERT INTO bills (bill_id, account_id, amount_minor, currency, due_date, request_hash) VALUES ('B-1', 'A-1', 123456789012, 'CNY', '2025-01-01', 'h') RETURNING amount_minor",
        );
        seen = rows[0].amount_minor;
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(seen).toBe(123456789012);
    const { rows } = await pool.query("SELECT count(*) AS n FROM accounts WHERE account_id = 'A-1'");
    expect(rows[0].n).toBe(0);
  });

  it('fails loudly instead of losing precision beyond 2^53', async () => {
    await expect(pool.query('SELECT 9007199254740993::bigint AS v')).rejects.toThrow(/safe integer/);
  });

  it('gives an isolated, migrated database on request', async () => {
    const db = await freshDatabase();
    try {
      await db.pool.query("INSERT INTO accounts (account_id, customer_name, phone, segment, timezone) VALUES ('A-2', 'n', 'p', 's', 'UTC')");
      const { rows } = await db.pool.query('SELECT count(*) AS n FROM accounts');
      expect(rows[0].n).toBe(1);
    } finally {
      await db.drop();
    }
  });
});

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeUndefined();
    expect(c.temporal).toEqual({
      address: undefined,
      namespace: 'default',
      taskQueue: 'collection',
      uiUrl: 'http://127.0.0.1:8233',
      port: 7233,
      uiPort: 8233,
    });
    expect(c.api).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(c.dataDir).toMatch(/\.data$/);
    expect(c.pgPort).toBe(5433);
    expect(c.logLevel).toBe('info');
    expect(c.bins).toEqual({ temporalCli: undefined, testServer: undefined });
    expect(Object.isFrozen(c) && Object.isFrozen(c.temporal)).toBe(true);
  });

  it('parses explicit values', () => {
    const c = loadConfig({ API_PORT: '8080', DATABASE_URL: 'postgres://x/y', TEMPORAL_ADDRESS: 'h:7233', LOG_LEVEL: 'debug' });
    expect(c.api.port).toBe(8080);
    expect(c.databaseUrl).toBe('postgres://x/y');
    expect(c.temporal.address).toBe('h:7233');
    expect(c.logLevel).toBe('debug');
  });

  it.each(['abc', '3000.5', '0', '70000'])('rejects API_PORT=%s naming the variable', (value) => {
    expect(() => loadConfig({ API_PORT: value })).toThrow(/API_PORT/);
  });
});
