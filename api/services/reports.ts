// The reports the console and other tools share (issue 15, ADR 21): defaults for their periods and
// the shapes of their answers. The figures themselves are computed in PostgreSQL (db/stores/reports.ts).
// The policy report renders each policy's ladder as readable rows (rung, timing, window, threshold).
import { KNOWN_POLICIES } from '../../config/policy-schema';
import type { ActionName, CollectionPolicy, LadderStep, StepTiming, TimeWindow } from '../../domain/policy/types';
import {
  RECOVERY_POINTS,
  RESTORATION_RULE_HOURS,
  type AgingRow,
  type CurrencyTotal,
  type ReportsStore,
  type RestorationFigures,
  type WorkloadFigures,
} from '../../db/stores/reports';

/** Policies state amounts in minor units without a currency: the system bills in yuan. */
export const POLICY_CURRENCY = 'CNY';
const DAY_MS = 86_400_000;

export interface AgingReport {
  asOf: string;
  buckets: AgingRow[];
  totals: CurrencyTotal[];
}

export interface RecoveryReport {
  points: number[];
  cohorts: { month: string; currency: string; accounts: number; billed: number; curve: { days: number; recovered: number; share: number }[] }[];
}

export interface RestorationsReport extends RestorationFigures {
  ruleHours: 24;
  /** The period read (payment time, [from, to)). */
  from: string;
  to: string;
}

export type WorkloadReport = WorkloadFigures;

export interface PolicyRung {
  /** The ladder the rung belongs to (a policy has several: per segment, black list). */
  ladderName: string;
  step: string;
  action: string;
  timing: string;
  afterDays: number | null;
  window: string | null;
  threshold: { amount: number; currency: string } | null;
  notes: string | null;
}

export interface PolicyReportEntry {
  name: string;
  version: number;
  active: boolean;
  /** False for a version an episode runs that this process does not know (its ladder is unknown, `ladder` empty). */
  known: boolean;
  description: string | null;
  ladder: PolicyRung[];
  episodes: { open: number; ended: number };
}

export interface PoliciesReport {
  active: { name: string; version: number };
  policies: PolicyReportEntry[];
  /** Episodes whose policy was never recorded (their bills came before the pin was kept). */
  unpinned: { open: number; ended: number };
}

const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const utcMonth = (ms: number) => new Date(ms).toISOString().slice(0, 7);
/** 'YYYY-MM' shifted by `months`. */
export function addMonths(month: string, months: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + months, 1));
  return d.toISOString().slice(0, 7);
}

const ordinal = (n: number) => {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
};
const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/** A rung's timing in words, e.g. "7 days after due", "on the 15th, at least 3 days after due", "2 days after call-1". */
export function describeTiming(t: StepTiming): string {
  switch (t.kind) {
    case 'days_after_due':
      return `${days(t.days)} after due`;
    case 'day_of_month':
      return `on the ${ordinal(t.day)} of the month, at least ${days(t.minDaysAfterDue)} after due`;
    case 'days_after_step':
      return `${days(t.days)} after ${t.step}`;
  }
}

/** Days after due the timing names directly; null when it follows an earlier rung (it depends on when that was taken). */
function afterDaysOf(t: StepTiming): number | null {
  return t.kind === 'days_after_due' ? t.days : t.kind === 'day_of_month' ? t.minDaysAfterDue : null;
}

const windowText = (w: TimeWindow) => `${w.start}–${w.end} customer time`;

/** The action's contact window: its own, else the policy's; none for actions taken at any hour. */
function windowOf(policy: CollectionPolicy, action: ActionName): string | null {
  if (policy.unwindowedActions.includes(action)) return null;
  return windowText(policy.windows[action] ?? policy.contactWindow);
}

const money = (minor: number) => `${(minor / 100).toFixed(2)} ${POLICY_CURRENCY}`;

function notesOf(policy: CollectionPolicy, s: LadderStep): string | null {
  const notes: string[] = [];
  if (s.atIfHighBalance) notes.push(`balance at least ${money(policy.highBalanceThreshold)}: ${describeTiming(s.atIfHighBalance)}`);
  if (s.soonerAfterUnansweredCalls) {
    const { calls, days: d } = s.soonerAfterUnansweredCalls;
    notes.push(`sooner after ${calls} unanswered calls: ${days(d)} after the last`);
  }
  if (s.minBalance !== undefined) notes.push(`skipped below ${money(s.minBalance)}`);
  if (policy.redListManualActions.includes(s.action)) notes.push('red list: a manual review instead');
  return notes.length ? notes.join('; ') : null;
}

