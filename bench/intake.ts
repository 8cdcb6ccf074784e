// Benchmark 8: bulk arrears intake (issue 13). One run, on loopback: a generated CSV of N rows
// (default 500,000, the route's maximum), produced on the fly by a Readable (never held in memory),
// streamed into `POST /v1/arrears/batches` of an API process that has the batch enrolment job off
// (bench/intake-api.ts: received and stored, nothing enrolled), against a baseline of 1,000 rows in
// the same run on the same servers, each size in a fresh API process. Per size: rows/s from the
// first byte sent to the 202, the API process's peak RSS (VmHWM, and its RSS before the upload),
// and a check that the batch's counts are exact: rows = N, the good rows `pending` (accepted for
// enrolment), the bad rows mixed in (every 250th: a negative amount, an impossible due date, an
// empty name) `rejected`, each with its row number and field (read back through the paged GET).
//   npm run bench:intake -- [--rows 500000] [--baseline 1000]
// Sizes also from BENCH_INTAKE_ROWS, BENCH_INTAKE_BASELINE.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { apiKeys } from '../db/stores/api-keys';
import { report, runBench, withServers } from './harness';

/** Every BAD_EVERY-th row is bad, in one of three ways, each with the field it is reported under. */
const BAD_EVERY = 250;
const BAD_KINDS = [
  { field: 'amount', row: (i: number) => `A${i},B${i},基准客户,13000000000,-5,CNY,2026-11-01` },
  { field: 'dueDate', row: (i: number) => `A${i},B${i},基准客户,13000000000,12000,CNY,2026-02-30` },
  { field: 'customerName', row: (i: number) => `A${i},B${i},,13000000000,12000,CNY,2026-11-01` },
] as const;
const HEADER = 'accountId,billId,customerName,phone,amount,currency,dueDate\n';

const isBad = (i: number) => i % BAD_EVERY === 0;
const badKind = (i: number) => BAD_KINDS[(i / BAD_EVERY) % BAD_KINDS.length]!;

/** The CSV of `rows` rows (numbered from 1), made a chunk of 1,000 rows at a time as the reader asks. */
function generatedCsv(prefix: string, rows: number): Readable {
  let next = 1;
  let headerSent = false;
  return new Readable({
    read() {
      if (!headerSent) {
        headerSent = true;
        this.push(HEADER);
        return;
      }
      if (next > rows) {
        this.push(null);
        return;
      }
      const lines: string[] = [];
      for (const end = Math.min(rows, next + 999); next <= end; next++) {
        const id = `${prefix}-${next}`;
        lines.push(
          isBad(next)
            ? badKind(next).row(next).replace(`A${next}`, id).replace(`B${next}`, `${id}-B1`)
            : `${id},${id}-B1,基准客户,13000000000,12000,CNY,2026-11-01`,
        );
      }
      this.push(lines.join('\n') + '\n');
    },
  });
}

/** Starts the API process (enrolment off); its pid and port. */
async function startApi(pgUrl: string, address: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(path.join(__dirname, 'intake-api.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_PG_URL: pgUrl, BENCH_TEMPORAL_ADDRESS: address },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`the API process exited (${code}) before listening`)));
  });
  return { child, port };
}

/** kB figures of /proc/<pid>/status (VmRSS now, VmHWM the peak so far). */
function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: Math.round(kb('VmRSS') / 1024), peakMiB: Math.round(kb('VmHWM') / 1024) };
}

function request(port: number, method: string, url: string, key: string, body?: Readable): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: url, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'text/csv' } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body) pipeline(body, req).catch(reject);
    else req.end();
  });
}

interface Run {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  apiRssBeforeMiB: number;
  apiPeakRssMiB: number;
  counts: Record<string, number>;
  rejectedRows: number;
}

