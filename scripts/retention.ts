// `npm run retention -- apply [--dry-run] [--json]`: applies the personal-data retention rule
// (README "Personal data"; ADR 20). Accounts whose last episode ended more than
// RETENTION_DAYS_AFTER_END days ago (default 365) have their name and phone number blanked in
// PostgreSQL, one audit row per account (route `npm run retention`). --dry-run lists them and
// changes nothing. Target: DATABASE_URL, else the embedded database of `npm start`.
import { parseArgs } from 'node:util';
import type { Pool } from 'pg';
import { loadConfig } from '../config';
import { commandArgs } from '../config/command-line';
import { withLocalDatabase } from '../db/local';
import { withTransaction } from '../db/pool';
import { appendAuditEvent } from '../db/stores/audit';
import { retentionStore, type RetentionCandidate } from '../db/stores/retention';

const USAGE = `usage: npm run retention -- apply [--dry-run] [--json]

  apply      blank the name and phone number of every account whose last episode ended more than
             RETENTION_DAYS_AFTER_END days ago (default 365), with an audit row per account
  --dry-run  list those accounts (ids only), change nothing
  --json     print the result as JSON`;

export interface RetentionResult {
  cutoff: string;
  retentionDays: number;
  dryRun: boolean;
  accounts: RetentionCandidate[];
  erased: number;
}

const CHUNK = 500;

/** The rule at `now` (the CLI's work; tests call it on their database). */
export async function applyRetention(pool: Pool, opts: { retentionDays: number; dryRun: boolean; now?: Date }): Promise<RetentionResult> {
  const cutoff = new Date((opts.now ?? new Date()).getTime() - opts.retentionDays * 86_400_000);
  const store = retentionStore(pool);
  const accounts = await store.due(cutoff, Number.MAX_SAFE_INTEGER);
  let erased = 0;
  if (!opts.dryRun) {
    for (let i = 0; i < accounts.length; i += CHUNK) {
      const ids = accounts.slice(i, i + CHUNK).map((a) => a.accountId);
      erased += await withTransaction(pool, async (tx) => {
        const done = await store.erase(tx, cutoff, ids);
        for (const accountId of done) {
          await appendAuditEvent(tx, {
            keyId: null,
            roles: [],
            method: 'CLI',
            route: 'npm run retention',
            accountId,
            requestId: `retention-${cutoff.toISOString()}`,
            status: 200,
            outcome: `personal data erased (${opts.retentionDays} days after the episode ended)`,
          });
        }
        return done.length;
      });
    }
  }
  return { cutoff: cutoff.toISOString(), retentionDays: opts.retentionDays, dryRun: opts.dryRun, accounts, erased };
}

async function main(): Promise<number> {
  const args = commandArgs(USAGE, () =>
    parseArgs({ allowPositionals: true, options: { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }),
  );
  if (typeof args === 'number') return args;
  if (args.positionals.length !== 1 || args.positionals[0] !== 'apply') {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const result = await withLocalDatabase(
    config,
    (pool) => applyRetention(pool, { retentionDays: config.retentionDaysAfterEnd, dryRun: args.values['dry-run'] === true }),
    { mustExist: true },
  );
  if (args.values.json) console.log(JSON.stringify(result));
  else {
    const ids = result.accounts.map((a) => a.accountId).join(', ') || '(none)';
    console.log(
      result.dryRun
        ? `dry run: ${result.accounts.length} accounts ended before ${result.cutoff} (${result.retentionDays} days) would be erased: ${ids}`
        : `erased the personal data of ${result.erased} accounts ended before ${result.cutoff} (${result.retentionDays} days): ${ids}`,
    );
  }
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error((err as Error).message);
      process.exit(2);
    },
  );
}
