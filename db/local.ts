// The database a command-line tool works on: DATABASE_URL if set, else the embedded PostgreSQL of
// `npm start` (.data/pg on PG_PORT). While `npm start` runs, its server is used as it is; when it
// does not, the tool starts that server for the command and stops it afterwards (then `npm start`
// must wait until the command is done). Migrations are applied, so a tool works before a first start.
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

export async function withLocalDatabase<T>(config: AppConfig, fn: (pool: Pool) => Promise<T>): Promise<T> {
  let url = config.databaseUrl;
  let stop: (() => Promise<void>) | undefined;
  if (!url) {
    url = embeddedPostgresUrl(config.pgPort, EMBEDDED_DATABASE);
    if (!(await reachable(url))) {
      const server = await startEmbeddedPostgres({
        dataDir: path.join(config.dataDir, 'pg'),
        port: config.pgPort,
        databaseName: EMBEDDED_DATABASE,
        persistent: true,
      });
      stop = server.stop;
    }
  }
  const pool = createPool(url, { max: 2 });
  try {
    await migrate(url);
    return await fn(pool);
  } finally {
    await pool.end();
    await stop?.();
  }
}
