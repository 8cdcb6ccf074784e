// `npm run reconcile [-- --json]`: 业会核对, the ledger against every open episode's state
// (api/services/reconcile.ts). Database: DATABASE_URL, else the embedded one of `npm start`
// (db/local.ts); Temporal: TEMPORAL_ADDRESS, else the dev server of `npm start` (127.0.0.1:TEMPORAL_PORT).
// Prints each difference (account, episode, figure, ledger, episode, delta); exit code 0 when the
// books agree, 1 when any differs, 2 when the check could not run.
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { commandArgs, runCommand } from '../config/command-line';
import { configuredPayloadCodec, encryptingDataConverter } from '../config/payload-codec';
import { withLocalDatabase } from '../db/local';
import { ledgerEntries } from '../db/stores/ledger-entries';
import { CollectionClient } from '../api/collection-client';
import { reconcile, type ReconcileReport } from '../api/services/reconcile';

const USAGE = `usage: npm run reconcile [-- --json]

Compares the ledger (ledger_entries) with every open episode's state and lists each difference.
Exit code: 0 the books agree, 1 differences found, 2 the check could not run.`;

async function main(): Promise<number> {
  const args = commandArgs(USAGE, () => parseArgs({ options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
  if (typeof args === 'number') return args;
  const config = loadConfig();
  const connection = await Connection.connect({ address: config.temporal.address ?? `127.0.0.1:${config.temporal.port}` });
  try {
    const collection = new CollectionClient(
      // the episodes' state queries answer encrypted (ADR 20): the same codec as the API's client
      new Client({ connection, namespace: config.temporal.namespace, dataConverter: encryptingDataConverter(configuredPayloadCodec(config.dataDir)) }),
      config.temporal.taskQueue,
    );
    const report = await withLocalDatabase(config, (pool) => reconcile({ entries: ledgerEntries(pool), state: (id) => collection.state(id) }), {
      mustExist: true,
    });
    print(report, args.values.json === true);
    return report.differences.length ? 1 : 0;
  } finally {
    await connection.close();
  }
}

function print(report: ReconcileReport, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(report));
    return;
  }
  if (!report.differences.length) {
    console.log(`reconcile: ${report.episodes} open episodes, the ledger agrees with every one`);
    return;
  }
  console.log(`reconcile: ${report.differences.length} differences in ${report.episodes} open episodes`);
  console.log(['account', 'episode', 'currency', 'figure', 'ledger', 'episode', 'delta'].join('\t'));
  for (const d of report.differences) console.log([d.accountId, d.episodeId, d.currency, d.figure, d.ledger, d.episode, d.delta].join('\t'));
}

runCommand('reconcile', main);
