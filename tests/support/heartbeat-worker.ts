// A worker process for tests/e2e/heartbeats.test.ts: the collection activities only, whose SMS
// gateway records the request (the effect happens) and then never answers, as if the worker had
// died mid-rung. The test kills this process with SIGKILL once it prints `sms-hanging`.
// Usage: node --import tsx tests/support/heartbeat-worker.ts <temporal address> <task queue> <database url>
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { ProviderSimulator } from '../../activities/providers/simulator';
import { createPool } from '../../db/pool';
import { quietTemporalLogs, testDataConverter } from './temporal';

async function main(): Promise<void> {
  const [address, taskQueue, databaseUrl] = process.argv.slice(2);
  if (!address || !taskQueue || !databaseUrl) throw new Error('usage: heartbeat-worker.ts <address> <task queue> <database url>');
  quietTemporalLogs();
  const pool = createPool(databaseUrl, { max: 2 });
  const providers = new ProviderSimulator(pool).providers();
  const sms = providers.sms;
  providers.sms = {
    send: async (req) => {
      await sms.send(req);
      process.stdout.write('sms-hanging\n');
      return new Promise<never>(() => {}); // the gateway call never returns
    },
  };
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, taskQueue, activities: createActivities({ pool, providers }), dataConverter: testDataConverter() });
  process.stdout.write('ready\n');
  await worker.run();
}

main().catch((err: unknown) => {
  process.stderr.write(`heartbeat-worker: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
