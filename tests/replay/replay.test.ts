// Every recorded history (tests/replay/histories, written by `npm run record-histories`) must
// replay against today's workflow code: a change that would break running workflows fails here.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const DIR = path.join(__dirname, 'histories');

test('every recorded workflow history replays against the current workflow code', () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));
  expect(files.length).toBeGreaterThanOrEqual(3);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'replay-histories.ts')], {
    cwd: path.resolve(__dirname, '../..'),
    encoding: 'utf8',
    // Dozens of histories, each bundling nothing new but replaying whole: ~30 s alone, over 110 s
    // on a loaded 2-core machine in the full run. Generous, so load never fails it.
    timeout: 420_000,
  });
  const report = `${run.stdout}\n${run.stderr}`;
  if (run.error) throw new Error(`the replay process did not finish: ${run.error.message}`);
  expect(report).not.toMatch(/FAIL/);
  expect(run.status).toBe(0);
  for (const file of files) expect(report).toContain(`ok   ${file}`);
}, 450_000);
