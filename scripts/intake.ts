// `npm run intake -- <file> [--key <API key>] [--url <API base>] [--batch-id <id>]`: posts a file
// of overdue bills (CSV with a header row, or NDJSON: .ndjson / .jsonl) to POST /v1/arrears/batches,
// streamed from disk, then shows a progress bar until the batch is enrolled and prints its counts
// and rejected rows. The key comes from --key or INTAKE_API_KEY (a billing key: `npm run keys`), the
// API from --url or INTAKE_API_URL (default http://127.0.0.1:3000).
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import type { BatchPage, BatchView } from '../api/services/batches';

export interface IntakeOptions {
  file: string;
  url: string;
  key: string;
  batchId?: string;
  pollMs?: number;
  /** Gives up after this long without the batch done (default: never). */
  timeoutMs?: number;
  onProgress?: (batch: BatchView) => void;
}

export interface IntakeResult {
  /** 202 (received now) or 200 (sent before: the first batch). */
  status: number;
  batch: BatchView;
  rejectedRows: BatchPage['rejectedRows'];
}

export function formatOf(file: string): 'text/csv' | 'application/x-ndjson' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'text/csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'application/x-ndjson';
  throw new Error(`${file}: expected a .csv, .ndjson or .jsonl file`);
}

/** Posts the file and polls the batch until no row is pending; then reads every rejected row. */
export async function runIntake(opts: IntakeOptions): Promise<IntakeResult> {
  const base = opts.url.replace(/\/+$/, '');
  const auth = { authorization: `Bearer ${opts.key}` };
  const res = await fetch(`${base}/v1/arrears/batches`, {
    method: 'POST',
    headers: { ...auth, 'content-type': formatOf(opts.file), ...(opts.batchId ? { 'idempotency-key': opts.batchId } : {}) },
    body: Readable.toWeb(fs.createReadStream(opts.file)),
    duplex: 'half',
  });
  const answer = (await res.json()) as BatchView & { detail?: string; errors?: unknown };
  if (res.status !== 202 && res.status !== 200)
    throw new Error(`the API answered ${res.status}: ${answer.detail ?? ''} ${answer.errors ? JSON.stringify(answer.errors) : ''}`.trim());
  const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
  let batch: BatchView = answer;
  opts.onProgress?.(batch);
  const read = async (after: number): Promise<BatchPage> => {
    const r = await fetch(`${base}/v1/arrears/batches/${encodeURIComponent(batch.batchId)}?after=${after}&limit=1000`, { headers: auth });
    if (r.status !== 200) throw new Error(`reading batch ${batch.batchId}: the API answered ${r.status}`);
    return (await r.json()) as BatchPage;
  };
  while (batch.state !== 'done') {
    if (Date.now() > deadline) throw new Error(`batch ${batch.batchId} not done after ${opts.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
    const { rejectedRows: _, next: __, ...view } = await read(0);
    batch = view;
    opts.onProgress?.(batch);
  }
  const rejectedRows: BatchPage['rejectedRows'] = [];
  for (let after = 0; ;) {
    const page = await read(after);
    rejectedRows.push(...page.rejectedRows);
    if (!page.next) break;
    after = Number(page.next);
  }
  return { status: res.status, batch, rejectedRows };
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { key: { type: 'string' }, url: { type: 'string' }, 'batch-id': { type: 'string' } },
  });
  const file = positionals[0];
  const key = values.key ?? process.env['INTAKE_API_KEY'];
  if (!file || !key) throw new Error('usage: npm run intake -- <file.csv|file.ndjson> --key <billing API key> [--url http://127.0.0.1:3000] [--batch-id <id>]');
  const bar = new cliProgress.SingleBar({ format: 'enrolling {bar} {value}/{total} rows | {state}', hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  const result = await runIntake({
    file,
    key,
    url: values.url ?? process.env['INTAKE_API_URL'] ?? 'http://127.0.0.1:3000',
    ...(values['batch-id'] ? { batchId: values['batch-id'] } : {}),
    onProgress: (b) => {
      const done = b.counts.rows - b.counts.pending;
      if (!started) bar.start(b.counts.rows, done, { state: b.state });
      else bar.update(done, { state: b.state });
      started = true;
    },
  }).finally(() => bar.stop());
  const { batch, rejectedRows } = result;
  const c = batch.counts;
  console.log(`${result.status === 200 ? 'sent before: ' : ''}batch ${batch.batchId} ${batch.state}`);
  console.log(`rows ${c.rows}: accepted ${c.accepted}, updated ${c.updated}, unchanged ${c.unchanged}, rejected ${c.rejected} (enrolled ${c.enrolled})`);
  for (const r of rejectedRows) console.log(`  row ${r.row}: ${r.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: Error) => {
    console.error(err.message);
    process.exitCode = 1;
  });
}
