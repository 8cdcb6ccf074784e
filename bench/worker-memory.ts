// Benchmark 4: worker memory per open episode. The production worker (`worker/main.ts`) runs as its
// own process against a dev server; N episodes are enrolled and each is queried once, so every one
// has run its first task and is asleep until its first reminder. The worker's RSS is read from
// /proc before and after, once with a cache big enough for all N (cached) and once with
// WORKER_MAX_CACHED_WORKFLOWS=0 (evicted: the worker holds nothing between tasks and replays an
// episode from its history when it wakes). Linux only (reads /proc).
//   npm run bench:memory -- [--episodes 2000]
import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CollectionClient } from '../api/collection-client';
import { localDateOf } from '../domain/policy/calendar';
import { DEFAULT_POLICY } from '../domain/policy/default-policy';
import { pooled, report, runBench, withServers } from './harness';

const REPO = path.resolve(__dirname, '..');
const MiB = 2 ** 20;

function rssBytes(pid: number): number {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? NaN) * 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The median of a few RSS samples a second apart (RSS wobbles with GC). */
async function settledRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(rssBytes(pid));
    await sleep(1000);
  }
  return samples.sort((a, b) => a - b)[2]!;
}

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('worker running')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${out}`)));
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { episodes: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '16' } } });
  const n = Number(values.episodes);
  const concurrency = Number(values.concurrency);
  await withServers(async ({ pgUrl, address }) => {
    const connection = await Connection.connect({ address });
    const modes: Record<string, unknown> = {};
    try {
      for (const [mode, cache] of [
        ['cached', n + 1000],
        ['evicted', 0],
      ] as const) {
        const taskQueue = `memory-${mode}`;
        const worker = await startWorker({
          DATABASE_URL: pgUrl,
          TEMPORAL_ADDRESS: address,
          TEMPORAL_TASK_QUEUE: taskQueue,
          WORKER_MAX_CACHED_WORKFLOWS: String(cache),
          LOG_LEVEL: 'info',
        });
        try {
          await sleep(2000);
          const idle = await settledRss(worker.pid!);
          const collection = new CollectionClient(new Client({ connection }), taskQueue);
          // Due today: the first reminder is tomorrow, so every episode plans it and sleeps.
          const dueDate = localDateOf(Date.now(), 'Asia/Shanghai');
          const ids = Array.from({ length: n }, (_, i) => `MEM-${mode}-${i}`);
          const t0 = performance.now();
          await pooled(ids, concurrency, async (id) => {
            await collection.enrol({
              accountId: id,
              customer: { name: '基准', phone: '13000000000', segment: 'consumer', lists: [], timezone: 'Asia/Shanghai' },
              bill: { billId: `${id}-B1`, amount: 10_000, currency: 'CNY', dueDate },
              policy: DEFAULT_POLICY,
            });
          });
          // A query is answered only after the episode's pending tasks ran (cached: from memory;
          // evicted: replayed from history, answered, dropped again).
          await pooled(ids, concurrency, async (id) => {
            if (!(await collection.state(id))) throw new Error(`no state for ${id}`);
          });
          const seconds = (performance.now() - t0) / 1000;
          const loaded = await settledRss(worker.pid!);
          modes[mode] = {
            maxCachedWorkflows: cache,
            idleRssMiB: Math.round(idle / MiB),
            rssWithEpisodesMiB: Math.round(loaded / MiB),
            kibPerEpisode: Math.round(((loaded - idle) / n / 1024) * 10) / 10,
            enrolAndQuerySeconds: Math.round(seconds),
          };
          console.error(mode, JSON.stringify(modes[mode]));
        } finally {
          await stopWorker(worker);
        }
      }
    } finally {
      await connection.close();
    }
    const cached = modes['cached'] as { kibPerEpisode: number };
    report('worker-memory', {
      episodes: n,
      ...modes,
      // What one worker can hold in memory at this cost per episode, per GiB of RSS; evicted, the
      // limit is replay CPU when episodes wake, not memory.
      cachedEpisodesPerGiB: cached.kibPerEpisode > 0 ? Math.floor((1024 * 1024) / cached.kibPerEpisode) : null,
    });
  });
}

runBench(main, { exit: true });
