// The worker process on its own: `npm run worker` against TEMPORAL_ADDRESS and DATABASE_URL.
import { NativeConnection } from '@temporalio/worker';
import { ProviderSimulator } from '../activities/providers/simulator';
import { loadConfig } from '../config';
import { createLogger, quietTemporalRuntime } from '../config/logger';
import { configuredPayloadCodec, encryptingDataConverter } from '../config/payload-codec';
import { createPool } from '../db/pool';
import { createCollectionWorker } from './create-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config, 'worker');
  quietTemporalRuntime();
  if (!config.databaseUrl || !config.temporal.address) {
    throw new Error('the worker process needs DATABASE_URL and TEMPORAL_ADDRESS (npm start runs everything embedded)');
  }
  const pool = createPool(config.databaseUrl, { max: 20 });
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  // Real gateways plug in here; the simulator records what it was asked (provider_requests).
  const simulator = new ProviderSimulator(pool);
  const worker = await createCollectionWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    pool,
    providers: simulator.providers(),
    dataConverter: encryptingDataConverter(configuredPayloadCodec(config.dataDir)),
    ...(config.workerMaxCachedWorkflows !== undefined ? { tuning: { maxCachedWorkflows: config.workerMaxCachedWorkflows } } : {}),
  });
  log.info({ taskQueue: config.temporal.taskQueue, maxCachedWorkflows: config.workerMaxCachedWorkflows ?? 'SDK default' }, 'worker running');
  await worker.run(); // returns after SIGINT/SIGTERM (the SDK's default shutdown signals)
  await connection.close();
  await pool.end();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
