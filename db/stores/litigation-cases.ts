// SQL for litigation cases: the `litigation_cases` row of each case (legal's case list), and the
// tasks the case gives legal. The workflow holds the case; this row follows it by version.
import type { Pool, PoolClient } from 'pg';

/** The row the case workflow keeps current. */
export interface LitigationCaseRow {
  caseId: string;
  caseNumber: string;
  accountId: string;
  episodeId: string;
  workflowId: string;
  state: string;
  court: string | null;
  procedure: string | null;
  courtCaseNumber: string | null;
  currency: string;
  principal: number;
  nextDeadline: string | null;
  nextDeadlineKind: string | null;
  outcome: string | null;
  terminal: boolean;
  openedAt: string;
  openedBy: string;
  /** Grows with every change the workflow makes; the row keeps the highest. */
  version: number;
}

export interface LegalTaskRecord {
  taskId: string;
  kind: 'hearing_preparation';
  accountId: string;
  episodeId: string;
  /** The case's deadline the task serves. */
  stepId: string;
  detail: Record<string, unknown>;
}

export interface CaseListFilter {
  state?: string;
  court?: string;
  procedure?: string;
  /** Only cases whose next deadline falls before this instant (ISO). */
  deadlineBefore?: string;
  /** Cursor: the last case id of the previous page. */
  after?: string;
  limit: number;
}

export const CASE_PAGE_MAX = 200;

interface DbRow {
  case_id: string;
  case_number: string;
  account_id: string;
  episode_id: string;
  workflow_id: string;
  state: string;
  court: string | null;
  procedure: string | null;
  court_case_number: string | null;
  currency: string;
  principal_minor: string;
  next_deadline: Date | null;
  next_deadline_kind: string | null;
  outcome: string | null;
  terminal: boolean;
  opened_at: Date;
  opened_by: string;
  version: number;
}

function toRow(r: DbRow): LitigationCaseRow {
  return {
    caseId: r.case_id,
    caseNumber: r.case_number,
    accountId: r.account_id,
    episodeId: r.episode_id,
    workflowId: r.workflow_id,
    state: r.state,
    court: r.court,
    procedure: r.procedure,
    courtCaseNumber: r.court_case_number,
    currency: r.currency,
    principal: Number(r.principal_minor),
    nextDeadline: r.next_deadline?.toISOString() ?? null,
    nextDeadlineKind: r.next_deadline_kind,
    outcome: r.outcome,
    terminal: r.terminal,
    openedAt: r.opened_at.toISOString(),
    openedBy: r.opened_by,
    version: r.version,
  };
}

const COLUMNS = `case_id, case_number, account_id, episode_id, workflow_id, state, court, procedure, court_case_number, currency,
  principal_minor, next_deadline, next_deadline_kind, outcome, terminal, opened_at, opened_by, version`;

const placeholders = COLUMNS.split(',')
  .map((_, i) => `$${i + 1}`)
  .join(', ');

function values(r: LitigationCaseRow): unknown[] {
  return [
    r.caseId,
    r.caseNumber,
    r.accountId,
    r.episodeId,
    r.workflowId,
    r.state,
    r.court,
    r.procedure,
    r.courtCaseNumber,
    r.currency,
    r.principal,
    r.nextDeadline,
    r.nextDeadlineKind,
    r.outcome,
    r.terminal,
    r.openedAt,
    r.openedBy,
    r.version,
  ];
}

/** A second open case for the same account (the partial unique index). */
export class OpenCaseExists extends Error {}

export function litigationCases(pool: Pool) {
  return {
    /**
     * The row of a case being opened (version 0), in the opening's transaction: the one-open-case
     * index refuses a second open case of an account. Returns false when the case id exists.
     */
    async insertOpening(tx: PoolClient, r: LitigationCaseRow): Promise<boolean> {
      try {
        const res = await tx.query(`INSERT INTO litigation_cases (${COLUMNS}) VALUES (${placeholders}) ON CONFLICT (case_id) DO NOTHING`, values(r));
        return res.rowCount === 1;
      } catch (err) {
        if ((err as { code?: string; constraint?: string }).constraint === 'litigation_cases_one_open_idx') throw new OpenCaseExists(r.accountId);
        throw err;
      }
    },

    /** Writes the workflow's view of the case unless a later version is already there. */
    async upsert(r: LitigationCaseRow): Promise<void> {
      const set = COLUMNS.split(',')
        .map((c) => c.trim())
        .filter((c) => c !== 'case_id')
        .map((c) => `${c} = EXCLUDED.${c}`)
        .join(', ');
      await pool.query(
        `INSERT INTO litigation_cases (${COLUMNS}) VALUES (${placeholders})
         ON CONFLICT (case_id) DO UPDATE SET ${set}, updated_at = now() WHERE litigation_cases.version < EXCLUDED.version`,
        values(r),
      );
    },

    async get(caseId: string): Promise<LitigationCaseRow | undefined> {
      const { rows } = await pool.query<DbRow>(`SELECT ${COLUMNS} FROM litigation_cases WHERE case_id = $1`, [caseId]);
      return rows[0] && toRow(rows[0]);
    },

    async openCaseOf(accountId: string): Promise<LitigationCaseRow | undefined> {
      const { rows } = await pool.query<DbRow>(`SELECT ${COLUMNS} FROM litigation_cases WHERE account_id = $1 AND NOT terminal`, [accountId]);
      return rows[0] && toRow(rows[0]);
    },

    /** A page of cases by case id; `next` is the cursor of the following page, absent on the last. */
    async list(f: CaseListFilter): Promise<{ cases: LitigationCaseRow[]; next?: string }> {
      const limit = Math.min(Math.max(Math.trunc(f.limit) || 1, 1), CASE_PAGE_MAX);
      const { rows } = await pool.query<DbRow>(
        `SELECT ${COLUMNS} FROM litigation_cases
          WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR court = $2) AND ($3::text IS NULL OR procedure = $3)
            AND ($4::timestamptz IS NULL OR next_deadline < $4) AND ($5::text IS NULL OR case_id > $5)
          ORDER BY case_id LIMIT $6`,
        [f.state ?? null, f.court ?? null, f.procedure ?? null, f.deadlineBefore ?? null, f.after ?? null, limit + 1],
      );
      const cases = rows.slice(0, limit).map(toRow);
      const last = cases[cases.length - 1];
      return rows.length > limit && last ? { cases, next: last.caseId } : { cases };
    },

    async createTask(t: LegalTaskRecord): Promise<void> {
      await pool.query(
        `INSERT INTO work_tasks (task_id, kind, account_id, episode_id, step_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (task_id) DO NOTHING`,
        [t.taskId, t.kind, t.accountId, t.episodeId, t.stepId, JSON.stringify(t.detail)],
      );
    },
  };
}

export type LitigationCaseStore = ReturnType<typeof litigationCases>;
