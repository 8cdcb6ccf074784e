// Contact rules, pure: no contact on configured holidays (legal notices and sanctions are not
// "contact"), at most N contacts per channel and in total in any rolling 7 days, and an opt-out
// that stops reminders but never legally required notices. A rung that breaks a rule waits for
// the next allowed moment.
import { addDays, atLocalTime, localDateOf, nextAllowedMoment } from './calendar';
import type { ActionName, CollectionPolicy, ContactNumber, TimeWindow } from './types';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** Actions that reach the customer directly (the ones holidays, caps and opt-out apply to). */
export const CONTACT_ACTIONS: ActionName[] = ['sms', 'voice', 'manual_call', 'field_visit', 'promise_reminder'];

export function isContact(action: ActionName): boolean {
  return CONTACT_ACTIONS.includes(action);
}

/** Whether the customer's opt-out stops this action (reminders only; legal notices always go). */
export function stoppedByOptOut(policy: CollectionPolicy, action: ActionName): boolean {
  return (policy.contact?.optOutStops ?? []).includes(action);
}

/**
 * The first moment at or after `at` when `action` may reach the customer: not on a holiday, inside
 * the window, and under the rolling-week caps given the contacts already made (`contacts`: times
 * and actions of contacts done).
 */
export function nextContactMoment(
  policy: CollectionPolicy,
  action: ActionName,
  at: number,
  zone: string,
  window: TimeWindow | undefined,
  contacts: { at: number; action: ActionName }[],
): number {
  const rules = policy.contact;
  if (!rules || !isContact(action)) return at;
  const open = (ms: number) => (window ? nextAllowedMoment(ms, window, zone) : ms);
  for (let guard = 0; guard < 400; guard++) {
    const day = localDateOf(at, zone);
    if (rules.holidays.includes(day)) {
      at = open(atLocalTime(addDays(day, 1), '00:00', zone));
      continue;
    }
    const lastWeek = contacts.filter((c) => c.at > at - WEEK_MS && c.at <= at);
    const sameChannel = lastWeek.filter((c) => c.action === action);
    const channelCap = rules.weeklyCapPerChannel[action];
    const blocking =
      lastWeek.length >= rules.weeklyCapTotal ? lastWeek : channelCap !== undefined && sameChannel.length >= channelCap ? sameChannel : undefined;
    if (!blocking) return at;
    // Wait until the oldest contact that counts leaves the rolling week.
    const oldest = Math.min(...blocking.map((c) => c.at));
    at = open(oldest + WEEK_MS + 1);
  }
  return at;
}

/** The actions that go to the customer's phone number (a field visit goes to the address). */
export const TO_THE_NUMBER: ActionName[] = ['sms', 'voice', 'manual_call', 'promise_reminder'];

function minutes(time: string): number {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** The hours two same-day windows (HH:mm, start before end) share, or undefined when they share none. */
export function intersectWindows(a: TimeWindow, b: TimeWindow): TimeWindow | undefined {
  const start = minutes(a.start) >= minutes(b.start) ? a.start : b.start;
  const end = minutes(a.end) <= minutes(b.end) ? a.end : b.end;
  return minutes(start) < minutes(end) ? { start, end } : undefined;
}

/**
 * The window a rung is planned in: for an action to the customer's number, the lawful window
 * narrowed to the customer's preferred hours; when the two do not meet (or there are no preferred
 * hours, or the action is unwindowed), the lawful window as it is.
 */
export function plannedWindow(lawful: TimeWindow | undefined, action: ActionName, preferred: TimeWindow | undefined): TimeWindow | undefined {
  if (!lawful || !preferred || !TO_THE_NUMBER.includes(action)) return lawful;
  return intersectWindows(lawful, preferred) ?? lawful;
}

/**
 * Which number an action to the customer's number goes to: the second number (when the customer
 * gave one) once the billing number was reported wrong, or once the policy's count of unanswered
 * calls to it is reached; otherwise the billing number. Undefined for actions that use no number.
 */
export function numberFor(
  policy: CollectionPolicy,
  action: ActionName,
  view: { secondNumber?: boolean; wrongNumber?: boolean; unansweredCalls?: number },
): ContactNumber | undefined {
  if (!TO_THE_NUMBER.includes(action)) return undefined;
  if (!view.secondNumber) return 'primary';
  if (view.wrongNumber) return 'secondary';
  const after = policy.secondNumberAfterUnansweredCalls;
  return after !== undefined && (view.unansweredCalls ?? 0) >= after ? 'secondary' : 'primary';
}
