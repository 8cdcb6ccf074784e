// One demo API key per role, created by the first `npm start` and written to .data/demo-keys.txt
// (git-ignored, readable by the owner only) as shell assignments: `source .data/demo-keys.txt`
// sets $BILLING_KEY, $OPS_KEY, … for the curl examples. Later starts find them there.
import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import { ROLES, type Role } from '../api/routes/route-spec';
import { apiKeys } from '../db/stores/api-keys';

export type DemoKeys = Partial<Record<Role, string>>;

export const demoKeysFile = (dataDir: string) => path.join(dataDir, 'demo-keys.txt');
const variable = (role: Role) => `${role.toUpperCase()}_KEY`;

function readDemoKeys(file: string): DemoKeys {
  if (!fs.existsSync(file)) return {};
  const keys: DemoKeys = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z]+)_KEY=(\S+)$/.exec(line.trim());
    const role = ROLES.find((r) => variable(r) === `${m?.[1]}_KEY`);
    if (m && role) keys[role] = m[2]!;
  }
  return keys;
}

/** The demo keys: created now if no demo key was ever made (`created`), else read from the file. */
export async function ensureDemoKeys(pool: Pool, dataDir: string): Promise<{ created: boolean; keys: DemoKeys; file: string }> {
  const file = demoKeysFile(dataDir);
  const { rowCount } = await pool.query("SELECT 1 FROM api_keys WHERE name LIKE 'demo-%' LIMIT 1");
  if (rowCount) return { created: false, keys: readDemoKeys(file), file };
  const store = apiKeys(pool);
  const keys: DemoKeys = {};
  for (const role of ROLES) keys[role] = (await store.create(`demo-${role}`, [role])).key;
  const lines = ROLES.map((r) => `${variable(r)}=${keys[r]}`);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(
    file,
    `# Demo API keys (one per role) from the first npm start. \`source ${path.relative(process.cwd(), file) || file}\` sets them.\n${lines.join('\n')}\n`,
    { mode: 0o600 },
  );
  return { created: true, keys, file };
}

/** The banner lines that show the keys (first run) or where they are. */
export function demoKeysBanner(demo: { created: boolean; keys: DemoKeys; file: string }): string {
  if (!demo.created) {
    return fs.existsSync(demo.file)
      ? `  API keys         in ${demo.file} (source it for $BILLING_KEY, $OPS_KEY, …)`
      : '  API keys         npm run keys -- create --name <name> --role <role>';
  }
  const rows = ROLES.map((r) => `    ${variable(r).padEnd(12)} ${demo.keys[r]}`);
  return `  API keys         one per role, shown once and kept in ${demo.file} (source it):\n${rows.join('\n')}`;
}
