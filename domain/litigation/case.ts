// A litigation case (诉讼案件) and its rules, pure: state, step and `now` in, the new case (or a
// refusal) and the effects to carry out (alerts, tasks for legal) out. The court's deadlines are
// computed here: they are what loses a case when missed.
//
// Deadlines are counted in court days of China Standard Time (UTC+08:00, no daylight saving): a
// period of N days from an event starts the next day and ends at the end of its Nth day
// (民事诉讼法 art. 85). Extension over public holidays is not modelled yet.
import { allowedSteps, LAPSES, stepTarget, TERMINAL_STATES, type CaseState } from './table';
import type { CaseMoney } from '../episode/practice/litigation-link';
import { OUTCOMES, PROCEDURES, type CaseOutcome, type CaseStep, type InstallmentLine, type Procedure, type StepName } from './steps';

const DAY = 86_400_000;
/** Code-unit order: the same in every process (no locale), as workflow code must be. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const COURT_OFFSET = 8 * 3_600_000;

/** Days the debtor has to object to a served payment order (民事诉讼法 art. 227). */
export const OBJECTION_DAYS = 15;
/** Days to appeal a served judgment (art. 171); small claims have no appeal (art. 165). */
export const APPEAL_DAYS = 15;
/** Years to apply for enforcement once a decision is effective (art. 250). */
export const ENFORCEMENT_YEARS = 2;
/** Alerts before the enforcement deadline, in days. */
export const ENFORCEMENT_ALERT_DAYS = [90, 30] as const;
/** The hearing task goes to legal this many days before the hearing. */
export const HEARING_TASK_DAYS_BEFORE = 3;
/** With no result recorded this many days after the hearing, an alert. */
export const HEARING_RESULT_DAYS_AFTER = 2;

/** The end of the `days`-th court day after the day of `instant` (epoch ms). */
export function courtDeadline(instant: number, days: number): number {
  const localDay = Math.floor((instant + COURT_OFFSET) / DAY);
  return (localDay + days + 1) * DAY - COURT_OFFSET;
}

/** The end of the court day `years` years after the day of `instant`. */
export function courtDeadlineYears(instant: number, years: number): number {
  const local = new Date(instant + COURT_OFFSET);
  return Date.UTC(local.getUTCFullYear() + years, local.getUTCMonth(), local.getUTCDate() + 1) - COURT_OFFSET;
}

export type DeadlineKind = 'demand_reply' | 'objection_window' | 'appeal_window' | 'enforcement_application' | 'hearing_result';

export interface Deadline {
  /** Unique in the case: the kind and the step that created it. */
  key: string;
  kind: DeadlineKind;
  /** ISO instant. */
  due: string;
  /** `met`: the step it waited for came; `lapsed`: it passed; `void`: no longer relevant. */
  status: 'open' | 'met' | 'lapsed' | 'void';
}

export type HistoryEntry =
  | { kind: 'step'; stepId: string; step: StepName; at: string; from: CaseState; to: CaseState; fields: Record<string, unknown> }
  | { kind: 'deadline'; key: string; deadline: DeadlineKind; at: string; from: CaseState; to: CaseState };

export interface LitigationCase {
  caseId: string;
  /** The number legal quotes (案件编号); the court's own number comes with `case_accepted`. */
  caseNumber: string;
  accountId: string;
  episodeId: string;
  currency: string;
  /** The debt at opening (principal, minor units). */
  principal: number;
  openedAt: string;
  openedBy: string;
  state: CaseState;
  court?: string;
  procedure?: Procedure;
  courtCaseNumber?: string;
  claimAmount?: number;
  courtFee?: number;
  hearing?: { at: string; courtRoom: string };
  judgment?: { amount: number; costs: number; servedAt: string; effectiveAt?: string };
  /** A mediation agreement or a settlement: paid like an installment plan (a later slice). */
  agreement?: { kind: 'mediation' | 'settlement'; amount: number; installments: InstallmentLine[] };
  /** What enforcement collected (it also arrives as a payment: a later slice). */
  collected: number;
  declineReason?: string;
  terminationReason?: string;
  outcome?: CaseOutcome;
  /** The money as the episode last told it (ADR 12); absent until it did. */
  money?: CaseMoney;
  deadlines: Deadline[];
  /** Keys of the deadline events already fired (alerts, tasks, lapses): each fires once. */
  fired: string[];
  history: HistoryEntry[];
}

