// A real browser for tests: Debian's Chromium driven by playwright-core (scripts/install-chromium.js
// installs it; `npm test` runs that first). Fails with what to do when it is missing.
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [process.env['CHROMIUM_PATH'], '/usr/lib/chromium/chromium', '/usr/bin/chromium'].filter((f): f is string => !!f);

export function chromiumPath(): string {
  const file = CANDIDATES.find((f) => {
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!file) {
    throw new Error(
      `Chromium not found (looked for ${CANDIDATES.join(', ')}): run \`node scripts/install-chromium.js\` as root (apt-get install chromium), or set CHROMIUM_PATH`,
    );
  }
  return file;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true });
}
