// API keys: only a hash is stored, lookups by id compare the whole key, revoked keys stop working;
// and `npm run keys` (create, list, revoke) against DATABASE_URL.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../config';
import { apiKeys, keyIdOf } from '../../db/stores/api-keys';
import { freshDatabase, type FreshDatabase } from '../support/db';

let db: FreshDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db?.drop();
});

test('a key is shown once, stored as a hash, found by id, refused when altered or revoked', async () => {
  const store = apiKeys(db.pool);
  const made = await store.create('night-shift', ['ops', 'legal', 'ops']);
  expect(made.key).toMatch(/^ak_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  expect(keyIdOf(made.key)).toBe(made.keyId);
  expect(made.roles).toEqual(['ops', 'legal']);
  const { rows } = await db.pool.query('SELECT * FROM api_keys WHERE key_id = $1', [made.keyId]);
  expect(JSON.stringify(rows)).not.toContain(made.key.slice(20)); // no part of the secret
  expect(rows[0].key_hash).toHaveLength(32);

  expect(await store.authenticate(made.key)).toEqual({ keyId: made.keyId, name: 'night-shift', roles: ['ops', 'legal'] });
  const last = made.key.at(-1) === 'A' ? 'B' : 'A';
  expect(await store.authenticate(made.key.slice(0, -1) + last)).toBeUndefined(); // same id, other secret
  expect(await store.authenticate('nonsense')).toBeUndefined();
  expect(await store.authenticate(`Bearer ${made.key}`)).toBeUndefined();
  expect(await store.revoke(made.keyId)).toBe(true);
  expect(await store.revoke(made.keyId)).toBe(false);
  expect(await store.authenticate(made.key)).toBeUndefined();
  expect((await store.list()).find((k) => k.keyId === made.keyId)).toMatchObject({ name: 'night-shift', revokedAt: expect.any(Date) });
  await expect(store.create('nobody', [])).rejects.toThrow(/role/);
  await expect(
    db.pool.query("INSERT INTO api_keys (key_id, name, roles, key_hash) VALUES ('x', 'x', '{root}', decode(repeat('00', 32), 'hex'))"),
  ).rejects.toThrow(/check/);
});

test('npm run keys: create, list, revoke', async () => {
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'keys.ts'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: db.url },
    });
  const created = await run('create', '--name', 'cli-test', '--role', 'ops', '--role', 'finance');
  const key = /\b(ak_[0-9a-f]{16}_[A-Za-z0-9_-]{43})\b/.exec(created.stdout)?.[1];
  expect(key).toBeDefined();
  expect(await apiKeys(db.pool).authenticate(key!)).toMatchObject({ name: 'cli-test', roles: ['ops', 'finance'] });
  const listed = await run('list');
  expect(listed.stdout).toMatch(new RegExp(`${keyIdOf(key!)}\\s+cli-test\\s+ops,finance .* active`));
  expect(listed.stdout).not.toContain(key!.slice(20));
  await run('revoke', keyIdOf(key!)!);
  expect(await apiKeys(db.pool).authenticate(key!)).toBeUndefined();
  await expect(run('create', '--name', 'x', '--role', 'root')).rejects.toMatchObject({ stderr: expect.stringContaining('unknown role root') });
  await expect(run('revoke', 'nope')).rejects.toMatchObject({ stderr: expect.stringContaining('no active key nope') });
});
