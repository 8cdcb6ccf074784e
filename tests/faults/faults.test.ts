// The fault suite's short version (`npm run faults -- --short`, bench/faults/) in `npm test`: the
// worker killed twice with reminders in flight, the dev server killed with timers due during the
// outage, PostgreSQL stopped during payment and bulk posting, 100 identical payments at once. Run as
// a child process (it starts its own PostgreSQL, dev server, worker and API); here only its figures
// are checked: every one that must be zero is, and the faults really happened.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../config';
import type { Figure } from '../../bench/faults/suite';

interface Result {
  ok: boolean;
  error?: string;
  figures: Figure[];
}

let result: Result;
let output = '';

beforeAll(async () => {
  const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'faults-test-')), 'faults.json');
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/faults/main.ts', '--short', '--json', json, '--timeout', '380'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', resolve);
  });
  if (!fs.existsSync(json)) throw new Error(`the fault suite wrote no figures (exit ${code}):\n${output.slice(-4000)}`);
  result = JSON.parse(fs.readFileSync(json, 'utf8')) as Result;
}, 400_000);

const value = (scenario: string, name: string): number | string => {
  const f = result.figures.find((x) => x.scenario.startsWith(scenario) && x.name === name);
  if (!f) throw new Error(`no figure "${name}" for scenario ${scenario}:\n${output.slice(-4000)}`);
  return f.value;
};

test('the short fault suite ran to the end', () => {
  expect(result.error ?? null).toBeNull();
});

test('every figure that must be zero (or one) is', () => {
  const off = result.figures.filter((f) => f.expect !== undefined && f.value !== f.expect);
  expect(off).toEqual([]);
  expect(result.ok).toBe(true);
});

test('the faults happened: worker and dev server killed, timers due in the outage, 503s while PostgreSQL was down', () => {
  expect(value('1', 'worker kills')).toBe(2);
  expect(value('2', 'dev server kills')).toBe(1);
  expect(value('2', 'timers due during an outage')).toBeGreaterThan(0);
  expect(String(value('3', 'single payments: answers by status'))).toMatch(/503×\d+/);
  expect(value('4', 'identical requests at once')).toBe(100);
});

test('the zero figures the issue names', () => {
  expect(value('1', 'duplicate provider effects')).toBe(0);
  expect(value('1', 'lost workflows')).toBe(0);
  expect(value('2', 'timers never fired')).toBe(0);
  expect(value('3', '2xx payments lost')).toBe(0);
  expect(value('3', '2xx payments doubled')).toBe(0);
  expect(value('3', '5xx answers other than 503')).toBe(0);
  expect(value('3', 'API process exits')).toBe(0);
  expect(value('3', 'worker process exits')).toBe(0);
  expect(value('4', 'payment rows')).toBe(1);
  expect(value('4', 'applications to the episode')).toBe(1);
  expect(value('all', 'lost workflows')).toBe(0);
  expect(value('all', 'failed workflows')).toBe(0);
});