/** One size in a fresh API process: upload, time, memory, and the exact counts and rejected rows. */
async function intake(pgUrl: string, address: string, key: string, prefix: string, rows: number): Promise<Run> {
  const { child, port } = await startApi(pgUrl, address);
  try {
    const before = memoryOf(child.pid!);
    const t0 = performance.now();
    const answer = await request(port, 'POST', '/v1/arrears/batches', key, generatedCsv(prefix, rows));
    const seconds = (performance.now() - t0) / 1000;
    const peak = memoryOf(child.pid!);
    if (answer.status !== 202) throw new Error(`${prefix}: POST answered ${answer.status} ${JSON.stringify(answer.body)}`);
    const bad = Math.floor(rows / BAD_EVERY);
    const counts = answer.body['counts'] as Record<string, number>;
    const expected = { rows, pending: rows - bad, accepted: 0, updated: 0, unchanged: 0, rejected: bad, enrolled: 0 };
    for (const [k, v] of Object.entries(expected))
      if (counts[k] !== v) throw new Error(`${prefix}: counts.${k} is ${counts[k]}, expected ${v} (${JSON.stringify(counts)})`);
    // every rejected row, in row order, with its field: exactly the bad rows generated
    const batchId = String(answer.body['batchId']);
    let after = '';
    let seen = 0;
    for (;;) {
      const page = await request(port, 'GET', `/v1/arrears/batches/${encodeURIComponent(batchId)}?limit=1000${after ? `&after=${after}` : ''}`, key);
      if (page.status !== 200) throw new Error(`${prefix}: GET answered ${page.status}`);
      for (const r of page.body['rejectedRows'] as { row: number; errors: { field: string }[] }[]) {
        seen++;
        const want = seen * BAD_EVERY;
        const fields = r.errors.map((e) => e.field);
        if (r.row !== want || !fields.includes(badKind(want).field))
          throw new Error(`${prefix}: rejected row ${seen} is ${r.row} ${JSON.stringify(fields)}, expected ${want} [${badKind(want).field}]`);
      }
      const next = page.body['next'];
      if (typeof next !== 'string') break;
      after = next;
    }
    if (seen !== bad) throw new Error(`${prefix}: ${seen} rejected rows listed, expected ${bad}`);
    return {
      rows,
      seconds: Math.round(seconds * 100) / 100,
      rowsPerSecond: Math.round(rows / seconds),
      apiRssBeforeMiB: before.rssMiB,
      apiPeakRssMiB: peak.peakMiB,
      counts,
      rejectedRows: seen,
    };
  } finally {
    child.disconnect();
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string' }, baseline: { type: 'string' } } });
  const size = (v: string | undefined, fallback: number) => {
    const n = Number(v ?? fallback);
    if (!Number.isInteger(n) || n < 1 || n > 500_000) throw new Error(`not a row count from 1 to 500000: ${v}`);
    return n;
  };
  const rows = size(values.rows ?? process.env['BENCH_INTAKE_ROWS'], 500_000);
  const baselineRows = size(values.baseline ?? process.env['BENCH_INTAKE_BASELINE'], 1_000);
  await withServers(async ({ pgUrl, pool, address }) => {
    const { key } = await apiKeys(pool).create('bench-intake', ['billing']);
    const baseline = await intake(pgUrl, address, key, 'IB', baselineRows);
    console.error(`baseline: ${baselineRows} rows in ${baseline.seconds} s`);
    const full = await intake(pgUrl, address, key, 'IF', rows);
    console.error(`full: ${rows} rows in ${full.seconds} s`);
    report('intake', {
      rows,
      baselineRows,
      badEvery: BAD_EVERY,
      baseline,
      full,
      rowsPerSecondRatio: Math.round((full.rowsPerSecond / baseline.rowsPerSecond) * 100) / 100,
      apiPeakRssRatio: Math.round((full.apiPeakRssMiB / baseline.apiPeakRssMiB) * 100) / 100,
      benchPeakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    });
  });
}

// exit when done: one full run stayed alive after its report with the servers stopped (the handle was not identified)
runBench(main, { exit: true });
