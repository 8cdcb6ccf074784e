// Bulk arrears intake (issue 13, ADR 15). A file (CSV with a header row, or NDJSON) is read as a
// stream, never whole: each row is validated on its own with the single arrears route's schema
// (plus its accountId) and kept, good and bad, in `batch_rows`, a chunk per multi-row INSERT, all
// in the upload's one transaction. The same content (sha-256) or the same batch id with the same
// content again answers the first batch and changes nothing. Enrolment runs later, in the
// background (api/batch-enrolment.ts), exactly as the single route enrols.
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { PoolClient, Pool } from 'pg';
import { parse as csvParse } from 'csv-parse';
import { withTransaction } from '../../db/pool';
import type { BatchCounts, BatchFormat, BatchKind, BatchPayment, BatchRecord, BatchStore, NewBatchRow, RejectedRow, RowError } from '../../db/stores/batches';
import { conflict, HttpError, notFound } from '../errors';
import { arrearsBatchRow, ARREARS_BATCH_COLUMNS, paymentBody, PAYMENT_BATCH_COLUMNS, type PaymentBody } from '../schemas/requests';
import { requestHash } from './request-hash';

/** Most data rows one file may carry. */
export const BATCH_ROWS_MAX = 500_000;
/** Longest row (a CSV record or an NDJSON line), in characters. */
export const BATCH_ROW_CHARS_MAX = 16_384;
/** Rows per multi-row INSERT. */
const CHUNK = 1000;

export type BatchState = 'received' | 'enrolling' | 'done';

export interface BatchView {
  batchId: string;
  kind: BatchKind;
  format: BatchFormat;
  state: BatchState;
  /** UTC, ISO-8601. */
  createdAt: string;
  counts: BatchCounts;
}

export interface BatchPage extends BatchView {
  /** Rejected rows in row order, a page at a time. */
  rejectedRows: RejectedRow[];
  /** The `after` cursor of the next page, when there may be one. */
  next?: string;
}

const tooLarge = (detail: string) => new HttpError(413, 'Content Too Large', detail);
const badFile = (field: string, message: string) => new HttpError(400, 'Bad Request', `invalid ${field}`, { errors: [{ field, message }] });

/** The raw chunks of the body, hashed on the way. */
async function* hashed(body: AsyncIterable<Buffer | string>, hash: ReturnType<typeof createHash>): AsyncGenerator<Buffer> {
  for await (const chunk of body) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    hash.update(buf);
    yield buf;
  }
}

/** NDJSON lines split on the stream; a line longer than the limit ends the upload (413). */
async function* ndjsonLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of chunks) {
    rest += decoder.write(chunk);
    let start = 0;
    let nl: number;
    while ((nl = rest.indexOf('\n', start)) >= 0) {
      yield rest.slice(start, nl);
      start = nl + 1;
    }
    rest = rest.slice(start);
    if (rest.length > BATCH_ROW_CHARS_MAX) throw tooLarge(`a line is longer than ${BATCH_ROW_CHARS_MAX} characters`);
  }
  rest += decoder.end();
  if (rest.length > 0) yield rest;
}

const NUMERIC_COLUMNS = new Set(['amount', 'previousAverage']);

/**
 * A CSV `lines` cell, `lineId:number:service|lineId:number:service` (the overdue line first), as the
 * single route's `lines` array. Split from the right: a number and a service hold no `:`, a line id
 * may. A part left out is absent, so the schema names it (`lines.0.service`).
 */
export function csvLines(value: string): Record<string, string | undefined>[] {
  return value
    .split('|')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const parts = entry.split(':').map((p) => p.trim());
      const service = parts.length >= 3 ? parts.pop() : undefined;
      const number = parts.length >= 2 ? parts.pop() : undefined;
      return { lineId: parts.join(':'), number, service };
    });
}

/** A CSV record (all text) as the JSON body the single route takes: empty cells absent, numbers as numbers, lists split on `|`, lines as in `csvLines`. */
export function csvRecordToBody(record: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(record)) {
    const value = raw.trim();
    if (value === '') continue;
    if (NUMERIC_COLUMNS.has(column)) body[column] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    else if (column === 'lists')
      body[column] = value
        .split('|')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (column === 'lines') body[column] = csvLines(value);
    else body[column] = value;
  }
  return body;
}

