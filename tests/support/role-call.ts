// Calls to the API as a role: one key per role (created in the stack's database before the tests),
// JSON in and out, every answer checked against its response schema by the contract fetch.
import type { E2eStack } from './e2e-stack';
import { apiKeys } from '../../db/stores/api-keys';

export function roleCalls<R extends string>(stack: E2eStack, fetch: typeof globalThis.fetch, roles: readonly R[], keyPrefix: string) {
  const keys = {} as Record<R, string>;
  beforeAll(async () => {
    for (const role of roles) keys[role] = (await apiKeys(stack.db.pool).create(`${keyPrefix}-${role}`, [role as never])).key;
  });
  async function call(method: 'GET' | 'POST', url: string, role: R, body?: unknown) {
    const res = await fetch(stack.base + url, {
      method,
      headers: { authorization: `Bearer ${keys[role]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  }
  return { keys, call };
}
