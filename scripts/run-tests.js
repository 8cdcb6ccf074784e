#!/usr/bin/env node
// Why: `npm test` = lint, format check and type check once (fast ts-jest transpiles without checking), then
// jest. ESLint and tsc run side by side (2 cores); ESLint keeps a cache in node_modules/.cache
// except on CI, where every run starts clean (a cached file is not re-checked when only the types
// it depends on changed). Whatever happens, the last line of output is `N passed, N failed`
// (printed by tests/support/summary-reporter.js, or here when a check or jest failed first).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** Runs a node script to the end, keeping its output to print only if it fails. */
function check(name, args) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => resolve({ name, ok: false, output: `${output}${err.message}\n`, seconds: 0 }));
    child.on('close', (code, signal) =>
      resolve({ name, ok: code === 0, output: signal ? `${output}killed by ${signal}\n` : output, seconds: (Date.now() - started) / 1000 }),
    );
  });
}

async function main() {
  const bin = (...p) => path.join(root, 'node_modules', ...p);
  const cache = process.env.CI ? [] : ['--cache', '--cache-strategy', 'content', '--cache-location', bin('.cache', 'eslint') + path.sep];
  const results = await Promise.all([
    check('lint (eslint .)', [bin('eslint', 'bin', 'eslint.js'), ...cache, '.']),
    check('type check (tsc --noEmit -p .)', [bin('typescript', 'bin', 'tsc'), '--noEmit', '-p', '.']),
    // the tree was formatted once; this keeps it so (fix with `npm run format`)
    check('format (prettier --check .)', [bin('prettier', 'bin', 'prettier.cjs'), '--check', '--log-level', 'warn', '.']),
    // the web console is browser code with its own tsconfig (DOM, TSX)
    check('console type check (tsc --noEmit -p console)', [bin('typescript', 'bin', 'tsc'), '--noEmit', '-p', 'console']),
  ]);
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) {
    for (const r of failed) {
      process.stdout.write(r.output);
      console.log(`${r.name} failed`);
    }
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  console.log(results.map((r) => `${r.name} ok in ${r.seconds.toFixed(1)} s`).join('; '));
  runJest();
}

function runJest() {
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
}

main().catch((err) => {
  console.error(err);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
