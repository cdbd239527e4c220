import { ConfigurationError, ImsError, TimeoutError } from '@umapi/auth-core';
import { type FakeIms, startFakeIms } from '@umapi/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { OAuthS2S } from './oauth-s2s.js';

const HOUR_MS = 3_600_000;

let ims: FakeIms;

beforeAll(async () => {
  ims = await startFakeIms();
});

afterAll(async () => {
  await ims.close();
});

afterEach(() => {
  vi.useRealTimers();
});

async function newAuth(overrides: Record<string, unknown> = {}): Promise<OAuthS2S> {
  const credentials = await ims.createOAuthCredentials();
  return new OAuthS2S({ ...credentials, authHost: ims.url, ...overrides });
}

function exchangeCount(auth: OAuthS2S): number {
  return ims.exchanges.filter((exchange) => exchange.clientId === auth.clientId).length;
}

describe('OAuthS2S token exchange', () => {
  it.each(['/ims/token/v3', '/ims/token/v2'])('exchanges a token at %s', async (authEndpoint) => {
    const auth = await newAuth({ authEndpoint });

    const before = Date.now();
    const { token, expiresAt } = await auth.getAccessToken();
    const after = Date.now();

    const verified = ims.verifyAccessToken(token);
    expect(verified).not.toBeNull();
    expect(verified?.clientId).toBe(auth.clientId);
    expect(verified?.scopes).toEqual(expect.arrayContaining(['openid', 'AdobeID', 'user_management_sdk']));
    // expires_in is whole seconds, so the computed expiry may sit up to one second early.
    expect(expiresAt).toBeGreaterThanOrEqual(before + ims.tokenLifetimeMs - 1000);
    expect(expiresAt).toBeLessThanOrEqual(after + ims.tokenLifetimeMs);
    expect(auth.tokenEndpoint).toBe(`${ims.url}${authEndpoint}`);
  });

  it('sends the client_credentials grant with comma-joined scopes', async () => {
    const auth = await newAuth({ scopes: ['openid', 'AdobeID', 'user_management_sdk'] });

    await auth.getAccessToken();

    const exchange = ims.exchanges.findLast((entry) => entry.clientId === auth.clientId);
    expect(exchange?.endpoint).toBe('/ims/token/v3');
    expect(exchange?.grant).toBe('client_credentials');
    expect(exchange?.scopes).toEqual(['openid', 'AdobeID', 'user_management_sdk']);
    expect(exchange?.status).toBe(200);
  });

  it('reads expires_in as seconds', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 0, 5, 12) });
    const auth = await newAuth();
    ims.failNext({
      status: 200,
      body: { access_token: 'issued-by-test', token_type: 'bearer', expires_in: 86_399 },
    });

    const { token, expiresAt } = await auth.getAccessToken();

    expect(token).toBe('issued-by-test');
    expect(expiresAt).toBe(Date.UTC(2026, 0, 5, 12) + 86_399_000);
  });

  it('keeps the org ID for Connection', async () => {
    const auth = await newAuth({ orgId: 'ABCDEF0123456789ABCDEF01@AdobeOrg' });

    expect(auth.orgId).toBe('ABCDEF0123456789ABCDEF01@AdobeOrg');
  });

  it('rejects a mistyped org ID before any request', async () => {
    const credentials = await ims.createOAuthCredentials();
    const exchangesBefore = ims.exchanges.length;

    const build = () =>
      new OAuthS2S({ ...credentials, authHost: ims.url, orgId: '0123456789ABCDEF01234567@AdobeOrgg' });

    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(/orgId: must end with @AdobeOrg/);
    expect(ims.exchanges.length).toBe(exchangesBefore);
  });
});

