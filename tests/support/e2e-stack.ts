// The whole system for an e2e file: a fresh database, a Temporal dev server, the production worker
// with the provider simulator, and the HTTP app on an ephemeral port. One copy for every e2e file,
// so setup and teardown (including after a half-failed start) are fixed in one place.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Server } from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { ProviderSimulator } from '../../activities/providers/simulator';
import { createApp, type AppDeps } from '../../api/app';
import { CollectionClient } from '../../api/collection-client';
import { LitigationClient } from '../../api/litigation-client';
import { reconcile, type ReconcileReport } from '../../api/services/reconcile';
import { ledgerEntries } from '../../db/stores/ledger-entries';
import { KNOWN_POLICIES } from '../../config/policy-schema';
import type { DevServer } from '../../scripts/dev-server';
import { createCollectionWorker } from '../../worker/create-worker';
import { freshDatabase, type FreshDatabase } from './db';
import { startTestDevServer } from './dev-server';
import { bundleWorkflows, quietTemporalLogs, testDataConverter } from './temporal';

export interface E2eStack {
  db: FreshDatabase;
  dev: DevServer;
  /** A client on the dev server (for what the API does not expose, e.g. awaiting a run). */
  client: Client;
  collection: CollectionClient;
  /** The API's base URL. */
  base: string;
}

export interface E2eStackOptions {
  /** Names the task queue and the dev server's data folder. */
  name: string;
  /** Extra app dependencies started with the stack (the payment deliverer), and how to stop them. */
  extend?: (s: Omit<E2eStack, 'base'>) => { deps: Partial<AppDeps>; stop: () => Promise<void> };
  /**
   * Before the database is dropped the teardown runs the reconcile (业会核对, what `npm run
   * reconcile` runs) and fails the file on any difference. Only a file whose books disagree on
   * purpose may opt out, saying why here.
   */
  skipReconcile?: string;
  /** `false`: no payload codec on the worker and the clients (plain JSON histories, to show what the workflows themselves hold); default on. */
  codec?: boolean;
}

/** The reconcile's differences, one line each, for the failure message. */
export function describeDifferences(report: ReconcileReport): string {
  return report.differences
    .map((d) => `${d.accountId} ${d.episodeId} ${d.currency} ${d.figure}: ledger ${d.ledger}, episode ${d.episode} (delta ${d.delta})`)
    .join('\n');
}

/**
 * Registers the file's beforeAll/afterAll and returns the stack, filled once beforeAll has run
 * (hooks the file registers after this call see it ready).
 */
export function useE2eStack(opts: E2eStackOptions): E2eStack {
  const stack = {} as E2eStack;
  const dataDir = path.resolve(__dirname, '../../.data', `test-temporal-${opts.name}-${process.pid}`);
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let nativeConnection: NativeConnection | undefined;
  let connection: Connection | undefined;
  let server: Server | undefined;
  let stopExtra: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    quietTemporalLogs();
    const [db, bundle] = await Promise.all([freshDatabase(), bundleWorkflows()]);
    stack.db = db;
    stack.dev = await startTestDevServer(dataDir);
    nativeConnection = await NativeConnection.connect({ address: stack.dev.address });
    const taskQueue = `e2e-${opts.name}`;
    const dataConverter = testDataConverter();
    const onTemporal = opts.codec === false ? {} : { dataConverter };
    worker = await createCollectionWorker({
      connection: nativeConnection,
      taskQueue,
      pool: db.pool,
      providers: new ProviderSimulator(db.pool).providers(),
      ...onTemporal,
      tuning: { workflowBundle: bundle },
    });
    running = worker.run();
    connection = await Connection.connect({ address: stack.dev.address });
    stack.client = new Client({ connection, ...onTemporal });
    stack.collection = new CollectionClient(stack.client, taskQueue);
    const extra = opts.extend?.(stack);
    stopExtra = extra?.stop;
    const app = createApp({
      pool: db.pool,
      collection: stack.collection,
      litigation: new LitigationClient(stack.client, taskQueue),
      policy: () => KNOWN_POLICIES['default']!,
      log: pino({ level: 'silent' }),
      payloadCodec: dataConverter.payloadCodecs![0]!,
      ...extra?.deps,
    });
    const listening = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    server = listening;
    stack.base = `http://127.0.0.1:${(listening.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    // Each part only if it started: a failed beforeAll must not hang here waiting for it.
    if (server) await new Promise((r) => server!.close(r));
    await stopExtra?.();
    // The books after the file's tests: the ledger against every open episode (the worker answers the queries).
    let unreconciled: Error | undefined;
    if (stack.db && stack.collection && worker && !opts.skipReconcile) {
      const collection = stack.collection;
      try {
        const report = await reconcile({ entries: ledgerEntries(stack.db.pool), state: (id) => collection.state(id) });
        if (report.differences.length)
          unreconciled = new Error(
            `reconcile after the e2e file: ${report.differences.length} differences in ${report.episodes} open episodes\n${describeDifferences(report)}`,
          );
      } catch (err) {
        unreconciled = new Error(`reconcile after the e2e file could not run: ${(err as Error).message}`);
      }
    }
    worker?.shutdown();
    await running;
    await nativeConnection?.close();
    await connection?.close();
    await stack.dev?.stop();
    await stack.db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (unreconciled) throw unreconciled;
  });

  return stack;
}
