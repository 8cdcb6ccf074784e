// Why: tests share the run's migrated database by default; a test file that needs isolation
// asks for its own. Fresh databases are cloned from a migrated template (CREATE DATABASE ...
// TEMPLATE) because node-pg-migrate is ESM-only and cannot be import()ed inside jest's VM.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool } from '../../db/pool';
import { TEMPLATE_ENV, databaseUrlWithName } from './shared';

export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests through jest (tests/support/global-setup.ts sets it)');
  return url;
}

export interface FreshDatabase {
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new, fully migrated database on the test server; call drop() in afterAll. */
export async function freshDatabase(): Promise<FreshDatabase> {
  const template = process.env[TEMPLATE_ENV];
  if (!template) {
    throw new Error(`no migrated template database: ${process.env[`${TEMPLATE_ENV}_ERROR`] ?? 'global setup did not run'}`);
  }
  const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(async (c) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE ${c.escapeIdentifier(name)} TEMPLATE ${c.escapeIdentifier(template)}`);
        return;
      } catch (err) {
        // 55006: template briefly busy (another worker cloning it).
        if ((err as { code?: string }).code !== '55006' || attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  const url = databaseUrlWithName(testDatabaseUrl(), name);
  const pool = createPool(url, { max: 5 });
  let dropped = false;
  return {
    url,
    pool,
    async drop() {
      if (dropped) return;
      dropped = true;
      await pool.end();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`));
    },
  };
}
