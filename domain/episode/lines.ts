// Accounts with several lines (issue 13, ADR 17): which lines a sanction takes, each line's state,
// and which lines a payment gives back. The workflow knows a line by id and service only (the number
// stays in PostgreSQL). Episodes without `lines` (started before lines) never come here. Pure.
import { isSuspended, serviceAfter } from '../policy/engine';
import { LINE_SERVICES, type ActionName, type LineService, type ServiceState } from '../policy/types';
import type { EpisodeState, LineState } from './state';

const RANK: Record<ServiceState, number> = { active: 0, outgoing_barred: 1, suspended: 2, deregistered: 3 };

/** The rungs that act on lines: suspend_outgoing, suspend_full, deregister. */
export function isSanction(action: ActionName): boolean {
  const target = serviceAfter(action);
  return target !== undefined && target !== 'active';
}

/** The services a sanction applies to (policy `sanctionServices`; absent: all). */
export function sanctionServices(state: EpisodeState): readonly LineService[] {
  return state.policy.sanctionServices ?? LINE_SERVICES;
}

/**
 * The lines a sanction acts on: the overdue line (the first) or, with linked suspension (关联停机),
 * every line; only those of a service the sanction applies to and not already at or past its state
 * (deregistration only takes a suspended line).
 */
export function sanctionTargets(state: EpisodeState, action: ActionName): LineState[] {
  const target = serviceAfter(action);
  if (!state.lines || !target || target === 'active') return [];
  const services = sanctionServices(state);
  const candidates = state.policy.linkedSuspension ? state.lines : state.lines.slice(0, 1);
  return candidates.filter((l) => services.includes(l.service) && RANK[l.state] < RANK[target] && (target !== 'deregistered' || isSuspended(l.state)));
}

/** A sanction done on one line. */
export function recordLineSanction(state: EpisodeState, lineId: string, action: ActionName, at: number): void {
  const target = serviceAfter(action);
  const line = state.lines?.find((l) => l.lineId === lineId);
  if (!line || !target) return;
  if (line.state === 'active' && isSuspended(target)) line.suspendedAt = at;
  line.state = target;
}

/** The account-level service: the worst line's state. */
export function worstService(state: EpisodeState): ServiceState {
  if (!state.lines || state.lines.length === 0) return state.service;
  return state.lines.reduce<ServiceState>((worst, l) => (RANK[l.state] > RANK[worst] ? l.state : worst), 'active');
}

/** The lines a payment that cleared the balance gives back: exactly those this episode suspended (a deregistered number is gone). */
export function linesToRestore(state: EpisodeState): LineState[] {
  return (state.lines ?? []).filter((l) => isSuspended(l.state));
}

/** One line restored: active again, its restoration measured on its own. */
export function recordLineRestored(state: EpisodeState, lineId: string, payment: { paymentId: string; seenAt: number }, restoredAt: number): void {
  const line = state.lines?.find((l) => l.lineId === lineId);
  if (!line) return;
  line.state = 'active';
  line.suspendedAt = undefined;
  state.lineRestorations ??= [];
  state.lineRestorations.push({ lineId, paymentId: payment.paymentId, seenAt: payment.seenAt, restoredAt });
}

/** The lines as the views show them: an episode before lines has its single line `L1` (mobile) in the account's state. */
export function linesOf(state: EpisodeState): LineState[] {
  if (state.lines) return state.lines;
  return [{ lineId: 'L1', service: 'mobile', state: state.service, ...(state.suspendedAt !== undefined ? { suspendedAt: state.suspendedAt } : {}) }];
}