export interface OpenCaseRequest {
  caseId: string;
  caseNumber?: string;
  accountId: string;
  episodeId: string;
  currency: string;
  principal: number;
  openedBy: string;
}

export function openCase(req: OpenCaseRequest, now: number): LitigationCase {
  return {
    caseId: req.caseId,
    caseNumber: req.caseNumber ?? `LC-${req.caseId}`,
    accountId: req.accountId,
    episodeId: req.episodeId,
    currency: req.currency,
    principal: req.principal,
    openedAt: new Date(now).toISOString(),
    openedBy: req.openedBy,
    state: 'referred',
    collected: 0,
    deadlines: [],
    fired: [],
    history: [],
  };
}

export function isTerminal(state: CaseState): boolean {
  return TERMINAL_STATES.includes(state);
}

// --- effects

export type CaseEffect =
  | { type: 'alert'; key: string; kind: string; message: string; detail: Record<string, unknown> }
  | { type: 'task'; key: string; kind: 'hearing_preparation'; detail: Record<string, unknown> };

/** A point in time at which the case must act by itself. */
interface Wakeup {
  at: number;
  key: string;
  deadline: Deadline;
  what: 'lapse' | 'alert_before' | 'hearing_task' | 'hearing_alert';
  daysBefore?: number;
}

function wakeupsOf(c: LitigationCase): Wakeup[] {
  const out: Wakeup[] = [];
  for (const d of c.deadlines) {
    if (d.status !== 'open') continue;
    const due = Date.parse(d.due);
    if (d.kind === 'hearing_result') {
      out.push({ at: due - HEARING_TASK_DAYS_BEFORE * DAY, key: `${d.key}:task`, deadline: d, what: 'hearing_task' });
      out.push({ at: due + HEARING_RESULT_DAYS_AFTER * DAY, key: `${d.key}:no-result`, deadline: d, what: 'hearing_alert' });
      continue;
    }
    if (d.kind === 'enforcement_application') {
      for (const days of ENFORCEMENT_ALERT_DAYS)
        out.push({ at: due - days * DAY, key: `${d.key}:alert-${days}d`, deadline: d, what: 'alert_before', daysBefore: days });
    }
    out.push({ at: due, key: `${d.key}:lapse`, deadline: d, what: 'lapse' });
  }
  return out.filter((w) => !c.fired.includes(w.key)).sort((a, b) => a.at - b.at || byText(a.key, b.key));
}

/** When the case must next act by itself (epoch ms), or null. */
export function nextWakeup(c: LitigationCase): number | null {
  if (isTerminal(c.state)) return null;
  return wakeupsOf(c)[0]?.at ?? null;
}

/** The earliest open deadline: what the case list sorts and filters by. */
export function nextDeadline(c: Pick<LitigationCase, 'deadlines'>): Deadline | null {
  const open = c.deadlines.filter((d) => d.status === 'open').sort((a, b) => byText(a.due, b.due));
  return open[0] ?? null;
}

function addDeadline(c: LitigationCase, key: string, kind: DeadlineKind, due: number): void {
  if (c.deadlines.some((d) => d.key === key)) return;
  c.deadlines.push({ key, kind, due: new Date(due).toISOString(), status: 'open' });
}

function resolveDeadlines(c: LitigationCase, kinds: DeadlineKind[], status: 'met' | 'void'): void {
  for (const d of c.deadlines) if (d.status === 'open' && kinds.includes(d.kind)) d.status = status;
}

function becameEffective(c: LitigationCase, at: number, source: string): void {
  addDeadline(c, `enforcement:${source}`, 'enforcement_application', courtDeadlineYears(at, ENFORCEMENT_YEARS));
}

const alertDetail = (c: LitigationCase, d: Deadline) => ({ caseId: c.caseId, caseNumber: c.caseNumber, deadline: d.kind, due: d.due, state: c.state });

/**
 * Fires every deadline event due at `now` that has not fired, oldest first: a lapse moves the case
 * (payment order or judgment effective) or marks the deadline lapsed; alerts and tasks become
 * effects. Returns a new case; the input is not changed.
 */
