// Why: the ledger's back-fill (migration 1766700000000) books what was recorded before the ledger
// existed, so the reconciliation is clean for those episodes too; it is append-only (an existing
// entry is never touched) and idempotent (run again, it writes nothing). The database is built
// migration by migration up to the one before it, seeded with pre-ledger rows, then migrated up.
// (node-pg-migrate cannot be loaded inside jest: each file's Up part is run as the runner runs it,
// in one transaction.)
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { reconcile } from '../../api/services/reconcile';
import { createPool } from '../../db/pool';
import { MIGRATIONS_DIR } from '../../db/migrate';
import { ledgerEntries } from '../../db/stores/ledger-entries';
import type { CollectionSnapshot } from '../../domain/episode/snapshot';
import { testDatabaseUrl } from '../support/db';
import { databaseUrlWithName } from '../support/shared';

const BACKFILL = '1766700000000_ledger-backfill.sql';
const files = fs
  .readdirSync(MIGRATIONS_DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort();
const upPart = (file: string) => fs.readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8').split('-- Down Migration')[0]!;

async function runUp(pool: pg.Pool, file: string): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query(upPart(file));
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK');
    throw new Error(`${file}: ${(err as Error).message}`);
  } finally {
    c.release();
  }
}

const name = `t_backfill_${process.pid}_${randomBytes(3).toString('hex')}`;
let pool: pg.Pool;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: testDatabaseUrl() });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  await admin(`CREATE DATABASE ${name} TEMPLATE template0`);
  pool = createPool(databaseUrlWithName(testDatabaseUrl(), name), { max: 2 });
  expect(files).toContain(BACKFILL);
  for (const f of files.filter((f) => f < BACKFILL)) await runUp(pool, f);
}, 120_000);

