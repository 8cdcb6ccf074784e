// `/docs` renders in a real browser with no outside network: every request to a host other than
// 127.0.0.1 is blocked (and recorded), and Swagger UI must still draw every operation of the
// document. The screenshot (/tmp/docs.png, or DOCS_SCREENSHOT) is for people, not an assertion.
import type { Server } from 'node:http';
import pino from 'pino';
import type { Browser } from 'playwright-core';
import { createApp } from '../../api/app';
import type { CollectionClient } from '../../api/collection-client';
import { KNOWN_POLICIES } from '../../config/policy-schema';
import { launchChromium } from '../support/browser';
import { freshDatabase, type FreshDatabase } from '../support/db';

let db: FreshDatabase;
let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  db = await freshDatabase();
  // The docs need neither Temporal nor a key: a client that is never called.
  const app = createApp({ pool: db.pool, collection: {} as CollectionClient, policy: () => KNOWN_POLICIES['default']!, log: pino({ level: 'silent' }) });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  // a failed beforeAll leaves no server: do not wait for a close that never comes
  if (server) await new Promise((r) => server!.close(r));
  await db?.drop();
});

test('/docs renders every operation of /openapi.json from local assets only', async () => {
  const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { info: { title: string }; paths: Record<string, Record<string, unknown>> };
  const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  expect(operations).toBeGreaterThan(5);

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const blocked: string[] = [];
  const failed: string[] = [];
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  page.on('requestfailed', (req) => failed.push(req.url()));
  page.on('pageerror', (err) => failed.push(`page error: ${err.message}`));

  await page.goto(`${base}/docs`);
  await page.getByText(doc.info.title).first().waitFor({ timeout: 20_000 });
  // Swagger UI draws one block per operation once the document is loaded and parsed.
  await page
    .locator('.opblock')
    .nth(operations - 1)
    .waitFor({ timeout: 20_000 });
  expect(await page.locator('.opblock').count()).toBe(operations);
  // A protected operation shows its lock; the page shows the Authorize button for the bearer key.
  await expect(page.locator('.btn.authorize').first().isVisible()).resolves.toBe(true);

  await page.screenshot({ path: process.env['DOCS_SCREENSHOT'] ?? '/tmp/docs.png', fullPage: true });
  expect(blocked).toEqual([]);
  expect(failed).toEqual([]);
  await page.close();
});
