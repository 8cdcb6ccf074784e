// Calls to the API with the signed-in key (Authorization: Bearer, as every route expects), and
// problem+json answers turned into errors that say why.
import { signal } from './state';

export type Role = 'billing' | 'ops' | 'legal' | 'finance' | 'agency' | 'admin';
export interface Session {
  keyId: string;
  roles: Role[];
  agency: string | null;
}

const KEY = 'console.apiKey';

export const session = signal<Session | null>(null);

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY);
  session.set(null);
}

/** An answer that is not 2xx: its status and its problem+json body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Record<string, unknown>,
  ) {
    super(typeof problem['detail'] === 'string' ? problem['detail'] : typeof problem['title'] === 'string' ? problem['title'] : `HTTP ${status}`);
  }
  /** The fields a 400 named, as `field: message`. */
  get fields(): string[] {
    const errors = this.problem['errors'] as { field: string; message: string }[] | undefined;
    return errors?.map((e) => `${e.field}: ${e.message}`) ?? [];
  }
}

async function send(method: string, path: string, init: { body?: BodyInit; type?: string; accept?: string; key?: string } = {}): Promise<Response> {
  const key = init.key ?? storedKey();
  const headers: Record<string, string> = { accept: init.accept ?? 'application/json' };
  if (key) headers['authorization'] = `Bearer ${key}`;
  if (init.type) headers['content-type'] = init.type;
  const res = await fetch(path, { method, headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  if (!res.ok) {
    let problem: Record<string, unknown> = {};
    try {
      problem = (await res.json()) as Record<string, unknown>;
    } catch {
      problem = { title: res.statusText };
    }
    if (res.status === 401 && !init.key) forgetKey();
    throw new ApiError(res.status, problem);
  }
  return res;
}

export async function get<T>(path: string): Promise<T> {
  return (await (await send('GET', path)).json()) as T;
}

export async function post<T>(path: string, body: unknown, method: 'POST' | 'PUT' = 'POST'): Promise<T> {
  return (await (await send(method, path, { body: JSON.stringify(body), type: 'application/json' })).json()) as T;
}

/** A file sent as is (a CSV batch). */
export async function upload<T>(path: string, file: Blob, type: string): Promise<T> {
  return (await (await send('POST', path, { body: file, type })).json()) as T;
}

/** A page the API renders (the evidence pack as HTML), as a local object URL to open. */
export async function htmlUrl(path: string): Promise<string> {
  const res = await send('GET', path, { accept: 'text/html' });
  return URL.createObjectURL(new Blob([await res.text()], { type: 'text/html' }));
}

/** Checks a key with GET /v1/session; keeps it for the tab when the API knows it. */
export async function signIn(key: string): Promise<Session> {
  const res = await send('GET', '/v1/session', { key });
  const s = (await res.json()) as Session;
  sessionStorage.setItem(KEY, key);
  session.set(s);
  return s;
}

export function hasRole(s: Session | null, ...roles: Role[]): boolean {
  return !!s && (s.roles.includes('admin') || s.roles.some((r) => roles.includes(r)));
}

/** An id for a request that must be the same when sent again (promise, dispute, step ids). */
export function newId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`.slice(0, 64);
}
