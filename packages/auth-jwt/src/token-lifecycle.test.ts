import { type FakeIms, startFakeIms } from '@umapi/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JWTAuth } from './jwt-auth.js';

const HOUR_MS = 60 * 60 * 1000;
const START_MS = Date.UTC(2026, 0, 15, 9, 0, 0);

let ims: FakeIms;

beforeEach(async () => {
  // Only Date is faked: the fake IMS and fetch still use real timers and sockets.
  vi.useFakeTimers({ toFake: ['Date'], now: START_MS });
  ims = await startFakeIms({ now: () => Date.now(), tokenLifetimeMs: HOUR_MS });
});

afterEach(async () => {
  await ims.close();
  vi.useRealTimers();
});

function issuedCount(): number {
  return ims.exchanges.filter((exchange) => exchange.outcome === 'issued').length;
}

describe('JWTAuth token lifecycle', () => {
  it('reuses the token while it is fresh', async () => {
    const auth = new JWTAuth(await ims.createJwtCredentials());
    const first = await auth.getAccessToken();
    expect(first.expiresAt).toBe(START_MS + HOUR_MS);

    vi.setSystemTime(START_MS + HOUR_MS - 5 * 60_000 - 1);
    expect(await auth.getAccessToken()).toEqual(first);
    expect(ims.exchanges).toHaveLength(1);
  });

  it('refreshes in the background inside the refresh window', async () => {
    const auth = new JWTAuth(await ims.createJwtCredentials());
    const first = await auth.getAccessToken();

    vi.setSystemTime(START_MS + HOUR_MS - 4 * 60_000);
    expect(await auth.getAccessToken()).toEqual(first);
    await vi.waitFor(() => expect(issuedCount()).toBe(2));

    // The fake IMS logs the exchange before the client has read the answer,
    // so wait until the cache holds the new token.
    const second = await vi.waitFor(async () => {
      const next = await auth.getAccessToken();
      expect(next.token).not.toBe(first.token);
      return next;
    });
    // vi.waitFor advances the fake clock while it polls, so only a lower bound is exact.
    expect(second.expiresAt).toBeGreaterThanOrEqual(START_MS + HOUR_MS - 4 * 60_000 + HOUR_MS);
    expect(second.expiresAt).toBeLessThanOrEqual(Date.now() + HOUR_MS);
    expect(ims.exchanges).toHaveLength(2);
  });

  it('honours a custom refresh window', async () => {
    const auth = new JWTAuth({
      ...(await ims.createJwtCredentials()),
      refreshWindowMs: 30 * 60_000,
    });
    const first = await auth.getAccessToken();

    vi.setSystemTime(START_MS + 29 * 60_000);
    expect(await auth.getAccessToken()).toEqual(first);
    expect(ims.exchanges).toHaveLength(1);

    vi.setSystemTime(START_MS + 31 * 60_000);
    await auth.getAccessToken();
    await vi.waitFor(() => expect(issuedCount()).toBe(2));
  });

  it('waits for a new token after expiry', async () => {
    const auth = new JWTAuth(await ims.createJwtCredentials());
    const first = await auth.getAccessToken();

    vi.setSystemTime(START_MS + HOUR_MS + 1);
    const second = await auth.getAccessToken();
    expect(second.token).not.toBe(first.token);
    expect(second.expiresAt).toBeGreaterThan(Date.now());
    expect(ims.verifyAccessToken(second.token)).not.toBeNull();
    expect(ims.exchanges).toHaveLength(2);
  });

  it('exchanges once for 1,000 concurrent callers', async () => {
    const auth = new JWTAuth(await ims.createJwtCredentials());
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => auth.getAccessToken()));

    expect(ims.exchanges).toHaveLength(1);
    expect(new Set(tokens.map((token) => token.token)).size).toBe(1);
  });

  it('shares one failure among concurrent callers', async () => {
    const auth = new JWTAuth(await ims.createJwtCredentials());
    ims.failNext({ status: 401, body: { error: 'invalid_client', error_description: 'Injected' } });

    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => auth.getAccessToken()),
    );
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect(ims.exchanges).toHaveLength(1);
  });

  it('lets an aborted caller leave without cancelling the exchange', async () => {
    const auth = new JWTAuth(await ims.createJwtCredentials());

    // The delay only keeps the exchange pending while the first caller aborts.
    ims.failNext({ delayMs: 200 });
    const controller = new AbortController();
    const aborted = auth.getAccessToken({ signal: controller.signal });
    const waiting = auth.getAccessToken();
    controller.abort();

    await expect(aborted).rejects.toThrow();
    const token = await waiting;
    expect(ims.verifyAccessToken(token.token)).not.toBeNull();
    expect(ims.exchanges).toHaveLength(1);
  });
});