describe('OAuthS2S rejections', () => {
  it('reports a wrong client secret as invalid_client', async () => {
    const auth = await newAuth({ clientSecret: 'p8e-wrong-secret' });

    const error = await auth.getAccessToken().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ImsError);
    expect((error as ImsError).code).toBe('invalid_client');
    expect((error as ImsError).status).toBe(401);
    expect((error as ImsError).endpoint).toBe(`${ims.url}/ims/token/v3`);
  });

  it('reports an unknown client ID as invalid_client', async () => {
    const auth = await newAuth({ clientId: 'ffffffffffffffffffffffffffffffff' });

    const error = await auth.getAccessToken().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ImsError);
    expect((error as ImsError).code).toBe('invalid_client');
  });

  it.each([
    [400, 'invalid_scope', 'scope foo is not allowed'],
    [400, 'invalid_request', 'missing grant_type'],
    [400, 'unsupported_grant_type', 'grant type not supported'],
    [401, 'invalid_client', 'invalid client_secret parameter'],
    [403, 'unauthorized_client', 'client is not allowed the client_credentials grant'],
  ])('reports %i %s as an ImsError', async (status, code, description) => {
    const auth = await newAuth();
    ims.failNext({ status, body: { error: code, error_description: description } });

    const error = await auth.getAccessToken().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ImsError);
    expect((error as ImsError).code).toBe(code);
    expect((error as ImsError).status).toBe(status);
    expect((error as ImsError).description).toBe(description);
  });

  it('reports an HTML page as an unexpected response', async () => {
    const auth = await newAuth();
    ims.failNext({ status: 403, body: '<html><body>Access denied by proxy</body></html>' });

    const error = await auth.getAccessToken().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ImsError);
    expect((error as ImsError).code).toBe('unexpected_response');
    expect((error as ImsError).status).toBe(403);
  });

  it.each([
    ['no access_token', { token_type: 'bearer', expires_in: 86_399 }],
    ['no expires_in', { access_token: 'x', token_type: 'bearer' }],
    ['a negative expires_in', { access_token: 'x', token_type: 'bearer', expires_in: -5 }],
    ['a JSON array', [1, 2]],
  ])('rejects a 200 answer with %s', async (_case, body) => {
    const auth = await newAuth();
    ims.failNext({ status: 200, body });

    const error = await auth.getAccessToken().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ImsError);
    expect((error as ImsError).status).toBe(200);
  });

  it('times out a slow IMS', async () => {
    // 1,000 ms is the shortest timeout accepted; every attempt is held far longer.
    const auth = await newAuth({ timeout: 1_000 });
    ims.failNext({ delayMs: 10_000, times: 3 });

    const error = await auth.getAccessToken().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(1_000);
  });

  it('does not cache a failure', async () => {
    const auth = await newAuth();
    ims.failNext({ status: 400, body: { error: 'invalid_scope', error_description: 'no' } });

    await expect(auth.getAccessToken()).rejects.toBeInstanceOf(ImsError);
    const { token } = await auth.getAccessToken();

    expect(ims.verifyAccessToken(token)).not.toBeNull();
  });
});