/** Every rung of every ladder of the policy, ladder by ladder, in the policy's order. */
export function ladderRows(policy: CollectionPolicy): PolicyRung[] {
  return Object.entries(policy.ladders).flatMap(([ladderName, ladder]) =>
    ladder.map((s) => ({
      ladderName,
      step: s.id,
      action: s.action,
      timing: describeTiming(s.at),
      afterDays: afterDaysOf(s.at),
      window: windowOf(policy, s.action),
      threshold: s.minBalance !== undefined ? { amount: s.minBalance, currency: POLICY_CURRENCY } : null,
      notes: notesOf(policy, s),
    })),
  );
}

export function reportsService(deps: { store: ReportsStore; policy: () => CollectionPolicy; now?: () => number }) {
  const now = deps.now ?? Date.now;
  return {
    async aging(q: { asOf?: string | undefined }): Promise<AgingReport> {
      const asOf = q.asOf ?? utcDate(now());
      return { asOf, ...(await deps.store.aging(asOf)) };
    },

    /** Default: the last 12 enrolment months (this one included); one bound given: 12 months from or to it. */
    async recovery(q: { from?: string | undefined; to?: string | undefined }): Promise<RecoveryReport> {
      const to = q.to ?? (q.from ? earlierMonth(addMonths(q.from, 11), utcMonth(now())) : utcMonth(now()));
      const from = q.from ?? addMonths(to, -11);
      const rows = await deps.store.recovery(from, to, RECOVERY_POINTS);
      const cohorts: RecoveryReport['cohorts'] = [];
      for (const r of rows) {
        let c = cohorts[cohorts.length - 1];
        if (!c || c.month !== r.month || c.currency !== r.currency) {
          c = { month: r.month, currency: r.currency, accounts: r.accounts, billed: r.billed, curve: [] };
          cohorts.push(c);
        }
        c.curve.push({ days: r.days, recovered: r.recovered, share: r.share });
      }
      return { points: [...RECOVERY_POINTS], cohorts };
    },

    /** Default: the last 30 days of payments; one bound given: 30 days from or to it. */
    async restorations(q: { from?: string | undefined; to?: string | undefined }): Promise<RestorationsReport> {
      const toMs = q.to ? Date.parse(q.to) : q.from ? Math.min(Date.parse(q.from) + 30 * DAY_MS, now()) : now();
      const fromMs = q.from ? Date.parse(q.from) : toMs - 30 * DAY_MS;
      const from = new Date(fromMs).toISOString();
      const to = new Date(toMs).toISOString();
      return { ruleHours: RESTORATION_RULE_HOURS, from, to, ...(await deps.store.restorations(from, to)) };
    },

    workload: (): Promise<WorkloadReport> => deps.store.workload(),

    async policies(): Promise<PoliciesReport> {
      const active = deps.policy();
      const known = new Map<string, CollectionPolicy>();
      for (const p of [...Object.values(KNOWN_POLICIES), active]) known.set(`${p.id}@${p.version}`, p);
      const counts = await deps.store.episodesByPolicy();
      const unpinned = { open: 0, ended: 0 };
      const byKey = new Map<string, { name: string; version: number; open: number; ended: number }>();
      for (const c of counts) {
        if (c.policyId === null || c.policyVersion === null) {
          unpinned.open += c.open;
          unpinned.ended += c.ended;
        } else byKey.set(`${c.policyId}@${c.policyVersion}`, { name: c.policyId, version: c.policyVersion, open: c.open, ended: c.ended });
      }
      const keys = [...new Set([...known.keys(), ...byKey.keys()])];
      const policies = keys.map((key): PolicyReportEntry => {
        const p = known.get(key);
        const c = byKey.get(key);
        const [name, version] = p ? [p.id, p.version] : [c!.name, c!.version];
        return {
          name,
          version,
          active: name === active.id && version === active.version,
          known: p !== undefined,
          description: p?.description ?? null,
          ladder: p ? ladderRows(p) : [],
          episodes: { open: c?.open ?? 0, ended: c?.ended ?? 0 },
        };
      });
      policies.sort((a, b) => (a.name === b.name ? b.version - a.version : a.name < b.name ? -1 : 1));
      return { active: { name: active.id, version: active.version }, policies, unpinned };
    },
  };
}

const earlierMonth = (a: string, b: string) => (a < b ? a : b);
