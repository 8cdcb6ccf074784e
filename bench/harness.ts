// What every benchmark stands on: embedded PostgreSQL, a Temporal dev server, the real worker with
// the provider simulator, and the HTTP API, all on loopback in a temporary folder; plus figures.
// `withServers` is the first half alone, for benchmarks that run the worker as its own process.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import pino from 'pino';
import { ProviderSimulator } from '../activities/providers/simulator';
import { createApp } from '../api/app';
import { CollectionClient } from '../api/collection-client';
import { startPaymentDelivery } from '../api/payment-delivery';
import { apiKeys } from '../db/stores/api-keys';
import { ledger } from '../db/stores/ledger';
import { withThrowawayDatabase } from '../db/throwaway';
import { quietTemporalRuntime } from '../config/logger';
import { startDevServer } from '../scripts/dev-server';
import { temporalCliPath } from '../scripts/temporal-bins';
import { createCollectionWorker } from '../worker/create-worker';
import type { CollectionPolicy } from '../domain/policy/types';

export interface Bench {
  pool: Pool;
  simulator: ProviderSimulator;
  /** The dev server's address and a client on it, for baselines run on the same server. */
  temporal: { address: string; client: Client };
  post: (url: string, body: unknown, headers?: Record<string, string>) => Promise<Response>;
  /** Posts an overdue bill (`<accountId>-B1`) through the API; throws unless it was accepted. */
  enrol: (accountId: string, amount: number, dueDate: string) => Promise<void>;
  /** The API's base address and the billing key, for requests `post` does not make (CSV, NDJSON bodies). */
  api: { url: string; key: string };
}

export interface BenchOptions {
  /** Makes the API's and the payment deliverer's collection client (to time what they send). */
  collectionClient?: (client: Client, taskQueue: string) => CollectionClient;
}

export interface Servers {
  pgUrl: string;
  pool: Pool;
  /** The dev server's gRPC address. */
  address: string;
}

/** Embedded PostgreSQL (migrated) and a Temporal dev server on loopback, in a temporary folder. */
export async function withServers<T>(fn: (s: Servers) => Promise<T>): Promise<T> {
  const offset = process.pid % 1000;
  metricsUrl = `http://127.0.0.1:${59000 + offset}/metrics`;
  quietTemporalRuntime('WARN', { prometheusBindAddress: `127.0.0.1:${59000 + offset}` });
  return withThrowawayDatabase({ name: 'bench', port: 56000 + offset }, async ({ url, pool, dir }) => {
    const dev = await startDevServer({ cli: temporalCliPath(), dataDir: dir, port: 57000 + offset, uiPort: 58000 + offset, headless: true });
    try {
      return await fn({ pgUrl: url, pool, address: dev.address });
    } finally {
      await dev.stop();
    }
  });
}

/** The servers plus the real worker (provider simulator) and the HTTP API, all in this process. */
export async function withBench<T>(policy: CollectionPolicy, fn: (b: Bench) => Promise<T>, opts: BenchOptions = {}): Promise<T> {
  return withServers(async ({ pool, address }) => {
    const native = await NativeConnection.connect({ address });
    const connection = await Connection.connect({ address });
    try {
      const simulator = new ProviderSimulator(pool);
      const worker = await createCollectionWorker({ connection: native, taskQueue: 'bench', pool, providers: simulator.providers() });
      return await worker.runUntil(async () => {
        const client = new Client({ connection });
        const collection = opts.collectionClient?.(client, 'bench') ?? new CollectionClient(client, 'bench');
        const log = pino({ level: 'silent' });
        const delivery = startPaymentDelivery({ ledger: ledger(pool), collection, log });
        const app = createApp({ pool, collection, policy: () => policy, log, onPaymentPending: delivery.nudge });
        const server = app.listen(0, '127.0.0.1');
        await new Promise((r) => server.once('listening', r));
        const port = (server.address() as { port: number }).port;
        // billing posts bills and payments (a key per run: the database is thrown away after it)
        const { key } = await apiKeys(pool).create('bench', ['billing']);
        const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
          fetch(`http://127.0.0.1:${port}${url}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
            body: JSON.stringify(body),
          });
        try {
          const enrol = async (accountId: string, amount: number, dueDate: string) => {
            const res = await post(`/v1/accounts/${accountId}/arrears`, {
              billId: `${accountId}-B1`,
              customerName: '基准',
              phone: '13000000000',
              amount,
              currency: 'CNY',
              dueDate,
            });
            if (res.status !== 201) throw new Error(`enrol ${accountId}: ${res.status} ${await res.text()}`);
          };
          return await fn({ pool, simulator, temporal: { address, client }, post, enrol, api: { url: `http://127.0.0.1:${port}`, key } });
        } finally {
          server.close();
          await delivery.stop();
        }
      });
    } finally {
      await connection.close();
      await native.close();
    }
  });
}

let metricsUrl: string | undefined;

/** Sums and counts of the worker's latency histograms (Temporal SDK metrics, milliseconds). */
export type WorkerMetrics = Record<string, { sum: number; count: number }>;

export async function workerMetrics(): Promise<WorkerMetrics> {
  if (!metricsUrl) return {};
  const text = await (await fetch(metricsUrl)).text();
  const out: WorkerMetrics = {};
  for (const line of text.split('\n')) {
    const m = /^(temporal_\w*latency)_(sum|count)(?:\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!m) continue;
    const entry = (out[m[1]!] ??= { sum: 0, count: 0 });
    entry[m[2] as 'sum' | 'count'] += Number(m[3]);
  }
  return out;
}

/** Mean latency (ms) and count per worker metric between two readings: where a phase's time went. */
export function metricsBetween(before: WorkerMetrics, after: WorkerMetrics): Record<string, { count: number; meanMs: number }> {
  const out: Record<string, { count: number; meanMs: number }> = {};
  for (const [name, a] of Object.entries(after)) {
    const b = before[name] ?? { sum: 0, count: 0 };
    const count = a.count - b.count;
    if (count > 0) out[name.replace(/^temporal_/, '')] = { count, meanMs: Math.round(((a.sum - b.sum) / count) * 10) / 10 };
  }
  return out;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** Prints the figures and writes them to bench/results/<name>.json with the machine they came from. */
export function report(name: string, figures: Record<string, unknown>): void {
  const result = {
    benchmark: name,
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    at: new Date().toISOString(),
    ...figures,
  };
  console.log(JSON.stringify(result, null, 2));
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'results', `${name}.json`), JSON.stringify(result, null, 2) + '\n');
}

/** Runs `task` over `items` with at most `concurrency` at a time. */
export async function pooled<T>(items: T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

/**
 * Runs a benchmark's main: an error is printed and exits 1. `exit` ends the process when done
 * (the memory benchmark: its stopped worker's plumbing keeps the event loop alive).
 */
export function runBench(main: () => Promise<void>, opts: { exit?: boolean } = {}): void {
  main().then(
    () => {
      if (opts.exit) process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