describe('OAuthS2S token cache', () => {
  it('reuses a fresh token', async () => {
    const auth = await newAuth();

    const first = await auth.getAccessToken();
    const second = await auth.getAccessToken();

    expect(second.token).toBe(first.token);
    expect(exchangeCount(auth)).toBe(1);
  });

  it('shares one exchange among 1,000 concurrent callers', async () => {
    const auth = await newAuth();

    const tokens = await Promise.all(Array.from({ length: 1_000 }, () => auth.getAccessToken()));

    expect(new Set(tokens.map((token) => token.token)).size).toBe(1);
    expect(exchangeCount(auth)).toBe(1);
  });

  it('refreshes in the background inside the refresh window', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 0, 5, 12) });
    const auth = await newAuth({ refreshWindowMs: HOUR_MS });
    const first = await auth.getAccessToken();

    vi.setSystemTime(first.expiresAt - HOUR_MS / 2);
    const during = await auth.getAccessToken();
    expect(during.token).toBe(first.token);
    await vi.waitFor(() => expect(exchangeCount(auth)).toBe(2));

    const after = await vi.waitFor(async () => {
      const next = await auth.getAccessToken();
      expect(next.token).not.toBe(first.token);
      return next;
    });
    expect(after.expiresAt).toBeGreaterThan(first.expiresAt);
    expect(exchangeCount(auth)).toBe(2);
  });

  it('exchanges a new token after expiry', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 0, 5, 12) });
    const auth = await newAuth();
    const first = await auth.getAccessToken();

    vi.setSystemTime(first.expiresAt + 1);
    const second = await auth.getAccessToken();

    expect(second.token).not.toBe(first.token);
    expect(exchangeCount(auth)).toBe(2);
  });

  it('exchanges a new token after invalidate', async () => {
    const auth = await newAuth();
    const first = await auth.getAccessToken();

    auth.invalidate();
    const second = await auth.getAccessToken();

    expect(second.token).not.toBe(first.token);
    expect(exchangeCount(auth)).toBe(2);
  });

  it('exchanges a new token on forceRefresh', async () => {
    const auth = await newAuth();
    await auth.getAccessToken();

    await auth.getAccessToken({ forceRefresh: true });

    expect(exchangeCount(auth)).toBe(2);
  });

  it('stops waiting when the signal aborts', async () => {
    const auth = await newAuth();
    ims.failNext({ delayMs: 200 });
    const controller = new AbortController();

    const pending = auth.getAccessToken({ signal: controller.signal });
    controller.abort(new Error('caller gave up'));

    await expect(pending).rejects.toThrow('caller gave up');
  });
});

describe('OAuthS2S expiryMarginMs', () => {
  const LIFETIME_MS = 20_000;
  let shortIms: FakeIms;

  beforeAll(async () => {
    shortIms = await startFakeIms({ tokenLifetimeMs: LIFETIME_MS });
  });

  afterAll(async () => {
    await shortIms.close();
  });

  async function newShortAuth(overrides: Record<string, unknown> = {}): Promise<OAuthS2S> {
    const credentials = await shortIms.createOAuthCredentials();
    return new OAuthS2S({ ...credentials, authHost: shortIms.url, ...overrides });
  }

  function shortExchanges(auth: OAuthS2S): number {
    return shortIms.exchanges.filter((exchange) => exchange.clientId === auth.clientId).length;
  }

  it('exchanges on every call by default', async () => {
    // A 20 s token is always within the default 30 s margin, so it is never reused.
    const auth = await newShortAuth();

    const first = await auth.getAccessToken();
    const second = await auth.getAccessToken();

    expect(second.token).not.toBe(first.token);
    expect(shortExchanges(auth)).toBe(2);
  });

  it('reuses a short token with a small margin', async () => {
    const auth = await newShortAuth({ expiryMarginMs: 2_000, refreshWindowMs: 5_000 });

    const first = await auth.getAccessToken();
    const second = await auth.getAccessToken();

    expect(second.token).toBe(first.token);
    expect(shortExchanges(auth)).toBe(1);
  });

  it('exchanges inside the margin', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 0, 5, 12) });
    const auth = await newShortAuth({ expiryMarginMs: 2_000, refreshWindowMs: 5_000 });
    const first = await auth.getAccessToken();

    vi.setSystemTime(first.expiresAt - 1_000);
    const second = await auth.getAccessToken();

    expect(second.token).not.toBe(first.token);
    expect(second.expiresAt).toBeGreaterThan(first.expiresAt);
    expect(shortExchanges(auth)).toBe(2);
  });

  it('accepts a zero margin', async () => {
    const auth = await newShortAuth({ expiryMarginMs: 0 });

    const first = await auth.getAccessToken();
    const second = await auth.getAccessToken();

    expect(second.token).toBe(first.token);
    expect(shortExchanges(auth)).toBe(1);
  });
});
