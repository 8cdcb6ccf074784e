// Why: one PostgreSQL per test run (embedded unless DATABASE_URL is given), migrated once, plus a
// migrated template database so freshDatabase() is a cheap file copy. Runs in jest's parent
// process, where ESM-only packages can be import()ed; tests get DATABASE_URL via the environment.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { REPO_ROOT } from '../../config';
import { startEmbeddedPostgres } from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { freePort } from './ports';
import { TEMPLATE_ENV, databaseUrlWithName, type TestPgState } from './shared';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Data dirs left by killed runs (their postgres is gone too: no postmaster.pid). */
function removeStaleDirs(dataRoot: string): void {
  if (!fs.existsSync(dataRoot)) return;
  for (const name of fs.readdirSync(dataRoot)) {
    const m = /^test-pg-(\d+)$/.exec(name);
    const dir = path.join(dataRoot, name);
    if (m && !alive(Number(m[1])) && !fs.existsSync(path.join(dir, 'postmaster.pid'))) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function createTemplate(url: string): Promise<string> {
  const name = `${new URL(url).pathname.slice(1) || 'postgres'}_template_${process.pid}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)}`);
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const templateUrl = databaseUrlWithName(url, name);
  await migrate(templateUrl);
  return name;
}

export default async function globalSetup(): Promise<void> {
  // Not require(): install-temporal.js calls process.exit(0) when there is nothing to do.
  const install = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'install-temporal.js')], { stdio: 'inherit' });
  if (install.status !== 0) throw new Error('node scripts/install-temporal.js failed');

  const state: TestPgState = { external: Boolean(process.env.DATABASE_URL) };
  (globalThis as { __TEST_PG__?: TestPgState }).__TEST_PG__ = state;
  try {
    let url = process.env.DATABASE_URL;
    if (!url) {
      const dataRoot = path.join(REPO_ROOT, '.data');
      removeStaleDirs(dataRoot);
      const dataDir = path.join(dataRoot, `test-pg-${process.pid}`);
      fs.rmSync(dataDir, { recursive: true, force: true });
      const server = await startEmbeddedPostgres({
        dataDir,
        port: await freePort(),
        databaseName: 'arrears_test',
        persistent: false,
        fast: true,
      });
      state.stop = server.stop;
      url = server.url;
      process.env.DATABASE_URL = url;
    }
    await migrate(url);
    state.url = url;
    try {
      state.template = await createTemplate(url);
      process.env[TEMPLATE_ENV] = state.template;
    } catch (err) {
      // e.g. an external database without CREATEDB: freshDatabase() will say so if used.
      process.env[`${TEMPLATE_ENV}_ERROR`] = (err as Error).message;
    }
  } catch (err) {
    await state.stop?.();
    throw err;
  }
}
