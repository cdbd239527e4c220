import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  computeBackoff,
  MAX_RETRY_AFTER_MS,
  MAX_TIMER_DELAY_MS,
  parseRetryAfter,
  sleep,
} from './retry.js';

const now = Date.UTC(2026, 0, 1, 12, 0, 0);

afterEach(() => {
  vi.useRealTimers();
});

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['1', 1000],
    ['120', 120_000],
    [' 7 ', 7000],
    ['1.5', 1500],
    ['31536000', 31_536_000_000],
    [new Date(now + 30_000).toUTCString(), 30_000],
    [new Date(now - 30_000).toUTCString(), 0],
    ['Thu, 01 Jan 2026 12:01:00 GMT', 60_000],
  ])('reads %j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it.each([
    ['31536001'],
    ['86400000'],
    ['99999999999999999999'],
    ['9'.repeat(400)],
    ['Fri, 31 Dec 9999 23:59:59 GMT'],
  ])('clamps %j to 365 days', (value) => {
    const delay = parseRetryAfter(value, now);

    expect(delay).toBe(MAX_RETRY_AFTER_MS);
    expect(MAX_RETRY_AFTER_MS).toBe(365 * 24 * 60 * 60 * 1000);
    expect(new Date(now + (delay ?? 0)).toISOString()).toBe('2027-01-01T12:00:00.000Z');
  });

  it.each([
    [undefined],
    [null],
    [''],
    ['   '],
    ['-1'],
    ['+5'],
    ['1e3'],
    ['0x10'],
    ['soon'],
    ['12:00'],
    ['Not a date, 99 Foo'],
  ])('returns undefined for %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('computeBackoff', () => {
  it('doubles the ceiling with each attempt', () => {
    const top = () => 1;
    expect(
      [1, 2, 3, 4].map((attempt) => computeBackoff(attempt, { baseDelayMs: 100, random: top })),
    ).toEqual([100, 200, 400, 800]);
  });

  it('caps the delay at maxDelayMs', () => {
    expect(computeBackoff(50, { baseDelayMs: 100, maxDelayMs: 5000, random: () => 1 })).toBe(5000);
    expect(computeBackoff(5000, { maxDelayMs: 5000, random: () => 1 })).toBe(5000);
  });

  it('draws full jitter from zero to the ceiling', () => {
    expect(computeBackoff(3, { baseDelayMs: 100, random: () => 0 })).toBe(0);
    expect(computeBackoff(3, { baseDelayMs: 100, random: () => 0.5 })).toBe(200);
  });

  it('uses defaults of 500 ms base and 30 s cap', () => {
    expect(computeBackoff(1, { random: () => 1 })).toBe(500);
    expect(computeBackoff(20, { random: () => 1 })).toBe(30_000);
  });

  it.each([[0], [-1], [1.5], [Number.NaN]])('rejects attempt %j', (attempt) => {
    expect(() => computeBackoff(attempt)).toThrow(RangeError);
  });

  it('rejects a negative base delay', () => {
    expect(() => computeBackoff(1, { baseDelayMs: -1 })).toThrow(/baseDelayMs/);
  });
});

describe('sleep', () => {
  it('resolves after the delay', async () => {
    vi.useFakeTimers();
    let done = false;
    const waiting = sleep(1000).then(() => {
      done = true;
    });

    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    expect(done).toBe(true);
  });

  it('chains delays longer than the timer maximum', async () => {
    vi.useFakeTimers();
    let done = false;
    const waiting = sleep(MAX_TIMER_DELAY_MS + 5000).then(() => {
      done = true;
    });

    await vi.advanceTimersByTimeAsync(MAX_TIMER_DELAY_MS);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(4999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    expect(done).toBe(true);
  });

  it('rejects with the signal reason and clears its timer', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const reason = new Error('stop');
    const waiting = sleep(60_000, controller.signal);
    expect(vi.getTimerCount()).toBe(1);

    controller.abort(reason);

    await expect(waiting).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects an already-aborted signal at once', async () => {
    vi.useFakeTimers();
    const reason = new Error('before');

    await expect(sleep(1000, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects a non-finite delay', async () => {
    await expect(sleep(Number.POSITIVE_INFINITY)).rejects.toThrow(RangeError);
    await expect(sleep(Number.NaN)).rejects.toThrow(RangeError);
  });

  it('treats a negative delay as zero', async () => {
    await expect(sleep(-5)).resolves.toBeUndefined();
  });
});
