// The query view of an episode: derived from EpisodeState, with every time in UTC and in the
// customer's own zone (stored in UTC, shown local).
import { balanceOf, billed, credited, disputedAmount, paid } from './ledger';
import { hasWrongNumber } from './ladder';
import type { EpisodeState, SteeringKind } from './state';
import { lateFee, type LateFeeView } from './practice/late-fee';
import { recoveredAfterWriteOff } from './practice/write-off';
import { nextMove } from './practice/next-move';
import { brokenPromises } from './practice/promise';
import { limitationOf } from './practice/limitation';
import { pausedNow } from './practice/steering';
import { toLocalIso } from '../policy/calendar';
import type { ActionName, Bill, EpisodeStatus, LadderAction, LimitationInterruption, LineService, ServiceState } from '../policy/types';
import { linesOf } from './lines';

export interface SnapshotStep {
  cycle: number;
  stepId: string;
  action: ActionName;
  at: string;
  atLocal: string;
  outcome: string;
  reason?: string;
}

/** What operations see of an episode: times in UTC (`at`) and in the customer's zone (`atLocal`). */
export interface CollectionSnapshot {
  accountId: string;
  episodeId: string;
  policy: { id: string; version: number };
  status: EpisodeStatus;
  service: ServiceState;
  currency: string;
  balance: number;
  billed: number;
  paid: number;
  /** The last rung taken, or `enrolled`. */
  stage: ActionName | 'enrolled';
  cycle: number;
  timezone: string;
  next: { stepId: string; action: LadderAction | 'promise_reminder' | 'promise_expiry' | 'installment_check'; at: string; atLocal: string } | null;
  steps: SnapshotStep[];
  bills: Bill[];
  payments: { paymentId: string; amount: number; paidAt: string; seenAt: string; channel: string }[];
  restorations: { paymentId: string; paymentSeenAt: string; restoredAt: string; latencyMs: number }[];
  /** Open and resolved disputes and abnormal-bill reviews; `disputed` is what they take out of the pressure. */
  disputes: { disputeId: string; kind: string; amount: number; billId?: string; reason: string; status: string; openedAt: string }[];
  disputed: number;
  credited: number;
  optedOut: boolean;
  /** The manual-call rungs (step ids) the customer answered; the others count as unanswered. */
  answeredCalls: string[];
  /** The number on file was reported wrong: reminders and calls are skipped until billing gives another. */
  wrongNumber: boolean;
  policyMigrations: { migrationId: string; from: string; to: string; reason: string; actor: string; at: string }[];
  agencyOutcome: { outcome: string; note?: string; at: string } | null;
  installmentPlan: { planId: string; status: string; installments: { dueDate: string; amount: number }[]; paidSince: number } | null;
  /** 核销: off the books at `at` for `amount`; `recovered` is what came in since. */
  writeOff: { writeOffId: string; amount: number; at: string; reason: string; approvedBy: string; recovered: number } | null;
  /** Late fee (违约金), apart from the principal `balance`; null when the policy has none. */
  lateFee: LateFeeView | null;
  promises: { promiseId: string; date: string; due: number; source: string; status: string; madeAt: string }[];
  brokenPromises: number;
  /** The litigation case (ADR 12): its id and number, the court's number once accepted, how it ended; null when none. */
  litigation: {
    caseId: string;
    caseNumber: string;
    courtCaseNumber: string | null;
    status: string;
    outcome: string | null;
    reason: string | null;
    linkedAt: string;
    paidSinceReferral: number;
  } | null;
  /** 诉讼时效: the earliest expiry among the unpaid bills and what last restarted it; null when nothing is owed. */
  limitation: {
    billId: string;
    dueDate: string;
    expiresAt: string;
    expiresAtLocal: string;
    timeBarred: boolean;
    lastInterruption: { kind: LimitationInterruption; at: string } | null;
  } | null;
  /** Paused by a person (steering): nothing is taken until `until` (null: until resumed); `next` is null meanwhile. */
  paused: { since: string; until: string | null; reason: string; by: string } | null;
  /** The agency the account was referred to, once the agency_referral rung was done. */
  agency: string | null;
  /** The steering requests the episode accepted (pause, resume, escalate, skip, emergency restore), oldest first. */
  steering: { requestId: string; kind: SteeringKind; reason: string; by: string; at: string; until?: string; stepId?: string }[];
  /**
   * The account's lines (issue 13) and each one's state; `service` above is the worst of them. An
   * episode before lines shows its single line `L1`. `number` is added by the API (never in the workflow).
   */
  lines: { lineId: string; service: LineService; state: ServiceState; suspendedAt: string | null; number?: string }[];
  /** Restorations per line (episodes with lines), each measured from the payment for the 24-hour rule. */
  lineRestorations: { lineId: string; paymentId: string; paymentSeenAt: string; restoredAt: string; latencyMs: number }[];
}

/** The last rung taken (done), or `enrolled`. */
export function stageOf(state: EpisodeState): ActionName | 'enrolled' {
  const taken = state.steps.filter((s) => s.outcome === 'done');
  return taken[taken.length - 1]?.action ?? 'enrolled';
}

