// `npm run audit -- verify`: recomputes the audit trail's hash chain and exits non-zero if it is
// broken. Target: DATABASE_URL if set; otherwise the embedded database `npm start` uses (.data/pg
// found through db/local.ts: the running server's port from its postmaster.pid, else PG_PORT). If that one is running (`npm start` is up) it is read over TCP as it is, appends
// going on meanwhile are simply not part of this check (one snapshot); if it is not running it is
// started for the check and stopped again, and an `npm start` begun during that time fails to
// start its own PostgreSQL (the port and data dir are taken) until the check is done.
import { parseArgs } from 'node:util';
import type { Pool } from 'pg';
import { loadConfig } from '../config';
import { commandArgs, runCommand } from '../config/command-line';
import { withLocalDatabase } from './local';
import { verifyAuditChain } from './stores/audit';

const USAGE = `usage: npm run audit -- verify [--json]

  verify   recompute every hash of audit_events in id order; exit 0 if the chain holds,
           1 if it is broken (the first broken row's id is printed), 2 if it could not be checked
  --json   print the result as JSON

Database: DATABASE_URL, else the embedded one of \`npm start\` (started and stopped again if it is not running).`;

/** Runs fn against the target database (db/local.ts), read as it is: no migrations, no new database. */
function withTargetDatabase<T>(fn: (pool: Pool) => Promise<T>): Promise<T> {
  return withLocalDatabase(loadConfig(), fn, { migrate: false, mustExist: true });
}

async function main(): Promise<number> {
  const args = commandArgs(USAGE, () => parseArgs({ allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
  if (typeof args === 'number') return args;
  if (args.positionals.length !== 1 || args.positionals[0] !== 'verify') {
    console.error(USAGE);
    return 2;
  }
  const result = await withTargetDatabase(async (pool) => {
    const { rows } = await pool.query<{ present: boolean }>("SELECT to_regclass('audit_events') IS NOT NULL AS present");
    if (!rows[0]?.present) throw new Error('this database has no audit_events table: its migrations are not applied (npm start or npm run migrate)');
    return verifyAuditChain(pool);
  });
  if (args.values.json) console.log(JSON.stringify(result));
  else if (result.ok) console.log(`audit chain ok: ${result.rows} rows verified`);
  else console.log(`audit chain BROKEN at id ${result.firstBroken?.id}: ${result.firstBroken?.reason} (${result.rows} rows verified before it)`);
  return result.ok ? 0 : 1;
}

runCommand('audit', main);
