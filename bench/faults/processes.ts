// The fault suite's processes: PostgreSQL (bench/faults/pg-child.ts), the Temporal dev server, the
// worker and the API, each a child process on loopback with its own log file in the run's folder.
// Every child started is remembered and killed when the suite's process exits, however it exits.
import { devServerArgs } from '../../scripts/dev-server';
import { Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from '../../config';
import { temporalCliPath } from '../../scripts/temporal-bins';

const live = new Set<ChildProcess>();
/** postmaster.pid files of the PostgreSQL servers started (their server gets SIGINT on exit too). */
const pgDataDirs = new Set<string>();

function killEverything(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const dir of pgDataDirs) {
    try {
      const pid = Number(fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGINT'); // fast shutdown of the postmaster itself
    } catch {
      // not running
    }
  }
}
process.on('exit', killEverything);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killEverything();
    process.exit(130);
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A TCP port on 127.0.0.1 that was free a moment ago (the tests' helper). */
export { freePort } from '../../tests/support/ports';

/** One start of a child: its process, its log file, when it exited (and whether we killed it). */
export class Proc {
  exitedAt: number | undefined;
  exitCode: number | null = null;
  expectedExit = false;
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    live.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitedAt = Date.now();
        this.exitCode = code;
        live.delete(child);
        resolve();
      }),
    );
  }

  get alive(): boolean {
    return this.exitedAt === undefined;
  }

  log(): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** The log's last lines, for error messages. */
  tail(lines = 15): string {
    return this.log().split('\n').slice(-lines).join('\n');
  }

  /** Kills with `signal` and waits for the exit (SIGKILL after `graceMs`). */
  async stop(signal: NodeJS.Signals = 'SIGKILL', graceMs = 15_000): Promise<void> {
    this.expectedExit = true;
    if (!this.alive) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Waits until `ready()` holds; fails early if the process exits. */
  async until(ready: () => Promise<boolean> | boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.alive) throw new Error(`${this.name} exited with code ${this.exitCode} before ${what}:\n${this.tail()}`);
      if (await ready()) return;
      if (Date.now() > deadline) throw new Error(`${this.name}: no ${what} within ${timeoutMs} ms:\n${this.tail()}`);
      await sleep(100);
    }
  }
}

function spawnLogged(name: string, logFile: string, command: string, args: string[], env: Record<string, string>, stdinPipe = false): Proc {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: [stdinPipe ? 'pipe' : 'ignore', fd, fd],
  });
  fs.closeSync(fd);
  return new Proc(name, child, logFile);
}

export interface SystemPorts {
  pg: number;
  temporal: number;
  api: number;
}

/**
 * The four processes of a deployment on one folder: each can be killed and started again on the
 * same data (PostgreSQL's data dir, the dev server's SQLite file, the payload keys).
 */
export class System {
  pg?: Proc;
  temporal?: Proc;
  worker?: Proc;
  api?: Proc;
  /** Every start, in order: the record of which process ran when. */
  readonly starts: Proc[] = [];
  private counter = 0;
  pgUrl = '';

  constructor(
    readonly dir: string,
    readonly ports: SystemPorts,
  ) {}

  get temporalAddress(): string {
    return `127.0.0.1:${this.ports.temporal}`;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.ports.api}`;
  }

  private logFile(name: string): string {
    return path.join(this.dir, `${String(++this.counter).padStart(2, '0')}-${name}.log`);
  }

  /** The environment of the worker and the API (config/index.ts). */
  private appEnv(): Record<string, string> {
    return {
      DATABASE_URL: this.pgUrl,
      TEMPORAL_ADDRESS: this.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'collection',
      DATA_DIR: path.join(this.dir, 'data'),
      API_HOST: '127.0.0.1',
      API_PORT: String(this.ports.api),
      LOG_LEVEL: 'info',
      // the suite sends 1,000 requests at once with one key: no rate limit here
      RATE_LIMIT_REQUESTS: '0',
      PAYLOAD_KEYS: '',
    };
  }

  async startPg(timeoutMs = 120_000): Promise<void> {
    const dataDir = path.join(this.dir, 'pg');
    pgDataDirs.add(dataDir);
    const proc = spawnLogged(
      'postgres',
      this.logFile('postgres'),
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'pg-child.ts'), dataDir, String(this.ports.pg), 'faults'],
      {},
      true,
    );
    this.pg = proc;
    this.starts.push(proc);
    await proc.until(() => /ready (\S+)/.test(proc.log()), 'ready', timeoutMs);
    this.pgUrl = /ready (\S+)/.exec(proc.log())![1]!;
  }

  /** Fast shutdown: PostgreSQL ends every connection and stops. */
  async stopPg(): Promise<void> {
    await this.pg?.stop('SIGTERM', 30_000);
  }

  async startTemporal(timeoutMs = 60_000): Promise<void> {
    const args = devServerArgs({ dataDir: this.dir, port: this.ports.temporal, headless: true });
    const proc = spawnLogged('temporal', this.logFile('temporal'), temporalCliPath(), args, {});
    this.temporal = proc;
    this.starts.push(proc);
    await proc.until(() => temporalHealthy(this.temporalAddress), 'health check', timeoutMs);
  }

  async startWorker(timeoutMs = 180_000): Promise<Proc> {
    const proc = spawnLogged('worker', this.logFile('worker'), process.execPath, ['--import', 'tsx', 'worker/main.ts'], this.appEnv());
    this.worker = proc;
    this.starts.push(proc);
    await proc.until(() => proc.log().includes('worker running'), '"worker running"', timeoutMs);
    return proc;
  }

  async startApi(timeoutMs = 120_000): Promise<void> {
    const proc = spawnLogged('api', this.logFile('api'), process.execPath, ['--import', 'tsx', 'api/main.ts'], this.appEnv());
    this.api = proc;
    this.starts.push(proc);
    await proc.until(() => proc.log().includes('API listening'), '"API listening"', timeoutMs);
  }

  /** Processes that exited without being stopped by the suite. */
  unexpectedExits(name?: string): Proc[] {
    return this.starts.filter((p) => (!name || p.name === name) && !p.alive && !p.expectedExit);
  }

  async stopAll(): Promise<void> {
    for (const p of [this.api, this.worker, this.temporal]) await p?.stop('SIGKILL');
    await this.stopPg();
  }
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function temporalHealthy(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await connection.healthService.check({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}
