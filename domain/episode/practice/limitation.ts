// The limitation period (诉讼时效): Civil Code art. 188 gives three years from the day after a bill's
// due date; art. 195 interrupts and restarts it on a demand that reached the customer, a promise, a
// payment (even partial), an agreed plan or a filing. What interrupts is policy data
// (`policy.limitation`, defaults for older policies). Every act is account-wide (one contract): it
// restarts the period of every bill already due. Periods run in the customer's calendar (luxon,
// their zone): the claim is time-barred from the start of the local day after the period's last day.
// Pure: the workflow, the state query and the read model call it.
import { DateTime } from 'luxon';
import { limitationPolicy } from '../../policy/default-policy';
import type { LimitationInterruption, LimitationPolicy } from '../../policy/types';
import { balanceOf, credited, paid } from '../ledger';
import type { EpisodeState } from '../state';

export interface Interruption {
  kind: LimitationInterruption;
  /** Epoch ms. */
  at: number;
}

export interface Limitation {
  /** The unpaid bill that becomes time-barred first. */
  billId: string;
  dueDate: string;
  /** Epoch ms from which the claim is time-barred. */
  expiresAt: number;
  /** The event that last restarted this bill's period; null when untouched since the due date. */
  lastInterruption: Interruption | null;
}

/** The instant a period begun on the local date of `start` ends: start of the local day after start + years. */
function periodEnd(start: DateTime, years: number): number {
  return start.startOf('day').plus({ years, days: 1 }).toMillis();
}

/** Expiry of an untouched bill due on `dueDate` (local YYYY-MM-DD in `zone`). */
export function expiryFromDue(dueDate: string, zone: string, years: number): number {
  return periodEnd(DateTime.fromISO(dueDate, { zone }), years);
}

/** Expiry restarted by an event at `at` (epoch ms). */
export function expiryFromEvent(at: number, zone: string, years: number): number {
  return periodEnd(DateTime.fromMillis(at, { zone }), years);
}

/** Every interrupting event the rules count, oldest first. */
export function interruptions(state: EpisodeState, rules: LimitationPolicy = limitationPolicy(state.policy)): Interruption[] {
  const all: Interruption[] = [];
  for (const p of state.payments) {
    // The customer's payment date as billing reports it, never later than the episode saw it.
    const paidAt = Date.parse(p.paidAt);
    all.push({ kind: 'payment', at: Number.isFinite(paidAt) ? Math.min(paidAt, p.seenAt) : p.seenAt });
  }
  for (const p of state.promises) all.push({ kind: 'promise', at: p.madeAt });
  if (state.plan) all.push({ kind: 'plan', at: state.plan.agreedAt });
  for (const s of state.steps) {
    if (s.outcome !== 'done' || !rules.demandActions.includes(s.action as never)) continue;
    // A call reached the customer only when answered. Answers are kept for the current cycle; a new
    // cycle starts with a payment (itself an interruption, later than any earlier call) or a new bill.
    if (s.action === 'manual_call' && !(s.cycle === state.cycle && state.answeredCalls.includes(s.stepId))) continue;
    all.push({ kind: 'demand_delivered', at: s.at });
  }
  for (const e of state.limitationEvents ?? []) all.push({ kind: e.kind, at: e.at });
  return all.filter((e) => rules.interruptedBy.includes(e.kind)).sort((a, b) => a.at - b.at);
}

/** Bills with money still owed (payments and credits settle the oldest first). */
function unpaidBills(state: EpisodeState) {
  let credit = paid(state) + credited(state);
  const byDue = [...state.bills].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.billId.localeCompare(b.billId));
  const unpaid = [];
  for (const bill of byDue) {
    if (credit < bill.amount) unpaid.push(bill);
    credit = Math.max(0, credit - bill.amount);
  }
  return unpaid;
}

/** The limitation of one bill given the events: the latest restart wins. */
export function billLimitation(bill: { billId: string; dueDate: string }, events: Interruption[], zone: string, years: number): Limitation {
  const untouched = expiryFromDue(bill.dueDate, zone, years);
  let expiresAt = untouched;
  let lastInterruption: Interruption | null = null;
  // Oldest first: of several events on the same local day, the last is reported.
  for (const e of events) {
    const restarted = expiryFromEvent(e.at, zone, years);
    if (restarted > untouched && restarted >= expiresAt) {
      expiresAt = restarted;
      lastInterruption = e;
    }
  }
  return { billId: bill.billId, dueDate: bill.dueDate, expiresAt, lastInterruption };
}

/** The earliest expiry among the unpaid bills; undefined when nothing is owed. */
export function limitationOf(state: EpisodeState): Limitation | undefined {
  if (balanceOf(state) <= 0) return undefined;
  const rules = limitationPolicy(state.policy);
  const events = interruptions(state, rules);
  let earliest: Limitation | undefined;
  for (const bill of unpaidBills(state)) {
    const l = billLimitation(bill, events, state.customer.timezone, rules.years);
    if (!earliest || l.expiresAt < earliest.expiresAt) earliest = l;
  }
  return earliest;
}

/** Some unpaid bill's claim is time-barred at `now`: legal referral needs a human decision. */
export function isTimeBarred(state: EpisodeState, now: number): boolean {
  const l = limitationOf(state);
  return l !== undefined && now >= l.expiresAt;
}

/** The alert not yet raised for the current expiry: when it falls due (`alertDaysBefore` local days before). */
export function limitationAlert(state: EpisodeState): { at: number; expiresAt: number; billId: string } | undefined {
  if (state.status === 'paid' || state.status === 'closed') return undefined;
  const l = limitationOf(state);
  if (!l || (state.limitationAlerts ?? []).includes(l.expiresAt)) return undefined;
  const { alertDaysBefore } = limitationPolicy(state.policy);
  const at = DateTime.fromMillis(l.expiresAt, { zone: state.customer.timezone }).minus({ days: alertDaysBefore }).toMillis();
  return { at, expiresAt: l.expiresAt, billId: l.billId };
}

export function markLimitationAlerted(state: EpisodeState, expiresAt: number): void {
  state.limitationAlerts ??= [];
  if (!state.limitationAlerts.includes(expiresAt)) state.limitationAlerts.push(expiresAt);
}
