import { MAX_RETRY_AFTER_MS, MAX_TIMER_DELAY_MS } from '@umapi/auth-core';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
// The debug sink is internal to auth-core, so the test reaches it by path.
import { setDebugSink } from '../../../auth-core/src/debug.js';
import { PauseTooLongError } from './class-scheduler.js';
import { classifyRequest } from './classify.js';
import type { EndpointClass } from './options.js';
import { clearRateLimiters, getRateLimiter } from './registry.js';

const MINUTE = 60_000;

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-05T10:00:00Z') });
});

afterEach(() => {
  clearRateLimiters();
  vi.useRealTimers();
});

/** Starts `count` acquisitions at once and records the fake time of each grant. */
function acquireMany(
  limiter: ReturnType<typeof getRateLimiter>,
  endpointClass: EndpointClass,
  count: number,
): { grants: number[]; done: Promise<unknown> } {
  const grants: number[] = [];
  const calls = Array.from({ length: count }, () =>
    limiter.acquire(endpointClass).then(() => {
      grants.push(Date.now());
    }),
  );
  return { grants, done: Promise.all(calls) };
}

/** Counts the grants in every sliding window of `windowMs` and returns the largest count. */
function maxPerWindow(grants: readonly number[], windowMs: number): number {
  let max = 0;
  for (const end of grants) {
    const inWindow = grants.filter((time) => time > end - windowMs && time <= end).length;
    max = Math.max(max, inWindow);
  }
  return max;
}

