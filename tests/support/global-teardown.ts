// Why: leave nothing behind: stop the embedded postgres (which deletes its data dir), or drop
// the template database we created on an external server.
import pg from 'pg';
import type { TestPgState } from './shared';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as { __TEST_PG__?: TestPgState }).__TEST_PG__;
  if (!state) return;
  if (state.stop) {
    await state.stop();
  } else if (state.external && state.url && state.template) {
    const client = new pg.Client({ connectionString: state.url });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(state.template)} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  }
}
