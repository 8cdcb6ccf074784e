// SQL for an account's whole story: everything PostgreSQL holds about one account, table by
// table, in one read-only snapshot (REPEATABLE READ). The timeline (api/services/timeline.ts)
// merges it with the workflow's history; the evidence pack of a litigation case reads the same
// rows. Times leave as UTC ISO strings, money as integer minor units with its currency.
import type { Pool } from 'pg';

export interface StoryAccount {
  accountId: string;
  customerName: string;
  phone: string;
  segment: string;
  lists: string[];
  timezone: string;
  createdAt: string;
}
export interface StoryBill {
  billId: string;
  amount: number;
  currency: string;
  dueDate: string;
  receivedAt: string;
  deliveredAt: string | null;
}
export interface StoryAttempt {
  key: string;
  episodeId: string;
  stepId: string;
  action: string;
  actor: string;
  scheduledFor: string;
  performedAt: string;
  outcome: string;
  reason: string | null;
}
/** What a provider (simulator) was asked to do; `payload` holds a notice's text. */
export interface StoryProviderRequest {
  key: string;
  provider: string;
  operation: string;
  payload: Record<string, unknown>;
  requestedAt: string;
}
export interface StoryPayment {
  paymentId: string;
  amount: number;
  currency: string;
  paidAt: string;
  channel: string;
  receivedAt: string;
  appliedAt: string | null;
  result: Record<string, unknown> | null;
}
export interface StoryPromise {
  promiseId: string;
  episodeId: string;
  promisedDate: string;
  amount: number;
  currency: string;
  source: string;
  status: string;
  madeAt: string;
  resolvedAt: string | null;
}
export interface StoryDispute {
  disputeId: string;
  episodeId: string;
  kind: string;
  billId: string | null;
  amount: number;
  currency: string;
  reason: string;
  status: string;
  openedAt: string;
  resolvedAt: string | null;
}
export interface StoryPlan {
  planId: string;
  episodeId: string;
  installments: { dueDate: string; amount: number }[];
  currency: string;
  source: string;
  status: string;
  agreedAt: string;
  endedAt: string | null;
}
export interface StoryTask {
  taskId: string;
  kind: string;
  episodeId: string;
  stepId: string;
  status: string;
  createdAt: string;
  dueAt: string | null;
  claimedBy: string | null;
  outcome: Record<string, unknown> | null;
  completedBy: string | null;
  completedAt: string | null;
}
export interface StoryAlert {
  key: string;
  kind: string;
  episodeId: string;
  message: string;
  raisedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}
export interface StoryAudit {
  id: string;
  keyId: string | null;
  method: string;
  route: string;
  status: number;
  outcome: string;
  at: string;
}
export interface StoryCase {
  caseId: string;
  caseNumber: string;
  episodeId: string;
  workflowId: string;
  state: string;
  court: string | null;
  procedure: string | null;
  courtCaseNumber: string | null;
  currency: string;
  principal: number;
  outcome: string | null;
  terminal: boolean;
  openedAt: string;
  openedBy: string;
  updatedAt: string;
}
export interface StoryRestoration {
  key: string;
  episodeId: string;
  paymentSeenAt: string;
  restoredAt: string;
  latencyMs: number;
}
export interface StoryWriteOff {
  writeOffId: string;
  episodeId: string;
  amount: number;
  currency: string;
  reason: string;
  approvedBy: string;
  at: string;
}
export interface StoryPolicyMigration {
  migrationId: string;
  episodeId: string;
  from: string;
  to: string;
  reason: string;
  actor: string;
  at: string;
}

/** Every row PostgreSQL holds about one account, oldest first within each table. */
export interface AccountStory {
  account: StoryAccount | null;
  bills: StoryBill[];
  attempts: StoryAttempt[];
  providerRequests: StoryProviderRequest[];
  payments: StoryPayment[];
  promises: StoryPromise[];
  disputes: StoryDispute[];
  plans: StoryPlan[];
  tasks: StoryTask[];
  alerts: StoryAlert[];
  audit: StoryAudit[];
  cases: StoryCase[];
  restorations: StoryRestoration[];
  writeOffs: StoryWriteOff[];
  policyMigrations: StoryPolicyMigration[];
}

