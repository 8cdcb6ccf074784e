// Customer-local calendar arithmetic for the policy engine. Every instant is epoch milliseconds
// (UTC); every calendar date is the customer's local `YYYY-MM-DD`. Luxon does the time-zone work
// (it only reads Intl, no clock: `now` always comes from the caller, so this is workflow-safe).
import { DateTime } from 'luxon';
import type { LocalTime, TimeWindow } from './types';

const DAY = 'yyyy-MM-dd';

function parseDate(date: string, zone: string): DateTime {
  const dt = DateTime.fromFormat(date, DAY, { zone });
  if (!dt.isValid) throw new RangeError(`invalid local date ${date} in ${zone}: ${dt.invalidExplanation}`);
  return dt;
}

function minutesOf(time: LocalTime): number {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

export function isValidTimeZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

export function addDays(date: string, days: number): string {
  return parseDate(date, 'UTC').plus({ days }).toFormat(DAY);
}

export function localDateOf(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat(DAY);
}

/** The instant at local wall-clock `time` on local `date` (DST gaps move forward, as luxon does). */
export function atLocalTime(date: string, time: LocalTime, zone: string): number {
  const minutes = minutesOf(time);
  return parseDate(date, zone).set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }).toMillis();
}

/** The first `day`-th of a month on or after `date` (clamped to the month's last day, e.g. 31 → 30). */
export function dayOfMonthOnOrAfter(date: string, day: number): string {
  const d = parseDate(date, 'UTC');
  const inMonth = (m: DateTime) => m.set({ day: Math.min(day, m.daysInMonth ?? 28) });
  const candidate = inMonth(d.startOf('month'));
  return (candidate >= d ? candidate : inMonth(d.startOf('month').plus({ months: 1 }))).toFormat(DAY);
}

export function isWithinWindow(ms: number, window: TimeWindow, zone: string): boolean {
  const local = DateTime.fromMillis(ms, { zone });
  const minute = local.hour * 60 + local.minute;
  return minute >= minutesOf(window.start) && minute < minutesOf(window.end);
}

/** `ms` if it falls inside the local window, else the next window opening (no contact at night). */
export function nextAllowedMoment(ms: number, window: TimeWindow, zone: string): number {
  if (isWithinWindow(ms, window, zone)) return ms;
  const local = DateTime.fromMillis(ms, { zone });
  const today = local.toFormat(DAY);
  const opening = atLocalTime(today, window.start, zone);
  return opening > ms ? opening : atLocalTime(addDays(today, 1), window.start, zone);
}

/** ISO-8601 with the customer's offset, for showing a stored UTC instant to people. */
export function toLocalIso(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString();
}
