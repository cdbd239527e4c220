import { createPrivateKey } from 'node:crypto';
import {
  CertificateError,
  ConfigurationError,
  ImsError,
  isAuthenticator,
  TimeoutError,
} from '@umapi/auth-core';
import { type FakeIms, type JwtCredentials, startFakeIms } from '@umapi/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JWTAuth } from './jwt-auth.js';
import { encryptWithOpenssl } from './test-keys.js';

let ims: FakeIms;

beforeAll(async () => {
  ims = await startFakeIms();
});

afterAll(async () => {
  await ims.close();
});

beforeEach(() => {
  ims.clearExchanges();
});

async function expectWorkingToken(auth: JWTAuth, credentials: JwtCredentials): Promise<void> {
  const before = Date.now();
  const token = await auth.getAccessToken();
  const after = Date.now();

  const grant = ims.verifyAccessToken(token.token);
  expect(grant?.clientId).toBe(credentials.clientId);
  expect(grant?.orgId).toBe(credentials.orgId);

  // The JWT exchange states expires_in in milliseconds; read as seconds it
  // would put expiry 1000 times too far away.
  expect(token.expiresAt).toBeGreaterThanOrEqual(before + ims.tokenLifetimeMs - 1000);
  expect(token.expiresAt).toBeLessThanOrEqual(after + ims.tokenLifetimeMs + 1000);
  expect(ims.exchanges.map((exchange) => exchange.outcome)).toEqual(['issued']);
}

describe('JWTAuth key formats', () => {
  it.each(['pkcs1', 'pkcs8', 'encrypted-pkcs8'] as const)(
    'exchanges with a %s key from the fake IMS',
    async (keyFormat) => {
      const credentials = await ims.createJwtCredentials({ keyFormat });
      const auth = new JWTAuth(credentials);
      await expectWorkingToken(auth, credentials);
    },
  );

  const variants: Array<
    [string, (pem: string) => string | Buffer | ReturnType<typeof createPrivateKey>]
  > = [
    ['a KeyObject', (pem) => createPrivateKey(pem)],
    ['a Buffer', (pem) => Buffer.from(pem)],
    ['CRLF line endings', (pem) => pem.replaceAll('\n', '\r\n')],
    ['literal \\n sequences', (pem) => pem.trim().replaceAll('\n', '\\n')],
    ['the PEM base64-encoded on one line', (pem) => Buffer.from(pem).toString('base64')],
    ['surrounding whitespace', (pem) => `\n  ${pem}\n\n `],
  ];

  for (const [name, transform] of variants) {
    it(`exchanges with ${name}`, async () => {
      const credentials = await ims.createJwtCredentials();
      const auth = new JWTAuth({ ...credentials, privateKey: transform(credentials.privateKey) });
      await expectWorkingToken(auth, credentials);
    });
  }

  it('exchanges with an openssl des3 encrypted key', async (context) => {
    const credentials = await ims.createJwtCredentials();
    const encrypted = encryptWithOpenssl(credentials.privateKey, 'console-pass');
    if (encrypted === undefined) {
      context.skip('openssl is not installed');
      return;
    }

    const auth = new JWTAuth({ ...credentials, privateKey: encrypted, passphrase: 'console-pass' });
    await expectWorkingToken(auth, credentials);
  });
});

