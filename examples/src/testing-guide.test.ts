// The snippets of docs/testing-with-fakes.md, as tests, so the guide cannot
// drift from @umapi/testing. Each `it` matches one section of the guide.
import { ImsError } from '@umapi/auth-core';
import { JWTAuth } from '@umapi/auth-jwt';
import { OAuthS2S } from '@umapi/auth-oauth';
import { Connection, ListingError, UserAction } from '@umapi/connection';
import { type FakeIms, type FakeUmapi, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';

describe('testing with fakes', () => {
  // Start: one fake IMS and one fake UMAPI for the file.
  let ims: FakeIms;
  let umapi: FakeUmapi;

  beforeAll(async () => {
    ims = await startFakeIms();
    umapi = await startFakeUmapi({
      ims,
      users: [
        { email: 'ada@example.com', firstname: 'Ada', groups: ['Engineering'] },
        { email: 'grace@example.org', type: 'enterpriseID' },
      ],
      groups: [
        { groupName: 'Engineering' },
        { groupName: 'All Apps', type: 'PRODUCT_PROFILE', productName: 'All Apps' },
      ],
    });
  });

  afterAll(async () => {
    await umapi.close();
    await ims.close();
  });

  /** A connection with new OAuth credentials, closed when the test ends. */
  async function connect(): Promise<Connection> {
    const auth = new OAuthS2S(await ims.createOAuthCredentials());
    const connection = new Connection({ auth, endpoint: umapi.url, retryBaseDelayMs: 0 });
    onTestFinished(() => connection.close());
    return connection;
  }

  it('seeds users and groups', async () => {
    const connection = await connect();

    const emails: string[] = [];
    for await (const user of connection.users()) emails.push(user.email);
    const groups: string[] = [];
    for await (const group of connection.groups()) groups.push(group.groupName);

    expect(emails.sort()).toEqual(['ada@example.com', 'grace@example.org']);
    expect(groups.sort()).toEqual(['All Apps', 'Engineering']);
    expect(umapi.getUser('ada@example.com')?.firstname).toBe('Ada');
  });

  it('generates many users with small pages', async () => {
    const big = await startFakeUmapi({ ims, users: 250, pageSize: 100 });
    onTestFinished(() => big.close());
    const auth = new OAuthS2S(await ims.createOAuthCredentials());
    const connection = new Connection({ auth, endpoint: big.url });
    onTestFinished(() => connection.close());

    let count = 0;
    for await (const _user of connection.users()) count += 1;

    expect(count).toBe(250);
    expect(big.requests.map((request) => request.path.split('/').pop())).toEqual(['0', '1', '2']);
  });

  it('creates credentials for both authenticators', async () => {
    const oauth = new OAuthS2S(await ims.createOAuthCredentials());
    const jwt = new JWTAuth(await ims.createJwtCredentials());
    const encrypted = new JWTAuth(await ims.createJwtCredentials({ keyFormat: 'encrypted-pkcs8' }));

    for (const auth of [oauth, jwt, encrypted]) {
      const { token } = await auth.getAccessToken();
      expect(ims.verifyAccessToken(token)?.clientId).toBe(auth.clientId);
    }
  });

  it('issues a token without an exchange', async () => {
    const { clientId } = await ims.createOAuthCredentials();

    const token = await ims.issueAccessToken({ clientId, lifetimeMs: 60_000 });

    expect(ims.verifyAccessToken(token)?.clientId).toBe(clientId);
  });

  it('injects a 429 with Retry-After', async () => {
    const connection = await connect();
    umapi.clearRequests();
    umapi.failNext({ status: 429, retryAfter: 0 });

    const user = await connection.user('ada@example.com');

    expect(user?.email).toBe('ada@example.com');
    expect(umapi.requests.map((request) => request.status)).toEqual([429, 200]);
  });

  it('injects a dropped connection, a delay and a non-JSON response', async () => {
    const connection = await connect();
    umapi.clearRequests();
    umapi.failNext({ drop: true });
    umapi.failNext({ delayMs: 50 });
    umapi.failNext({ status: 502, body: '<html>Bad Gateway</html>', times: 2 });

    const first = await connection.user('ada@example.com');
    const second = await connection.user('ada@example.com');

    expect(first?.email).toBe('ada@example.com');
    expect(second?.email).toBe('ada@example.com');
    expect(umapi.requests.map((request) => request.status)).toEqual([
      undefined,
      200,
      502,
      502,
      200,
    ]);
  });

  it('injects a body that stalls half-way', async () => {
    const auth = new OAuthS2S(await ims.createOAuthCredentials());
    // A per-attempt timeout far below the stall: the first attempt times out and is retried.
    const connection = new Connection({
      auth,
      endpoint: umapi.url,
      timeout: 2_000,
      retryBaseDelayMs: 0,
    });
    onTestFinished(() => connection.close());
    umapi.clearRequests();
    umapi.failNext({ stallBodyMs: 30_000 });

    const user = await connection.user('ada@example.com');

    expect(user?.email).toBe('ada@example.com');
    expect(umapi.requests).toHaveLength(2);
    expect((await connection.status()).local.retries).toBe(1);
  });

  it('injects a failed token exchange', async () => {
    const connection = await connect();
    ims.failNext({
      status: 400,
      body: { error: 'invalid_client', error_description: 'invalid client_id parameter' },
    });

    const error = await connection.user('ada@example.com').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ImsError);
    expect((error as ImsError).code).toBe('invalid_client');
    expect(ims.exchanges.at(-1)?.outcome).toBe('fault');
  });

  it('inspects requests and exchanges', async () => {
    const credentials = await ims.createOAuthCredentials();
    const connection = new Connection({
      auth: new OAuthS2S(credentials),
      endpoint: umapi.url,
      testMode: true,
    });
    onTestFinished(() => connection.close());
    umapi.clearRequests();

    await connection.execute([
      new UserAction({ email: 'ada@example.com' }).addGroups(['All Apps']),
    ]);

    const [request] = umapi.requests;
    expect(request?.method).toBe('POST');
    expect(request?.query).toEqual({ testOnly: 'true' });
    expect(request?.clientId).toBe(credentials.clientId);
    expect(request?.headers['x-api-key']).toBe(credentials.clientId);
    expect(request?.body).toMatchObject([
      { user: 'ada@example.com', do: [{ add: { group: ['All Apps'] } }] },
    ]);

    const exchange = ims.exchanges.findLast((entry) => entry.clientId === credentials.clientId);
    expect(exchange).toMatchObject({
      endpoint: '/ims/token/v3',
      grant: 'client_credentials',
      outcome: 'issued',
    });
  });

  it('expires tokens by moving the IMS clock', async () => {
    const credentials = await ims.createOAuthCredentials();
    const connection = new Connection({ auth: new OAuthS2S(credentials), endpoint: umapi.url });
    onTestFinished(() => connection.close());
    await connection.user('ada@example.com');

    // 25 hours later on the fake's clock, the 24-hour token has expired:
    // UMAPI responds with 401, and the connection gets a new token and retries.
    ims.advance(25 * 60 * 60 * 1000);
    onTestFinished(() => ims.advance(-25 * 60 * 60 * 1000));
    const user = await connection.user('ada@example.com');

    expect(user?.email).toBe('ada@example.com');
    const issued = ims.exchanges.filter(
      (entry) => entry.clientId === credentials.clientId && entry.outcome === 'issued',
    );
    expect(issued).toHaveLength(2);
  });

  it('compresses time for request budgets', async () => {
    // One user-listing request per minute, and a minute that lasts one real second.
    const throttled = await startFakeUmapi({ ims, rateLimits: { users: 1 }, timeScale: 60 });
    onTestFinished(() => throttled.close());
    const auth = new OAuthS2S(await ims.createOAuthCredentials());
    // The connection's own budgets would wait before the fake throttles; turn them off to see the 429.
    const connection = new Connection({ auth, endpoint: throttled.url, rateLimits: false });
    onTestFinished(() => connection.close());

    for (let run = 0; run < 2; run += 1) {
      for await (const _user of connection.users()) {
        // Listing twice spends two user-listing requests.
      }
    }

    expect(throttled.rateLimitStats(auth.clientId)?.users).toEqual({
      limit: 1,
      served: 2,
      throttled: 1,
    });
    expect(throttled.requests.map((request) => request.status)).toEqual([200, 429, 200]);
  });

  it('serves HTTPS with its own CA', async () => {
    const secureIms = await startFakeIms({ https: true });
    onTestFinished(() => secureIms.close());
    const secureUmapi = await startFakeUmapi({ ims: secureIms, https: true });
    onTestFinished(() => secureUmapi.close());

    // The credentials carry the IMS's CA; the connection needs the UMAPI's.
    const auth = new OAuthS2S(await secureIms.createOAuthCredentials());
    const connection = new Connection({ auth, endpoint: secureUmapi.url, ca: secureUmapi.ca });
    onTestFinished(() => connection.close());

    expect(secureUmapi.url.startsWith('https://')).toBe(true);
    expect((await connection.status({ remote: true })).server.status).not.toMatch(
      /Unreachable|Unexpected/,
    );
    expect(await connection.user('nobody@example.com')).toBeNull();
  });

  it('rejects a connection without the CA', async () => {
    const secureIms = await startFakeIms({ https: true });
    onTestFinished(() => secureIms.close());
    const { ca: _ca, ...credentials } = await secureIms.createOAuthCredentials();

    const error = await new OAuthS2S(credentials)
      .getAccessToken()
      .catch((caught: unknown) => caught);

    expect((error as { code?: string }).code).toBe('ERR_UMAPI_CERTIFICATE');
  });

  it('keeps listing errors typed', async () => {
    const connection = await connect();
    umapi.failNext({ status: 500, body: { result: 'error', message: 'boom' } });

    const error = await (async () => {
      for await (const _user of connection.users()) {
        // The first page fails.
      }
    })().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ListingError);
    expect((error as ListingError).page).toBe(0);
  });
});
