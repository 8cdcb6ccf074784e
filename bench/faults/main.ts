// `npm run faults`: the fault suite (issue 14). PostgreSQL, the Temporal dev server, the worker and
// the API run as separate processes on loopback in a temporary folder; the suite kills and restarts
// them under load and prints what came out (bench/faults/suite.ts), then a markdown table. Bounded
// in time (--timeout), stops by itself, kills every process it started, also on failure.
//   npm run faults                 the full run (8 worker kills over 200 episodes, 2 dev server
//                                  kills with 100 timers due in each outage, 2 PostgreSQL stops,
//                                  1,000 identical payments)
//   npm run faults -- --short      a couple of kills, one PostgreSQL stop, 100 identical payments
//   --json <file>                  also write the figures there (default bench/results/faults[-short].json)
//   --keep                         keep the temporary folder (logs of every process start)
// Exit code 1 when a figure that must be zero is not (or the run failed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, System } from './processes';
import { FaultSuite, FULL, SHORT, type Figure } from './suite';

function table(figures: Figure[]): string {
  const lines = ['| scenario | figure | value | must be |', '|---|---|---|---|'];
  for (const f of figures) {
    const verdict = f.expect === undefined ? '' : f.value === f.expect ? `${f.expect} ✓` : `${f.expect} ✗`;
    lines.push(`| ${f.scenario} | ${f.name} | ${f.value} | ${verdict} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      short: { type: 'boolean', default: false },
      json: { type: 'string' },
      keep: { type: 'boolean', default: false },
      timeout: { type: 'string' },
    },
  });
  const sizes = values.short ? SHORT : FULL;
  const timeoutSeconds = Number(values.timeout ?? (values.short ? 420 : 1800));
  const started = Date.now();
  const say = (line: string) => console.log(`[${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] ${line}`);
  const watchdog = setTimeout(() => {
    console.error(`fault suite: not done within ${timeoutSeconds} s; stopping every process`);
    process.exit(2); // the exit hook of processes.ts kills every child
  }, timeoutSeconds * 1000);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-'));
  const sys = new System(dir, { pg: await freePort(), temporal: await freePort(), api: await freePort() });
  const suite = new FaultSuite(sys, sizes, say);
  let error: unknown;
  try {
    say(`fault suite (${values.short ? 'short' : 'full'}): starting PostgreSQL, the dev server, the worker and the API`);
    await suite.start();
    say('scenario 1: SIGKILL the worker while reminders are in flight');
    const killed = await suite.workerKills();
    // while the killed worker's activities wait for their timeout: scenario 4 (it kills nothing)
    say('scenario 4: the same payment at once');
    await suite.identicalPayments();
    say('scenario 1: waiting for every rung (in-flight ones are retried after their timeout)');
    await suite.settleWorkerKills(killed, 300_000);
    say('scenario 2: SIGKILL the dev server with timers due during the outage');
    await suite.serverKills();
    say('scenario 3: stop PostgreSQL during payment and bulk posting');
    await suite.pgOutages();
    await suite.finalChecks();
  } catch (err) {
    error = err;
    console.error(err);
  } finally {
    await suite.close();
    await sys.stopAll().catch(() => undefined);
    clearTimeout(watchdog);
  }
  const failed = suite.figures.filter((f) => f.expect !== undefined && f.value !== f.expect);
  const result = {
    suite: values.short ? 'faults-short' : 'faults',
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    at: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    ok: !error && failed.length === 0,
    ...(error ? { error: error instanceof Error ? (error.stack ?? error.message) : JSON.stringify(error) } : {}),
    sizes,
    figures: suite.figures,
  };
  const out = values.json ?? path.join(__dirname, '..', 'results', `${result.suite}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(`\n${table(suite.figures)}\n`);
  console.log(`${result.ok ? 'OK' : 'FAILED'}: ${failed.length} figure(s) off, ${result.seconds} s; figures in ${out}`);
  if (values.keep || !result.ok) console.log(`process logs: ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
