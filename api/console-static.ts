// The web console (issue 15, ADR 22): static files bundled at install time into console/dist
// (scripts/build-console.js), served by the API process at /console. Not a route of the table: it
// needs no key (the page signs in with one and calls the JSON routes with it), is not in the
// OpenAPI document, and loads nothing from outside (the Content-Security-Policy says so).
import express, { type Router } from 'express';
import fs from 'node:fs';
import path from 'node:path';
import { notFound } from './errors';

export const CONSOLE_PATH = '/console';
export const CONSOLE_DIST = path.resolve(__dirname, '..', 'console', 'dist');

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function consoleRouter(dist = CONSOLE_DIST): Router {
  const router = express.Router();
  router.use(CONSOLE_PATH, (_req, res, next) => {
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    next();
  });
  // One page: the screens are hash routes (#/accounts), so /console and /console/ are index.html.
  router.get([CONSOLE_PATH, `${CONSOLE_PATH}/`, `${CONSOLE_PATH}/index.html`], (_req, res, next) => {
    const index = path.join(dist, 'index.html');
    if (!fs.existsSync(index)) return next(notFound('the console is not built: run `npm run build:console`'));
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
  router.use(CONSOLE_PATH, express.static(dist, { index: false, maxAge: 0, fallthrough: true }));
  return router;
}
