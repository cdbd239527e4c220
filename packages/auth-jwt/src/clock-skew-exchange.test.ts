import { ImsError } from '@umapi/auth-core';
import { type FakeIms, startFakeIms } from '@umapi/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JWTAuth } from './jwt-auth.js';
import { createRecordingFetch, decodeAssertion } from './test-helpers.js';

const TEN_MINUTES_MS = 10 * 60_000;
const EXPIRED = {
  status: 400,
  body: { error: 'invalid_token', error_description: 'JWT token is expired' },
};

let ims: FakeIms;

beforeAll(async () => {
  ims = await startFakeIms();
});

afterAll(async () => {
  await ims.close();
});

beforeEach(() => {
  ims.setNow(Date.now());
  ims.clearExchanges();
});

describe('JWTAuth clock skew', () => {
  it('re-signs when the local clock is behind IMS', async () => {
    const recorder = createRecordingFetch();
    const auth = new JWTAuth({ ...(await ims.createJwtCredentials()), fetch: recorder.fetch });
    ims.setNow(Date.now() + TEN_MINUTES_MS);

    const token = await auth.getAccessToken();
    expect(ims.verifyAccessToken(token.token)).not.toBeNull();
    expect(ims.exchanges.map((exchange) => exchange.outcome)).toEqual(['rejected', 'issued']);
    expect(ims.exchanges[0]?.errorCode).toBe('invalid_token');

    const retried = decodeAssertion(recorder.requests[1]).claims;
    const imsSeconds = ims.now() / 1000;
    expect(retried.iat).toBeGreaterThan(imsSeconds - 60);
    expect(retried.iat).toBeLessThanOrEqual(imsSeconds + 1);
  });

  it('keeps the offset for later exchanges', async () => {
    const auth = new JWTAuth(await ims.createJwtCredentials());
    ims.setNow(Date.now() + TEN_MINUTES_MS);
    await auth.getAccessToken();

    await auth.getAccessToken({ forceRefresh: true });
    expect(ims.exchanges.map((exchange) => exchange.outcome)).toEqual([
      'rejected',
      'issued',
      'issued',
    ]);
  });

  it('re-signs when the local clock is ahead of IMS', async () => {
    const recorder = createRecordingFetch();
    const auth = new JWTAuth({ ...(await ims.createJwtCredentials()), fetch: recorder.fetch });
    ims.setNow(Date.now() - TEN_MINUTES_MS);

    // The fake IMS rejects an iat later than its own clock, as IMS does.
    await auth.getAccessToken();

    expect(ims.exchanges.map((exchange) => exchange.outcome)).toEqual(['rejected', 'issued']);
    expect(ims.exchanges[0]?.errorCode).toBe('invalid_token');
    const first = decodeAssertion(recorder.requests[0]).claims;
    const retried = decodeAssertion(recorder.requests[1]).claims;
    expect(first.iat! - retried.iat!).toBeGreaterThan(TEN_MINUTES_MS / 1000 - 60);
    expect(first.iat! - retried.iat!).toBeLessThan(TEN_MINUTES_MS / 1000 + 60);
  });

  it('says the local clock is off when the retry fails too', async () => {
    const auth = new JWTAuth(await ims.createJwtCredentials());
    ims.setNow(Date.now() + TEN_MINUTES_MS);
    ims.failNext({ ...EXPIRED, times: 2 });

    const error = await auth.getAccessToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImsError);
    expect((error as ImsError).code).toBe('invalid_token');
    expect((error as ImsError).message).toMatch(
      /local clock is (9 minutes 5\d seconds|10 minutes( \d+ seconds?)?) behind IMS/,
    );
    expect((error as ImsError).cause).toBeInstanceOf(ImsError);
    expect(ims.exchanges).toHaveLength(2);
  });

  it('forgets an offset that did not help', async () => {
    const auth = new JWTAuth(await ims.createJwtCredentials());
    ims.setNow(Date.now() + TEN_MINUTES_MS);
    ims.failNext({ ...EXPIRED, times: 2 });
    await expect(auth.getAccessToken()).rejects.toThrow(/local clock/);

    ims.setNow(Date.now());
    await auth.getAccessToken();
    expect(ims.exchanges.map((exchange) => exchange.outcome)).toEqual(['fault', 'fault', 'issued']);
  });

  it('re-signs for a local clock 45 s ahead', async () => {
    const auth = new JWTAuth(await ims.createJwtCredentials());
    ims.setNow(Date.now() - 45_000);

    await auth.getAccessToken();

    expect(ims.exchanges.map((exchange) => exchange.outcome)).toEqual(['rejected', 'issued']);
  });

  it('does not retry within 5 seconds of skew', async () => {
    const auth = new JWTAuth(await ims.createJwtCredentials());
    ims.setNow(Date.now() + 2_000);
    ims.failNext(EXPIRED);

    const error = await auth.getAccessToken().catch((caught: unknown) => caught);
    expect((error as ImsError).code).toBe('invalid_token');
    expect((error as ImsError).message).not.toMatch(/local clock/);
    expect(ims.exchanges).toHaveLength(1);
  });

  it('does not retry other rejections', async () => {
    const auth = new JWTAuth({ ...(await ims.createJwtCredentials()), clientSecret: 'p8e-wrong' });
    ims.setNow(Date.now() + TEN_MINUTES_MS);

    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_client' });
    expect(ims.exchanges).toHaveLength(1);
  });
});
