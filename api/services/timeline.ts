// An account's whole story (issue 11): one ordered list merging what PostgreSQL holds about the
// account (db/stores/account-story.ts) with the event history Temporal keeps of every run of its
// workflows: each episode of the account, each continue-as-new run of an episode, and the workflow
// of each litigation case. Temporal entries are summarised (event type, signal or update name,
// activity type, timer) and never carry payloads, so no personal data comes from the history.
//
// Order: by `at`, then a stable tiebreak (the entry's id; a run's events in event-id order). The
// cursor is the sort key of a page's last entry; the next page starts strictly after it, so
// paging returns every entry once however the pages are cut. When Temporal cannot be read, the
// answer holds the database entries and says `temporal.complete: false` (docs/adr/0010).
import type { PayloadCodec } from '@temporalio/common';
import type { AccountStory, AccountStoryStore } from '../../db/stores/account-story';
import type { CollectionClient, RunHistory, WorkflowRun } from '../collection-client';
import { collectionWorkflowId } from '../../workflows/messages';

export type Refs = Record<string, string | number | boolean | null>;

export interface TimelineEntry {
  /** Unique and stable: `db:<what>:<id>…` or `temporal:<workflowId>:<runId>:<eventId>`. */
  id: string;
  /** UTC ISO instant. */
  at: string;
  source: 'database' | 'temporal';
  kind: string;
  summary: string;
  episodeId?: string;
  /** Ids the entry is about (payment id, task id, step id, …). */
  refs: Refs;
  /** What a notice said (its text or script) and other record details, database entries only. */
  detail?: Record<string, unknown>;
  workflowId?: string;
  runId?: string;
  eventId?: number;
  /** The run's history in the Temporal UI. */
  link?: string;
}

export interface TimelineSourceStatus {
  /** false when Temporal could not be read: the page holds database entries only. */
  complete: boolean;
  /** How many workflow runs were read. */
  runs: number;
  missing?: string;
}