export function advance(input: LitigationCase, now: number): { case: LitigationCase; effects: CaseEffect[] } {
  const c = JSON.parse(JSON.stringify(input)) as LitigationCase; // plain data; the workflow sandbox has no structuredClone
  const effects: CaseEffect[] = [];
  if (isTerminal(c.state)) return { case: c, effects };
  for (;;) {
    const w = wakeupsOf(c)[0];
    if (!w || w.at > now) break;
    c.fired.push(w.key);
    const d = c.deadlines.find((x) => x.key === w.deadline.key)!;
    const alertKey = `litigation:${c.caseId}:${w.key}`;
    if (w.what === 'hearing_task') {
      effects.push({ type: 'task', key: alertKey, kind: 'hearing_preparation', detail: { caseId: c.caseId, caseNumber: c.caseNumber, hearing: c.hearing } });
      continue;
    }
    if (w.what === 'alert_before') {
      effects.push({
        type: 'alert',
        key: alertKey,
        kind: 'litigation_enforcement_deadline',
        message: `case ${c.caseNumber}: apply for enforcement within ${w.daysBefore} days (deadline ${d.due})`,
        detail: { ...alertDetail(c, d), daysBefore: w.daysBefore },
      });
      continue;
    }
    if (w.what === 'hearing_alert') {
      d.status = 'lapsed';
      effects.push({
        type: 'alert',
        key: alertKey,
        kind: 'litigation_hearing_no_result',
        message: `case ${c.caseNumber}: no result recorded ${HEARING_RESULT_DAYS_AFTER} days after the hearing of ${d.due}`,
        detail: alertDetail(c, d),
      });
      continue;
    }
    // a lapse
    d.status = 'lapsed';
    const from = c.state;
    const lapseTo = LAPSES[from];
    const moves = (d.kind === 'objection_window' && from === 'payment_order_served') || (d.kind === 'appeal_window' && from === 'judgment_pending');
    if (moves && lapseTo) {
      c.state = lapseTo;
      if (d.kind === 'appeal_window' && c.judgment) c.judgment.effectiveAt = d.due;
      becameEffective(c, Date.parse(d.due), d.key);
      c.history.push({ kind: 'deadline', key: d.key, deadline: d.kind, at: d.due, from, to: c.state });
    } else if (d.kind === 'enforcement_application') {
      effects.push({
        type: 'alert',
        key: alertKey,
        kind: 'litigation_enforcement_deadline_missed',
        message: `case ${c.caseNumber}: the enforcement deadline ${d.due} passed without an application`,
        detail: alertDetail(c, d),
      });
    }
  }
  return { case: c, effects };
}

// --- steps

export type StepResult =
  | { ok: true; case: LitigationCase; effects: CaseEffect[]; duplicate: boolean }
  | { ok: false; code: 'step_not_allowed'; state: CaseState; allowed: StepName[]; message: string }
  | { ok: false; code: 'step_conflict' | 'invalid_step'; message: string };

function fieldsOf(step: CaseStep): Record<string, unknown> {
  const { stepId: _stepId, step: _step, ...fields } = step;
  return fields;
}

