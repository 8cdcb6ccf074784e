// Why: issue 14 — a PostgreSQL connection dying while a client is checked out (an outage during a
// payment's transaction) killed the API with an unhandled 'error' event. The pool must survive it,
// destroy the broken client, and serve the next request from a fresh connection.
import type pg from 'pg';
import { createPool, withTransaction } from '../../db/pool';
import { freshDatabase, type FreshDatabase } from '../support/db';

describe('database pool', () => {
  let db: FreshDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await freshDatabase();
    pool = createPool(db.url, { max: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('survives a connection killed while checked out, and recovers on the next query', async () => {
    let killedPid = 0;
    const transaction = withTransaction(pool, async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      killedPid = rows[0]!.pid;
      // Listening for 'end' (not 'error', which would hide the bug) to wait for the effect itself.
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
      await db.pool.query('SELECT pg_terminate_backend($1)', [killedPid]);
      await ended;
      await client.query('SELECT 1');
    });
    await expect(transaction).rejects.toThrow();

    const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(rows[0]!.pid).not.toBe(killedPid);
    expect(pool.totalCount).toBeLessThanOrEqual(2);
  });
});
