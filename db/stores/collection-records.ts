// SQL for what the ladder leaves behind: attempt records (催缴记录), work tasks for staff,
// restorations, alerts and the registers (promises, disputes, installment plans, policy migrations,
// write-offs), each with its row type here. Every insert is keyed by the idempotency key, so a
// retried activity writes once.
import type { Pool } from 'pg';
import { withTransaction } from '../pool';
import { appendLedgerEntry } from './ledger-entries';

export interface AttemptRecord {
  key: string;
  accountId: string;
  episodeId: string;
  stepId: string;
  action: string;
  actor: string;
  scheduledFor: string;
  outcome: 'done' | 'failed' | 'skipped';
  reason?: string;
  detail?: Record<string, unknown>;
}

export interface WorkTask {
  taskId: string;
  kind: 'manual_call' | 'field_visit' | 'manual_review' | 'bill_review' | 'dispute_review' | 'restoration';
  accountId: string;
  episodeId: string;
  stepId: string;
  detail: Record<string, unknown>;
  /** When it should be done (the policy's time for its queue); absent: no limit, due when made. */
  dueAt?: string;
  /** When the workflow decided it (ISO, workflow time): "due when made" without a limit; absent: the clock at insert (older inputs). */
  madeAt?: string;
}

export interface RestorationRecord {
  key: string;
  accountId: string;
  episodeId: string;
  paymentSeenAt: string;
  restoredAt: string;
  latencyMs: number;
  /** The line restored (issue 13); absent: the account's single line, as before lines. */
  lineId?: string;
}

export interface AlertRecord {
  key: string;
  kind: string;
  accountId: string;
  episodeId: string;
  message: string;
  detail?: Record<string, unknown>;
}

/** What the dispute activity records (table `disputes`). */
export interface DisputeRecord {
  key: string;
  accountId: string;
  episodeId: string;
  disputeId: string;
  kind: 'dispute' | 'abnormal_bill';
  billId?: string;
  amount: number;
  currency: string;
  reason: string;
  status: 'open' | 'upheld' | 'rejected';
  /** The review task's time limit (the policy's `taskDueHours`). */
  taskDueInHours?: number;
  /** Workflow time the dispute was opened (ISO): the review task's limit counts from it; absent (older histories): the clock when recorded. */
  openedAt?: string;
}

/** What the write-off activity records (table `write_offs`). */
export interface WriteOffRecord {
  accountId: string;
  episodeId: string;
  writeOffId: string;
  amount: number;
  currency: string;
  reason: string;
  approvedBy: string;
  at: string;
}

/** What the installment-plan activity records (table `installment_plans`). */
export interface InstallmentPlanRecord {
  accountId: string;
  episodeId: string;
  planId: string;
  installments: { dueDate: string; amount: number }[];
  currency: string;
  source: string;
  status: 'active' | 'completed' | 'broken';
}

/** What the migration activity records (table `policy_migrations`, the audit of policy changes). */
export interface PolicyMigrationRecord {
  migrationId: string;
  from: { id: string; version: number };
  to: { id: string; version: number };
  accountId: string;
  episodeId: string;
  reason: string;
  actor: string;
  at: string;
}

/** What the promise activities record (table `promises`). */
export interface PromiseRecord {
  key: string;
  accountId: string;
  episodeId: string;
  promiseId: string;
  date: string;
  amount: number;
  currency: string;
  source: string;
  status: 'open' | 'kept' | 'broken';
}

