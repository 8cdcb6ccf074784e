// API keys: `ak_<id>_<secret>`, the id visible (lookups are by id, and the audit trail names it),
// the secret 32 random bytes. Only SHA-256 of the whole key is stored. A fast hash is enough here:
// slow password hashes (bcrypt, argon2) protect low-entropy passwords from guessing, but a 256-bit
// random secret cannot be guessed, and a slow hash would put tens of milliseconds of CPU on every
// request. The stored and presented hashes are compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';
import { ROLES, type Role } from '../../api/routes/route-spec';

export interface ApiKey {
  keyId: string;
  name: string;
  roles: Role[];
  /** An agency key's agency id: it reaches only the accounts referred to that agency. */
  agency?: string;
}

export interface ApiKeyListing extends ApiKey {
  createdAt: Date;
  revokedAt: Date | null;
}

const KEY_FORMAT = /^ak_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** The id part of a well-formed key; undefined for anything else. */
export function keyIdOf(key: string): string | undefined {
  return KEY_FORMAT.exec(key)?.[1];
}

function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function apiKeys(pool: Pool) {
  return {
    /** A new key; `key` is the only time the secret exists outside the caller's hands. */
    async create(name: string, roles: readonly Role[], opts: { agency?: string } = {}): Promise<ApiKey & { key: string }> {
      const unique = [...new Set(roles)];
      if (unique.length === 0) throw new Error('a key needs at least one role');
      const keyId = randomBytes(8).toString('hex');
      const key = `ak_${keyId}_${randomBytes(32).toString('base64url')}`;
      await pool.query('INSERT INTO api_keys (key_id, name, roles, key_hash, agency) VALUES ($1, $2, $3, $4, $5)', [
        keyId,
        name,
        unique,
        hashKey(key),
        opts.agency ?? null,
      ]);
      return { keyId, name, roles: unique, ...(opts.agency ? { agency: opts.agency } : {}), key };
    },

    /** The key a request presented, if it is well formed, known and not revoked. */
    async authenticate(key: string): Promise<ApiKey | undefined> {
      const keyId = keyIdOf(key);
      if (!keyId) return undefined;
      const { rows } = await pool.query('SELECT name, roles, key_hash, agency FROM api_keys WHERE key_id = $1 AND revoked_at IS NULL', [keyId]);
      const row = rows[0] as { name: string; roles: string[]; key_hash: Buffer; agency: string | null } | undefined;
      if (!row || !timingSafeEqual(row.key_hash, hashKey(key))) return undefined;
      return { keyId, name: row.name, roles: row.roles.filter(isRole), ...(row.agency ? { agency: row.agency } : {}) };
    },

    async list(): Promise<ApiKeyListing[]> {
      const { rows } = await pool.query(
        'SELECT key_id AS "keyId", name, roles, agency, created_at AS "createdAt", revoked_at AS "revokedAt" FROM api_keys ORDER BY created_at, key_id',
      );
      return (rows as (ApiKeyListing & { agency: string | null })[]).map(({ agency, ...k }) => ({ ...k, ...(agency ? { agency } : {}) }));
    },

    /** true if the key existed and was not revoked before. */
    async revoke(keyId: string): Promise<boolean> {
      const { rowCount } = await pool.query('UPDATE api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL', [keyId]);
      return rowCount === 1;
    },
  };
}

export type ApiKeys = ReturnType<typeof apiKeys>;
