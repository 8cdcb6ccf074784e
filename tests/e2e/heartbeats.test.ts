// Heartbeats (issue 14, ADR 25) on the real Temporal dev server: a worker is killed (SIGKILL) while
// its SMS rung waits on the gateway, after the gateway got the request. Another worker takes the
// rung's second attempt because the first stopped heartbeating (a heartbeat timeout, not the
// minute of start-to-close), and the SMS is recorded once (same idempotency key).
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createActivities } from '../../activities';
import { ProviderSimulator } from '../../activities/providers/simulator';
import { CollectionClient } from '../../api/collection-client';
import { KNOWN_POLICIES } from '../../config/policy-schema';
import { addDays, localDateOf } from '../../domain/policy/calendar';
import type { DevServer } from '../../scripts/dev-server';
import { zoneAtLocalHour } from '../support/clock';
import { freshDatabase, type FreshDatabase } from '../support/db';
import { startTestDevServer } from '../support/dev-server';
import { bundleWorkflows, quietTemporalLogs, testDataConverter } from '../support/temporal';
import { waitFor } from '../support/wait';
import { collectionWorkflowId } from '../../workflows/messages';

const dataDir = path.resolve(__dirname, '../../.data', `test-temporal-heartbeats-${process.pid}`);
const taskQueue = `heartbeats-${process.pid}`;
const ACCOUNT = 'BEAT-1';
let db: FreshDatabase;
let dev: DevServer;
let native: NativeConnection;
let connection: Connection;
let child: ChildProcess | undefined;
const workers: { worker: Worker; running: Promise<void> }[] = [];

const start = (worker: Worker) => workers.push({ worker, running: worker.run() });

beforeAll(async () => {
  quietTemporalLogs();
  db = await freshDatabase();
  dev = await startTestDevServer(dataDir);
  native = await NativeConnection.connect({ address: dev.address });
  connection = await Connection.connect({ address: dev.address });
});

afterAll(async () => {
  child?.kill('SIGKILL');
  for (const w of workers) w.worker.shutdown();
  await Promise.all(workers.map((w) => w.running));
  await native?.close();
  await connection?.close();
  await dev?.stop();
  await db?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a rung whose worker died is retried by another worker after the heartbeat timeout, its effect recorded once', async () => {
  const dataConverter = testDataConverter();
  // The workflows run here; the activities, at first, only in the child process.
  start(await Worker.create({ connection: native, taskQueue, workflowBundle: await bundleWorkflows(), dataConverter }));
  child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../support/heartbeat-worker.ts'), dev.address, taskQueue, db.url], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await waitFor(async () => (out.includes('ready') ? true : undefined), { ms: 120_000, what: 'the child worker' });

  // Due three days ago, at noon local time: the SMS rung is due at once.
  const zone = zoneAtLocalHour(12, Date.now());
  const client = new Client({ connection, dataConverter });
  const collection = new CollectionClient(client, taskQueue);
  await collection.enrol({
    accountId: ACCOUNT,
    customer: { name: '测试', phone: '13700000301', segment: 'consumer', lists: [], timezone: zone },
    bill: { billId: `${ACCOUNT}-B1`, amount: 5_000, currency: 'CNY', dueDate: addDays(localDateOf(Date.now(), zone), -3) },
    policy: KNOWN_POLICIES['default']!,
  });
  await waitFor(async () => (out.includes('sms-hanging') ? true : undefined), { ms: 120_000, what: 'the SMS to reach the hanging gateway' });
  child.kill('SIGKILL');

  // Another worker with the activities: it gets the rung only once the first attempt is given up.
  start(
    await Worker.create({
      connection: native,
      taskQueue,
      activities: createActivities({ pool: db.pool, providers: new ProviderSimulator(db.pool).providers() }),
      dataConverter,
    }),
  );
  const attempt = await waitFor(
    async () => {
      const { rows } = await db.pool.query<{ idempotency_key: string }>(
        `SELECT idempotency_key FROM collection_attempts WHERE account_id = $1 AND action = 'sms'`,
        [ACCOUNT],
      );
      return rows[0];
    },
    // Well inside start-to-close (1 min) plus the retry's 10 s backoff: only a heartbeat timeout gets here in time.
    { ms: 55_000, what: 'the SMS rung to be completed by the second worker' },
  );

  // The gateway got the request once: the second attempt sent the same key.
  const { rows: sent } = await db.pool.query(`SELECT idempotency_key FROM provider_requests WHERE account_id = $1 AND provider = 'sms'`, [ACCOUNT]);
  expect(sent).toEqual([{ idempotency_key: attempt.idempotency_key }]);

  // The history: the SMS activity completed on its second attempt, the first having timed out on heartbeats.
  const history = await waitFor(
    async () => {
      const h = await client.workflow.getHandle(collectionWorkflowId(ACCOUNT)).fetchHistory();
      const events = h.events ?? [];
      const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendSms');
      const started = events.find(
        (e) => e.activityTaskStartedEventAttributes && String(e.activityTaskStartedEventAttributes.scheduledEventId) === String(scheduled?.eventId),
      );
      const completed = events.some(
        (e) => e.activityTaskCompletedEventAttributes && String(e.activityTaskCompletedEventAttributes.scheduledEventId) === String(scheduled?.eventId),
      );
      return scheduled && started && completed ? { scheduled, started } : undefined;
    },
    { what: 'the SMS activity to complete in the history' },
  );
  expect(history.scheduled.activityTaskScheduledEventAttributes!.heartbeatTimeout?.seconds?.toString()).toBe('10');
  const started = history.started.activityTaskStartedEventAttributes!;
  expect(started.attempt).toBe(2);
  expect(started.lastFailure?.timeoutFailureInfo?.timeoutType).toBe(temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
}, 400_000);
