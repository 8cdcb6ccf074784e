#!/usr/bin/env node
// The browser tests drive Debian's Chromium with playwright-core (browsers cannot be downloaded
// here, and playwright-core downloads none). Installs it with apt-get when it is missing; when
// that cannot be done (not root, no apt), says so and leaves the browser test to fail clearly.
'use strict';
const { execSync } = require('node:child_process');
const fs = require('node:fs');

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].filter(Boolean);

function found() {
  return CANDIDATES.find((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

if (!found()) {
  const canApt = typeof process.getuid === 'function' && process.getuid() === 0 && fs.existsSync('/usr/bin/apt-get');
  if (!canApt) {
    console.warn(
      '[install-chromium] Chromium is missing and apt-get cannot run here (needs root); the browser tests will fail. Install the `chromium` package or set CHROMIUM_PATH.',
    );
  } else {
    console.log('[install-chromium] installing Chromium for the browser tests (apt-get, ~20 s)…');
    try {
      execSync(
        'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation fonts-wqy-microhei',
        {
          stdio: 'inherit',
          shell: '/bin/sh',
        },
      );
    } catch (err) {
      console.warn(`[install-chromium] apt-get failed (${err.message}); the browser tests will fail.`);
    }
  }
}

// The console is Chinese first: without a CJK font its screenshots (CONSOLE_SCREENSHOTS=1) show
// boxes for every character. The tests themselves read text, not pixels, so this is best effort.
const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
if (found() && !fs.existsSync(CJK_FONT) && typeof process.getuid === 'function' && process.getuid() === 0 && fs.existsSync('/usr/bin/apt-get')) {
  try {
    execSync(
      'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-wqy-microhei || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-wqy-microhei)',
      {
        stdio: 'inherit',
        shell: '/bin/sh',
      },
    );
  } catch (err) {
    console.warn(`[install-chromium] no CJK font (${err.message}): console screenshots will show boxes for Chinese text.`);
  }
}
