// `npm start`: the whole system on one machine with embedded defaults. PostgreSQL (embedded unless
// DATABASE_URL), migrations, a Temporal dev server with Web UI and SQLite under .data (unless
// TEMPORAL_ADDRESS), the worker and the API in this process, demo keys and accounts on a first run.
// Ctrl-C stops everything; the next start picks the running workflows up where they were.
import { NativeConnection } from '@temporalio/worker';
import path from 'node:path';
import { ProviderSimulator } from '../activities/providers/simulator';
import { startApi } from '../api/server';
import { loadConfig } from '../config';
import { createLogger, quietTemporalRuntime } from '../config/logger';
import { startEmbeddedPostgres } from '../db/embedded';
import { EMBEDDED_DATABASE } from '../db/local';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { configuredPayloadCodec, encryptingDataConverter } from '../config/payload-codec';
import { createCollectionWorker } from '../worker/create-worker';
import { demoArrears } from './demo-accounts';
import { demoKeysBanner, ensureDemoKeys } from './demo-keys';
import { startDevServer } from './dev-server';
import { temporalCliPath } from './temporal-bins';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config, 'start');
  quietTemporalRuntime();
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => log.error({ err }, 'while stopping'));
  };

  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({
        dataDir: path.join(config.dataDir, 'pg'),
        port: config.pgPort,
        databaseName: EMBEDDED_DATABASE,
        persistent: true,
      });
      stops.push(pg.stop);
      databaseUrl = pg.url;
      log.info({ port: config.pgPort }, 'embedded PostgreSQL running');
    }
    await migrate(databaseUrl);
    const pool = createPool(databaseUrl, { max: 20 });
    stops.push(() => pool.end());

    // The demo keys first: the dev server's UI reaches the codec endpoint with the demo ops key.
    const demoKeys = await ensureDemoKeys(pool, config.dataDir);
    const payloadCodec = configuredPayloadCodec(config.dataDir);

    let address = config.temporal.address;
    let uiUrl = config.temporal.uiUrl;
    if (!address) {
      // The UI cannot send an Authorization header to a codec endpoint (ADR 20): on this loopback dev
      // server it gets the demo ops key in the endpoint's path (/codec/ui/<key>/decode).
      const opsKey = demoKeys.keys.ops;
      const apiBase = `http://${config.api.host}:${config.api.port}`;
      const dev = await startDevServer({
        cli: temporalCliPath(config),
        dataDir: config.dataDir,
        port: config.temporal.port,
        uiPort: config.temporal.uiPort,
        uiCodecEndpoint: opsKey ? `${apiBase}/codec/ui/${opsKey}` : `${apiBase}/codec`,
      });
      stops.push(dev.stop);
      address = dev.address;
      uiUrl = dev.uiUrl;
    }

    const connection = await NativeConnection.connect({ address });
    stops.push(() => connection.close());
    const simulator = new ProviderSimulator(pool);
    const worker = await createCollectionWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      pool,
      providers: simulator.providers(),
      dataConverter: encryptingDataConverter(payloadCodec),
    });
    const running = worker.run();
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });

    const api = await startApi({ ...config, temporal: { ...config.temporal, uiUrl } }, pool, log, address);
    stops.push(api.close);

    const { rows } = await pool.query<{ n: number }>('SELECT count(*) AS n FROM accounts');
    if (rows[0]!.n === 0) {
      // billing posts the demo bills, with its demo key, like any billing system would
      const billingKey = demoKeys.keys.billing;
      if (!billingKey) throw new Error(`no billing demo key to seed the demo accounts with (${demoKeys.file} is missing or incomplete)`);
      for (const demo of demoArrears(Date.now())) {
        const res = await fetch(`${api.url}/v1/accounts/${demo.accountId}/arrears`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${billingKey}` },
          body: JSON.stringify(demo.body),
        });
        if (!res.ok) throw new Error(`seeding ${demo.accountId} failed: ${res.status} ${await res.text()}`);
      }
      log.info('seeded 5 demo accounts (DEMO-001 … DEMO-005)');
    }

    console.log(`
  Collection API   ${api.url}   (try: curl -H "Authorization: Bearer $OPS_KEY" ${api.url}/v1/accounts/DEMO-002/collection)
  API docs         ${api.url}/docs   (OpenAPI 3.1: ${api.url}/openapi.json)
  Web console      ${api.url}/console   (sign in with one of the API keys below)
${demoKeysBanner(demoKeys)}
  Temporal UI      ${uiUrl}
  Temporal server  ${address}   namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}
  Ctrl-C stops everything; data stays in ${config.dataDir}.
`);

    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
      running.then(resolve, resolve);
    });
    log.info('stopping…');
  } finally {
    await stopAll();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
