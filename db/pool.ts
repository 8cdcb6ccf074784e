// Why: money is integer minor units in bigint columns; pg returns int8/numeric as strings by
// default. Parse them to numbers per pool (never via the global pg.types, which would leak into
// every other pg user in the process, e.g. node-pg-migrate) and fail loudly beyond 2^53.
import pg from 'pg';

const INT8 = 20;
const NUMERIC = 1700;
const INT8_ARRAY = 1016;
const NUMERIC_ARRAY = 1231;

function int8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${value} is outside the safe integer range`);
  return n;
}

type Nested = string | null | Nested[];
function mapNested(v: Nested, f: (s: string) => number): unknown {
  if (v === null) return null;
  return Array.isArray(v) ? v.map((x) => mapNested(x, f)) : f(v);
}

const getTypeParser = ((oid: number, format?: 'text' | 'binary'): unknown => {
  if (format === 'binary') return pg.types.getTypeParser(oid, format);
  switch (oid) {
    case INT8:
      return int8;
    case NUMERIC:
      return (v: string) => Number(v);
    case INT8_ARRAY:
    case NUMERIC_ARRAY: {
      const parseArray = pg.types.getTypeParser(oid as number, 'text') as (v: string) => Nested;
      const f = oid === INT8_ARRAY ? int8 : Number;
      return (v: string) => mapNested(parseArray(v), f);
    }
    default:
      return pg.types.getTypeParser(oid, format);
  }
}) as pg.CustomTypesConfig['getTypeParser'];

export type PoolOptions = Omit<pg.PoolConfig, 'connectionString' | 'types'>;

/** A pg.Pool whose bigint/numeric values (and arrays of them) come back as JS numbers. */
export function createPool(databaseUrl: string, opts: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({ max: 10, ...opts, connectionString: databaseUrl, types: { getTypeParser } });
  // A client losing its connection (server restart, outage, pg_terminate_backend) must not crash
  // the process. The pool listens on idle clients only; a client checked out by withTransaction
  // (held across a workflow update) emits 'error' with no listener, which Node turns into an
  // uncaught exception. Every client gets a listener from birth: its pending query rejects anyway,
  // and withTransaction then destroys it instead of returning it to the pool.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Runs fn inside BEGIN/COMMIT on one client; rolls back and rethrows on error. */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      broken = rollbackErr as Error; // connection is unusable: destroy it instead of pooling it
    }
    throw err;
  } finally {
    client.release(broken);
  }
}
