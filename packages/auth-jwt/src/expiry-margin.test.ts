import { type FakeIms, startFakeIms } from '@umapi/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JWTAuth } from './jwt-auth.js';

// Shorter than the default 30 s expiry margin, as short-lived test credentials are.
const LIFETIME_MS = 20_000;
const START_MS = Date.UTC(2026, 0, 15, 9, 0, 0);

let ims: FakeIms;

beforeEach(async () => {
  // Only Date is faked: the fake IMS and fetch still use real timers and sockets.
  vi.useFakeTimers({ toFake: ['Date'], now: START_MS });
  ims = await startFakeIms({ now: () => Date.now(), tokenLifetimeMs: LIFETIME_MS });
});

afterEach(async () => {
  await ims.close();
  vi.useRealTimers();
});

function issuedCount(): number {
  return ims.exchanges.filter((exchange) => exchange.outcome === 'issued').length;
}

describe('JWTAuth expiryMarginMs', () => {
  it('exchanges on every call by default', async () => {
    const auth = new JWTAuth(await ims.createJwtCredentials());

    const first = await auth.getAccessToken();
    const second = await auth.getAccessToken();

    expect(first.expiresAt).toBe(START_MS + LIFETIME_MS);
    expect(second.token).not.toBe(first.token);
    expect(issuedCount()).toBe(2);
  });

  it('reuses a short token with a small margin', async () => {
    const auth = new JWTAuth({
      ...(await ims.createJwtCredentials()),
      expiryMarginMs: 2_000,
      refreshWindowMs: 5_000,
    });

    const first = await auth.getAccessToken();
    vi.setSystemTime(START_MS + 14_000);
    const second = await auth.getAccessToken();

    expect(second).toEqual(first);
    expect(issuedCount()).toBe(1);
  });

  it('refreshes in the background inside the window', async () => {
    const auth = new JWTAuth({
      ...(await ims.createJwtCredentials()),
      expiryMarginMs: 2_000,
      refreshWindowMs: 5_000,
    });
    const first = await auth.getAccessToken();

    vi.setSystemTime(START_MS + 16_000);
    expect(await auth.getAccessToken()).toEqual(first);
    await vi.waitFor(() => expect(issuedCount()).toBe(2));
  });

  it('waits for a new token inside the margin', async () => {
    const auth = new JWTAuth({
      ...(await ims.createJwtCredentials()),
      expiryMarginMs: 2_000,
      refreshWindowMs: 5_000,
    });
    const first = await auth.getAccessToken();

    vi.setSystemTime(START_MS + 19_000);
    const second = await auth.getAccessToken();

    expect(second.token).not.toBe(first.token);
    expect(second.expiresAt).toBe(START_MS + 19_000 + LIFETIME_MS);
    expect(issuedCount()).toBe(2);
  });
});
