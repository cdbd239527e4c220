import { ConfigurationError } from '@umapi/auth-core';
import { type FakeIms, type FakeUmapi, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserAction } from './actions/user-action.js';
import { Connection } from './connection.js';
import { clearRateLimiters, getRateLimiter } from './rate-limit/registry.js';
import type { SchedulingRateLimiter } from './rate-limit/rate-limiter.js';
import { createTestAuthenticator } from './test-server.js';

const MINUTE_MS = 60_000;
// The fake UMAPI counts one budget minute in one second of the test clock.
const TIME_SCALE = 60;
const WINDOW_MS = MINUTE_MS / TIME_SCALE;

afterEach(() => {
  clearRateLimiters();
});

function problemsOf(create: () => unknown): { field: string; message: string }[] {
  try {
    create();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return [...(error as ConfigurationError).problems];
  }

  throw new Error('expected a ConfigurationError');
}

describe('rateLimitTiming option', () => {
  let ims: FakeIms;

  beforeEach(async () => {
    ims = await startFakeIms();
  });

  afterEach(async () => {
    await ims.close();
  });

  it('sets the shared limiter timing', async () => {
    const { auth } = await createTestAuthenticator(ims);
    const connection = new Connection({
      auth,
      endpoint: 'http://127.0.0.1:9/v2/usermanagement',
      rateLimitTiming: { windowMs: 2_000 },
    });

    const limiter = getRateLimiter(auth.clientId) as SchedulingRateLimiter;
    expect(limiter.timing).toEqual({ windowMs: 2_000, safetyMarginMs: 2_000 / 30 });
    await connection.close();
  });

  it('keeps a given safety margin', async () => {
    const { auth } = await createTestAuthenticator(ims);
    const connection = new Connection({
      auth,
      endpoint: 'http://127.0.0.1:9/v2/usermanagement',
      rateLimitTiming: { windowMs: 2_000, safetyMarginMs: 0 },
    });

    const limiter = getRateLimiter(auth.clientId) as SchedulingRateLimiter;
    expect(limiter.timing).toEqual({ windowMs: 2_000, safetyMarginMs: 0 });
    await connection.close();
  });

  it('defaults to the one-minute window', async () => {
    const { auth } = await createTestAuthenticator(ims);
    const connection = new Connection({ auth, endpoint: 'http://127.0.0.1:9/v2/usermanagement' });

    const limiter = getRateLimiter(auth.clientId) as SchedulingRateLimiter;
    expect(limiter.timing).toEqual({ windowMs: MINUTE_MS, safetyMarginMs: 2_000 });
    await connection.close();
  });

  it('rejects a different timing for a shared client ID', async () => {
    const { auth } = await createTestAuthenticator(ims);
    const endpoint = 'http://127.0.0.1:9/v2/usermanagement';
    const first = new Connection({ auth, endpoint, rateLimitTiming: { windowMs: 2_000 } });

    const problems = problemsOf(
      () => new Connection({ auth, endpoint, rateLimitTiming: { windowMs: 1_000 } }),
    );

    expect(problems).toEqual([
      { field: 'rateLimitTiming', message: expect.stringContaining('windowMs 2000') },
    ]);
    await first.close();
  });

  it('accepts the same or no timing for a shared client ID', async () => {
    const { auth } = await createTestAuthenticator(ims);
    const endpoint = 'http://127.0.0.1:9/v2/usermanagement';
    const first = new Connection({ auth, endpoint, rateLimitTiming: { windowMs: 2_000 } });
    const same = new Connection({
      auth,
      endpoint,
      rateLimitTiming: { windowMs: 2_000, safetyMarginMs: 2_000 / 30 },
    });
    const without = new Connection({ auth, endpoint });

    const limiter = getRateLimiter(auth.clientId) as SchedulingRateLimiter;
    expect(limiter.timing.windowMs).toBe(2_000);
    await Promise.all([first.close(), same.close(), without.close()]);
  });

  it.each([
    [42, 'rateLimitTiming', 'expected an object'],
    [null, 'rateLimitTiming', 'expected an object'],
    [{ windowMs: 0 }, 'rateLimitTiming.windowMs', 'greater than zero'],
    [{ windowMs: -5 }, 'rateLimitTiming.windowMs', 'greater than zero'],
    [{ windowMs: '2s' }, 'rateLimitTiming.windowMs', 'got string'],
    [{ windowMs: Number.POSITIVE_INFINITY }, 'rateLimitTiming.windowMs', 'milliseconds'],
    [{ safetyMarginMs: -1 }, 'rateLimitTiming.safetyMarginMs', 'zero or more'],
    [{ window: 1_000 }, 'rateLimitTiming.window', 'use windowMs or safetyMarginMs'],
  ])('rejects %j', async (rateLimitTiming, field, message) => {
    const { auth } = await createTestAuthenticator(ims);

    const problems = problemsOf(
      () =>
        new Connection({
          auth,
          endpoint: 'http://127.0.0.1:9/v2/usermanagement',
          rateLimitTiming: rateLimitTiming as never,
        }),
    );

    expect(problems).toEqual([{ field, message: expect.stringContaining(message) }]);
  });
});