export interface TimelinePage {
  accountId: string;
  entries: TimelineEntry[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
  temporal: TimelineSourceStatus;
}

export interface TimelineDeps {
  store: AccountStoryStore;
  collection: CollectionClient;
  temporalUiUrl?: string;
  namespace?: string;
  /** Logs ids only. */
  warn?: (obj: Record<string, unknown>, msg: string) => void;
  /** The payload codec (ADR 20): a case step's name is read from its encrypted update input. */
  payloadCodec?: PayloadCodec;
}

/**
 * The order: time, then database before Temporal, then the entry's id; a Temporal entry's id is
 * preceded by its run's start time, so at one instant an older run's events (its continue-as-new)
 * come before the next run's (its start), and a run's events go in event-id order.
 */
const sortKey = (e: TimelineEntry, runStart?: string) => (e.source === 'database' ? `${e.at}|0|${e.id}` : `${e.at}|1|${runStart ?? ''}|${e.id}`);
interface Keyed {
  e: TimelineEntry;
  key: string;
}
export const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');
export const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

/** Runs the history of which is read at most (an account's episodes and their continue-as-new runs). */
const RUNS_MAX = 200;

export function timelineService(deps: TimelineDeps) {
  const link = (workflowId: string, runId: string) =>
    `${(deps.temporalUiUrl ?? 'http://127.0.0.1:8233').replace(/\/$/, '')}/namespaces/${encodeURIComponent(deps.namespace ?? 'default')}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;

  /** Every Temporal entry of the account's workflows; `complete: false` when Temporal could not be read. */
  async function temporalEntries(accountId: string, story: AccountStory): Promise<{ entries: Keyed[]; status: TimelineSourceStatus }> {
    const workflowIds = [collectionWorkflowId(accountId), ...story.cases.map((c) => c.workflowId)];
    const entries: Keyed[] = [];
    let runs = 0;
    try {
      for (const workflowId of workflowIds) {
        const list: WorkflowRun[] = await deps.collection.runsOf(workflowId, RUNS_MAX);
        for (const run of list) {
          const history = await decodeStepInputs(await deps.collection.runHistory(workflowId, run.runId), deps.payloadCodec);
          for (const e of summariseHistory(workflowId, run.runId, history, link(workflowId, run.runId))) entries.push({ e, key: sortKey(e, run.startTime) });
          runs++;
        }
      }
      return { entries, status: { complete: true, runs } };
    } catch (err) {
      deps.warn?.({ accountId, err: err instanceof Error ? err.name : 'error' }, 'timeline: Temporal history not read');
      return { entries: [], status: { complete: false, runs, missing: 'the workflow service could not be read: Temporal entries are missing' } };
    }
  }

  return {
    /** The account's page of entries after `after`; undefined when PostgreSQL knows no such account. */
    async page(accountId: string, opts: { limit: number; after?: string }): Promise<TimelinePage | undefined> {
      const story = await deps.store.gather(accountId);
      if (!story.account && story.bills.length === 0 && story.payments.length === 0) return undefined;
      const temporal = await temporalEntries(accountId, story);
      const all = [...databaseEntries(story).map((e) => ({ e, key: sortKey(e) })), ...temporal.entries];
      all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const after = opts.after === undefined ? undefined : decodeCursor(opts.after);
      const rest = after === undefined ? all : all.filter((x) => x.key > after);
      const page = rest.slice(0, opts.limit);
      const more = rest.length > page.length;
      return {
        accountId,
        entries: page.map((x) => x.e),
        ...(more ? { next: encodeCursor(page[page.length - 1]!.key) } : {}),
        temporal: temporal.status,
      };
    },
  };
}

const money = (amount: number, currency: string) => `${amount} ${currency}`;

/** The database's rows as timeline entries (a row with a later change gives an entry for each). */
export function databaseEntries(s: AccountStory): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const db = (e: Omit<TimelineEntry, 'source'>) => out.push({ ...e, source: 'database' });
  for (const b of s.bills) {
    db({
      id: `db:bill:${b.billId}`,
      at: b.receivedAt,
      kind: 'bill',
      summary: `bill ${b.billId}: ${money(b.amount, b.currency)} due ${b.dueDate}`,
      refs: { billId: b.billId },
    });
  }
  const attemptOf = new Map(s.attempts.map((a) => [a.key, a]));
  for (const a of s.attempts) {
    db({
      id: `db:attempt:${a.key}`,
      at: a.performedAt,
      kind: 'attempt',
      summary: `${a.action} (${a.stepId}): ${a.outcome}${a.reason ? ` (${a.reason})` : ''}`,
      episodeId: a.episodeId,
      refs: { key: a.key, stepId: a.stepId, action: a.action, actor: a.actor, outcome: a.outcome },
    });
  }
  for (const r of s.providerRequests) {
    const notice = r.provider === 'sms' || r.provider === 'voice' || r.provider === 'letters';
    const attempt = attemptOf.get(r.key);
    db({
      id: `db:provider:${r.key}`,
      at: r.requestedAt,
      kind: notice ? 'notice' : 'provider_request',
      summary: `${r.provider} ${r.operation}${attempt ? ` for ${attempt.stepId}` : ''}`,
      ...(attempt ? { episodeId: attempt.episodeId } : {}),
      refs: { key: r.key, provider: r.provider, operation: r.operation },
      detail: r.payload,
    });
  }
  for (const p of s.payments) {
    db({
      id: `db:payment:${p.paymentId}`,
      at: p.receivedAt,
      kind: 'payment',
      summary: `payment ${p.paymentId}: ${money(p.amount, p.currency)} by ${p.channel}${p.appliedAt ? ', applied' : ', not applied yet'}`,
      refs: { paymentId: p.paymentId, paidAt: p.paidAt, appliedAt: p.appliedAt },
    });
  }
  for (const p of s.promises) {
    const refs = { promiseId: p.promiseId, promisedDate: p.promisedDate };
    db({
      id: `db:promise:${p.promiseId}:made`,
      at: p.madeAt,
      kind: 'promise',
      summary: `promise ${p.promiseId}: ${money(p.amount, p.currency)} by ${p.promisedDate} (${p.source})`,
      episodeId: p.episodeId,
      refs,
    });
    if (p.resolvedAt)
      db({
        id: `db:promise:${p.promiseId}:resolved`,
        at: p.resolvedAt,
        kind: 'promise_resolved',
        summary: `promise ${p.promiseId} ${p.status}`,
        episodeId: p.episodeId,
        refs,
      });
  }
  for (const d of s.disputes) {
    const refs = { disputeId: d.disputeId, billId: d.billId };
    db({
      id: `db:dispute:${d.disputeId}:opened`,
      at: d.openedAt,
      kind: d.kind === 'abnormal_bill' ? 'bill_review' : 'dispute',
      summary: `${d.kind} ${d.disputeId} opened: ${money(d.amount, d.currency)}`,
      episodeId: d.episodeId,
      refs,
      detail: { reason: d.reason },
    });
    if (d.resolvedAt)
      db({
        id: `db:dispute:${d.disputeId}:resolved`,
        at: d.resolvedAt,
        kind: 'dispute_resolved',
        summary: `${d.kind} ${d.disputeId} ${d.status}`,
        episodeId: d.episodeId,
        refs,
      });
  }
  for (const p of s.plans) {
    const total = p.installments.reduce((n, i) => n + i.amount, 0);
    db({
      id: `db:plan:${p.planId}:agreed`,
      at: p.agreedAt,
      kind: 'installment_plan',
      summary: `plan ${p.planId}: ${p.installments.length} installments, ${money(total, p.currency)}`,
      episodeId: p.episodeId,
      refs: { planId: p.planId },
      detail: { installments: p.installments },
    });
    if (p.endedAt)
      db({
        id: `db:plan:${p.planId}:ended`,
        at: p.endedAt,
        kind: 'installment_plan_ended',
        summary: `plan ${p.planId} ${p.status}`,
        episodeId: p.episodeId,
        refs: { planId: p.planId },
      });
  }
  for (const t of s.tasks) {
    const refs = { taskId: t.taskId, queue: t.kind, stepId: t.stepId };
    db({
      id: `db:task:${t.taskId}:created`,
      at: t.createdAt,
      kind: 'task',
      summary: `${t.kind} task ${t.taskId} created (${t.status} now)`,
      episodeId: t.episodeId,
      refs,
    });
    if (t.completedAt) {
      const outcome = typeof t.outcome?.['outcome'] === 'string' ? t.outcome['outcome'] : 'done';
      db({
        id: `db:task:${t.taskId}:completed`,
        at: t.completedAt,
        kind: 'task_completed',
        summary: `${t.kind} task ${t.taskId} completed: ${outcome}`,
        episodeId: t.episodeId,
        refs: { ...refs, completedBy: t.completedBy },
        ...(t.outcome ? { detail: t.outcome } : {}),
      });
    }
  }
  for (const a of s.alerts) {
    db({
      id: `db:alert:${a.key}:raised`,
      at: a.raisedAt,
      kind: 'alert',
      summary: `${a.kind}: ${a.message}`,
      episodeId: a.episodeId,
      refs: { alertKey: a.key },
    });
    if (a.acknowledgedAt)
      db({
        id: `db:alert:${a.key}:acknowledged`,
        at: a.acknowledgedAt,
        kind: 'alert_acknowledged',
        summary: `alert ${a.kind} acknowledged`,
        episodeId: a.episodeId,
        refs: { alertKey: a.key, by: a.acknowledgedBy },
      });
  }
  for (const a of s.audit) {
    db({
      id: `db:audit:${a.id.padStart(12, '0')}`,
      at: a.at,
      kind: 'audit',
      summary: `${a.method} ${a.route} → ${a.status} ${a.outcome}`,
      refs: { auditId: a.id, keyId: a.keyId },
    });
  }
  for (const c of s.cases) {
    const refs = { caseId: c.caseId, caseNumber: c.caseNumber };
    db({
      id: `db:case:${c.caseId}:opened`,
      at: c.openedAt,
      kind: 'litigation_case',
      summary: `litigation case ${c.caseNumber} opened by ${c.openedBy}`,
      episodeId: c.episodeId,
      refs,
    });
    db({
      id: `db:case:${c.caseId}:state`,
      at: c.updatedAt,
      kind: 'litigation_case_state',
      summary: `case ${c.caseNumber}: ${c.state}${c.outcome ? ` (${c.outcome})` : ''}`,
      episodeId: c.episodeId,
      refs: { ...refs, state: c.state, court: c.court, procedure: c.procedure },
    });
  }
  for (const r of s.restorations) {
    db({
      id: `db:restoration:${r.key}`,
      at: r.restoredAt,
      kind: 'restoration',
      summary: `line restored ${Math.round(r.latencyMs / 1000)} s after the payment was seen`,
      episodeId: r.episodeId,
      refs: { key: r.key },
    });
  }
  for (const w of s.writeOffs) {
    db({
      id: `db:write-off:${w.writeOffId}`,
      at: w.at,
      kind: 'write_off',
      summary: `written off ${money(w.amount, w.currency)}`,
      episodeId: w.episodeId,
      refs: { writeOffId: w.writeOffId, approvedBy: w.approvedBy },
    });
  }
  for (const m of s.policyMigrations) {
    db({
      id: `db:policy-migration:${m.migrationId}`,
      at: m.at,
      kind: 'policy_migration',
      summary: `policy ${m.from} → ${m.to}`,
      episodeId: m.episodeId,
      refs: { migrationId: m.migrationId, actor: m.actor },
    });
  }
  return out;
}

type HistoryEvent = NonNullable<RunHistory['events']>[number];
/** Workflow-task bookkeeping: the mechanics of replay, not the episode's story (docs/adr/0010). */
const MECHANICS = new Set(['workflowTaskScheduled', 'workflowTaskStarted', 'workflowTaskCompleted']);

function eventType(ev: HistoryEvent): string {
  // the one `…EventAttributes` field set names the event's type (no enum table needed)
  for (const [k, v] of Object.entries(ev)) if (k.endsWith('EventAttributes') && v) return k.slice(0, -'EventAttributes'.length);
  return 'unknown';
}

function tsToIso(ts: HistoryEvent['eventTime']): string {
  const seconds = Number(ts?.seconds ?? 0);
  const nanos = Number(ts?.nanos ?? 0);
  return new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
}

/** The `step` name of a litigation case's `applyStep` update (a step name, never personal data). */
function stepNameOf(data: Uint8Array | null | undefined): string | undefined {
  if (!data) return undefined;
  try {
    const arg = JSON.parse(Buffer.from(data).toString('utf8')) as { step?: unknown };
    return typeof arg.step === 'string' && /^[a-z_]{1,40}$/.test(arg.step) ? arg.step : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decrypts (ADR 20) the one payload the summary reads: the input of a case's `applyStep` update,
 * for its step name. Other payloads stay as they are; a payload that cannot be decrypted is left
 * encrypted (the entry then has no step name).
 */
export async function decodeStepInputs(history: RunHistory, codec: PayloadCodec | undefined): Promise<RunHistory> {
  if (!codec) return history;
  for (const ev of history.events ?? []) {
    const input = ev.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
    const first = input?.name === 'applyStep' ? input.args?.payloads?.[0] : undefined;
    if (!first || !input?.args?.payloads) continue;
    try {
      const [plain] = await codec.decode([first]);
      if (plain) input.args.payloads[0] = plain;
    } catch {
      // left encrypted
    }
  }
  return history;
}

/** One run's history as timeline entries: type and names only, never payloads. */
export function summariseHistory(workflowId: string, runId: string, history: RunHistory, runLink: string): TimelineEntry[] {
  const activities = new Map<string, string>();
  const out: TimelineEntry[] = [];
  for (const ev of history.events ?? []) {
    const type = eventType(ev);
    const eventId = Number(ev.eventId ?? 0);
    if (type === 'activityTaskScheduled') activities.set(String(eventId), ev.activityTaskScheduledEventAttributes?.activityType?.name ?? '?');
    if (MECHANICS.has(type)) continue;
    const refs: Refs = {};
    let what = '';
    switch (type) {
      case 'workflowExecutionStarted': {
        const a = ev.workflowExecutionStartedEventAttributes!;
        what = a.workflowType?.name ?? '';
        if (a.continuedExecutionRunId) refs['continuedFromRunId'] = a.continuedExecutionRunId;
        if (a.firstExecutionRunId) refs['firstRunId'] = a.firstExecutionRunId;
        break;
      }
      case 'workflowExecutionContinuedAsNew':
        refs['newRunId'] = ev.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? null;
        what = `in run ${String(refs['newRunId'])}`;
        break;
      case 'workflowExecutionSignaled':
        what = ev.workflowExecutionSignaledEventAttributes?.signalName ?? '';
        refs['signal'] = what;
        break;
      case 'workflowExecutionUpdateAccepted': {
        const input = ev.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
        what = input?.name ?? '';
        refs['update'] = what;
        const step = what === 'applyStep' ? stepNameOf(input?.args?.payloads?.[0]?.data) : undefined;
        if (step) {
          refs['step'] = step;
          what = `${what} ${step}`;
        }
        break;
      }
      case 'workflowExecutionUpdateCompleted':
        what = ev.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId ?? '';
        break;
      case 'activityTaskScheduled':
        what = activities.get(String(eventId)) ?? '';
        refs['activity'] = what;
        break;
      case 'activityTaskStarted':
      case 'activityTaskCompleted':
      case 'activityTaskFailed':
      case 'activityTaskTimedOut': {
        const attrs = (ev[`${type}EventAttributes` as keyof HistoryEvent] ?? {}) as { scheduledEventId?: unknown };
        what = activities.get(String(Number(attrs.scheduledEventId ?? 0))) ?? '';
        refs['activity'] = what;
        break;
      }
      case 'timerStarted': {
        const a = ev.timerStartedEventAttributes!;
        refs['timerId'] = a.timerId ?? null;
        what = `${a.timerId ?? ''} for ${Number(a.startToFireTimeout?.seconds ?? 0)} s`;
        break;
      }
      case 'timerFired':
        refs['timerId'] = ev.timerFiredEventAttributes?.timerId ?? null;
        what = String(refs['timerId']);
        break;
      default:
        break;
    }
    out.push({
      id: `temporal:${workflowId}:${runId}:${String(eventId).padStart(9, '0')}`,
      at: tsToIso(ev.eventTime),
      source: 'temporal',
      kind: type,
      summary: what ? `${type}: ${what}` : type,
      refs,
      workflowId,
      runId,
      eventId,
      link: runLink,
    });
  }
  return out;
}
