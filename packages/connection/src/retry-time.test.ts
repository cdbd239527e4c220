import { MAX_RETRY_AFTER_MS } from '@umapi/auth-core';
import { describe, expect, it } from 'vitest';
import { retryTime } from './retry.js';

const now = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('retryTime', () => {
  it('formats the end of a wait as an ISO date', () => {
    expect(retryTime(60_000, now)).toBe('2026-01-01T12:01:00.000Z');
  });

  it.each([
    ['a wait beyond the Date range', 1e23, new Date(now + MAX_RETRY_AFTER_MS).toISOString()],
    ['Infinity', Number.POSITIVE_INFINITY, new Date(now + MAX_RETRY_AFTER_MS).toISOString()],
    ['a negative wait', -1, '2026-01-01T12:00:00.000Z'],
    ['NaN', Number.NaN, 'an unknown time'],
  ])('does not throw for %s', (_name, delayMs, expected) => {
    expect(retryTime(delayMs, now)).toBe(expected);
  });
});
