// Contact rules, pure: no contact on configured holidays (legal notices and sanctions are not
// "contact"), at most N contacts per channel and in total in any rolling 7 days, and an opt-out
// that stops reminders but never legally required notices. A rung that breaks a rule waits for
// the next allowed moment.
import { addDays, atLocalTime, localDateOf, nextAllowedMoment } from './calendar';
import type { ActionName, CollectionPolicy, TimeWindow } from './types';

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
