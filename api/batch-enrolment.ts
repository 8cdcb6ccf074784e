// The batch enrolment job (issue 13, ADR 15): takes the pending rows of received batches, oldest
// batch first and in row order, `concurrency` at a time, and enrols each exactly as the single
// route does (api/services/arrears.ts: the bill recorded, then signal-with-start). Progress is in
// PostgreSQL: a row is taken with a lease (FOR UPDATE SKIP LOCKED) and marked enrolled with its
// result in the transaction that marks its bill delivered. After a crash the lease runs out and the
// row is taken again; the bill id makes that enrolment idempotent (a bill already delivered is
// never re-sent), so no row is enrolled twice.
import type { Logger } from 'pino';
import type { BatchStore, ClaimedRow } from '../db/stores/batches';
import { startBackgroundLoop, type BackgroundLoop } from './background-loop';
import { toProblem } from './errors';
import type { ArrearsBatchRow } from './schemas/requests';
import type { arrearsService } from './services/arrears';

export interface BatchEnrolmentOptions {
  /** Rows enrolled at once (each one signal-with-start in flight). */
  concurrency?: number;
  /** How long a taken row is the job's; after that another pass (or process) takes it again. */
  leaseMs?: number;
  intervalMs?: number;
  /** A row the workflow service could not take is tried again after this. */
  retryMs?: number;
}

export function startBatchEnrolment(
  deps: { store: BatchStore; postArrears: ReturnType<typeof arrearsService>; log: Logger },
  opts: BatchEnrolmentOptions = {},
): BackgroundLoop {
  const concurrency = opts.concurrency ?? 8;
  const leaseMs = opts.leaseMs ?? 60_000;
  const retryMs = opts.retryMs ?? 5_000;

  /** false when the row could not be enrolled now (the pass ends and waits). */
  async function enrolOne(row: ClaimedRow): Promise<boolean> {
    const { accountId, ...body } = row.payload as ArrearsBatchRow;
    let deliveredNow = false;
    try {
      await deps.postArrears(accountId, body, async (tx, result) => {
        deliveredNow = true;
        await deps.store.markEnrolled(tx, row.batchId, row.rowNo, result.status === 'accepted' ? 'accepted' : 'updated');
      });
      // no delivery now: the bill was posted and delivered before, with this content
      if (!deliveredNow) await deps.store.markEnrolled(deps.store.pool, row.batchId, row.rowNo, 'unchanged');
      return true;
    } catch (err) {
      const problem = toProblem(err);
      if (problem.status === 409 || problem.status === 422) {
        const field = problem.status === 409 ? 'billId' : 'currency';
        await deps.store.markRejected(deps.store.pool, row.batchId, row.rowNo, [{ field, message: problem.message }]);
        return true;
      }
      if (row.attempts % 10 === 0)
        deps.log.warn({ batchId: row.batchId, row: row.rowNo, attempts: row.attempts + 1, err: problem.message }, 'batch row not enrolled yet; will retry');
      await deps.store.release(row.batchId, row.rowNo, retryMs).catch(() => undefined);
      return false;
    }
  }

  return startBackgroundLoop(async (stopped) => {
    try {
      while (!stopped()) {
        const rows = await deps.store.claimPending(concurrency, leaseMs);
        if (rows.length === 0) return;
        const done = await Promise.all(rows.map(enrolOne));
        if (done.includes(false)) return;
      }
    } catch (err) {
      deps.log.error({ err: (err as Error).message }, 'batch enrolment pass failed; retrying');
    }
  }, opts.intervalMs ?? 1000);
}