/** A timestamptz column as `toISOString()` writes it (UTC, milliseconds). */
const ts = (col: string, as: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${as}"`;

/** The upper bound on rows per table a story reads (an account's story is hundreds of rows, not millions). */
export const STORY_ROWS_MAX = 5_000;

const CASE_COLUMNS = `case_id AS "caseId", case_number AS "caseNumber", episode_id AS "episodeId", workflow_id AS "workflowId", state,
  court, procedure, court_case_number AS "courtCaseNumber", currency, principal_minor AS principal, outcome, terminal,
  ${ts('opened_at', 'openedAt')}, opened_by AS "openedBy", ${ts('updated_at', 'updatedAt')}`;

/** Each table's rows, in the shape of its story type; `$1` is the account id. */
const QUERIES = {
  account: `SELECT account_id AS "accountId", customer_name AS "customerName", phone, segment, lists, timezone, ${ts('created_at', 'createdAt')}
    FROM accounts WHERE account_id = $1`,
  bills: `SELECT bill_id AS "billId", amount_minor AS amount, currency, due_date::text AS "dueDate", ${ts('received_at', 'receivedAt')},
    ${ts('delivered_at', 'deliveredAt')} FROM bills WHERE account_id = $1 ORDER BY received_at, bill_id`,
  attempts: `SELECT idempotency_key AS key, episode_id AS "episodeId", step_id AS "stepId", action, actor, ${ts('scheduled_for', 'scheduledFor')},
    ${ts('performed_at', 'performedAt')}, outcome, reason FROM collection_attempts WHERE account_id = $1 ORDER BY performed_at, idempotency_key`,
  providerRequests: `SELECT idempotency_key AS key, provider, operation, payload, ${ts('requested_at', 'requestedAt')}
    FROM provider_requests WHERE account_id = $1 ORDER BY requested_at, idempotency_key`,
  payments: `SELECT payment_id AS "paymentId", amount_minor AS amount, currency, ${ts('paid_at', 'paidAt')}, channel, ${ts('received_at', 'receivedAt')},
    ${ts('applied_at', 'appliedAt')}, result FROM payments WHERE account_id = $1 ORDER BY received_at, payment_id`,
  promises: `SELECT promise_id AS "promiseId", episode_id AS "episodeId", promised_date::text AS "promisedDate", amount_minor AS amount, currency, source,
    status, ${ts('made_at', 'madeAt')}, ${ts('resolved_at', 'resolvedAt')} FROM promises WHERE account_id = $1 ORDER BY made_at, promise_id`,
  disputes: `SELECT dispute_id AS "disputeId", episode_id AS "episodeId", kind, bill_id AS "billId", amount_minor AS amount, currency, reason, status,
    ${ts('opened_at', 'openedAt')}, ${ts('resolved_at', 'resolvedAt')} FROM disputes WHERE account_id = $1 ORDER BY opened_at, dispute_id`,
  plans: `SELECT plan_id AS "planId", episode_id AS "episodeId", installments, currency, source, status, ${ts('agreed_at', 'agreedAt')},
    ${ts('ended_at', 'endedAt')} FROM installment_plans WHERE account_id = $1 ORDER BY agreed_at, plan_id`,
  tasks: `SELECT task_id AS "taskId", kind, episode_id AS "episodeId", step_id AS "stepId", status, ${ts('created_at', 'createdAt')},
    ${ts('due_at', 'dueAt')}, claimed_by AS "claimedBy", outcome, completed_by AS "completedBy", ${ts('completed_at', 'completedAt')}
    FROM work_tasks WHERE account_id = $1 ORDER BY created_at, task_id`,
  alerts: `SELECT alert_key AS key, kind, episode_id AS "episodeId", message, ${ts('raised_at', 'raisedAt')}, ${ts('acknowledged_at', 'acknowledgedAt')},
    acknowledged_by AS "acknowledgedBy" FROM alerts WHERE account_id = $1 ORDER BY raised_at, alert_key`,
  audit: `SELECT id::text AS id, key_id AS "keyId", method, route, status, outcome, ${ts('at', 'at')}
    FROM audit_events WHERE account_id = $1 ORDER BY id`,
  cases: `SELECT ${CASE_COLUMNS} FROM litigation_cases WHERE account_id = $1 ORDER BY opened_at, case_id`,
  restorations: `SELECT idempotency_key AS key, episode_id AS "episodeId", ${ts('payment_seen_at', 'paymentSeenAt')}, ${ts('restored_at', 'restoredAt')},
    latency_ms AS "latencyMs" FROM restorations WHERE account_id = $1 ORDER BY restored_at, idempotency_key`,
  writeOffs: `SELECT write_off_id AS "writeOffId", episode_id AS "episodeId", amount_minor AS amount, currency, reason, approved_by AS "approvedBy",
    ${ts('written_off_at', 'at')} FROM write_offs WHERE account_id = $1 ORDER BY written_off_at, write_off_id`,
  policyMigrations: `SELECT migration_id AS "migrationId", episode_id AS "episodeId", from_policy || '@' || from_version AS "from",
    to_policy || '@' || to_version AS "to", reason, actor, ${ts('migrated_at', 'at')}
    FROM policy_migrations WHERE account_id = $1 ORDER BY migrated_at, migration_id`,
} as const;

export function accountStoryStore(pool: Pool) {
  return {
    /** The case's row by id (the evidence pack starts from it); undefined when unknown. */
    async caseById(caseId: string): Promise<(StoryCase & { accountId: string }) | undefined> {
      const { rows } = await pool.query<StoryCase & { accountId: string }>(
        `SELECT ${CASE_COLUMNS}, account_id AS "accountId" FROM litigation_cases WHERE case_id = $1`,
        [caseId],
      );
      return rows[0];
    },

    /** Every table's rows about the account, read in one snapshot (REPEATABLE READ, read only). */
    async gather(accountId: string): Promise<AccountStory> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const q = async <T extends object>(sql: string): Promise<T[]> => (await client.query<T>(`${sql} LIMIT ${STORY_ROWS_MAX}`, [accountId])).rows;
        const story: AccountStory = {
          account: (await q<StoryAccount>(QUERIES.account))[0] ?? null,
          bills: await q<StoryBill>(QUERIES.bills),
          attempts: await q<StoryAttempt>(QUERIES.attempts),
          providerRequests: await q<StoryProviderRequest>(QUERIES.providerRequests),
          payments: await q<StoryPayment>(QUERIES.payments),
          promises: await q<StoryPromise>(QUERIES.promises),
          disputes: await q<StoryDispute>(QUERIES.disputes),
          plans: await q<StoryPlan>(QUERIES.plans),
          tasks: await q<StoryTask>(QUERIES.tasks),
          alerts: await q<StoryAlert>(QUERIES.alerts),
          audit: await q<StoryAudit>(QUERIES.audit),
          cases: await q<StoryCase>(QUERIES.cases),
          restorations: await q<StoryRestoration>(QUERIES.restorations),
          writeOffs: await q<StoryWriteOff>(QUERIES.writeOffs),
          policyMigrations: await q<StoryPolicyMigration>(QUERIES.policyMigrations),
        };
        await client.query('COMMIT');
        return story;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
  };
}

export type AccountStoryStore = ReturnType<typeof accountStoryStore>;