/** Canonical JSON (keys sorted) so a repeated step compares equal whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => byText(a, b))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const isInstant = (s: unknown) => typeof s === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s));
const isAmount = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
const isText = (s: unknown) => typeof s === 'string' && s.trim().length > 0;

function installmentsProblem(lines: unknown): string | undefined {
  if (!Array.isArray(lines)) return 'installments must be a list';
  for (const l of lines as { dueDate?: unknown; amount?: unknown }[]) {
    if (typeof l.dueDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(l.dueDate)) return 'installments[].dueDate must be YYYY-MM-DD';
    if (!isAmount(l.amount) || l.amount === 0) return 'installments[].amount must be a positive integer';
  }
  return undefined;
}

/** Why a step's fields cannot be recorded (the API's schemas check shapes; this guards the workflow too). */
export function stepFieldsProblem(step: CaseStep): string | undefined {
  if (!isText(step.stepId)) return 'stepId is required';
  switch (step.step) {
    case 'accept':
    case 'withdrawn':
    case 'mediation_failed':
      return step.note === undefined || typeof step.note === 'string' ? undefined : 'note must be text';
    case 'decline':
      return isText(step.note) ? undefined : 'note (the reason) is required';
    case 'demand_letter_sent':
      if (!isInstant(step.sentAt)) return 'sentAt must be an ISO instant';
      return Number.isSafeInteger(step.deadlineDays) && step.deadlineDays > 0 ? undefined : 'deadlineDays must be a positive integer';
    case 'payment_order_applied':
      if (!isText(step.court)) return 'court is required';
      return isInstant(step.appliedAt) ? undefined : 'appliedAt must be an ISO instant';
    case 'payment_order_served':
      return isInstant(step.servedAt) ? undefined : 'servedAt must be an ISO instant';
    case 'objection_filed':
    case 'appeal_filed':
      return isInstant(step.filedAt) ? undefined : 'filedAt must be an ISO instant';
    case 'mediation_started':
      return isInstant(step.startedAt) ? undefined : 'startedAt must be an ISO instant';
    case 'mediation_agreed':
      return isAmount(step.agreedAmount) ? installmentsProblem(step.installments) : 'agreedAmount must be a non-negative integer';
    case 'suit_filed':
      if (!isText(step.court)) return 'court is required';
      if (!isAmount(step.claimAmount) || !isAmount(step.courtFee)) return 'claimAmount and courtFee must be non-negative integers';
      if (!PROCEDURES.includes(step.procedure)) return `procedure must be one of ${PROCEDURES.join(', ')}`;
      return isInstant(step.filedAt) ? undefined : 'filedAt must be an ISO instant';
    case 'case_accepted':
      return isText(step.courtCaseNumber) ? undefined : 'courtCaseNumber is required';
    case 'hearing_scheduled':
      if (!isText(step.courtRoom)) return 'courtRoom is required';
      return isInstant(step.at) ? undefined : 'at must be an ISO instant';
    case 'judgment':
      if (!isAmount(step.amount) || !isAmount(step.costs)) return 'amount and costs must be non-negative integers';
      return isInstant(step.servedAt) ? undefined : 'servedAt must be an ISO instant';
    case 'appeal_decided':
      if (!isAmount(step.amount)) return 'amount must be a non-negative integer';
      return isInstant(step.decidedAt) ? undefined : 'decidedAt must be an ISO instant';
    case 'enforcement_applied':
      return isInstant(step.at) ? undefined : 'at must be an ISO instant';
    case 'enforcement_collected':
      return isAmount(step.amount) && step.amount > 0 ? undefined : 'amount must be a positive integer';
    case 'enforcement_terminated':
      return isText(step.reason) ? undefined : 'reason is required';
    case 'settled':
      return isAmount(step.amount) ? installmentsProblem(step.installments) : 'amount must be a non-negative integer';
    case 'closed':
      return OUTCOMES.includes(step.outcome) ? undefined : `outcome must be one of ${OUTCOMES.join(', ')}`;
    default:
      return `unknown step ${(step as { step: unknown }).step as string}`;
  }
}

/** The steps legal may record now (deadlines due at `now` taken into account). */
export function allowedStepsAt(c: LitigationCase, now: number): StepName[] {
  return allowedSteps(advance(c, now).case.state);
}