/** `now` is workflow time; `asOf` the caller's clock, used for what accrues (the late fee). */
export function snapshotOf(state: EpisodeState, now: number, asOf?: number): CollectionSnapshot {
  const zone = state.customer.timezone;
  const iso = (ms: number) => new Date(ms).toISOString();
  const move = nextMove(state, now);
  return {
    accountId: state.accountId,
    episodeId: state.episodeId,
    policy: { id: state.policy.id, version: state.policy.version },
    status: state.status,
    service: state.service,
    currency: state.currency,
    balance: balanceOf(state),
    billed: billed(state),
    paid: paid(state),
    stage: stageOf(state),
    cycle: state.cycle,
    timezone: zone,
    next:
      move && move.kind !== 'paused'
        ? {
            stepId: move.stepId,
            action: move.kind === 'rung' || move.kind === 'approved_action' ? move.plan.action : move.kind,
            at: iso(move.at),
            atLocal: toLocalIso(move.at, zone),
          }
        : null,
    steps: state.steps.map((s) => ({
      cycle: s.cycle,
      stepId: s.stepId,
      action: s.action,
      at: iso(s.at),
      atLocal: toLocalIso(s.at, zone),
      outcome: s.outcome,
      ...(s.reason ? { reason: s.reason } : {}),
    })),
    bills: state.bills,
    payments: state.payments.map((p) => ({
      paymentId: p.paymentId,
      amount: p.amount,
      paidAt: p.paidAt,
      seenAt: iso(p.seenAt),
      channel: p.channel,
    })),
    disputes: (state.disputes ?? []).map((d) => ({
      disputeId: d.disputeId,
      kind: d.kind,
      amount: d.amount,
      ...(d.billId ? { billId: d.billId } : {}),
      reason: d.reason,
      status: d.status,
      openedAt: iso(d.openedAt),
    })),
    disputed: disputedAmount(state),
    credited: credited(state),
    optedOut: state.optedOut ?? false,
    answeredCalls: [...(state.answeredCalls ?? [])],
    wrongNumber: hasWrongNumber(state),
    policyMigrations: (state.migrations ?? []).map((m) => ({
      migrationId: m.migrationId,
      from: `${m.from.id}@${m.from.version}`,
      to: `${m.to.id}@${m.to.version}`,
      reason: m.reason,
      actor: m.actor,
      at: iso(m.at),
    })),
    agencyOutcome: state.agencyOutcome ? { ...state.agencyOutcome, at: iso(state.agencyOutcome.at) } : null,
    installmentPlan: state.plan
      ? { planId: state.plan.planId, status: state.plan.status, installments: state.plan.installments, paidSince: paid(state) - state.plan.paidBefore }
      : null,
    writeOff: state.writeOff
      ? {
          writeOffId: state.writeOff.writeOffId,
          amount: state.writeOff.amount,
          at: iso(state.writeOff.at),
          reason: state.writeOff.reason,
          approvedBy: state.writeOff.approvedBy,
          recovered: recoveredAfterWriteOff(state),
        }
      : null,
    lateFee: lateFee(state, Math.max(now, asOf ?? 0)) ?? null,
    promises: state.promises.map((p) => ({ promiseId: p.promiseId, date: p.date, due: p.due, source: p.source, status: p.status, madeAt: iso(p.madeAt) })),
    brokenPromises: brokenPromises(state),
    limitation: limitationView(state, Math.max(now, asOf ?? 0)),
    restorations: state.restorations.map((r) => ({
      paymentId: r.paymentId,
      paymentSeenAt: iso(r.seenAt),
      restoredAt: iso(r.restoredAt),
      latencyMs: r.restoredAt - r.seenAt,
    })),
    paused: pauseView(state, now, iso),
    agency: state.agencyId ?? null,
    steering: (state.steering ?? []).map((e) => ({
      requestId: e.requestId,
      kind: e.kind,
      reason: e.reason,
      by: e.by,
      at: iso(e.at),
      ...(e.until !== undefined ? { until: iso(e.until) } : {}),
      ...(e.stepId ? { stepId: e.stepId } : {}),
    })),
    litigation: state.litigation
      ? {
          caseId: state.litigation.caseId,
          caseNumber: state.litigation.caseNumber,
          courtCaseNumber: state.litigation.courtCaseNumber ?? null,
          status: state.litigation.status,
          outcome: state.litigation.outcome ?? null,
          reason: state.litigation.reason ?? null,
          linkedAt: iso(state.litigation.linkedAt),
          paidSinceReferral: paid(state) - state.litigation.paidBefore,
        }
      : null,
    lines: linesOf(state).map((l) => ({
      lineId: l.lineId,
      service: l.service,
      state: l.state,
      suspendedAt: l.suspendedAt !== undefined ? iso(l.suspendedAt) : null,
    })),
    lineRestorations: (state.lineRestorations ?? []).map((r) => ({
      lineId: r.lineId,
      paymentId: r.paymentId,
      paymentSeenAt: iso(r.seenAt),
      restoredAt: iso(r.restoredAt),
      latencyMs: r.restoredAt - r.seenAt,
    })),
  };
}

function limitationView(state: EpisodeState, now: number): CollectionSnapshot['limitation'] {
  const l = limitationOf(state);
  if (!l) return null;
  return {
    billId: l.billId,
    dueDate: l.dueDate,
    expiresAt: new Date(l.expiresAt).toISOString(),
    expiresAtLocal: toLocalIso(l.expiresAt, state.customer.timezone),
    timeBarred: now >= l.expiresAt,
    lastInterruption: l.lastInterruption ? { kind: l.lastInterruption.kind, at: new Date(l.lastInterruption.at).toISOString() } : null,
  };
}

function pauseView(state: EpisodeState, now: number, iso: (ms: number) => string): CollectionSnapshot['paused'] {
  const p = pausedNow(state, now);
  return p ? { since: iso(p.at), until: p.until === undefined ? null : iso(p.until), reason: p.reason, by: p.by } : null;
}
