import { createPublicKey } from 'node:crypto';
import { type FakeIms, startFakeIms } from '@umapi/testing';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWTAuth } from './jwt-auth.js';
import { createRecordingFetch, decodeAssertion } from './test-helpers.js';

let ims: FakeIms;

beforeAll(async () => {
  ims = await startFakeIms();
});

afterAll(async () => {
  await ims.close();
});

describe('signed assertion', () => {
  it('carries every claim IMS checks', async () => {
    const credentials = await ims.createJwtCredentials();
    const recorder = createRecordingFetch();
    const auth = new JWTAuth({ ...credentials, fetch: recorder.fetch });

    const beforeSeconds = Math.floor(Date.now() / 1000);
    await auth.getAccessToken();
    const afterSeconds = Math.ceil(Date.now() / 1000);

    expect(recorder.requests).toHaveLength(1);
    const { header, claims, token } = decodeAssertion(recorder.requests[0]);
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(claims.iss).toBe(credentials.orgId);
    expect(claims.sub).toBe(credentials.techAcctId);
    expect(claims.aud).toBe(`${ims.url}/c/${credentials.clientId}`);
    expect(claims[`${ims.url}/s/ent_user_sdk`]).toBe(true);
    expect(Object.keys(claims).sort()).toEqual(
      ['aud', 'exp', 'iat', 'iss', `${ims.url}/s/ent_user_sdk`, 'sub'].sort(),
    );

    expect(claims.iat).toBeGreaterThanOrEqual(beforeSeconds);
    expect(claims.iat).toBeLessThanOrEqual(afterSeconds);
    expect(claims.exp).toBeGreaterThanOrEqual(beforeSeconds + 300 - 1);
    expect(claims.exp).toBeLessThanOrEqual(afterSeconds + 300);

    const publicKey = createPublicKey(credentials.privateKey);
    await expect(jwtVerify(token, publicKey, { algorithms: ['RS256'] })).resolves.toBeDefined();
  });

  it('posts the form fields to the JWT endpoint', async () => {
    const credentials = await ims.createJwtCredentials();
    const recorder = createRecordingFetch();
    const auth = new JWTAuth({ ...credentials, fetch: recorder.fetch });
    await auth.getAccessToken();

    const [request] = recorder.requests;
    expect(request?.url).toBe(`${ims.url}/ims/exchange/jwt/`);
    expect(request?.method).toBe('POST');
    expect(request?.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect([...(request?.form.keys() ?? [])].sort()).toEqual([
      'client_id',
      'client_secret',
      'jwt_token',
    ]);
    expect(request?.form.get('client_id')).toBe(credentials.clientId);
    expect(request?.form.get('client_secret')).toBe(credentials.clientSecret);
  });

  it('uses jwtLifetimeMs for exp', async () => {
    const credentials = await ims.createJwtCredentials();
    const recorder = createRecordingFetch();
    const auth = new JWTAuth({ ...credentials, fetch: recorder.fetch, jwtLifetimeMs: 60_000 });

    const beforeSeconds = Math.floor(Date.now() / 1000);
    await auth.getAccessToken();
    const afterSeconds = Math.ceil(Date.now() / 1000);

    const { claims } = decodeAssertion(recorder.requests[0]);
    expect(claims.exp).toBeGreaterThanOrEqual(beforeSeconds + 60 - 1);
    expect(claims.exp).toBeLessThanOrEqual(afterSeconds + 60);
  });

  it('adds one claim per metascope', async () => {
    const metascopes = ['ent_user_sdk', 'ent_analytics_bulk_ingest_sdk'];
    const credentials = await ims.createJwtCredentials({ metascopes });
    const recorder = createRecordingFetch();
    const auth = new JWTAuth({ ...credentials, fetch: recorder.fetch });
    await auth.getAccessToken();

    const { claims } = decodeAssertion(recorder.requests[0]);
    for (const metascope of metascopes) {
      expect(claims[`${ims.url}/s/${metascope}`]).toBe(true);
    }
  });

  it('signs a new assertion for every exchange', async () => {
    const credentials = await ims.createJwtCredentials();
    const recorder = createRecordingFetch();
    const auth = new JWTAuth({ ...credentials, fetch: recorder.fetch });
    await auth.getAccessToken();
    await auth.getAccessToken({ forceRefresh: true });

    expect(recorder.requests).toHaveLength(2);
    expect(decodeAssertion(recorder.requests[0]).claims.aud).toBe(
      decodeAssertion(recorder.requests[1]).claims.aud,
    );
  });
});