afterAll(async () => {
  await pool?.end();
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

interface Entry {
  entry_key: string;
  episode_id: string;
  kind: string;
  amount: number;
  bill_id: string | null;
  payment_id: string | null;
}
async function entriesOf(accountId: string): Promise<Entry[]> {
  const { rows } = await pool.query<Entry>(
    `SELECT entry_key, episode_id, kind, amount_minor AS amount, bill_id, payment_id FROM ledger_entries WHERE account_id = $1 ORDER BY seq`,
    [accountId],
  );
  return rows;
}
const summary = (rows: Entry[]) => rows.map((r) => [r.episode_id, r.kind, r.amount, r.bill_id ?? r.payment_id]);

/** What each account's episode says now (the query's answer, the part reconcile reads). */
const STATES: Record<string, Partial<CollectionSnapshot>> = {
  'BF-1': { accountId: 'BF-1', episodeId: 'BF-1-B3', currency: 'CNY', status: 'open', balance: 5_000 },
  'BF-2': { accountId: 'BF-2', episodeId: 'BF-2-B1', currency: 'CNY', status: 'open', balance: 1_000 },
};
const runReconcile = () =>
  reconcile({ entries: ledgerEntries(pool), state: async (id) => STATES[id] as CollectionSnapshot | undefined }).then((r) => r.differences);

test('pre-ledger bills, payments and an upheld dispute get their entries; existing ones are untouched; reconcile is clean; a second run writes nothing', async () => {
  // Seeded at the migration before the back-fill. BF-1: a first episode (BF-1-B1, two bills, paid by
  // one payment and an upheld dispute: ended) and its second one (BF-1-B3, open, partly paid), all
  // before the ledger; a bill never delivered. BF-2: an episode the ledger already books.
  await pool.query(`
    INSERT INTO accounts (account_id, customer_name, phone, segment, timezone) VALUES
      ('BF-1', 'n', 'p', 'consumer', 'Asia/Shanghai'), ('BF-2', 'n', 'p', 'consumer', 'Asia/Shanghai');
    INSERT INTO bills (bill_id, account_id, amount_minor, currency, due_date, request_hash, received_at, delivered_at) VALUES
      ('BF-1-B1', 'BF-1', 10000, 'CNY', '2026-09-01', 'h', '2026-10-01T00:00Z', '2026-10-01T00:00Z'),
      ('BF-1-B2', 'BF-1', 5000, 'CNY', '2026-10-01', 'h', '2026-10-05T00:00Z', '2026-10-05T00:00Z'),
      ('BF-1-B3', 'BF-1', 8000, 'CNY', '2026-11-01', 'h', '2026-11-10T00:00Z', '2026-11-10T00:00Z'),
      ('BF-1-B9', 'BF-1', 7000, 'CNY', '2026-11-15', 'h', '2026-11-20T00:00Z', NULL),
      ('BF-2-B1', 'BF-2', 4000, 'CNY', '2026-11-01', 'h', '2026-11-10T00:00Z', '2026-11-10T00:00Z');
    INSERT INTO payments (payment_id, account_id, amount_minor, currency, paid_at, channel, request_hash, applied_at, result) VALUES
      ('BFP-1', 'BF-1', 14000, 'CNY', '2026-10-20T00:00Z', 'bank', 'h', '2026-10-20T00:00Z', '{"applied": true}'),
      ('BFP-2', 'BF-1', 3000, 'CNY', '2026-11-12T00:00Z', 'bank', 'h', '2026-11-12T00:00Z', '{"applied": true}'),
      ('BFP-3', 'BF-1', 900, 'CNY', '2026-11-13T00:00Z', 'bank', 'h', NULL, '{"applied": false}'),
      ('BFP-4', 'BF-2', 3000, 'CNY', '2026-11-12T00:00Z', 'bank', 'h', '2026-11-12T00:00Z', '{"applied": true}');
    INSERT INTO disputes (dispute_id, account_id, episode_id, kind, bill_id, amount_minor, currency, reason, status, resolved_at) VALUES
      ('BFD-1', 'BF-1', 'BF-1-B1', 'dispute', 'BF-1-B2', 1000, 'CNY', 'roaming', 'upheld', '2026-10-25T00:00Z'),
      ('BFD-2', 'BF-1', 'BF-1-B1', 'dispute', 'BF-1-B2', 500, 'CNY', 'roaming', 'rejected', '2026-10-25T00:00Z');
    INSERT INTO collection_attempts (idempotency_key, account_id, episode_id, step_id, action, actor, scheduled_for, outcome)
      VALUES ('BF-1/BF-1-B1/c0/sms', 'BF-1', 'BF-1-B1', 'sms', 'sms', 'system', '2026-10-02T00:00Z', 'sent');
    INSERT INTO episode_read_model (account_id, episode_id, episode_started_at, version, status, stage, service, balance_minor, currency, segment,
                                    anchor_due_date, updated_at) VALUES
      ('BF-1', 'BF-1-B3', '2026-11-10T00:00Z', 3, 'open', 'reminder', 'active', 5000, 'CNY', 'consumer', '2026-11-01', '2026-11-12T00:00Z');
    INSERT INTO ledger_entries (entry_key, account_id, episode_id, kind, amount_minor, currency, bill_id, payment_id) VALUES
      ('charge:BF-2-B1', 'BF-2', 'BF-2-B1', 'charge', 4000, 'CNY', 'BF-2-B1', NULL),
      ('payment:BFP-4', 'BF-2', 'BF-2-B1', 'payment', -3000, 'CNY', NULL, 'BFP-4'),
      ('allocation:payment:BFP-4:BF-2-B1', 'BF-2', 'BF-2-B1', 'allocation', 3000, 'CNY', 'BF-2-B1', 'BFP-4');
  `);
  const before = (await pool.query('SELECT * FROM ledger_entries ORDER BY seq')).rows;
  // before the back-fill the open pre-ledger episode disagrees with its (empty) books
  expect(await runReconcile()).toEqual([expect.objectContaining({ accountId: 'BF-1', episodeId: 'BF-1-B3', figure: 'balance', ledger: 0, episode: 5_000 })]);

  await runUp(pool, BACKFILL);

  expect(summary(await entriesOf('BF-1'))).toEqual([
    ['BF-1-B1', 'charge', 10_000, 'BF-1-B1'],
    ['BF-1-B1', 'charge', 5_000, 'BF-1-B2'],
    ['BF-1-B3', 'charge', 8_000, 'BF-1-B3'],
    ['BF-1-B1', 'payment', -14_000, 'BFP-1'],
    ['BF-1-B3', 'payment', -3_000, 'BFP-2'],
    ['BF-1-B1', 'adjustment_credit', -1_000, 'BF-1-B2'],
    // oldest due first, each bill at most what it owes, in the order the money came
    ['BF-1-B1', 'allocation', 10_000, 'BF-1-B1'],
    ['BF-1-B1', 'allocation', 4_000, 'BF-1-B2'],
    ['BF-1-B1', 'allocation', 1_000, 'BF-1-B2'],
    ['BF-1-B3', 'allocation', 3_000, 'BF-1-B3'],
  ]);
  const alloc = (await entriesOf('BF-1')).filter((e) => e.kind === 'allocation').map((e) => e.entry_key);
  expect(alloc).toEqual([
    'allocation:payment:BFP-1:BF-1-B1',
    'allocation:payment:BFP-1:BF-1-B2',
    'allocation:adjustment:BF-1:BF-1-B1:dispute:BFD-1:BF-1-B2',
    'allocation:payment:BFP-2:BF-1-B3',
  ]);
  // the balances derive from the entries: the ended episode settled, the open one as the episode says
  expect((await ledgerEntries(pool).ledgerBalance('BF-1')).map((b) => [b.episodeId, b.balance])).toEqual([
    ['BF-1-B1', 0],
    ['BF-1-B3', 5_000],
  ]);
  // the entries that were there are exactly as they were, and nothing was added to that account
  const after = (await pool.query('SELECT * FROM ledger_entries ORDER BY seq')).rows;
  expect(after.slice(0, before.length)).toEqual(before);
  expect(summary(await entriesOf('BF-2'))).toHaveLength(3);
  expect(await runReconcile()).toEqual([]);

  // again: nothing written
  await runUp(pool, BACKFILL);
  expect((await pool.query('SELECT * FROM ledger_entries ORDER BY seq')).rows).toEqual(after);
});
