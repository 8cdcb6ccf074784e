// The database a command-line tool works on: DATABASE_URL if set, else the embedded PostgreSQL of
// `npm start` (.data/pg; the running server's port from its postmaster.pid, else PG_PORT). While
// `npm start` runs, its server is used as it is; when it
// does not, the tool starts that server for the command and stops it afterwards (then `npm start`
// must wait until the command is done). Migrations are applied, so a tool works before a first start.
import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import pg from 'pg';
import type { AppConfig } from '../config';
import { embeddedPostgresUrl, startEmbeddedPostgres } from './embedded';
import { migrate } from './migrate';
import { createPool } from './pool';

/** The database `npm start` creates in its embedded server. */
export const EMBEDDED_DATABASE = 'collection';

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The port of the embedded server that is running on `dataDir` (from its postmaster.pid, whose
 * fourth line is the port), so a tool finds `npm start`'s server even when PG_PORT differs.
 */
function runningEmbeddedPort(dataDir: string): number | undefined {
  try {
    const port = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3]);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

export interface LocalDatabaseOptions {
  /** Apply pending migrations first (default true); a read-only check passes false. */
  migrate?: boolean;
  /** Refuse to create an embedded database that does not exist yet (a check has nothing to check). */
  mustExist?: boolean;
}

export async function withLocalDatabase<T>(config: AppConfig, fn: (pool: Pool) => Promise<T>, options: LocalDatabaseOptions = {}): Promise<T> {
  let url = config.databaseUrl;
  let stop: (() => Promise<void>) | undefined;
  if (!url) {
    const dataDir = path.join(config.dataDir, 'pg');
    const running = runningEmbeddedPort(dataDir);
    url = embeddedPostgresUrl(running ?? config.pgPort, EMBEDDED_DATABASE);
    if (!(await reachable(url))) {
      if (options.mustExist && !fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
        throw new Error(`no database: DATABASE_URL is not set and there is no embedded database in ${dataDir} (npm start creates it)`);
      }
      const server = await startEmbeddedPostgres({ dataDir, port: config.pgPort, databaseName: EMBEDDED_DATABASE, persistent: true });
      stop = server.stop;
    }
  }
  const pool = createPool(url, { max: 2 });
  try {
    if (options.migrate ?? true) await migrate(url);
    return await fn(pool);
  } finally {
    await pool.end();
    await stop?.();
  }
}
