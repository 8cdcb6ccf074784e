#!/usr/bin/env node
// Makes `npm start` / `npm test` work on a fresh clone: runs `npm ci` when node_modules is
// missing or older than the lockfile, then makes sure the Temporal binaries are installed.
'use strict';
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const lock = path.join(root, 'package-lock.json');
const installedLock = path.join(root, 'node_modules', '.package-lock.json');

function stale() {
  if (!fs.existsSync(installedLock)) return true;
  return fs.statSync(lock).mtimeMs > fs.statSync(installedLock).mtimeMs + 1000;
}

if (stale()) {
  console.log('[ensure-deps] installing npm dependencies (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
} else {
  require('./install-temporal.js');
}
// The web console's bundle (console/dist, git-ignored): built at install, rebuilt when its sources changed.
require('./build-console.js').ensureConsole();
