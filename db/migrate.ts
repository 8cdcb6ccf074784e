// Why: schema changes are plain SQL files applied by node-pg-migrate, from every entry point
// (npm start, npm run migrate, tests). Its advisory lock (in "wait" mode) makes concurrent and
// repeated calls safe; its console chatter is swallowed unless the run fails.
import path from 'node:path';

export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/** Applies all pending up-migrations in db/migrations to the database at databaseUrl. */
export async function migrate(databaseUrl: string): Promise<void> {
  // ESM-only package: module node16 keeps this a real import() in CommonJS output.
  const { runner } = await import('node-pg-migrate');
  const errors: string[] = [];
  const quiet = () => undefined;
  try {
    await runner({
      databaseUrl,
      dir: MIGRATIONS_DIR,
      ignorePattern: '\\..*|.*\\.md|.*\\.d\\.ts', // dotfiles, docs, typings
      migrationsTable: 'pgmigrations',
      direction: 'up',
      checkOrder: true,
      singleTransaction: true,
      advisoryLockMode: 'wait',
      logger: { debug: quiet, info: quiet, warn: quiet, error: (...args: unknown[]) => void errors.push(args.map(String).join(' ')) },
    });
  } catch (err) {
    const detail = errors.length ? `\n${errors.join('\n')}` : '';
    throw new Error(`migration failed: ${(err as Error).message}${detail}`, { cause: err });
  }
}
