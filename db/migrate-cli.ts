// Why: `npm run migrate` against an external database (DATABASE_URL), e.g. before a deploy.
// `npm start` migrates its embedded database itself, so this refuses to guess a target.
import { loadConfig } from '../config';
import { migrate } from './migrate';

async function main(): Promise<void> {
  const { databaseUrl } = loadConfig();
  if (!databaseUrl) {
    throw new Error('DATABASE_URL is not set: `npm run migrate` needs an explicit database (npm start migrates its embedded one itself)');
  }
  await migrate(databaseUrl);
  console.log('migrations up to date');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
