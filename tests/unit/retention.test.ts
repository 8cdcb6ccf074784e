// Retention (issue 14, ADR 20): `npm run retention -- apply [--dry-run]` blanks the name and phone
// number of accounts whose last episode ended more than RETENTION_DAYS_AFTER_END days ago, in
// accounts and the copies beside it, with an audit row each; open, legal and recent ones keep theirs.
import { execFile } from 'node:child_process';
import { REPO_ROOT } from '../../config';
import { verifyAuditChain } from '../../db/stores/audit';
import { ERASED } from '../../db/stores/retention';
import { applyRetention } from '../../scripts/retention';
import { freshDatabase, type FreshDatabase } from '../support/db';

let db: FreshDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const DAY = 86_400_000;
const now = new Date();

async function account(accountId: string, status: string, endedDaysAgo: number, billedDaysAgo = endedDaysAgo + 30) {
  const billed = new Date(now.getTime() - billedDaysAgo * DAY);
  const ended = new Date(now.getTime() - endedDaysAgo * DAY);
  await db.pool.query(
    `INSERT INTO accounts (account_id, customer_name, phone, segment, lists, timezone, created_at, updated_at)
     VALUES ($1, $2, $3, 'consumer', '{}', 'Asia/Shanghai', $4, $4)`,
    [accountId, `客户${accountId}`, `139${accountId.replace(/\D/g, '').padStart(8, '0')}`, billed],
  );
  await db.pool.query(
    `INSERT INTO episode_read_model (account_id, episode_id, episode_started_at, version, status, stage, service, balance_minor, currency, segment, anchor_due_date, updated_at)
     VALUES ($1, $1 || '-B1', $2, 1, $3, 'reminder', 'active', 0, 'CNY', 'consumer', '2025-01-01', $4)`,
    [accountId, billed, status, ended],
  );
  await db.pool.query(`INSERT INTO provider_requests (idempotency_key, provider, operation, account_id, payload) VALUES ($1, 'sms', 'send', $2, $3)`, [
    `${accountId}-sms`,
    accountId,
    { to: `139${accountId}`, text: `尊敬的客户${accountId}`, amount: 100 },
  ]);
}

const person = async (accountId: string) =>
  (await db.pool.query<{ customer_name: string; phone: string }>('SELECT customer_name, phone FROM accounts WHERE account_id = $1', [accountId])).rows[0]!;

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/retention.ts', ...args],
      { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: db.url, ...env } },
      (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
}

test('ended more than the retention period ago: blanked (with its copies and an audit row); open, legal and recent kept', async () => {
  await account('RT-1', 'paid', 400);
  await account('RT-2', 'closed', 366);
  await account('RT-3', 'paid', 100); // ended recently
  await account('RT-4', 'open', 400); // still open
  await account('RT-5', 'legal', 400); // a case may still need it
  await account('RT-6', 'written_off', 400, 10); // billed again since: the new episode's data stays
  await db.pool.query(
    `INSERT INTO batches (batch_id, kind, content_sha256, format, row_count) VALUES ('RTB', 'arrears', 'x', 'ndjson', 1);
     INSERT INTO batch_rows (batch_id, row_no, state, result, payload) VALUES ('RTB', 1, 'enrolled', 'accepted', '{"accountId":"RT-1","customerName":"客户RT-1","phone":"13900000001","amount":5}')`,
  );

  const dry = await applyRetention(db.pool, { retentionDays: 365, dryRun: true, now });
  expect(dry.accounts.map((a) => a.accountId)).toEqual(['RT-1', 'RT-2']);
  expect(dry.erased).toBe(0);
  expect((await person('RT-1')).customer_name).toBe('客户RT-1');

  const applied = await applyRetention(db.pool, { retentionDays: 365, dryRun: false, now });
  expect(applied.erased).toBe(2);
  for (const id of ['RT-1', 'RT-2']) expect(await person(id)).toEqual({ customer_name: ERASED, phone: ERASED });
  for (const id of ['RT-3', 'RT-4', 'RT-5', 'RT-6']) expect((await person(id)).customer_name).toBe(`客户${id}`);
  const sms = await db.pool.query<{ account_id: string; payload: Record<string, unknown> }>(
    'SELECT account_id, payload FROM provider_requests ORDER BY account_id',
  );
  expect(sms.rows.find((r) => r.account_id === 'RT-1')!.payload).toEqual({ to: ERASED, text: ERASED, amount: 100 });
  expect(sms.rows.find((r) => r.account_id === 'RT-3')!.payload['to']).toBe('139RT-3');
  const row = await db.pool.query<{ payload: Record<string, unknown> }>("SELECT payload FROM batch_rows WHERE batch_id = 'RTB'");
  expect(row.rows[0]!.payload).toEqual({ accountId: 'RT-1', customerName: ERASED, phone: ERASED, amount: 5 });
  const audit = await db.pool.query<{ account_id: string; route: string }>(
    "SELECT account_id, route FROM audit_events WHERE route = 'npm run retention' ORDER BY account_id",
  );
  expect(audit.rows).toEqual([
    { account_id: 'RT-1', route: 'npm run retention' },
    { account_id: 'RT-2', route: 'npm run retention' },
  ]);
  expect((await verifyAuditChain(db.pool)).ok).toBe(true);

  // applied again: nothing more to do; a shorter period (configurable) reaches RT-3
  expect((await applyRetention(db.pool, { retentionDays: 365, dryRun: false, now })).erased).toBe(0);
  const dryCli = await cli(['apply', '--dry-run', '--json'], { RETENTION_DAYS_AFTER_END: '30' });
  expect(dryCli.code).toBe(0);
  expect((JSON.parse(dryCli.stdout) as { accounts: { accountId: string }[] }).accounts.map((a) => a.accountId)).toEqual(['RT-3']);
  expect((await person('RT-3')).customer_name).toBe('客户RT-3');
  const applyCli = await cli(['apply'], { RETENTION_DAYS_AFTER_END: '30' });
  expect(applyCli).toMatchObject({ code: 0, stdout: expect.stringContaining('erased the personal data of 1 accounts') });
  expect(await person('RT-3')).toEqual({ customer_name: ERASED, phone: ERASED });
  expect((await cli(['erase'], {})).code).toBe(2);
}, 120_000);
