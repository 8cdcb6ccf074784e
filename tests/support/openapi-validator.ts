// OpenAPI 3.1 validation by @seriousme/openapi-schema-validator (the official 3.1 JSON Schemas
// with Ajv). The package is ES-module only, which jest's CommonJS runtime cannot import, so its
// own CLI runs in a plain Node process on a temporary copy of the document.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const cli = path.resolve(__dirname, '../../node_modules/@seriousme/openapi-schema-validator/bin/validate-api-cli.js');

export function validateOpenApi(document: unknown): { valid: boolean; errors?: unknown } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-'));
  try {
    const file = path.join(dir, 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(document));
    const run = spawnSync(process.execPath, [cli, file], { encoding: 'utf8' });
    if (run.error) throw run.error;
    const out = run.stdout.trim();
    if (!out.startsWith('{')) throw new Error(`validator failed: ${run.stderr || out}`);
    return JSON.parse(out) as { valid: boolean; errors?: unknown };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
