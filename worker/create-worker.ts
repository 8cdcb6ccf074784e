// Builds the collection worker: the real workflows and activities on a task queue, with the
// provider adapters passed in (the simulator by default). Used by the worker process, `npm start`,
// the tests and the simulator, so they all run the production code.
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createActivities } from '../activities';
import { createLitigationActivities } from '../activities/litigation';
import { createLinkActivities } from '../activities/litigation-link';
import type { Providers } from '../activities/providers/types';

export interface CollectionWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  pool: Pool;
  providers: Providers;
  /**
   * The payload codec every payload goes through (config/payload-codec.ts, ADR 20): the worker
   * decrypts what clients sent and encrypts what it writes. The codec runs in the worker's main
   * thread, outside the workflow sandbox. Omitted only by benchmarks on throw-away servers.
   */
  dataConverter?: DataConverter;
  /** Extra Worker options (tuning for benchmarks, a prebuilt bundle). */
  tuning?: Partial<WorkerOptions>;
}

export const WORKFLOWS_PATH = require.resolve('../workflows');

export function createCollectionWorker(opts: CollectionWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue,
    ...(opts.tuning?.workflowBundle ? {} : { workflowsPath: WORKFLOWS_PATH }),
    ...(opts.dataConverter ? { dataConverter: opts.dataConverter } : {}),
    // the collection episodes' activities and the litigation cases' (workflows/index.ts has both workflows)
    activities: {
      ...createActivities({ pool: opts.pool, providers: opts.providers }),
      ...createLitigationActivities(opts.pool),
      ...createLinkActivities(opts.pool),
    },
    // On SIGTERM the worker stops polling and lets running activities finish for this long, then
    // cancels them (they are idempotent by key, so the retry elsewhere is safe): shutdown is bounded.
    shutdownGraceTime: '10s',
    ...opts.tuning,
  });
}