describe('JWTAuth IMS rejections', () => {
  const cases: Array<{
    name: string;
    change: (
      credentials: JwtCredentials,
    ) => Promise<Partial<JwtCredentials>> | Partial<JwtCredentials>;
    status: number;
    code: string;
    description: RegExp;
  }> = [
    {
      name: 'wrong client secret',
      change: () => ({ clientSecret: 'p8e-wrong' }),
      status: 401,
      code: 'invalid_client',
      description: /client_secret/,
    },
    {
      name: 'unknown client ID',
      change: () => ({ clientId: 'unknown-client' }),
      status: 400,
      code: 'invalid_client',
      description: /client_id/,
    },
    {
      name: 'wrong org ID',
      change: () => ({ orgId: 'FFFFFFFFFFFFFFFFFFFFFFFF@AdobeOrg' }),
      status: 400,
      code: 'invalid_token',
      description: /iss/,
    },
    {
      name: 'wrong technical account',
      change: () => ({ techAcctId: 'FFFF@techacct.adobe.com' }),
      status: 400,
      code: 'invalid_token',
      description: /sub/,
    },
    {
      name: 'ungranted metascope',
      change: () => ({ metascopes: ['ent_user_sdk', 'ent_analytics_bulk_ingest_sdk'] }),
      status: 400,
      code: 'invalid_scope',
      description: /ent_analytics_bulk_ingest_sdk/,
    },
    {
      name: 'key of another credential',
      change: async () => ({ privateKey: (await ims.createJwtCredentials()).privateKey }),
      status: 400,
      code: 'invalid_signature',
      description: /signature/,
    },
  ];

  for (const testCase of cases) {
    it(`surfaces ${testCase.name} as ImsError`, async () => {
      const credentials = await ims.createJwtCredentials();
      const auth = new JWTAuth({ ...credentials, ...(await testCase.change(credentials)) });
      ims.clearExchanges();

      const error = await auth.getAccessToken().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ImsError);
      const imsError = error as ImsError;
      expect(imsError.code).toBe(testCase.code);
      expect(imsError.status).toBe(testCase.status);
      expect(imsError.description).toMatch(testCase.description);
      expect(imsError.endpoint).toBe(`${ims.url}/ims/exchange/jwt/`);
      expect(ims.exchanges).toHaveLength(1);
    });
  }

  it('surfaces an expired assertion as ImsError', async () => {
    const credentials = await ims.createJwtCredentials();
    const auth = new JWTAuth({ ...credentials, jwtLifetimeMs: 1_000 });
    const tolerance = ims.clockToleranceMs;
    ims.clockToleranceMs = 0;

    // 3 seconds is past the 1-second lifetime but inside the clock-skew tolerance, so the error is not retried.
    ims.advance(3_000);
    try {
      const error = await auth.getAccessToken().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ImsError);
      expect((error as ImsError).code).toBe('invalid_token');
      expect((error as ImsError).description).toMatch(/expired/);
      expect((error as ImsError).message).not.toMatch(/local clock/);
      expect(ims.exchanges).toHaveLength(1);
    } finally {
      ims.advance(-3_000);
      ims.clockToleranceMs = tolerance;
    }
  });

  it('does not cache a failure', async () => {
    const credentials = await ims.createJwtCredentials();
    const auth = new JWTAuth(credentials);
    ims.failNext({
      status: 400,
      body: { error: 'invalid_request', error_description: 'Injected' },
    });

    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(auth.getAccessToken()).resolves.toMatchObject({ token: expect.any(String) });
    expect(ims.exchanges.map((exchange) => exchange.outcome)).toEqual(['fault', 'issued']);
  });
});

