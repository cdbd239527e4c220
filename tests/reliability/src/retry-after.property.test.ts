import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '@umapi/auth-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { propertyRuns } from './property-runs.js';

const NOW = Date.UTC(2026, 0, 5, 10, 0, 0);

it('parseRetryAfter never throws on any string', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.string({ unit: 'binary' }),
        fc.date({ noInvalidDate: false }).map(String),
        fc.constantFrom(null, undefined),
      ),
      (value) => {
        const delay = parseRetryAfter(value, NOW);
        if (delay !== undefined) {
          expect(Number.isFinite(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(MAX_RETRY_AFTER_MS);
        }
      },
    ),
    { numRuns: propertyRuns(2_000) },
  );
});

it('parseRetryAfter reads delta-seconds exactly', () => {
  fc.assert(
    fc.property(fc.nat({ max: 10_000_000 }), fc.constantFrom('', ' ', '\t'), (seconds, pad) => {
      expect(parseRetryAfter(`${pad}${seconds}${pad}`, NOW)).toBe(seconds * 1000);
    }),
    { numRuns: propertyRuns(100) },
  );
});

it('parseRetryAfter reads HTTP dates against now, up to the bound', () => {
  const dates = fc.date({
    min: new Date(Date.UTC(1990, 0, 1)),
    max: new Date(Date.UTC(2100, 0, 1)),
    noInvalidDate: true,
  });
  fc.assert(
    fc.property(dates, (date) => {
      const header = date.toUTCString();
      const expected = Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Date.parse(header) - NOW));
      expect(parseRetryAfter(header, NOW)).toBe(expected);
    }),
    { numRuns: propertyRuns(100) },
  );
});

it('parseRetryAfter rejects signed and exotic numbers', () => {
  const exotic = fc.oneof(
    fc.integer({ min: 1, max: 1_000_000 }).map((n) => `-${n}`),
    fc.integer({ min: 0, max: 1_000_000 }).map((n) => `+${n}`),
    fc.integer({ min: 1, max: 1_000_000 }).map((n) => `0x${n.toString(16)}`),
    fc.integer({ min: 1, max: 300 }).map((n) => `1e${n}`),
    fc.constantFrom('Infinity', 'NaN', '-0', ''),
  );
  fc.assert(
    fc.property(exotic, (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    }),
    { numRuns: propertyRuns(100) },
  );
});
