import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AssertionOverrides, postForm, signAssertion, useFakeIms } from '../test-helpers.js';
import { type FakeIms, type JwtCredentials, startFakeIms } from './fake-ims.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('JWT exchange', () => {
  let ims: FakeIms;
  let credentials: JwtCredentials;

  beforeAll(async () => {
    ims = await startFakeIms();
    credentials = await ims.createJwtCredentials();
  });
  afterAll(() => ims.close());

  const fields = async (overrides: AssertionOverrides = {}): Promise<Record<string, string>> => ({
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    jwt_token: await signAssertion(ims, credentials, overrides),
  });

  for (const path of ['/ims/exchange/jwt', '/ims/exchange/jwt/', '/ims/exchange/v1/jwt']) {
    for (const encoding of ['urlencoded', 'multipart'] as const) {
      it(`issues a token at ${path} (${encoding})`, async () => {
        const response = await postForm(`${ims.url}${path}`, await fields(), encoding);
        const body = (await response.json()) as Record<string, unknown>;

        expect(response.status).toBe(200);
        expect(body.token_type).toBe('bearer');
        expect(body.expires_in).toBe(DAY_MS);
        expect(typeof body.access_token).toBe('string');
        expect(ims.exchanges.at(-1)).toMatchObject({
          endpoint: path,
          encoding,
          outcome: 'issued',
          status: 200,
        });
      });
    }
  }

  it('issues JWT-shaped tokens with IMS claims', async () => {
    const response = await postForm(`${ims.url}/ims/exchange/jwt/`, await fields());
    const { access_token: token } = (await response.json()) as { access_token: string };
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));

    expect(header.alg).toBe('RS256');
    expect(payload.client_id).toBe(credentials.clientId);
    expect(payload.user_id).toBe(credentials.techAcctId);
    expect(payload.expires_in).toBe(String(DAY_MS));
    expect(Number(payload.created_at)).toBeGreaterThan(0);
    expect(payload.scope).toBe('ent_user_sdk');
    expect(payload.org).toBe(credentials.orgId);
  });

  it('verifies its own tokens', async () => {
    const issuedAt = ims.now();
    const response = await postForm(`${ims.url}/ims/exchange/jwt/`, await fields());
    const { access_token: token } = (await response.json()) as { access_token: string };
    const info = ims.verifyAccessToken(token);

    expect(info).toMatchObject({
      clientId: credentials.clientId,
      orgId: credentials.orgId,
      scopes: ['ent_user_sdk'],
    });
    expect(info!.expiresAt).toBeGreaterThanOrEqual(issuedAt + DAY_MS);
    expect(ims.verifyAccessToken(`${token.slice(0, -4)}AAAA`)).toBeNull();
    expect(ims.verifyAccessToken('not-a-token')).toBeNull();
  });

  it('sends Date and x-debug-id on every answer', async () => {
    const responses = [
      await postForm(`${ims.url}/ims/exchange/jwt/`, await fields()),
      await postForm(`${ims.url}/ims/exchange/jwt/`, {}),
      await fetch(`${ims.url}/nowhere`),
    ];
    for (const response of responses) {
      expect(response.headers.get('date')).toMatch(/GMT$/);
      expect(response.headers.get('x-debug-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  const rejections: Array<{
    name: string;
    form: () => Promise<Record<string, string>>;
    status: number;
    error: string;
  }> = [
    {
      name: 'missing client_id',
      form: async () => ({ ...(await fields()), client_id: '' }),
      status: 400,
      error: 'invalid_request',
    },
    {
      name: 'missing client_secret',
      form: async () => omit(await fields(), 'client_secret'),
      status: 400,
      error: 'invalid_request',
    },
    {
      name: 'missing jwt_token',
      form: async () => omit(await fields(), 'jwt_token'),
      status: 400,
      error: 'invalid_request',
    },
    {
      name: 'unknown client id',
      form: async () => ({ ...(await fields()), client_id: 'f'.repeat(32) }),
      status: 400,
      error: 'invalid_client',
    },
    {
      name: 'wrong secret',
      form: async () => ({ ...(await fields()), client_secret: 'p8e-wrong' }),
      status: 401,
      error: 'invalid_client',
    },
    {
      name: 'unparseable JWT',
      form: async () => ({ ...(await fields()), jwt_token: 'abc.def' }),
      status: 400,
      error: 'invalid_token',
    },
    {
      name: 'JSON-less JWT parts',
      form: async () => ({ ...(await fields()), jwt_token: 'e30.bm90LWpzb24.c2ln' }),
      status: 400,
      error: 'invalid_token',
    },
    {
      name: 'signature from another key',
      form: async () =>
        fields({ key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }),
      status: 400,
      error: 'invalid_signature',
    },
    {
      name: 'HS256 instead of RS256',
      form: async () => ({ ...(await fields()), jwt_token: await signHs256() }),
      status: 400,
      error: 'invalid_signature',
    },
    {
      name: 'missing exp',
      form: () => fields({ exp: undefined }),
      status: 400,
      error: 'invalid_token',
    },
    {
      name: 'expired exp',
      form: () => fields({ exp: Math.floor(Date.now() / 1000) - 120 }),
      status: 400,
      error: 'invalid_token',
    },
    {
      name: 'iat in the future',
      form: () => fields({ iat: Math.floor(Date.now() / 1000) + 120 }),
      status: 400,
      error: 'invalid_token',
    },
    {
      name: 'nbf in the future',
      form: () => fields({ nbf: Math.floor(Date.now() / 1000) + 120 }),
      status: 400,
      error: 'invalid_token',
    },
    {
      name: 'wrong iss',
      form: () => fields({ iss: 'AAAAAAAAAAAAAAAAAAAAAAAA@AdobeOrg' }),
      status: 400,
      error: 'invalid_token',
    },
    {
      name: 'wrong sub',
      form: () => fields({ sub: 'AAAAAAAAAAAAAAAAAAAAAAAA@techacct.adobe.com' }),
      status: 400,
      error: 'invalid_token',
    },
    {
      name: 'wrong aud',
      form: () => fields({ aud: 'https://ims-na1.adobelogin.com/c/other' }),
      status: 400,
      error: 'invalid_token',
    },
    {
      name: 'no metascope',
      form: () => fields({ metascopes: [] }),
      status: 400,
      error: 'invalid_scope',
    },
    {
      name: 'metascope not granted',
      form: () => fields({ metascopes: ['ent_analytics_bulk_ingest_sdk'] }),
      status: 400,
      error: 'invalid_scope',
    },
    {
      name: 'metascope under another origin',
      form: () => fields({ metascopeOrigin: 'https://ims-na1.adobelogin.com' }),
      status: 400,
      error: 'invalid_scope',
    },
    {
      name: 'exp over 24 hours after iat',
      form: () =>
        fields({
          iat: Math.floor(Date.now() / 1000),
          exp: Math.floor(Date.now() / 1000) + 25 * 3600,
        }),
      status: 400,
      error: 'invalid_token',
    },
  ];

  for (const rejection of rejections) {
    it(`rejects ${rejection.name}`, async () => {
      const response = await postForm(`${ims.url}/ims/exchange/jwt/`, await rejection.form());
      const body = (await response.json()) as Record<string, unknown>;

      expect(response.status).toBe(rejection.status);
      expect(body.error).toBe(rejection.error);
      expect(typeof body.error_description).toBe('string');
      expect(ims.exchanges.at(-1)).toMatchObject({
        outcome: 'rejected',
        errorCode: rejection.error,
      });
    });
  }

  it('checks the client before the assertion', async () => {
    const form = { ...(await fields({ exp: undefined })), client_secret: 'p8e-wrong' };
    const response = await postForm(`${ims.url}/ims/exchange/jwt/`, form);

    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('accepts the localhost alias in aud', async () => {
    const aud = `${ims.url.replace('127.0.0.1', 'localhost')}/c/${credentials.clientId}`;
    const response = await postForm(`${ims.url}/ims/exchange/jwt/`, await fields({ aud }));
    expect(response.status).toBe(200);
  });

  it('rejects a body that is not a form', async () => {
    const response = await fetch(`${ims.url}/ims/exchange/jwt/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(await fields()),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('answers 405 to GET on a token endpoint', async () => {
    const response = await fetch(`${ims.url}/ims/exchange/jwt/`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(((await response.json()) as { error: string }).error).toBe('method_not_allowed');
  });

  it('answers 404 to an unknown path', async () => {
    const response = await fetch(`${ims.url}/ims/exchange/unknown`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toBe('not_found');
  });

  it('rejects a body over 1 MiB with 413', async () => {
    const response = await postForm(`${ims.url}/ims/exchange/jwt/`, {
      ...(await fields()),
      padding: 'x'.repeat(1024 * 1024),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('logs no secret, assertion or token', async () => {
    const form = await fields();
    const response = await postForm(`${ims.url}/ims/exchange/jwt/`, form);
    const { access_token: token } = (await response.json()) as { access_token: string };
    const log = JSON.stringify(ims.exchanges);

    expect(log).toContain(credentials.clientId);
    expect(log).not.toContain(credentials.clientSecret);
    expect(log).not.toContain(form.jwt_token);
    expect(log).not.toContain(token);
  });
});

describe('JWT exchange clock', () => {
  it('uses the injected clock for exp checks and expiry', async () => {
    let nowMs = Date.parse('2030-01-01T00:00:00Z');
    const ims = await useFakeIms({ now: () => nowMs, tokenLifetimeMs: 60_000 });
    const credentials = await ims.createJwtCredentials();

    const fields = {
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      jwt_token: await signAssertion(ims, credentials),
    };
    const response = await postForm(`${ims.url}/ims/exchange/jwt/`, fields);
    const body = (await response.json()) as { access_token: string; expires_in: number };

    expect(response.headers.get('date')).toBe('Tue, 01 Jan 2030 00:00:00 GMT');
    expect(body.expires_in).toBe(60_000);
    expect(ims.verifyAccessToken(body.access_token)?.expiresAt).toBe(nowMs + 60_000);

    nowMs += 59_999;
    expect(ims.verifyAccessToken(body.access_token)).not.toBeNull();
    nowMs += 1;
    expect(ims.verifyAccessToken(body.access_token)).toBeNull();
  });

  it('applies the clock tolerance to exp', async () => {
    const ims = await useFakeIms({ clockToleranceMs: 10_000 });
    const credentials = await ims.createJwtCredentials();
    const exp = Math.floor(ims.now() / 1000) + 60;
    const jwt = await signAssertion(ims, credentials, { exp });
    const form = {
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      jwt_token: jwt,
    };

    ims.setNow(exp * 1000 + 5_000);
    expect((await postForm(`${ims.url}/ims/exchange/jwt/`, form)).status).toBe(200);

    ims.advance(6_000);
    const late = await postForm(`${ims.url}/ims/exchange/jwt/`, form);
    expect(late.status).toBe(400);
    expect(((await late.json()) as { error: string }).error).toBe('invalid_token');

    ims.clockToleranceMs = 60_000;
    expect((await postForm(`${ims.url}/ims/exchange/jwt/`, form)).status).toBe(200);
  });

  it('applies the clock tolerance to iat and nbf', async () => {
    const ims = await useFakeIms({ clockToleranceMs: 10_000 });
    const credentials = await ims.createJwtCredentials();
    const nowSeconds = Math.floor(ims.now() / 1000);
    ims.setNow(nowSeconds * 1000);
    const form = async (overrides: AssertionOverrides) => ({
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      jwt_token: await signAssertion(ims, credentials, overrides),
    });
    const atEdge = await form({ iat: nowSeconds + 10, nbf: nowSeconds + 10 });
    const iatAhead = await form({ iat: nowSeconds + 11 });
    const nbfAhead = await form({ iat: nowSeconds, nbf: nowSeconds + 11 });

    expect((await postForm(`${ims.url}/ims/exchange/jwt/`, atEdge)).status).toBe(200);

    const early = await postForm(`${ims.url}/ims/exchange/jwt/`, iatAhead);
    const earlyBody = (await early.json()) as { error: string; error_description: string };
    expect(early.status).toBe(400);
    expect(earlyBody.error).toBe('invalid_token');
    expect(earlyBody.error_description).toMatch(/^JWT not yet valid: its iat claim/);

    const earlyNbf = await postForm(`${ims.url}/ims/exchange/jwt/`, nbfAhead);
    const earlyNbfBody = (await earlyNbf.json()) as { error_description: string };
    expect(earlyNbf.status).toBe(400);
    expect(earlyNbfBody.error_description).toMatch(/^JWT not yet valid: its nbf claim/);

    ims.advance(1_000);
    expect((await postForm(`${ims.url}/ims/exchange/jwt/`, iatAhead)).status).toBe(200);
    expect((await postForm(`${ims.url}/ims/exchange/jwt/`, nbfAhead)).status).toBe(200);
  });

  it('checks iat after exp and before iss', async () => {
    const ims = await useFakeIms();
    const credentials = await ims.createJwtCredentials();
    const nowSeconds = Math.floor(ims.now() / 1000);
    const post = async (overrides: AssertionOverrides) => {
      const response = await postForm(`${ims.url}/ims/exchange/jwt/`, {
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        jwt_token: await signAssertion(ims, credentials, overrides),
      });
      return ((await response.json()) as { error_description: string }).error_description;
    };

    const expiredAndEarly = await post({ exp: nowSeconds - 120, iat: nowSeconds + 120 });
    const earlyAndWrongIss = await post({
      iat: nowSeconds + 120,
      iss: 'AAAAAAAAAAAAAAAAAAAAAAAA@AdobeOrg',
    });

    expect(expiredAndEarly).toBe('JWT token is expired');
    expect(earlyAndWrongIss).toMatch(/^JWT not yet valid/);
  });

  it('follows mocked Date by default', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2031-06-01T00:00:00Z') });
    try {
      const ims = await useFakeIms();
      ims.registerOAuthClient({ clientId: 'mocked-time', clientSecret: 'secret' });
      const token = await ims.issueAccessToken({ clientId: 'mocked-time', lifetimeMs: 1_000 });

      expect(ims.verifyAccessToken(token)?.expiresAt).toBe(Date.parse('2031-06-01T00:00:01Z'));
      vi.advanceTimersByTime(1_000);
      expect(ims.verifyAccessToken(token)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('issues tokens with the current tokenLifetimeMs', async () => {
    const ims = await useFakeIms();
    const credentials = await ims.createJwtCredentials();
    ims.tokenLifetimeMs = 1_000;
    const form = {
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      jwt_token: await signAssertion(ims, credentials),
    };

    const body = (await (await postForm(`${ims.url}/ims/exchange/jwt/`, form)).json()) as {
      access_token: string;
      expires_in: number;
    };
    expect(body.expires_in).toBe(1_000);

    ims.advance(1_000);
    expect(ims.verifyAccessToken(body.access_token)).toBeNull();
    expect(() => {
      ims.tokenLifetimeMs = 0;
    }).toThrow(/tokenLifetimeMs/);
  });
});

function omit(fields: Record<string, string>, name: string): Record<string, string> {
  const copy = { ...fields };
  delete copy[name];
  return copy;
}

function signHs256(): Promise<string> {
  return new SignJWT({ exp: Math.floor(Date.now() / 1000) + 60 })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long'));
}
