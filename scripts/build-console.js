#!/usr/bin/env node
// Bundles the web console (console/src, Preact + TSX) with esbuild into the git-ignored
// console/dist/ that the API serves at /console: no CDN and no network at run time. Run at install
// (postinstall), by `npm start` / `npm test` when the bundle is missing or older than its sources
// (scripts/ensure-deps.js), and by the browser tests.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const src = path.join(root, 'console');
const dist = path.join(src, 'dist');
const bundle = path.join(dist, 'app.js');

function newestSource(dir = src) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist') continue;
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(file) : fs.statSync(file).mtimeMs);
  }
  return newest;
}

/** True when console/dist is missing or older than a file of console/ (or the lockfile). */
function consoleStale() {
  if (!fs.existsSync(bundle)) return true;
  const built = fs.statSync(bundle).mtimeMs;
  return newestSource() > built || fs.statSync(path.join(root, 'package-lock.json')).mtimeMs > built;
}

function buildConsole({ quiet = false } = {}) {
  const esbuild = require('esbuild');
  fs.mkdirSync(dist, { recursive: true });
  const started = Date.now();
  esbuild.buildSync({
    entryPoints: [path.join(src, 'src', 'main.tsx')],
    outfile: bundle,
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'iife',
    target: ['chrome120', 'firefox120', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'styles.css']) fs.copyFileSync(path.join(src, file), path.join(dist, file));
  if (!quiet) console.log(`[build-console] console/dist built in ${Date.now() - started} ms`);
}

/** Builds only when needed (a fresh clone, or changed sources). */
function ensureConsole() {
  if (consoleStale()) buildConsole();
}

module.exports = { buildConsole, ensureConsole, consoleStale, dist };

if (require.main === module) buildConsole();
