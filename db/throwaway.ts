// A throw-away PostgreSQL for the tools (simulation, benchmarks, history recording): embedded, in a
// fresh temporary folder, migrated, with a pool; stopped and deleted afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { startEmbeddedPostgres } from './embedded';
import { migrate } from './migrate';
import { createPool } from './pool';

export interface ThrowawayDatabase {
  url: string;
  pool: Pool;
  /** The temporary folder it lives in (other throw-away files may go there too). */
  dir: string;
}

export async function withThrowawayDatabase<T>(
  opts: { name: string; port: number; fast?: boolean; maxConnections?: number },
  fn: (db: ThrowawayDatabase) => Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${opts.name}-`));
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: opts.port,
    databaseName: opts.name,
    persistent: false,
    fast: opts.fast ?? false,
  });
  const pool = createPool(pg.url, { max: opts.maxConnections ?? 20 });
  try {
    await migrate(pg.url);
    return await fn({ url: pg.url, pool, dir });
  } finally {
    await pool.end();
    await pg.stop();
  }
}
