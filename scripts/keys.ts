// `npm run keys -- create --name night-shift --role ops [--role legal]`, `list`, `revoke <id>`:
// API keys in DATABASE_URL, or in the embedded database of `npm start` (running or not; see
// db/local.ts). A new key is printed once: only its hash is kept.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { apiKeys, isRole } from '../db/stores/api-keys';
import { withLocalDatabase } from '../db/local';
import { ROLES, type Role } from '../api/routes/route-spec';

const USAGE = `usage:
  npm run keys -- create --name <name> --role <role> [--role <role> …]
  npm run keys -- list
  npm run keys -- revoke <key id>
roles: ${ROLES.join(', ')}`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, role: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  if (command === 'create') {
    const name = values.name?.trim();
    if (!name || name.length > 100) throw new UsageError('create needs --name (1–100 characters)');
    const roles = values.role ?? [];
    const bad = roles.filter((r) => !isRole(r));
    if (roles.length === 0 || bad.length) throw new UsageError(bad.length ? `unknown role ${bad.join(', ')}` : 'create needs at least one --role');
    if (rest.length) throw new UsageError(`unexpected ${rest.join(' ')}`);
    await withLocalDatabase(loadConfig(), async (pool) => {
      const key = await apiKeys(pool).create(name, roles as Role[]);
      console.log(`created key ${key.keyId} (${key.name}: ${key.roles.join(', ')}); it is shown only now:\n\n  ${key.key}\n`);
      console.log(`use it as: curl -H "Authorization: Bearer ${key.key}" …`);
    });
  } else if (command === 'list') {
    await withLocalDatabase(loadConfig(), async (pool) => {
      const keys = await apiKeys(pool).list();
      if (!keys.length) console.log('no keys');
      for (const k of keys) {
        const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
        console.log(`${k.keyId}  ${k.name.padEnd(20)}  ${k.roles.join(',').padEnd(24)}  created ${k.createdAt.toISOString()}  ${state}`);
      }
    });
  } else if (command === 'revoke') {
    const [keyId, ...extra] = rest;
    if (!keyId || extra.length) throw new UsageError('revoke needs exactly one key id (see `npm run keys -- list`)');
    await withLocalDatabase(loadConfig(), async (pool) => {
      if (!(await apiKeys(pool).revoke(keyId))) throw new Error(`no active key ${keyId}`);
      console.log(`revoked key ${keyId}: requests with it now get 401`);
    });
  } else {
    throw new UsageError(`unknown command ${command}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) console.error(USAGE);
  process.exitCode = 1;
});