const ROW_SCHEMA = { arrears: arrearsBatchRow, payments: paymentBody } as const;
const COLUMNS: Record<BatchKind, readonly string[]> = { arrears: ARREARS_BATCH_COLUMNS, payments: PAYMENT_BATCH_COLUMNS };

function validateRow(kind: BatchKind, rowNo: number, input: unknown): NewBatchRow {
  const result = ROW_SCHEMA[kind].safeParse(input);
  if (result.success) return { rowNo, payload: result.data };
  const errors: RowError[] = result.error.issues.map((i) => ({ field: i.path.length ? i.path.map(String).join('.') : 'row', message: i.message }));
  return { rowNo, errors };
}

/** The validated rows of the file, numbered from 1 (the first data row; a CSV header is not a row). */
async function* parsedRows(kind: BatchKind, format: BatchFormat, chunks: AsyncIterable<Buffer>): AsyncGenerator<NewBatchRow> {
  let rowNo = 0;
  if (format === 'ndjson') {
    for await (const line of ndjsonLines(chunks)) {
      if (line.trim() === '') continue;
      rowNo++;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        yield { rowNo, errors: [{ field: 'row', message: 'not valid JSON' }] };
        continue;
      }
      yield value !== null && typeof value === 'object' && !Array.isArray(value)
        ? validateRow(kind, rowNo, value)
        : { rowNo, errors: [{ field: 'row', message: 'expected a JSON object' }] };
    }
    return;
  }
  let headerProblem: HttpError | undefined;
  const parser = Readable.from(chunks).pipe(
    csvParse({
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      max_record_size: BATCH_ROW_CHARS_MAX,
      columns: (header: string[]) => {
        const known = new Set<string>(COLUMNS[kind]);
        const unknown = header.filter((h) => !known.has(h));
        const dup = header.find((h, i) => header.indexOf(h) !== i);
        if (unknown.length) headerProblem = badFile('body.header', `unknown column(s) ${unknown.join(', ')}; the columns are ${COLUMNS[kind].join(', ')}`);
        else if (dup) headerProblem = badFile('body.header', `column ${dup} appears twice`);
        if (headerProblem) throw headerProblem;
        return header;
      },
    }),
  );
  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      rowNo++;
      yield validateRow(kind, rowNo, csvRecordToBody(record));
    }
  } catch (err) {
    if (headerProblem) throw headerProblem;
    const e = err as { code?: string; message?: string };
    if (err instanceof HttpError) throw err;
    if (e.code === 'CSV_MAX_RECORD_SIZE') throw tooLarge(`a row is longer than ${BATCH_ROW_CHARS_MAX} characters`);
    if (typeof e.code === 'string' && e.code.startsWith('CSV_')) throw badFile('body', `CSV cannot be read after row ${rowNo}: ${e.code}`);
    throw err;
  }
}

async function drain(chunks: AsyncIterable<Buffer>): Promise<void> {
  for await (const _ of chunks);
}

/** Thrown to roll the upload back when its content was received before. */
class Rollback extends Error {
  constructor(readonly outcome: { created: false; batch: BatchRecord; rollback: true }) {
    super('rollback');
  }
}

