#!/usr/bin/env node
// Why: `npm test` = type check once (fast ts-jest transpiles without checking), then jest.
// Whatever happens, the last line of output is `N passed, N failed` (printed by
// tests/support/summary-reporter.js, or here when jest died before reporting).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', '.'], {
  cwd: root,
  encoding: 'utf8',
});
if (tsc.status !== 0) {
  process.stdout.write(tsc.stdout || '');
  process.stderr.write(tsc.stderr || '');
  if (tsc.error) console.error(tsc.error.message);
  console.log('type check failed (tsc --noEmit -p .)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const summaryFile = path.join(os.tmpdir(), `jest-summary-${process.pid}.txt`);
fs.rmSync(summaryFile, { force: true });
const jest = spawnSync(process.execPath, [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, JEST_SUMMARY_FILE: summaryFile },
});
const reported = fs.existsSync(summaryFile);
fs.rmSync(summaryFile, { force: true });
let code = jest.status ?? 1;
if (jest.signal) console.error(`jest was killed by ${jest.signal}`);
if (!reported) {
  console.log('0 passed, 1 failed');
  if (code === 0) code = 1;
}
process.exit(code);
