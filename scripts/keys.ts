// `npm run keys -- create --name night-shift --role ops [--role legal]`, `list`, `revoke <id>`:
// API keys in DATABASE_URL, or in the embedded database of `npm start` (running or not; see
// db/local.ts). A new key is printed once: only its hash is kept.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { apiKeys, isRole } from '../db/stores/api-keys';
import { withLocalDatabase } from '../db/local';
import { ROLES, type Role } from '../api/routes/route-spec';

const USAGE = `usage:
  npm run keys -- create --name <name> --role <role> [--role <role> …] [--agency <agency id>]
  npm run keys -- list
  npm run keys -- revoke <key id>
roles: ${ROLES.join(', ')} (\`--roles\` is accepted for \`--role\`)
an agency key (role agency) needs --agency: it reaches only the accounts referred to that agency`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      role: { type: 'string', multiple: true },
      roles: { type: 'string', multiple: true },
      agency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  if (command === 'create') {
    // An agency key may go without --name: it is then named after its agency.
    const name = values.name?.trim() ?? (values.agency?.trim() ? `agency-${values.agency.trim()}` : undefined);
    if (!name || name.length > 100) throw new UsageError('create needs --name (1–100 characters)');
    const roles = [...(values.role ?? []), ...(values.roles ?? []).flatMap((r) => r.split(','))];
    const bad = roles.filter((r) => !isRole(r));
    if (roles.length === 0 || bad.length) throw new UsageError(bad.length ? `unknown role ${bad.join(', ')}` : 'create needs at least one --role');
    if (rest.length) throw new UsageError(`unexpected ${rest.join(' ')}`);
    const agency = values.agency?.trim();
    if (roles.includes('agency') && !agency) throw new UsageError('an agency key needs --agency <agency id>');
    if (agency !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(agency))
      throw new UsageError('--agency: 1–100 letters, digits, ".", "_", ":" or "-"');
    await withLocalDatabase(loadConfig(), async (pool) => {
      const key = await apiKeys(pool).create(name, roles as Role[], agency ? { agency } : {});
      const of = key.agency ? `, agency ${key.agency}` : '';
      console.log(`created key ${key.keyId} (${key.name}: ${key.roles.join(', ')}${of}); it is shown only now:\n\n  ${key.key}\n`);
      console.log(`use it as: curl -H "Authorization: Bearer ${key.key}" …`);
    });
  } else if (command === 'list') {
    await withLocalDatabase(loadConfig(), async (pool) => {
      const keys = await apiKeys(pool).list();
      if (!keys.length) console.log('no keys');
      for (const k of keys) {
        const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
        console.log(
          `${k.keyId}  ${k.name.padEnd(20)}  ${k.roles.join(',').padEnd(24)}  ${k.agency ? `agency ${k.agency}  ` : ''}created ${k.createdAt.toISOString()}  ${state}`,
        );
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
