// Why: one place decides which Temporal binaries to run (explicit path > project-local pinned
// install > PATH), so start scripts and tests never silently download or pick a stray version.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, REPO_ROOT, type AppConfig } from '../config';

const LOCAL_BIN = path.join(REPO_ROOT, '.tools', 'py', 'bin');
const INSTALL_HINT = 'run `node scripts/install-temporal.js` (or `npm install`)';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

function explicit(file: string, variable: string): string {
  if (!isExecutable(file)) throw new Error(`${variable}=${file} is not an executable file`);
  return file;
}

/** Path of the `temporal` CLI (dev server). */
export function temporalCliPath(config: AppConfig = loadConfig()): string {
  if (config.bins.temporalCli) return explicit(config.bins.temporalCli, 'TEMPORAL_CLI_PATH');
  const local = path.join(LOCAL_BIN, 'temporal');
  if (isExecutable(local)) return local;
  const found = onPath('temporal');
  if (found) return found;
  throw new Error(`Temporal CLI not found (looked for ${local} and \`temporal\` on PATH): ${INSTALL_HINT}, or set TEMPORAL_CLI_PATH`);
}

/** Path of the time-skipping `temporal-test-server`. */
export function testServerPath(config: AppConfig = loadConfig()): string {
  if (config.bins.testServer) return explicit(config.bins.testServer, 'TEMPORAL_TEST_SERVER_PATH');
  const local = path.join(LOCAL_BIN, 'temporal-test-server');
  if (isExecutable(local)) return local;
  throw new Error(`temporal-test-server not found at ${local}: ${INSTALL_HINT}, or set TEMPORAL_TEST_SERVER_PATH`);
}
