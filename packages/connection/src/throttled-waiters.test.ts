import { type FakeIms, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Connection } from './connection.js';
import { ListingError, UnavailableError } from './errors.js';
import { clearRateLimiters } from './rate-limit/registry.js';
import { createTestAuthenticator } from './test-server.js';

let ims: FakeIms;

beforeAll(async () => {
  ims = await startFakeIms();
});

afterAll(async () => {
  await ims.close();
});

afterEach(() => {
  clearRateLimiters();
});

async function firstUser(connection: Connection): Promise<unknown> {
  try {
    for await (const user of connection.users()) {
      return user;
    }
    return undefined;
  } catch (error) {
    // A listing wraps the error of the page request that failed.
    return error instanceof ListingError ? error.cause : error;
  }
}

describe('calls queued for a slot', () => {
  it('fail at once when a long pause starts', async () => {
    const { auth, credentials } = await createTestAuthenticator(ims);
    const umapi = await startFakeUmapi({ ims, orgId: credentials.orgId, users: 20, pageSize: 1 });
    onTestFinished(() => umapi.close());
    // A budget of 6 per 6 s window has a burst of one request, so four of the five calls queue.
    const connection = new Connection({
      auth,
      endpoint: umapi.url,
      maxRetryWaitMs: 2_000,
      rateLimits: { users: 6 },
      rateLimitTiming: { windowMs: 6_000 },
    });
    onTestFinished(() => connection.close());
    await auth.getAccessToken();
    umapi.failNext({ status: 429, retryAfter: 30 });

    // Queued calls that sleep through the 30 s pause make this test time out.
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => firstUser(connection)));

    for (const outcome of outcomes) {
      expect(outcome).toBeInstanceOf(UnavailableError);
      expect((outcome as UnavailableError).retryAfterMs).toBeGreaterThan(2_000);
    }
    const throttled = outcomes.filter(
      (outcome) => (outcome as UnavailableError).lastStatus === 429,
    );
    const neverSent = outcomes.filter((outcome) => (outcome as UnavailableError).attempts === 0);
    expect(throttled).toHaveLength(1);
    expect(neverSent).toHaveLength(4);
    expect((neverSent[0] as UnavailableError).message).toContain('maxRetryWaitMs (2000 ms)');
  });
});
