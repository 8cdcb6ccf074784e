// The web console in a real browser for tests: a page that may reach 127.0.0.1 only (every other
// request is blocked and recorded), page errors and failed requests recorded, sign-in with a key,
// an axe-core accessibility check (injected from node_modules), and screenshots written to
// docs/screenshots/ only when CONSOLE_SCREENSHOTS=1 (normal runs leave the tree clean).
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildConsole } from '../../scripts/build-console.js';

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = path.resolve(__dirname, '../../docs/screenshots');

/** Builds console/dist from the current sources (esbuild: ~0.1 s), so the test runs what is in the tree. */
export function buildConsoleForTests(): void {
  buildConsole({ quiet: true });
}

export interface ConsolePage {
  page: Page;
  /** Requests to another host than 127.0.0.1 (blocked). */
  blocked: string[];
  /** Page errors and requests that failed (other than blocked ones). */
  problems: string[];
}

export async function openConsole(browser: Browser, base: string, opts: { lang?: 'zh-CN' | 'en' } = {}): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'zh-CN', timezoneId: 'Europe/Berlin' });
  const page = await context.newPage();
  const blocked: string[] = [];
  const problems: string[] = [];
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'blob:' || url.protocol === 'data:') return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/the server responded with a status of (4\d\d)/.test(msg.text())) problems.push(`console error: ${msg.text()}`);
  });
  if (opts.lang) await context.addInitScript(`localStorage.setItem('console.lang', ${JSON.stringify(opts.lang)})`);
  await page.goto(`${base}/console`);
  return { page, blocked, problems };
}

/** Signs in through the form with the keyboard only (focus the field, type, Enter). */
export async function signInWithKeyboard(page: Page, key: string, label: RegExp = /API 密钥|API key/): Promise<void> {
  await page.getByLabel(label).focus();
  await page.keyboard.type(key);
  await page.keyboard.press('Enter');
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: string[];
}

/** axe-core's WCAG 2 A/AA rules on the page as it is now; the violations found. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  return page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) })))`,
  );
}

export async function screenshot(page: Page, screen: string): Promise<void> {
  if (process.env['CONSOLE_SCREENSHOTS'] !== '1') return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${screen}.png`), fullPage: true });
}