export function batchService(deps: { pool: Pool; store: BatchStore }) {
  const { pool, store } = deps;

  /** A chunk of rows into batch_rows; a payments batch's valid rows first into the payments outbox, each with its result. */
  async function flush(tx: PoolClient, batchId: string, kind: BatchKind, rows: NewBatchRow[]): Promise<void> {
    if (kind === 'payments') {
      const payments: BatchPayment[] = rows
        .filter((r) => !r.errors)
        .map((r) => {
          const p = r.payload as PaymentBody;
          return { rowNo: r.rowNo, ...p, requestHash: requestHash(p) };
        });
      const results = await store.insertPayments(tx, payments);
      rows = rows.map((r) => {
        const result = results.get(r.rowNo);
        if (!result) return r;
        const paymentId = (r.payload as PaymentBody).paymentId;
        return result === 'conflict'
          ? { rowNo: r.rowNo, errors: [{ field: 'paymentId', message: `payment ${paymentId} was already posted with different content` }] }
          : { ...r, result, paymentId };
      });
    }
    await store.insertRows(tx, batchId, rows);
  }

  async function view(db: Pool | PoolClient, b: BatchRecord): Promise<BatchView> {
    const { touched, ...counts } = await store.counts(db, b.batchId);
    if (b.kind === 'payments') {
      // a payments batch is done when the episodes have answered every payment it carries (the deliverer)
      const { undelivered, delivered } = await store.undeliveredPayments(db, b.batchId);
      const state: BatchState = undelivered === 0 ? 'done' : delivered > 0 ? 'enrolling' : 'received';
      return {
        batchId: b.batchId,
        kind: b.kind,
        format: b.format,
        state,
        createdAt: b.createdAt,
        counts: { ...counts, pending: undelivered, enrolled: delivered },
      };
    }
    const state: BatchState = counts.pending === 0 ? 'done' : touched > 0 ? 'enrolling' : 'received';
    return { batchId: b.batchId, kind: b.kind, format: b.format, state, createdAt: b.createdAt, counts };
  }

  return {
    /**
     * Reads the file and keeps its rows. `created` false: the batch (by id or by content) was
     * there already and nothing changed. `onCreated` runs last in the upload's transaction (the audit row).
     */
    async receive(req: {
      kind: BatchKind;
      format: BatchFormat;
      batchId?: string;
      body: AsyncIterable<Buffer | string>;
      onCreated?: (tx: PoolClient, v: BatchView) => Promise<void>;
    }): Promise<{ created: boolean; batch: BatchView }> {
      const hash = createHash('sha256');
      const chunks = hashed(req.body, hash);
      const batchId = req.batchId ?? `batch-${randomUUID()}`;
      const outcome = await withTransaction(pool, async (tx) => {
        if (req.batchId) {
          await store.lockBatchId(tx, req.batchId);
          const known = await store.find(tx, req.batchId);
          if (known) {
            await drain(chunks);
            const sha = hash.digest('hex');
            if (known.contentSha256 !== sha || known.kind !== req.kind) throw conflict(`batch ${req.batchId} was already received with different content`);
            return { created: false, batch: known };
          }
        }
        let rows = 0;
        let chunk: NewBatchRow[] = [];
        for await (const row of parsedRows(req.kind, req.format, chunks)) {
          if (++rows > BATCH_ROWS_MAX) throw tooLarge(`a batch holds at most ${BATCH_ROWS_MAX} rows`);
          chunk.push(row);
          if (chunk.length >= CHUNK) {
            await flush(tx, batchId, req.kind, chunk);
            chunk = [];
          }
        }
        await flush(tx, batchId, req.kind, chunk);
        if (rows === 0) throw badFile('body', 'the file has no data rows');
        const sha = hash.digest('hex');
        const fresh = { batchId, kind: req.kind, format: req.format, contentSha256: sha, rowCount: rows };
        if (!(await store.insertBatch(tx, fresh))) {
          // The same content arrived before (or meanwhile, under another id): answer that batch, keep nothing.
          const first = (await store.findByContent(tx, req.kind, sha)) ?? (await store.find(tx, batchId));
          if (!first) throw conflict(`batch ${batchId} could not be stored; re-send it`);
          if (first.contentSha256 !== sha) throw conflict(`batch ${batchId} was already received with different content`);
          throw new Rollback({ created: false, batch: first, rollback: true });
        }
        const created = (await store.find(tx, batchId))!;
        const v = await view(tx, created);
        await req.onCreated?.(tx, v);
        return { created: true, batch: created, view: v };
      }).catch((err: unknown) => {
        if (err instanceof Rollback) return err.outcome;
        throw err;
      });
      if ('view' in outcome && outcome.view) return { created: true, batch: outcome.view };
      return { created: false, batch: await view(pool, outcome.batch) };
    },

    async page(kind: BatchKind, batchId: string, after: number, limit: number): Promise<BatchPage> {
      const b = await store.find(pool, batchId);
      if (!b || b.kind !== kind) throw notFound(`no ${kind} batch ${batchId}`);
      const [v, rejectedRows] = await Promise.all([view(pool, b), store.rejected(pool, batchId, after, limit)]);
      return { ...v, rejectedRows, ...(rejectedRows.length === limit ? { next: String(rejectedRows[rejectedRows.length - 1]!.row) } : {}) };
    },
  };
}
