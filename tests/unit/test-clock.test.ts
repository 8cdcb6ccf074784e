// The helper that makes clock-sensitive tests independent of the hour they run at.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { testLocalHour, zoneAtLocalHour } from '../support/clock';

test('the chosen zone shows the asked local hour at that instant, for any instant and hour', () => {
  fc.assert(
    fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2199, 0, 1) }), fc.integer({ min: 0, max: 23 }), (now, hour) => {
      const zone = zoneAtLocalHour(hour, now);
      const local = DateTime.fromMillis(now, { zone });
      expect(local.isValid).toBe(true);
      expect(local.hour).toBe(hour);
    }),
  );
});

test('TEST_LOCAL_HOUR chooses the hour; bad values are refused by name', () => {
  expect(testLocalHour({})).toBe(10);
  expect(testLocalHour({ TEST_LOCAL_HOUR: '3' })).toBe(3);
  expect(() => testLocalHour({ TEST_LOCAL_HOUR: '24' })).toThrow(/TEST_LOCAL_HOUR/);
  expect(() => testLocalHour({ TEST_LOCAL_HOUR: 'noon' })).toThrow(/TEST_LOCAL_HOUR/);
});
