// Why: the audit trail is evidence. These pin that it is append-only, that the hash chain holds
// under concurrent appends inside business transactions, and that the verifier finds (by id) a row
// changed, removed or forged behind the triggers' back.
import { execFile } from 'node:child_process';
import type pg from 'pg';
import { REPO_ROOT } from '../../config';
import { createPool, withTransaction } from '../../db/pool';
import { AUDIT_OUTCOME_MAX, appendAuditEvent, listAuditEvents, verifyAuditChain, type AuditEvent } from '../../db/stores/audit';
import { freshDatabase, type FreshDatabase } from '../support/db';

const ROUTE = '/v1/accounts/:accountId/arrears';

/** `npm run audit -- verify --json` against the given database: exit code and parsed output. */
function auditCli(databaseUrl: string): Promise<{ code: number; result: unknown }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'db/audit-cli.ts', 'verify', '--json'],
      { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: databaseUrl } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        try {
          resolve({ code, result: JSON.parse(stdout) });
        } catch {
          reject(new Error(`audit CLI exited ${code}: ${stdout}${stderr}`));
        }
      },
    );
  });
}

function event(over: Partial<AuditEvent> = {}): AuditEvent {
  return { keyId: 'key-1', roles: ['billing'], method: 'POST', route: ROUTE, accountId: 'A-1', requestId: 'req-1', status: 201, outcome: 'created', ...over };
}

async function count(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query('SELECT count(*) AS n FROM audit_events');
  return rows[0].n;
}