describe('rateLimitTiming against a compressed fake UMAPI', () => {
  let ims: FakeIms;
  let umapi: FakeUmapi;

  beforeEach(async () => {
    // Date and setTimeout are faked, and the test clock moves only while no
    // request is in flight, so the fake UMAPI stamps each request at the time
    // the scheduler granted it.
    vi.useFakeTimers({
      now: new Date('2026-01-05T10:00:00Z'),
      toFake: ['Date', 'setTimeout', 'clearTimeout'],
    });
    ims = await startFakeIms();
    umapi = await startFakeUmapi({
      ims,
      users: 0,
      rateLimits: true,
      timeScale: TIME_SCALE,
      now: () => Date.now(),
    });
  });

  afterEach(async () => {
    await umapi.close();
    await ims.close();
    vi.useRealTimers();
  });

  it('sends at the compressed budget without 429s', async () => {
    const { auth } = await createTestAuthenticator(ims, umapi.orgId);
    let inFlight = 0;
    const connection = new Connection({
      auth,
      endpoint: umapi.url,
      rateLimits: { actions: 10 },
      rateLimitTiming: { windowMs: WINDOW_MS },
      maxRetries: 0,
      // Longer than the test clock ever runs, so no attempt times out.
      timeout: 10 * MINUTE_MS,
      // Reads the whole body before the request counts as done.
      fetch: async (input, init) => {
        inFlight += 1;
        try {
          const response = await fetch(input, init);
          const body = await response.arrayBuffer();
          return new Response(body, response);
        } finally {
          inFlight -= 1;
        }
      },
    });

    // The token exchange runs on undici's timers, which the loop below would
    // advance, so the token is cached before the clock starts to move.
    await auth.getAccessToken();
    const startedAt = Date.now();
    const results: { completed: number; errors: number }[] = [];
    let finished = false;
    const run = (async () => {
      for (let index = 0; index < 25; index += 1) {
        const email = `timing${index}@example.com`;
        const action = new UserAction({ email }).createFederatedID({
          email,
          country: 'US',
          firstname: 'Test',
          lastname: `User ${index}`,
        });
        const result = await connection.execute([action]);
        results.push({ completed: result.completed, errors: result.errors.length });
      }
      finished = true;
    })();

    while (!finished) {
      if (inFlight === 0) {
        await vi.advanceTimersByTimeAsync(10);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await run;
    const elapsedMs = Date.now() - startedAt;
    await connection.close();

    expect(results).toEqual(Array.from({ length: 25 }, () => ({ completed: 1, errors: 0 })));
    expect(umapi.rateLimitStats(auth.clientId)?.actions.throttled).toBe(0);
    // 25 requests at 10 per window need two more windows after the first burst:
    // seconds of the test clock, where UMAPI's one-minute window would need minutes.
    expect(elapsedMs).toBeGreaterThanOrEqual(WINDOW_MS);
    expect(elapsedMs).toBeLessThan(4 * WINDOW_MS);
  });
});