describe('budget', () => {
  it('holds across many concurrent calls', async () => {
    const limiter = getRateLimiter('client-budget');
    const { grants, done } = acquireMany(limiter, 'users', 250);

    await vi.advanceTimersByTimeAsync(15 * MINUTE);
    await done;

    expect(grants).toHaveLength(250);
    expect(maxPerWindow(grants, MINUTE)).toBeLessThanOrEqual(25);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('runs at no less than 95% of the budget', async () => {
    const limiter = getRateLimiter('client-throughput');
    const { grants, done } = acquireMany(limiter, 'users', 250);

    await vi.advanceTimersByTimeAsync(15 * MINUTE);
    await done;

    const elapsedMinutes = (grants.at(-1)! - grants[0]!) / MINUTE;
    const perMinute = (grants.length - 1) / elapsedMinutes;
    expect(perMinute).toBeGreaterThanOrEqual(0.95 * 25);
  });

  it('spreads a long run instead of bursting the budget', async () => {
    const limiter = getRateLimiter('client-spread');
    const { grants, done } = acquireMany(limiter, 'users', 60);

    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    await done;

    // A burst of a fifth of the budget, then one request per 62 s / 25.
    expect(grants.filter((time) => time === grants[0]).length).toBe(5);
    const gaps = grants.slice(6).map((time, index) => time - grants[index + 5]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2400);
  });

  it('grants the first request at once', async () => {
    const limiter = getRateLimiter('client-first');
    let granted = false;
    void limiter.acquire('actions').then(() => {
      granted = true;
    });

    await Promise.resolve();

    expect(granted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps classes apart', async () => {
    const limiter = getRateLimiter('client-classes');
    const groups = acquireMany(limiter, 'groups', 5);
    await vi.advanceTimersByTimeAsync(0);

    // groups has a budget of 5 with a burst of 1: the others wait, users does not.
    expect(groups.grants).toHaveLength(1);
    await limiter.acquire('users');
    expect(limiter.stats().users.requests).toBe(1);

    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    await groups.done;
  });

  it('serves waiters in order', async () => {
    const limiter = getRateLimiter('client-order');
    const order: number[] = [];
    const calls = Array.from({ length: 12 }, (_, index) =>
      limiter.acquire('actions').then(() => order.push(index)),
    );

    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    await Promise.all(calls);

    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('counts requests and wait time', async () => {
    const limiter = getRateLimiter('client-stats');
    const { done } = acquireMany(limiter, 'actions', 3);

    await vi.advanceTimersByTimeAsync(MINUTE);
    await done;

    const stats = limiter.stats().actions;
    expect(stats.requests).toBe(3);
    expect(stats.throttled).toBe(0);
    expect(stats.requestsPerMinute).toBe(10);
    expect(stats.waitMs).toBeGreaterThan(0);
  });
});

describe('sharing', () => {
  it('returns one limiter per client ID', () => {
    expect(getRateLimiter('client-same')).toBe(getRateLimiter('client-same'));
  });

  it('shares the budget between callers of one client ID', async () => {
    const first = getRateLimiter('client-shared');
    const second = getRateLimiter('client-shared');
    const a = acquireMany(first, 'actions', 10);
    const b = acquireMany(second, 'actions', 10);

    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    await Promise.all([a.done, b.done]);

    const all = [...a.grants, ...b.grants].sort((x, y) => x - y);
    expect(maxPerWindow(all, MINUTE)).toBeLessThanOrEqual(10);
    expect(first.stats().actions.requests).toBe(20);
  });

  it('does not share between client IDs', async () => {
    const first = getRateLimiter('client-one');
    const second = getRateLimiter('client-two');
    const waiting = acquireMany(first, 'groups', 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting.grants).toHaveLength(1);

    let granted = false;
    void second.acquire('groups').then(() => {
      granted = true;
    });
    await vi.advanceTimersByTimeAsync(0);

    expect(granted).toBe(true);
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    await waiting.done;
  });

  it('keeps the lower budget when a later caller asks for another', () => {
    const limiter = getRateLimiter('client-adjust', { users: 20 });
    getRateLimiter('client-adjust', { users: 10, actions: false });
    getRateLimiter('client-adjust', { users: 30 });

    const stats = limiter.stats();
    expect(stats.users.requestsPerMinute).toBe(10);
    expect(stats.actions.requestsPerMinute).toBe(10);
  });

  it('leaves budgets alone when a later caller passes no options', () => {
    const limiter = getRateLimiter('client-keep', false);
    getRateLimiter('client-keep');

    expect(limiter.stats().users.requestsPerMinute).toBe(false);
  });

  it('logs budgets a caller without options inherits', () => {
    const lines: string[] = [];
    setDebugSink((line) => lines.push(line));
    onTestFinished(() => setDebugSink(undefined));
    getRateLimiter('client-inherit', { users: false });

    getRateLimiter('client-inherit');

    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('users not scheduled');
    expect(lines[0]).not.toContain('groups');
  });

  it('logs nothing for a caller that gets the defaults', () => {
    const lines: string[] = [];
    setDebugSink((line) => lines.push(line));
    onTestFinished(() => setDebugSink(undefined));
    getRateLimiter('client-defaults');

    getRateLimiter('client-defaults');

    expect(lines).toEqual([]);
  });

  it('rejects an empty client ID', () => {
    expect(() => getRateLimiter('')).toThrow(/clientId/);
  });
});

describe('throttling', () => {
  it('pauses the whole class until Retry-After', async () => {
    const limiter = getRateLimiter('client-pause');
    await limiter.acquire('users');
    limiter.onThrottled('users', 30_000);

    let usersGranted = false;
    let groupsGranted = false;
    void limiter.acquire('users').then(() => {
      usersGranted = true;
    });
    void limiter.acquire('groups').then(() => {
      groupsGranted = true;
    });

    await vi.advanceTimersByTimeAsync(29_999);
    expect(usersGranted).toBe(false);
    expect(groupsGranted).toBe(true);
    expect(limiter.pauseRemainingMs?.('users')).toBe(1);

    await vi.advanceTimersByTimeAsync(1);
    expect(usersGranted).toBe(true);
    expect(limiter.stats().users.throttled).toBe(1);
  });

  it.each([
    ['NaN', Number.NaN, 0],
    ['Infinity', Number.POSITIVE_INFINITY, 0],
    ['a negative wait', -5_000, 0],
    ['a wait beyond the Date range', 1e23, MAX_RETRY_AFTER_MS],
  ])('stores a valid pause for %s', async (_name, retryAfterMs, expected) => {
    const limiter = getRateLimiter(`client-bad-pause-${_name}`);
    await limiter.acquire('users');

    limiter.onThrottled('users', retryAfterMs);

    const remaining = limiter.pauseRemainingMs?.('users') ?? Number.NaN;
    expect(remaining).toBe(expected);
    expect(new Date(Date.now() + remaining).toISOString()).toMatch(/^\d{4}-/);
  });

  it('steps the rate down once per burst of 429s', async () => {
    const limiter = getRateLimiter('client-step');
    await limiter.acquire('users');

    limiter.onThrottled('users', 1000);
    limiter.onThrottled('users', 1000);
    limiter.onThrottled('users', 1000);

    expect(limiter.stats().users.requestsPerMinute).toBe(12.5);
    expect(limiter.stats().users.throttled).toBe(3);
  });

  it('recovers the rate gradually on successes', async () => {
    const limiter = getRateLimiter('client-recover');
    await limiter.acquire('actions');
    limiter.onThrottled('actions', 0);
    expect(limiter.stats().actions.requestsPerMinute).toBe(5);

    limiter.onSuccess('actions');
    const afterOne = limiter.stats().actions.requestsPerMinute as number;
    expect(afterOne).toBeGreaterThan(5);
    expect(afterOne).toBeLessThan(6);

    for (let index = 0; index < 100; index += 1) {
      limiter.onSuccess('actions');
    }
    expect(limiter.stats().actions.requestsPerMinute).toBe(10);
  });

  it('holds the lower rate after a step down', async () => {
    const limiter = getRateLimiter('client-lower');
    await limiter.acquire('actions');
    limiter.onThrottled('actions', 0);

    const { grants, done } = acquireMany(limiter, 'actions', 20);
    await vi.advanceTimersByTimeAsync(6 * MINUTE);
    await done;

    expect(maxPerWindow(grants, MINUTE)).toBeLessThanOrEqual(5);
  });

  it('waits out a Retry-After beyond the timer limit', async () => {
    const limiter = getRateLimiter('client-long');
    await limiter.acquire('users');
    const pauseMs = MAX_TIMER_DELAY_MS + 5 * MINUTE;
    limiter.onThrottled('users', pauseMs);

    let granted = false;
    void limiter.acquire('users').then(() => {
      granted = true;
    });

    await vi.advanceTimersByTimeAsync(MAX_TIMER_DELAY_MS + 1);
    expect(granted).toBe(false);

    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(granted).toBe(true);
  });

  it('treats an invalid Retry-After as no pause', async () => {
    const limiter = getRateLimiter('client-nan');
    await limiter.acquire('users');
    limiter.onThrottled('users', Number.NaN);

    expect(limiter.pauseRemainingMs?.('users')).toBe(0);
  });
});

describe('pause bound', () => {
  /** Returns a limiter with a burst of one users request, already taken, so that the next acquisitions queue. */
  async function busyLimiter(clientId: string): Promise<ReturnType<typeof getRateLimiter>> {
    const limiter = getRateLimiter(clientId, { users: 5 });
    await limiter.acquire('users');
    return limiter;
  }

  it('rejects queued waiters when a longer pause starts', async () => {
    const limiter = await busyLimiter('client-bound-queued');
    const waits = Array.from({ length: 4 }, () =>
      limiter.acquire('users', undefined, 2_000).then(
        () => 'granted',
        (error: unknown) => error,
      ),
    );

    limiter.onThrottled('users', 30_000);
    const outcomes = await Promise.all(waits);

    for (const outcome of outcomes) {
      expect(outcome).toBeInstanceOf(PauseTooLongError);
      expect((outcome as PauseTooLongError).pauseMs).toBe(30_000);
    }
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps waiters whose bound the pause fits', async () => {
    const limiter = await busyLimiter('client-bound-mixed');
    let patient: string | undefined;
    const impatient = limiter.acquire('users', undefined, 2_000).catch((error: unknown) => error);
    void limiter.acquire('users', undefined, 60_000).then(() => {
      patient = 'granted';
    });
    void limiter.acquire('users').then(() => {
      patient ??= 'unbounded first';
    });

    limiter.onThrottled('users', 30_000);

    expect(await impatient).toBeInstanceOf(PauseTooLongError);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(patient).toBeUndefined();
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(patient).toBe('granted');
  });

  it('rejects a new wait during a longer pause', async () => {
    const limiter = getRateLimiter('client-bound-new');
    await limiter.acquire('users');
    limiter.onThrottled('users', 30_000);

    await expect(limiter.acquire('users', undefined, 2_000)).rejects.toBeInstanceOf(
      PauseTooLongError,
    );
    expect(limiter.stats().users.requests).toBe(1);
  });
});

describe('abort', () => {
  it('rejects with the reason and leaves no timer', async () => {
    const limiter = getRateLimiter('client-abort');
    await limiter.acquire('groups');

    const controller = new AbortController();
    const waiting = limiter.acquire('groups', controller.signal);
    await vi.advanceTimersByTimeAsync(1000);
    expect(vi.getTimerCount()).toBe(1);

    const reason = new Error('stop');
    controller.abort(reason);

    await expect(waiting).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    expect(limiter.stats().groups.requests).toBe(1);
    expect(limiter.stats().groups.waitMs).toBe(1000);
  });

  it('keeps the timer for the waiters still queued', async () => {
    const limiter = getRateLimiter('client-abort-one');
    await limiter.acquire('groups');

    const controller = new AbortController();
    const aborted = limiter.acquire('groups', controller.signal);
    const kept = limiter.acquire('groups');
    controller.abort();

    await expect(aborted).rejects.toThrow();
    expect(vi.getTimerCount()).toBe(1);

    await vi.advanceTimersByTimeAsync(MINUTE);
    await kept;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects an already-aborted signal without a grant', async () => {
    const limiter = getRateLimiter('client-pre-abort');
    const reason = new Error('already');

    await expect(limiter.acquire('users', AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(limiter.stats().users.requests).toBe(0);
  });
});

describe('turned off', () => {
  it('grants at once when every class is off', async () => {
    const limiter = getRateLimiter('client-off', false);
    const { grants, done } = acquireMany(limiter, 'groups', 50);

    await done;

    expect(grants).toHaveLength(50);
    expect(vi.getTimerCount()).toBe(0);
    expect(limiter.stats().groups).toEqual({
      requests: 50,
      waitMs: 0,
      throttled: 0,
      requestsPerMinute: false,
    });
  });

  it('turns off one class only', async () => {
    const limiter = getRateLimiter('client-off-one', { actions: false });
    await acquireMany(limiter, 'actions', 30).done;
    limiter.onThrottled('actions', 10_000);

    expect(limiter.pauseRemainingMs?.('actions')).toBe(0);
    expect(limiter.stats().actions.throttled).toBe(1);
    expect(limiter.stats().users.requestsPerMinute).toBe(25);
  });

  it('keeps scheduling when a later caller turns it off', async () => {
    const limiter = getRateLimiter('client-release', { groups: 5 });
    const { grants } = acquireMany(limiter, 'groups', 4);
    await vi.advanceTimersByTimeAsync(0);
    expect(grants).toHaveLength(1);

    // Off counts as the highest budget, so the existing budget of 5 stays.
    getRateLimiter('client-release', { groups: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(grants).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(grants).toHaveLength(4);
  });
});

describe('options', () => {
  it.each([
    [{ user: 10 }, /rateLimits\.user: is not an endpoint class/],
    [{ users: 0 }, /rateLimits\.users: must be a positive whole number/],
    [{ users: 2.5 }, /rateLimits\.users/],
    [{ users: -1 }, /rateLimits\.users/],
    [{ users: true }, /rateLimits\.users/],
    [{ users: '25' }, /rateLimits\.users/],
    ['fast', /rateLimits: must be false or an object/],
    [[], /rateLimits: must be false or an object/],
  ])('rejects %j', (options, message) => {
    expect(() => getRateLimiter('client-options', options as never)).toThrow(message);
  });

  it('lists every problem at once', () => {
    expect(() => getRateLimiter('client-problems', { users: 0, groups: -2 })).toThrow(
      /rateLimits\.users[\s\S]*rateLimits\.groups/,
    );
  });

  it('shortens the window for compressed time', async () => {
    const limiter = getRateLimiter('client-compressed', { users: 25 }, { windowMs: 1000 });
    const { grants, done } = acquireMany(limiter, 'users', 100);

    await vi.advanceTimersByTimeAsync(10_000);
    await done;

    expect(maxPerWindow(grants, 1000)).toBeLessThanOrEqual(25);
    expect(grants.at(-1)! - grants[0]!).toBeLessThan(5000);
  });
});

describe('classifyRequest', () => {
  it.each([
    ['GET', 'users/12345@AdobeOrg/0', 'users'],
    ['get', '/users/12345@AdobeOrg/17', 'users'],
    ['GET', 'users/12345@AdobeOrg/3?domain=example.com', 'users'],
    ['GET', 'users/12345@AdobeOrg/0/Designers', 'groupUsers'],
    ['GET', 'users/12345@AdobeOrg/2/Team%2FEast', 'groupUsers'],
    ['GET', 'groups/12345@AdobeOrg/0', 'groups'],
    ['POST', 'action/12345@AdobeOrg', 'actions'],
    ['POST', 'action/12345@AdobeOrg?testOnly=true', 'actions'],
    ['GET', 'organizations/12345@AdobeOrg/users/jdoe@example.com', undefined],
    ['GET', 'users/12345@AdobeOrg', undefined],
    ['GET', 'users/12345@AdobeOrg/first', undefined],
    ['POST', 'users/12345@AdobeOrg/0', undefined],
    ['GET', 'action/12345@AdobeOrg', undefined],
    ['DELETE', 'groups/12345@AdobeOrg/0', undefined],
    ['GET', '', undefined],
  ])('%s %s is %s', (method, path, expected) => {
    expect(classifyRequest(method, path)).toBe(expected);
  });
});
