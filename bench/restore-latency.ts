// Benchmark 2: payment → restoration latency. N accounts are suspended on the dev server, then a
// payment for each is posted through the HTTP API; we time until the network adapter (the
// simulator) receives `restore` for that account. Prints p50/p99 next to the payment round trip
// measured in the same run (the rule is 24 h; the target p99 is under 2 s).
//   npm run bench:restore -- [--accounts 50]
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ProviderSimulator, type SimulatedRequest } from '../activities/providers/simulator';
import { createApp } from '../api/app';
import { CollectionClient } from '../api/collection-client';
import { quietTemporalRuntime } from '../config/logger';
import { startEmbeddedPostgres } from '../db/embedded';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { startDevServer } from '../scripts/dev-server';
import { temporalCliPath } from '../scripts/temporal-bins';
import { createCollectionWorker } from '../worker/create-worker';
import { addDays, localDateOf } from '../workflows/policy/calendar';
import { DEFAULT_POLICY } from '../workflows/policy/default-policy';
import type { CollectionPolicy } from '../workflows/policy/types';

// A ladder that suspends at once (the legal floor is met by a due date 40 days back), any hour.
const SUSPEND_NOW: CollectionPolicy = {
  ...DEFAULT_POLICY,
  id: 'bench-suspend-now',
  minHoursBetweenSteps: 0,
  unwindowedActions: ['restore', 'suspend_outgoing'],
  contact: undefined,
  ladders: { standard: [{ id: 'suspend-outgoing', action: 'suspend_outgoing', at: { kind: 'days_after_due', days: 31 } }] },
  segmentLadders: { consumer: 'standard', enterprise: 'standard', ecommerce: 'standard', key_account: 'standard' },
  blackListLadder: 'standard',
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { accounts: { type: 'string', default: '50' } } });
  const n = Number(values.accounts);
  quietTemporalRuntime();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-restore-'));
  fs.chmodSync(tmp, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg'), port: 56000 + (process.pid % 1000), databaseName: 'bench', persistent: false });
  const dev = await startDevServer({ cli: temporalCliPath(), dataDir: tmp, port: 57000 + (process.pid % 1000), uiPort: 58000 + (process.pid % 1000), headless: true });
  const pool = createPool(pg.url, { max: 20 });
  const native = await NativeConnection.connect({ address: dev.address });
  const connection = await Connection.connect({ address: dev.address });
  try {
    await migrate(pg.url);
    const simulator = new ProviderSimulator(pool);
    const worker = await createCollectionWorker({ connection: native, taskQueue: 'bench', pool, providers: simulator.providers() });
    await worker.runUntil(async () => {
      const collection = new CollectionClient(new Client({ connection }), 'bench');
      const app = createApp({ pool, collection, policy: () => SUSPEND_NOW, log: pino({ level: 'silent' }) });
      const server = app.listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      const port = (server.address() as { port: number }).port;
      const post = (url: string, body: unknown) =>
        fetch(`http://127.0.0.1:${port}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

      const suspended = new Set<string>();
      const restoredAt = new Map<string, number>();
      simulator.events.on('request', (r: SimulatedRequest) => {
        if (r.operation === 'setServiceState:outgoing_barred') suspended.add(r.accountId);
        if (r.operation === 'setServiceState:active') restoredAt.set(r.accountId, performance.now());
      });
      const dueDate = addDays(localDateOf(Date.now(), 'Asia/Shanghai'), -40);
      const ids = Array.from({ length: n }, (_, i) => `BR-${process.pid}-${i}`);
      for (const id of ids) {
        const res = await post(`/v1/accounts/${id}/arrears`, { billId: `${id}-B1`, customerName: '基准', phone: '13000000000', amount: 10_000, currency: 'CNY', dueDate });
        if (res.status !== 201) throw new Error(`enrol ${id}: ${res.status} ${await res.text()}`);
      }
      while (suspended.size < n) await new Promise((r) => setTimeout(r, 50));

      const latencies: number[] = [];
      const roundTrips: number[] = [];
      for (const id of ids) {
        const t0 = performance.now();
        const res = await post('/v1/payments', { paymentId: `${id}-P`, accountId: id, amount: 10_000, currency: 'CNY', paidAt: new Date().toISOString(), channel: 'online' });
        roundTrips.push(performance.now() - t0);
        if (res.status !== 201) throw new Error(`pay ${id}: ${res.status}`);
        while (!restoredAt.has(id)) await new Promise((r) => setTimeout(r, 2));
        latencies.push(restoredAt.get(id)! - t0);
      }
      server.close();
      const result = {
        benchmark: 'payment-to-restore-latency',
        machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
        at: new Date().toISOString(),
        accounts: n,
        restoreMs: { p50: Math.round(pct(latencies, 50)), p99: Math.round(pct(latencies, 99)), max: Math.round(Math.max(...latencies)) },
        paymentRoundTripMs: { p50: Math.round(pct(roundTrips, 50)), p99: Math.round(pct(roundTrips, 99)) },
        ratioRestoreToRoundTripP50: Math.round((pct(latencies, 50) / pct(roundTrips, 50)) * 100) / 100,
      };
      console.log(JSON.stringify(result, null, 2));
      fs.writeFileSync(path.join(__dirname, 'results', 'restore-latency.json'), JSON.stringify(result, null, 2) + '\n');
    });
  } finally {
    await connection.close();
    await native.close();
    await pool.end();
    await dev.stop();
    await pg.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
