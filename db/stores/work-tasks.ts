// SQL of the work queues: the tasks the ladder leaves for staff (work_tasks, written by the
// activities through collection-records.ts), listed oldest due first, claimed by one key at a time,
// released, and completed once with an outcome (a re-send finds the stored outcome and answer).
import type { Pool, PoolClient } from 'pg';

export const TASK_QUEUES = ['manual_call', 'field_visit', 'manual_review', 'dispute_review', 'bill_review', 'restoration', 'find_contact'] as const;
export type TaskQueue = (typeof TASK_QUEUES)[number];
export const TASK_STATUSES = ['open', 'claimed', 'done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_PAGE_MAX = 200;
/** What an `after` cursor looks like (a task's sequence number); validate it at the API edge. */
export const TASK_CURSOR_PATTERN = /^[1-9]\d{0,17}$/;

export interface TaskRow {
  taskId: string;
  queue: TaskQueue;
  accountId: string;
  episodeId: string;
  stepId: string;
  status: TaskStatus;
  detail: Record<string, unknown>;
  createdAt: string;
  dueAt: string;
  claimedBy: string | null;
  claimedAt: string | null;
  outcome: Record<string, unknown> | null;
  completedBy: string | null;
  completedAt: string | null;
}

/** A task with what only the store needs: its cursor, the fingerprint and the answer of its completion. */
export interface StoredTask extends TaskRow {
  seq: number;
  outcomeHash: string | null;
  answer: unknown;
}

interface Raw {
  task_id: string;
  kind: TaskQueue;
  account_id: string;
  episode_id: string;
  step_id: string;
  status: TaskStatus;
  detail: Record<string, unknown>;
  created_at: Date;
  due_at: Date;
  claimed_by: string | null;
  claimed_at: Date | null;
  outcome: Record<string, unknown> | null;
  outcome_hash: string | null;
  answer: unknown;
  completed_by: string | null;
  completed_at: Date | null;
  seq: number;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toStored(r: Raw): StoredTask {
  return {
    taskId: r.task_id,
    queue: r.kind,
    accountId: r.account_id,
    episodeId: r.episode_id,
    stepId: r.step_id,
    status: r.status,
    detail: r.detail,
    createdAt: r.created_at.toISOString(),
    dueAt: r.due_at.toISOString(),
    claimedBy: r.claimed_by,
    claimedAt: iso(r.claimed_at),
    outcome: r.outcome,
    completedBy: r.completed_by,
    completedAt: iso(r.completed_at),
    seq: r.seq,
    outcomeHash: r.outcome_hash,
    answer: r.answer,
  };
}

/** The public view of a task (what the API answers). */
export function taskView(t: StoredTask): TaskRow {
  const { seq: _seq, outcomeHash: _hash, answer: _answer, ...view } = t;
  return view;
}

export interface TaskFilter {
  queue?: TaskQueue;
  status?: TaskStatus;
  /** Only tasks claimed (or completed) by this actor. */
  assignee?: string;
  limit: number;
  /** The `next` cursor of the previous page. */
  after?: string;
}

export function workTasks(pool: Pool) {
  return {
    /** A page of tasks, oldest due first (ties by creation order); `next` is absent on the last page. */
    async list(f: TaskFilter): Promise<{ tasks: StoredTask[]; next?: string }> {
      if (f.after !== undefined && !TASK_CURSOR_PATTERN.test(f.after)) throw new RangeError(`task cursor ${JSON.stringify(f.after)} is not a sequence number`);
      const limit = Math.min(Math.max(Math.trunc(f.limit) || 1, 1), TASK_PAGE_MAX);
      const where: string[] = [];
      const args: unknown[] = [];
      const arg = (v: unknown) => `$${args.push(v)}`;
      // Only the operations queues: other kinds share the table (a litigation case's hearing
      // preparation) and are worked from their own resource.
      where.push(f.queue ? `kind = ${arg(f.queue)}` : `kind = ANY(${arg(TASK_QUEUES)})`);
      if (f.status) where.push(`status = ${arg(f.status)}`);
      if (f.assignee) where.push(`coalesce(claimed_by, completed_by) = ${arg(f.assignee)}`);
      if (f.after) where.push(`(due_at, seq) > (SELECT due_at, seq FROM work_tasks WHERE seq = ${arg(f.after)})`);
      const { rows } = await pool.query<Raw>(
        `SELECT * FROM work_tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY due_at, seq LIMIT ${arg(limit + 1)}`,
        args,
      );
      const tasks = rows.slice(0, limit).map(toStored);
      return rows.length > limit ? { tasks, next: String(tasks[tasks.length - 1]!.seq) } : { tasks };
    },

    async get(db: Pool | PoolClient, taskId: string, forUpdate = false): Promise<StoredTask | undefined> {
      const { rows } = await db.query<Raw>(`SELECT * FROM work_tasks WHERE task_id = $1 AND kind = ANY($2) ${forUpdate ? 'FOR UPDATE' : ''}`, [
        taskId,
        TASK_QUEUES,
      ]);
      return rows[0] ? toStored(rows[0]) : undefined;
    },

    async claim(tx: PoolClient, taskId: string, actor: string): Promise<StoredTask> {
      const { rows } = await tx.query<Raw>(
        `UPDATE work_tasks SET status = 'claimed', claimed_by = $2, claimed_at = now() WHERE task_id = $1 AND status = 'open' RETURNING *`,
        [taskId, actor],
      );
      return toStored(rows[0]!);
    },

    async release(tx: PoolClient, taskId: string): Promise<StoredTask> {
      const { rows } = await tx.query<Raw>(
        `UPDATE work_tasks SET status = 'open', claimed_by = NULL, claimed_at = NULL WHERE task_id = $1 AND status = 'claimed' RETURNING *`,
        [taskId],
      );
      return toStored(rows[0]!);
    },

    async complete(tx: PoolClient, taskId: string, c: { actor: string; outcome: object; outcomeHash: string }): Promise<StoredTask> {
      const { rows } = await tx.query<Raw>(
        `UPDATE work_tasks SET status = 'done', claimed_by = NULL, claimed_at = NULL,
                outcome = $2, outcome_hash = $3, completed_by = $4, completed_at = now()
          WHERE task_id = $1 AND status <> 'done' RETURNING *`,
        [taskId, JSON.stringify(c.outcome), c.outcomeHash, c.actor],
      );
      return toStored(rows[0]!);
    },

    /** A task made by another task's outcome (a wrong number: find a new contact), in the same transaction. */
    async openFollowUp(
      tx: PoolClient,
      t: { taskId: string; queue: TaskQueue; accountId: string; episodeId: string; stepId: string; detail: object },
    ): Promise<void> {
      await tx.query(
        `INSERT INTO work_tasks (task_id, kind, account_id, episode_id, step_id, detail) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (task_id) DO NOTHING`,
        [t.taskId, t.queue, t.accountId, t.episodeId, t.stepId, JSON.stringify(t.detail)],
      );
    },

    /**
     * Raises one `task_overdue` alert for each task past its queue's time and not done (at most
     * `limit` per call; rows another process is alerting are skipped), and marks it alerted.
     * `asOf`: the clock to judge by (tests on simulated time); the database's by default.
     */
    async alertOverdue(limit = 100, asOf?: Date): Promise<{ taskId: string; queue: TaskQueue; accountId: string }[]> {
      const { rows } = await pool.query<{ task_id: string; kind: TaskQueue; account_id: string }>(
        `WITH due AS (
           SELECT task_id, kind, account_id, episode_id, overdue_alert_at FROM work_tasks
            WHERE status <> 'done' AND overdue_alerted_at IS NULL AND overdue_alert_at <= coalesce($2::timestamptz, now())
            ORDER BY overdue_alert_at LIMIT $1 FOR UPDATE SKIP LOCKED
         ), raised AS (
           INSERT INTO alerts (alert_key, kind, account_id, episode_id, message, detail)
           SELECT task_id || '/overdue', 'task_overdue', account_id, episode_id,
                  kind || ' task not done by ' || to_char(overdue_alert_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"'),
                  jsonb_build_object('taskId', task_id, 'queue', kind, 'dueAt', overdue_alert_at)
             FROM due ON CONFLICT (alert_key) DO NOTHING
         )
         UPDATE work_tasks w SET overdue_alerted_at = now() FROM due WHERE w.task_id = due.task_id
         RETURNING w.task_id, w.kind, w.account_id`,
        [limit, asOf ?? null],
      );
      return rows.map((r) => ({ taskId: r.task_id, queue: r.kind, accountId: r.account_id }));
    },

    /** What the completion answered, for its re-sends. */
    async saveAnswer(tx: PoolClient, taskId: string, answer: unknown): Promise<void> {
      await tx.query('UPDATE work_tasks SET answer = $2 WHERE task_id = $1', [taskId, JSON.stringify(answer)]);
    },
  };
}

export type WorkTasks = ReturnType<typeof workTasks>;