describe('audit store', () => {
  let db: FreshDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  /**
   * Runs `sql` as a superuser with the triggers off (what an attacker with the database would do),
   * checks what the verifier says, then puts table and head back exactly as they were.
   */
  async function whileTampered(sql: string, check: () => Promise<void>): Promise<void> {
    const asReplica = async (fn: (c: pg.PoolClient) => Promise<unknown>) =>
      withTransaction(db.pool, async (c) => {
        await c.query('SET LOCAL session_replication_role = replica');
        await fn(c);
      });
    await asReplica(async (c) => {
      await c.query('DROP TABLE IF EXISTS audit_backup, head_backup');
      await c.query('CREATE TABLE audit_backup AS SELECT * FROM audit_events');
      await c.query('CREATE TABLE head_backup AS SELECT * FROM audit_chain_head');
      await c.query(sql);
    });
    try {
      await check();
    } finally {
      await asReplica(async (c) => {
        await c.query('DELETE FROM audit_events');
        await c.query('INSERT INTO audit_events SELECT * FROM audit_backup');
        await c.query('DELETE FROM audit_chain_head');
        await c.query('INSERT INTO audit_chain_head SELECT * FROM head_backup');
        await c.query('DROP TABLE audit_backup, head_backup');
      });
    }
    expect(await verifyAuditChain(db.pool)).toEqual({ ok: true, rows: await count(db.pool) });
  }

  it('verifies an empty chain', async () => {
    expect(await verifyAuditChain(db.pool)).toEqual({ ok: true, rows: 0 });
  });

  it('appends events and lists an account’s newest first, a page at a time', async () => {
    await appendAuditEvent(db.pool, event({ requestId: 'r1' }));
    await appendAuditEvent(db.pool, event({ requestId: 'r2', accountId: 'A-2' }));
    await appendAuditEvent(db.pool, event({ requestId: 'r3', keyId: null, roles: [], status: 401, outcome: 'unauthenticated' }));
    await appendAuditEvent(db.pool, event({ requestId: 'r4', roles: ['ops', 'admin'], status: 403, outcome: `  ${'x'.repeat(300)}` }));
    await appendAuditEvent(db.pool, event({ requestId: 'r5', accountId: null, route: '/v1/payments', outcome: '已受理 ✓' }));

    const first = await listAuditEvents(db.pool, 'A-1', { limit: 2 });
    expect(first.events.map((e) => e.requestId)).toEqual(['r4', 'r3']);
    expect(first.next).toBe(first.events[1]?.id);
    const [r4, r3] = first.events;
    expect(r4).toMatchObject({ id: '4', roles: ['ops', 'admin'], status: 403, accountId: 'A-1', route: ROUTE, method: 'POST' });
    expect(r4?.outcome).toBe('x'.repeat(AUDIT_OUTCOME_MAX));
    expect(r3).toMatchObject({ keyId: null, roles: [], status: 401, outcome: 'unauthenticated' });
    expect(r3?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(r4?.prevHash).toBe(r3?.hash);
    expect(r4?.hash).toMatch(/^[0-9a-f]{64}$/);

    const second = await listAuditEvents(db.pool, 'A-1', { limit: 2, before: first.next });
    expect(second.events.map((e) => e.requestId)).toEqual(['r1']);
    expect(second.next).toBeUndefined();
    expect(second.events[0]?.prevHash).toBe('0'.repeat(64));
    expect((await listAuditEvents(db.pool, 'A-2', { limit: 10 })).events.map((e) => e.requestId)).toEqual(['r2']);
    expect((await listAuditEvents(db.pool, 'nobody', { limit: 10 })).events).toEqual([]);
    await expect(listAuditEvents(db.pool, 'A-1', { limit: 10, before: '1; DROP' })).rejects.toThrow(RangeError);

    expect(await verifyAuditChain(db.pool)).toEqual({ ok: true, rows: 5 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE, and any move of the chain head but an append', async () => {
    await appendAuditEvent(db.pool, event({ requestId: 'r-guard' }));
    await expect(db.pool.query("UPDATE audit_events SET outcome = 'ok'")).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(db.pool.query('DELETE FROM audit_events')).rejects.toThrow(/append-only: DELETE refused/);
    await expect(db.pool.query('TRUNCATE audit_events')).rejects.toThrow(/append-only: TRUNCATE refused/);
    await expect(db.pool.query('UPDATE audit_chain_head SET last_id = 0')).rejects.toThrow(/audit_chain_head moves only/);
    await expect(db.pool.query('DELETE FROM audit_chain_head')).rejects.toThrow(/audit_chain_head moves only/);
    await expect(db.pool.query('TRUNCATE audit_chain_head, audit_events')).rejects.toThrow(/refused/);
    expect(await verifyAuditChain(db.pool)).toEqual({ ok: true, rows: await count(db.pool) });
  });

  it('keeps one chain, in id order, under concurrent appends inside transactions from 20 connections', async () => {
    const before = await count(db.pool);
    const many = createPool(db.url, { max: 20 });
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, c) =>
          (async () => {
            for (let i = 0; i < 10; i++) {
              await withTransaction(many, async (client) => {
                await client.query('SELECT pg_sleep(0.001)'); // business work before the append
                await appendAuditEvent(client, event({ requestId: `c${c}-${i}`, accountId: `C-${c}` }));
              });
            }
          })(),
        ),
      );
      // A multi-row insert chains row by row as well.
      await many.query(
        "INSERT INTO audit_events (roles, method, route, request_id, status, outcome) VALUES ('{}', 'POST', '/x', 'm1', 200, 'ok'), ('{}', 'POST', '/x', 'm2', 200, 'ok')",
      );
    } finally {
      await many.end();
    }
    const { rows } = await db.pool.query('SELECT min(id) AS lo, max(id) AS hi, count(*) AS n FROM audit_events WHERE id > $1', [before]);
    expect(rows[0]).toEqual({ lo: before + 1, hi: before + 202, n: 202 });
    expect(await verifyAuditChain(db.pool)).toEqual({ ok: true, rows: before + 202 });
    // Pages follow numeric id order (ids now run past 9, where text order would differ).
    const pages: string[] = [];
    for (let next: string | undefined, i = 0; i === 0 || next; i++) {
      const page = await listAuditEvents(db.pool, 'C-7', { limit: 3, ...(next ? { before: next } : {}) });
      pages.push(...page.events.map((e) => e.requestId));
      next = page.next;
    }
    expect(pages).toEqual(Array.from({ length: 10 }, (_, i) => `c7-${9 - i}`));
  });

  it('writes with the transaction: a rollback leaves no row and no gap', async () => {
    const before = await count(db.pool);
    const rollback = new Error('rollback');
    await expect(
      withTransaction(db.pool, async (c) => {
        await appendAuditEvent(c, event({ requestId: 'r-rolled-back' }));
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    const { rows } = await db.pool.query("SELECT count(*) AS n FROM audit_events WHERE request_id = 'r-rolled-back'");
    expect(rows[0].n).toBe(0);
    await appendAuditEvent(db.pool, event({ requestId: 'r-after' }));
    const after = await db.pool.query("SELECT id FROM audit_events WHERE request_id = 'r-after'");
    expect(after.rows[0].id).toBe(before + 1);
    expect(await verifyAuditChain(db.pool)).toEqual({ ok: true, rows: before + 1 });
  });

  it('refuses (40001) rather than forks the chain when a REPEATABLE READ snapshot predates the last append', async () => {
    const c = await db.pool.connect();
    try {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await c.query('SELECT 1 FROM audit_chain_head'); // takes the snapshot
      await appendAuditEvent(db.pool, event({ requestId: 'r-meanwhile' }));
      await expect(appendAuditEvent(c, event({ requestId: 'r-stale' }))).rejects.toMatchObject({ code: '40001' });
    } finally {
      await c.query('ROLLBACK');
      c.release();
    }
    expect(await verifyAuditChain(db.pool)).toEqual({ ok: true, rows: await count(db.pool) });
  });

  it('verifies across pages (more rows than one page of the verifier)', async () => {
    // In several statements: thousands of appends in one transaction slow down (see the migration).
    for (let i = 0; i < 8; i++) {
      await db.pool.query(
        "INSERT INTO audit_events (key_id, roles, method, route, account_id, request_id, status, outcome) SELECT 'k', '{ops}', 'POST', '/x', 'P-' || (g % 3), 'g' || g, 201, 'ok' FROM generate_series(1, 650) g",
      );
    }
    const n = await count(db.pool);
    expect(n).toBeGreaterThan(5200);
    expect(await verifyAuditChain(db.pool)).toEqual({ ok: true, rows: n });
    await whileTampered(`UPDATE audit_events SET account_id = 'P-9' WHERE id = ${n - 3}`, async () => {
      expect((await verifyAuditChain(db.pool)).firstBroken).toEqual({ id: String(n - 3), reason: 'hash does not match the row’s contents' });
    });
  });

  it('npm run audit -- verify exits 0 on a sound chain and 1 naming the first broken row', async () => {
    const n = await count(db.pool);
    expect(await auditCli(db.url)).toEqual({ code: 0, result: { ok: true, rows: n } });
    await whileTampered("UPDATE audit_events SET route = '/v1/other' WHERE id = 5", async () => {
      expect(await auditCli(db.url)).toEqual({
        code: 1,
        result: { ok: false, rows: 4, firstBroken: { id: '5', reason: 'hash does not match the row’s contents' } },
      });
    });
  });

  describe('finds a row changed behind the triggers’ back', () => {
    it('a changed field, by the row’s id', async () => {
      await whileTampered("UPDATE audit_events SET status = 200, outcome = 'created' WHERE id = 4", async () => {
        expect(await verifyAuditChain(db.pool)).toEqual({ ok: false, rows: 3, firstBroken: { id: '4', reason: 'hash does not match the row’s contents' } });
      });
    });

    it('a changed time (microseconds count)', async () => {
      await whileTampered("UPDATE audit_events SET at = at + interval '1 microsecond' WHERE id = 2", async () => {
        expect((await verifyAuditChain(db.pool)).firstBroken).toEqual({ id: '2', reason: 'hash does not match the row’s contents' });
      });
    });

    it('a changed row whose hash was recomputed: the next row’s link breaks', async () => {
      await whileTampered(
        "UPDATE audit_events SET outcome = 'forged' WHERE id = 3; UPDATE audit_events SET hash = sha256(prev_hash || audit_event_payload(audit_events.*)) WHERE id = 3",
        async () => {
          expect(await verifyAuditChain(db.pool)).toEqual({
            ok: false,
            rows: 3,
            firstBroken: { id: '4', reason: 'prev_hash does not match the hash of row 3' },
          });
        },
      );
    });

    it('a deleted row, by the first missing id', async () => {
      await whileTampered('DELETE FROM audit_events WHERE id = 3', async () => {
        expect((await verifyAuditChain(db.pool)).firstBroken).toEqual({ id: '4', reason: 'rows 3..3 are missing' });
      });
    });

    it('rows cut off the end', async () => {
      const n = await count(db.pool);
      await whileTampered(`DELETE FROM audit_events WHERE id >= ${n - 1}`, async () => {
        expect(await verifyAuditChain(db.pool)).toEqual({
          ok: false,
          rows: n - 2,
          firstBroken: { id: String(n - 1), reason: `rows ${n - 1}..${n} are missing from the end` },
        });
      });
    });

    it('a row added without the trigger, even with a correct hash: the chain head does not know it', async () => {
      const n = await count(db.pool);
      await whileTampered(
        `INSERT INTO audit_events (id, roles, method, route, request_id, status, outcome, prev_hash, hash)
           SELECT ${n + 1}, '{}', 'POST', '/x', 'forged', 200, 'ok', hash, hash FROM audit_events WHERE id = ${n};
         UPDATE audit_events SET hash = sha256(prev_hash || audit_event_payload(audit_events.*)) WHERE id = ${n + 1}`,
        async () => {
          expect(await verifyAuditChain(db.pool)).toEqual({
            ok: false,
            rows: n + 1,
            firstBroken: { id: String(n + 1), reason: `rows after ${n} were not appended through the chain head` },
          });
        },
      );
    });
  });
});