describe('JWTAuth', () => {
  it('is an Authenticator with its IDs readable', async () => {
    const credentials = await ims.createJwtCredentials();
    const auth = new JWTAuth(credentials);
    expect(isAuthenticator(auth)).toBe(true);
    expect(auth.clientId).toBe(credentials.clientId);
    expect(auth.orgId).toBe(credentials.orgId);
    expect(auth.techAcctId).toBe(credentials.techAcctId);
    expect(auth.authHost).toBe(ims.url);
  });

  it('exchanges again after invalidate', async () => {
    const auth = new JWTAuth(await ims.createJwtCredentials());
    const first = await auth.getAccessToken();
    expect(await auth.getAccessToken()).toEqual(first);

    auth.invalidate();
    const second = await auth.getAccessToken();
    expect(second.token).not.toBe(first.token);
    expect(ims.exchanges).toHaveLength(2);
  });

  it('exchanges again on forceRefresh', async () => {
    const auth = new JWTAuth(await ims.createJwtCredentials());
    await auth.getAccessToken();
    await auth.getAccessToken({ forceRefresh: true });
    expect(ims.exchanges).toHaveLength(2);
  });

  it('posts to a custom endpoint path', async () => {
    const credentials = await ims.createJwtCredentials();
    const auth = new JWTAuth({ ...credentials, authEndpoint: 'ims/exchange/v1/jwt' });
    await auth.getAccessToken();
    expect(ims.exchanges.map((exchange) => exchange.endpoint)).toEqual(['/ims/exchange/v1/jwt/']);
  });

  it('rejects Python-style options at construction', async () => {
    const { orgId, clientId, clientSecret, techAcctId, privateKey, authHost } =
      await ims.createJwtCredentials();
    const pythonStyle = {
      org_id: orgId,
      client_id: clientId,
      client_secret: clientSecret,
      tech_acct_id: techAcctId,
      priv_key_data: privateKey,
      ims_host: authHost,
    };

    const error = (() => {
      try {
        new JWTAuth(pythonStyle as never);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(ConfigurationError);
    const problems = (error as ConfigurationError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        { field: 'org_id', message: expect.stringMatching(/use orgId/) },
        { field: 'client_id', message: expect.stringMatching(/use clientId/) },
        { field: 'client_secret', message: expect.stringMatching(/use clientSecret/) },
        { field: 'tech_acct_id', message: expect.stringMatching(/use techAcctId/) },
        { field: 'priv_key_data', message: expect.stringMatching(/use privateKey/) },
        { field: 'ims_host', message: expect.stringMatching(/use authHost/) },
        { field: 'orgId', message: 'is missing' },
        { field: 'privateKey', message: expect.stringMatching(/is missing/) },
      ]),
    );
    expect((error as Error).message).not.toContain(clientSecret);
    expect(ims.exchanges).toHaveLength(0);
  });

  it('rejects a bad key before any request', async () => {
    const credentials = await ims.createJwtCredentials({ keyFormat: 'encrypted-pkcs8' });
    expect(() => new JWTAuth({ ...credentials, passphrase: 'wrong' })).toThrow(ConfigurationError);
    expect(() => new JWTAuth({ ...credentials, passphrase: undefined })).toThrow(
      /privateKey: is encrypted/,
    );
    expect(ims.exchanges).toHaveLength(0);
  });
});

describe('JWTAuth over HTTPS', () => {
  let httpsIms: FakeIms;

  beforeAll(async () => {
    httpsIms = await startFakeIms({ https: true });
  });

  afterAll(async () => {
    await httpsIms.close();
  });

  it('exchanges when the CA is passed as ca', async () => {
    const credentials = await httpsIms.createJwtCredentials();
    expect(credentials.authHost).toMatch(/^https:\/\//);
    expect(credentials.ca).toBeDefined();

    const auth = new JWTAuth(credentials);
    const token = await auth.getAccessToken();
    expect(httpsIms.verifyAccessToken(token.token)).not.toBeNull();
    await auth.close();
  });

  it('rejects an untrusted certificate with CertificateError', async () => {
    const { ca: _ca, ...credentials } = await httpsIms.createJwtCredentials();
    const auth = new JWTAuth(credentials);

    const error = await auth.getAccessToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CertificateError);
    expect((error as CertificateError).code).toBe('ERR_UMAPI_CERTIFICATE');
    await auth.close();
  });
});

describe('JWTAuth unusable IMS responses', () => {
  it('reports an HTML page as unexpected_response', async () => {
    const auth = new JWTAuth(await ims.createJwtCredentials());
    ims.failNext({ status: 200, body: '<html><body>Proxy login</body></html>' });

    const error = await auth.getAccessToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImsError);
    expect((error as ImsError).code).toBe('unexpected_response');
    expect(ims.exchanges).toHaveLength(1);
  });

  it('reports a token answer without access_token', async () => {
    const auth = new JWTAuth(await ims.createJwtCredentials());
    ims.failNext({ status: 200, body: { token_type: 'bearer', expires_in: 86_400_000 } });

    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'unexpected_response' });
  });

  it('retries a 503 and then succeeds', async () => {
    const auth = new JWTAuth(await ims.createJwtCredentials());
    ims.failNext({ status: 503, retryAfter: 0 });

    const token = await auth.getAccessToken();
    expect(ims.verifyAccessToken(token.token)).not.toBeNull();
    expect(ims.exchanges.map((exchange) => exchange.outcome)).toEqual(['fault', 'issued']);
  });

  it('times out a slow IMS with TimeoutError', async () => {
    const auth = new JWTAuth({ ...(await ims.createJwtCredentials()), timeout: 1_000 });

    // 1,000 ms is the shortest timeout accepted. Every attempt is held far
    // longer; retries stop after the default count.
    ims.failNext({ delayMs: 10_000, times: 3 });
    const error = await auth.getAccessToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(1_000);
    expect(ims.exchanges).toHaveLength(3);
  });
});
