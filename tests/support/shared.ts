// Why: names shared by global setup/teardown and the per-test helpers (no runtime deps).
export const TEMPLATE_ENV = 'TEST_TEMPLATE_DATABASE';

export interface TestPgState {
  external: boolean;
  url?: string;
  template?: string;
  stop?: () => Promise<void>;
}

/** The same server/credentials as `url`, another database. */
export function databaseUrlWithName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}
