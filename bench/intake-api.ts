// The API process of the intake benchmark (bench/intake.ts): the HTTP API alone, on the bench's
// PostgreSQL and Temporal dev server, WITHOUT the batch enrolment job (nor the payment deliverer):
// a batch's rows are received and stored, none is enrolled, so what is measured is the intake.
// Its own process so that its memory (peak RSS) is the API's alone. Tells its parent the port.
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { createApp } from '../api/app';
import { CollectionClient } from '../api/collection-client';
import { createPool } from '../db/pool';
import { DEFAULT_POLICY } from '../domain/policy/default-policy';

async function main(): Promise<void> {
  const pgUrl = process.env['BENCH_PG_URL'];
  const address = process.env['BENCH_TEMPORAL_ADDRESS'];
  if (!pgUrl || !address) throw new Error('BENCH_PG_URL and BENCH_TEMPORAL_ADDRESS are required');
  const pool = createPool(pgUrl);
  const connection = await Connection.connect({ address });
  const collection = new CollectionClient(new Client({ connection }), 'bench-intake');
  // no onBatchReceived and no startBatchEnrolment: the background enrolment is off
  const app = createApp({ pool, collection, policy: () => DEFAULT_POLICY, log: pino({ level: 'silent' }) });
  const server = app.listen(0, '127.0.0.1', () => {
    const a = server.address();
    process.send?.({ port: typeof a === 'object' && a ? a.port : 0 });
  });
  process.on('disconnect', () => {
    server.close();
    void connection.close().finally(() => void pool.end().finally(() => process.exit(0)));
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
