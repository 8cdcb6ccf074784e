// Promise to pay (预约缴费): the rules, pure. A promise pauses the ladder until the promised date
// plus a grace; the customer is reminded on the day; a payment of the promised amount keeps it; a
// promise that runs out unpaid is broken: it is counted, and the ladder resumes at a stricter point
// (reminder rungs passed over, the next rung due at once).
import { balanceOf, paid } from '../ledger';
import { ladderView, resumeStricter } from '../ladder';
import type { EpisodeState, PromiseRequest, PaymentPromise } from '../state';
import { addDays, atLocalTime, localDateOf } from '../../policy/calendar';
import { promisePolicy } from '../../policy/default-policy';
import { planPromiseReminder } from '../../policy/engine';
import type { ContactNumber } from '../../policy/types';

export function promiseProblem(state: EpisodeState, req: PromiseRequest, now: number): string | undefined {
  if (state.status !== 'open') return `episode is ${state.status}`;
  if (state.promises.some((p) => p.promiseId === req.promiseId)) return undefined; // a repeat: answered, not re-made
  const today = localDateOf(now, state.customer.timezone);
  const { maxDays } = promisePolicy(state.policy);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(req.date) || req.date < today) return `date must be today (${today}) or later`;
  if (req.date > addDays(today, maxDays)) return `date must be within ${maxDays} days`;
  if (req.amount !== undefined && (!Number.isSafeInteger(req.amount) || req.amount <= 0)) return 'amount must be a positive integer in minor units';
  return undefined;
}

export function activePromise(state: EpisodeState): PaymentPromise | undefined {
  const last = state.promises[state.promises.length - 1];
  return last?.status === 'open' ? last : undefined;
}

/** Makes a promise (a repeat of a known id changes nothing); it replaces any open one. */
export function makePromise(state: EpisodeState, req: PromiseRequest, now: number): PaymentPromise {
  const known = state.promises.find((p) => p.promiseId === req.promiseId);
  if (known) return known;
  const open = activePromise(state);
  if (open) open.status = 'kept'; // superseded by the new promise, not broken
  const promise: PaymentPromise = {
    ...req,
    madeAt: now,
    paidBefore: paid(state),
    due: Math.min(req.amount ?? balanceOf(state), balanceOf(state)),
    status: 'open',
    reminded: false,
  };
  state.promises.push(promise);
  return promise;
}

/** After a payment: the open promise is kept once the promised amount has come in. */
export function settlePromiseOnPayment(state: EpisodeState): void {
  const p = activePromise(state);
  if (p && paid(state) - p.paidBefore >= p.due) p.status = 'kept';
}

export type PromiseMove = { kind: 'reminder'; at: number; skipReason?: string; contact?: ContactNumber } | { kind: 'expiry'; at: number };

/** While a promise is open the ladder waits: the reminder on the day, then the expiry. */
export function promiseMove(state: EpisodeState, now: number): PromiseMove | undefined {
  const p = activePromise(state);
  if (!p) return undefined;
  if (!p.reminded) {
    // The ladder's view: opt-out, wrong number, preferred hours and second number alike.
    return { kind: 'reminder', ...planPromiseReminder(ladderView(state), p.date, now) };
  }
  const expiry = atLocalTime(addDays(p.date, promisePolicy(state.policy).graceDays + 1), '00:00', state.customer.timezone);
  return { kind: 'expiry', at: Math.max(expiry, now) };
}

/** The promise ran out unpaid: count it and resume the ladder at a stricter point. */
export function breakPromise(state: EpisodeState): void {
  const p = activePromise(state);
  if (!p) return;
  p.status = 'broken';
  resumeStricter(state);
}

export function brokenPromises(state: EpisodeState): number {
  return state.promises.filter((p) => p.status === 'broken').length;
}
