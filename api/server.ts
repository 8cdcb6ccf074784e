// Wiring for the API: a Temporal client, the pool and the app, listening on the configured address.
import { Client, Connection } from '@temporalio/client';
import type { Server } from 'node:http';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import { KNOWN_POLICIES } from '../config/policy-schema';
import { reportsStore } from '../db/stores/reports';
import { configuredPayloadCodec, encryptingDataConverter } from '../config/payload-codec';
import { createApp } from './app';
import { closeGracefully } from './graceful-close';
import { ledger } from '../db/stores/ledger';
import { ledgerEntries } from '../db/stores/ledger-entries';
import { CollectionClient } from './collection-client';
import { LitigationClient } from './litigation-client';
import { startPaymentDelivery } from './payment-delivery';
import { startTaskDeadlines } from './task-deadlines';
import { workTasks } from '../db/stores/work-tasks';
import { batchStore } from '../db/stores/batches';
import { collectionRecords } from '../db/stores/collection-records';
import { accountLinesStore } from '../db/stores/account-lines';
import { contactPreferencesStore } from '../db/stores/contact-preferences';
import { startBatchEnrolment } from './batch-enrolment';
import { arrearsService } from './services/arrears';

export interface RunningApi {
  server: Server;
  url: string;
  close: () => Promise<void>;
}

export async function startApi(config: AppConfig, pool: Pool, log: Logger, temporalAddress: string): Promise<RunningApi> {
  const connection = await Connection.connect({ address: temporalAddress });
  // Every payload this client sends is encrypted, every one it reads decrypted (ADR 20).
  const payloadCodec = configuredPayloadCodec(config.dataDir);
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: encryptingDataConverter(payloadCodec) });
  const collection = new CollectionClient(client, config.temporal.taskQueue);
  const litigation = new LitigationClient(client, config.temporal.taskQueue);
  // The payment outbox's deliverer lives with the API that fills it.
  const delivery = startPaymentDelivery({ ledger: ledger(pool), collection, log });
  // So does the work queues' time keeper (task_overdue alerts).
  const deadlines = startTaskDeadlines({ tasks: workTasks(pool), log });
  // And the batch enrolment job (bulk intake): rows of received batches, enrolled like single bills.
  const policy = () => KNOWN_POLICIES['default']!;
  const batches = startBatchEnrolment(
    {
      store: batchStore(pool),
      postArrears: arrearsService({
        ledger: ledger(pool),
        records: collectionRecords(pool),
        collection,
        policy,
        preferences: contactPreferencesStore(pool),
        lines: accountLinesStore(pool),
        entries: ledgerEntries(pool),
        policyPins: reportsStore(pool),
      }),
      log,
    },
    { concurrency: config.batchEnrolConcurrency },
  );
  const app = createApp({
    pool,
    collection,
    litigation,
    onPaymentPending: delivery.nudge,
    onBatchReceived: batches.nudge,
    policy,
    log,
    temporalUiUrl: config.temporal.uiUrl,
    namespace: config.temporal.namespace,
    rateLimit: config.rateLimit,
    payloadCodec,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.api.port, config.api.host, () => resolve(s));
    s.on('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.api.port;
  return {
    server,
    url: `http://${config.api.host}:${port}`,
    async close() {
      await closeGracefully(server);
      await delivery.stop();
      await batches.stop();
      await deadlines.stop();
      await connection.close();
    },
  };
}
