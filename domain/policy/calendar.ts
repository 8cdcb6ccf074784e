// Customer-local calendar arithmetic for the policy engine. Every instant is epoch milliseconds
// (UTC); every calendar date is the customer's local `YYYY-MM-DD`. Luxon does the time-zone work
// (it only reads Intl, no clock: `now` always comes from the caller, so this is workflow-safe).
//
// Plain date arithmetic (add days, day of month) is done on day numbers, not with luxon: it runs
// for every step and every late-fee day, and luxon's format parser was most of the workflow's CPU
// (see README "Benchmarks").
import { DateTime } from 'luxon';
import type { LocalTime, TimeWindow } from './types';

const MS_PER_DAY = 86_400_000;
const CIVIL = /^(\d{4})-(\d{2})-(\d{2})$/;

function civilParts(date: string): { year: number; month: number; day: number } {
  const m = CIVIL.exec(date);
  const parts = m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : undefined;
  if (!parts || parts.month < 1 || parts.month > 12 || parts.day < 1 || parts.day > daysInMonth(parts.year, parts.month)) {
    throw new RangeError(`invalid local date ${date}: expected an existing YYYY-MM-DD`);
  }
  return parts;
}

// setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
function utcMidnight(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMidnight(year, month + 1, 0)).getUTCDate();
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date (a calendar date, no zone). */
export function dayNumber(date: string): number {
  const { year, month, day } = civilParts(date);
  return utcMidnight(year, month, day) / MS_PER_DAY;
}

/** The `YYYY-MM-DD` date of a day number. */
export function dateOfDayNumber(n: number): string {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

function parseDate(date: string, zone: string): DateTime {
  // fromObject is what luxon's fromFormat ends in, without the format parser.
  const dt = DateTime.fromObject(civilParts(date), { zone });
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
  return dateOfDayNumber(dayNumber(date) + days);
}

export function localDateOf(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISODate()!;
}

/** The instant at local wall-clock `time` on local `date` (DST gaps move forward, as luxon does). */
export function atLocalTime(date: string, time: LocalTime, zone: string): number {
  const minutes = minutesOf(time);
  return parseDate(date, zone)
    .set({ hour: Math.floor(minutes / 60), minute: minutes % 60 })
    .toMillis();
}

/** The first `day`-th of a month on or after `date` (clamped to the month's last day, e.g. 31 → 30). */
export function dayOfMonthOnOrAfter(date: string, day: number): string {
  const d = civilParts(date);
  const inMonth = (m: { year: number; month: number }) => utcMidnight(m.year, m.month, Math.min(day, daysInMonth(m.year, m.month))) / MS_PER_DAY;
  const candidate = inMonth(d);
  if (candidate >= dayNumber(date)) return dateOfDayNumber(candidate);
  return dateOfDayNumber(inMonth(d.month === 12 ? { year: d.year + 1, month: 1 } : { year: d.year, month: d.month + 1 }));
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
  const today = local.toISODate()!;
  const opening = atLocalTime(today, window.start, zone);
  return opening > ms ? opening : atLocalTime(addDays(today, 1), window.start, zone);
}

/** ISO-8601 with the customer's offset, for showing a stored UTC instant to people. */
export function toLocalIso(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString();
}
