// The API process on its own: `npm run api` against TEMPORAL_ADDRESS and DATABASE_URL.
import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { createPool } from '../db/pool';
import { startApi } from './server';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config, 'api');
  if (!config.databaseUrl || !config.temporal.address) {
    throw new Error('the API process needs DATABASE_URL and TEMPORAL_ADDRESS (npm start runs everything embedded)');
  }
  const pool = createPool(config.databaseUrl, { max: 20 });
  const api = await startApi(config, pool, log, config.temporal.address);
  log.info({ url: api.url }, 'API listening');
  // Wait for Ctrl-C / SIGTERM, then shut down here, so a failed shutdown reaches main's catch.
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await api.close();
  await pool.end();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