/** The record a step leaves on the case and the deadlines it opens or meets (mutates `c`, a copy). */
function record(c: LitigationCase, step: CaseStep): void {
  switch (step.step) {
    case 'decline':
      c.declineReason = step.note;
      break;
    case 'demand_letter_sent':
      resolveDeadlines(c, ['demand_reply'], 'void');
      addDeadline(c, `demand:${step.stepId}`, 'demand_reply', courtDeadline(Date.parse(step.sentAt), step.deadlineDays));
      break;
    case 'payment_order_applied':
      c.court = step.court;
      resolveDeadlines(c, ['demand_reply'], 'met');
      break;
    case 'payment_order_served':
      addDeadline(c, `objection:${step.stepId}`, 'objection_window', courtDeadline(Date.parse(step.servedAt), OBJECTION_DAYS));
      break;
    case 'objection_filed':
      resolveDeadlines(c, ['objection_window'], 'met');
      break;
    case 'mediation_started':
      resolveDeadlines(c, ['demand_reply'], 'met');
      break;
    case 'mediation_agreed':
      c.agreement = { kind: 'mediation', amount: step.agreedAmount, installments: step.installments };
      break;
    case 'suit_filed':
      c.court = step.court;
      c.procedure = step.procedure;
      c.claimAmount = step.claimAmount;
      c.courtFee = step.courtFee;
      resolveDeadlines(c, ['demand_reply'], 'met');
      break;
    case 'case_accepted':
      c.courtCaseNumber = step.courtCaseNumber;
      break;
    case 'hearing_scheduled':
      resolveDeadlines(c, ['hearing_result'], 'void'); // rescheduled
      c.hearing = { at: step.at, courtRoom: step.courtRoom };
      addDeadline(c, `hearing:${step.stepId}`, 'hearing_result', Date.parse(step.at));
      break;
    case 'judgment': {
      resolveDeadlines(c, ['hearing_result'], 'met');
      const served = Date.parse(step.servedAt);
      if (c.state === 'judgment_effective') {
        c.judgment = { amount: step.amount, costs: step.costs, servedAt: step.servedAt, effectiveAt: step.servedAt };
        becameEffective(c, served, `judgment:${step.stepId}`);
      } else {
        c.judgment = { amount: step.amount, costs: step.costs, servedAt: step.servedAt };
        addDeadline(c, `appeal:${step.stepId}`, 'appeal_window', courtDeadline(served, APPEAL_DAYS));
      }
      break;
    }
    case 'appeal_filed':
      resolveDeadlines(c, ['appeal_window'], 'met');
      break;
    case 'appeal_decided':
      c.judgment = { ...(c.judgment ?? { costs: 0, servedAt: step.decidedAt }), amount: step.amount, effectiveAt: step.decidedAt };
      becameEffective(c, Date.parse(step.decidedAt), `appeal:${step.stepId}`);
      break;
    case 'enforcement_applied':
      resolveDeadlines(c, ['enforcement_application'], 'met');
      delete c.terminationReason;
      break;
    case 'enforcement_collected':
      c.collected += step.amount;
      break;
    case 'enforcement_terminated':
      c.terminationReason = step.reason;
      break;
    case 'settled':
      c.agreement = { kind: 'settlement', amount: step.amount, installments: step.installments };
      break;
    case 'withdrawn':
      c.outcome = 'withdrawn';
      break;
    case 'closed':
      c.outcome = step.outcome;
      break;
    case 'accept':
    case 'mediation_failed':
      break;
  }
  // a hearing with any later result (mediation, settlement, closing) has had its result
  if (step.step !== 'hearing_scheduled') resolveDeadlines(c, ['hearing_result'], 'met');
  if (isTerminal(c.state)) resolveDeadlines(c, ['demand_reply', 'objection_window', 'appeal_window', 'enforcement_application', 'hearing_result'], 'void');
}

/**
 * Records a step: the deadlines due at `now` are applied first (a payment order whose objection
 * window passed is effective, and an objection then no longer fits), then the table decides. A
 * step id already recorded answers as before if the step is the same, and is refused if not.
 */
export function applyStep(input: LitigationCase, step: CaseStep, now: number): StepResult {
  const known = input.history.find((h) => h.kind === 'step' && h.stepId === step.stepId);
  if (known && known.kind === 'step') {
    if (known.step === step.step && canonical(known.fields) === canonical(fieldsOf(step))) return { ok: true, case: input, effects: [], duplicate: true };
    return { ok: false, code: 'step_conflict', message: `step id ${step.stepId} was already used for a different ${known.step} step` };
  }
  const problem = stepFieldsProblem(step);
  if (problem) return { ok: false, code: 'invalid_step', message: `${step.step}: ${problem}` };
  const { case: c, effects } = advance(input, now);
  const from = c.state;
  const to = stepTarget(from, step.step, c.procedure);
  if (!to) {
    const allowed = allowedSteps(from);
    return {
      ok: false,
      code: 'step_not_allowed',
      state: from,
      allowed,
      message: `${step.step} does not fit a case in state ${from}; allowed: ${allowed.join(', ') || 'none (the case has ended)'}`,
    };
  }
  c.state = to;
  record(c, step);
  c.history.push({ kind: 'step', stepId: step.stepId, step: step.step, at: new Date(now).toISOString(), from, to, fields: fieldsOf(step) });
  // the step may have opened deadlines already due (a judgment recorded weeks after service)
  const later = advance(c, now);
  return { ok: true, case: later.case, effects: [...effects, ...later.effects], duplicate: false };
}
