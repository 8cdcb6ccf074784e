// Why: rung times are customer-local (contact windows, preferred times), and the time-skipping
// test server's clock starts at the real present. A test that used a fixed zone would see its
// first rung due at once at some hours of the day and hours later at others. Tests therefore pick
// the customer's zone from the current instant so that it is always the same local hour there:
// `TEST_LOCAL_HOUR` (0–23, default 10) chooses which, so the suite can be run "at" any hour of
// the day (`TEST_LOCAL_HOUR=3 npm test`) whatever the wall clock says.

const DEFAULT_LOCAL_HOUR = 10;

/** The local hour the clock-sensitive tests run at (env `TEST_LOCAL_HOUR`, default 10). */
export function testLocalHour(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TEST_LOCAL_HOUR?.trim();
  if (!raw) return DEFAULT_LOCAL_HOUR;
  const hour = Number(raw);
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new Error(`TEST_LOCAL_HOUR must be an integer 0–23, got ${JSON.stringify(raw)}`);
  return hour;
}

/**
 * A fixed-offset IANA zone (`Etc/GMT…`, no daylight saving) in which it is `hour` o'clock at
 * `nowMs`. Offsets run from UTC−12 to UTC+14, so every local hour has one.
 */
export function zoneAtLocalHour(hour: number, nowMs: number): string {
  const utcHour = new Date(nowMs).getUTCHours();
  const offset = [hour - utcHour, hour - utcHour + 24, hour - utcHour - 24].find((o) => o >= -12 && o <= 14);
  if (offset === undefined) throw new Error(`no zone with local hour ${hour}`);
  // IANA's Etc/GMT names invert the sign: Etc/GMT-8 is UTC+8.
  return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** The zone for this run's clock-sensitive tests: local time there is `testLocalHour()` now. */
export function testZone(nowMs: number = Date.now()): string {
  return zoneAtLocalHour(testLocalHour(), nowMs);
}