export function collectionRecords(pool: Pool) {
  return {
    async findAttempt(key: string): Promise<{ outcome: 'done' | 'failed' | 'skipped'; reason: string | null; detail: Record<string, unknown> } | undefined> {
      const { rows } = await pool.query<{ outcome: 'done' | 'failed' | 'skipped'; reason: string | null; detail: Record<string, unknown> }>(
        'SELECT outcome, reason, detail FROM collection_attempts WHERE idempotency_key = $1',
        [key],
      );
      return rows[0];
    },

    async recordAttempt(a: AttemptRecord): Promise<void> {
      await pool.query(
        `INSERT INTO collection_attempts
           (idempotency_key, account_id, episode_id, step_id, action, actor, scheduled_for, outcome, reason, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (idempotency_key) DO NOTHING`,
        [a.key, a.accountId, a.episodeId, a.stepId, a.action, a.actor, a.scheduledFor, a.outcome, a.reason ?? null, JSON.stringify(a.detail ?? {})],
      );
    },

    async createTask(t: WorkTask): Promise<void> {
      await pool.query(
        `INSERT INTO work_tasks (task_id, kind, account_id, episode_id, step_id, detail, due_at, overdue_alert_at)
         VALUES ($1, $2, $3, $4, $5, $6, coalesce($7::timestamptz, $8::timestamptz, now()), $7::timestamptz) ON CONFLICT (task_id) DO NOTHING`,
        [t.taskId, t.kind, t.accountId, t.episodeId, t.stepId, JSON.stringify(t.detail), t.dueAt ?? null, t.madeAt ?? null],
      );
    },

    async recordRestoration(r: RestorationRecord): Promise<void> {
      await pool.query(
        `INSERT INTO restorations (idempotency_key, account_id, episode_id, payment_seen_at, restored_at, latency_ms, line_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING`,
        [r.key, r.accountId, r.episodeId, r.paymentSeenAt, r.restoredAt, r.latencyMs, r.lineId ?? null],
      );
    },

    /** Upserts a promise to pay; the status only moves forward from `open`. */
    async recordPromise(p: PromiseRecord): Promise<void> {
      await pool.query(
        `INSERT INTO promises (promise_id, account_id, episode_id, promised_date, amount_minor, currency, source, status, resolved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $8 <> 'open' THEN now() END)
         ON CONFLICT (promise_id) DO UPDATE SET status = EXCLUDED.status, resolved_at = now()
           WHERE promises.status = 'open' AND EXCLUDED.status <> 'open'`,
        [p.promiseId, p.accountId, p.episodeId, p.date, p.amount, p.currency, p.source, p.status],
      );
    },

    /** Upserts a dispute; the status only moves forward from `open`. */
    async recordDispute(d: DisputeRecord): Promise<void> {
      // Upheld: the disputed amount came off as an adjustment credit (the ledger's entry, once).
      if (d.status === 'upheld' && d.amount > 0) {
        await withTransaction(pool, (tx) =>
          appendLedgerEntry(tx, {
            key: `adjustment:${d.accountId}:${d.episodeId}:dispute:${d.disputeId}`,
            accountId: d.accountId,
            episodeId: d.episodeId,
            kind: 'adjustment_credit',
            amount: -d.amount,
            currency: d.currency,
            ref: `dispute:${d.disputeId}`,
            ...(d.billId ? { billId: d.billId } : {}),
          }),
        );
      }
      await pool.query(
        `INSERT INTO disputes (dispute_id, account_id, episode_id, kind, bill_id, amount_minor, currency, reason, status, resolved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $9 <> 'open' THEN now() END)
         ON CONFLICT (account_id, dispute_id) DO UPDATE SET status = EXCLUDED.status, resolved_at = now()
           WHERE disputes.status = 'open' AND EXCLUDED.status <> 'open'`,
        [d.disputeId, d.accountId, d.episodeId, d.kind, d.billId ?? null, d.amount, d.currency, d.reason, d.status],
      );
    },

    /** Upserts an installment plan; the status only moves forward from `active`. */
    async recordInstallmentPlan(p: InstallmentPlanRecord): Promise<void> {
      await pool.query(
        `INSERT INTO installment_plans (plan_id, account_id, episode_id, installments, currency, source, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (plan_id) DO UPDATE SET status = EXCLUDED.status, ended_at = now()
           WHERE installment_plans.status = 'active' AND EXCLUDED.status <> 'active'`,
        [p.planId, p.accountId, p.episodeId, JSON.stringify(p.installments), p.currency, p.source, p.status],
      );
    },

    async recordPolicyMigration(m: PolicyMigrationRecord): Promise<void> {
      await pool.query(
        `INSERT INTO policy_migrations (migration_id, account_id, episode_id, from_policy, from_version, to_policy, to_version, reason, actor, migrated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (account_id, migration_id) DO NOTHING`,
        [m.migrationId, m.accountId, m.episodeId, m.from.id, m.from.version, m.to.id, m.to.version, m.reason, m.actor, m.at],
      );
    },

    async recordWriteOff(w: WriteOffRecord): Promise<void> {
      await withTransaction(pool, (tx) =>
        appendLedgerEntry(tx, {
          key: `write-off:${w.accountId}:${w.writeOffId}`,
          accountId: w.accountId,
          episodeId: w.episodeId,
          kind: 'write_off',
          amount: -w.amount,
          currency: w.currency,
          at: w.at,
          ref: w.writeOffId,
        }),
      );
      await pool.query(
        `INSERT INTO write_offs (write_off_id, account_id, episode_id, amount_minor, currency, reason, approved_by, written_off_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (write_off_id) DO NOTHING`,
        [w.writeOffId, w.accountId, w.episodeId, w.amount, w.currency, w.reason, w.approvedBy, w.at],
      );
    },

    /** Broken promises of an account in the last `months` months (repeat breakers are black-listed). */
    async brokenPromises(accountId: string, months = 12): Promise<number> {
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*) AS n FROM promises WHERE account_id = $1 AND status = 'broken' AND resolved_at > now() - make_interval(months => $2)`,
        [accountId, months],
      );
      return Number(rows[0]!.n);
    },

    async raiseAlert(a: AlertRecord): Promise<void> {
      await pool.query(
        `INSERT INTO alerts (alert_key, kind, account_id, episode_id, message, detail)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (alert_key) DO NOTHING`,
        [a.key, a.kind, a.accountId, a.episodeId, a.message, JSON.stringify(a.detail ?? {})],
      );
    },
  };
}

export type CollectionRecords = ReturnType<typeof collectionRecords>;
