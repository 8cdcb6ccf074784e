// The fault suite's PostgreSQL in a process of its own, so the suite can stop it (SIGTERM: a fast
// shutdown that ends every connection, as an outage does) and start it again on the same data.
//   node --import tsx bench/faults/pg-child.ts <dataDir> <port> <database>
// Prints `ready <url>` once it accepts connections. Stops on SIGTERM/SIGINT, and when its parent
// goes away (stdin closes), so a killed suite leaves no server behind.
import { startEmbeddedPostgres } from '../../db/embedded';

async function main(): Promise<void> {
  const [dataDir, port, databaseName] = process.argv.slice(2);
  if (!dataDir || !port || !databaseName) throw new Error('usage: pg-child.ts <dataDir> <port> <database>');
  const pg = await startEmbeddedPostgres({ dataDir, port: Number(port), databaseName, persistent: true });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= pg.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
  process.stdout.write(`ready ${pg.url}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
