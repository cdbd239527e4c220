import { getEventListeners } from 'node:events';
import { inspect } from 'node:util';
import {
  type Authenticator,
  ConfigurationError,
  createAuthenticator,
  MAX_TIMER_DELAY_MS,
} from '@umapi/auth-core';
import { JWTAuth } from '@umapi/auth-jwt';
import type { FakeIms } from '@umapi/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { Connection } from './connection.js';
import { RequestError, ResponseError, ServerError, UnavailableError } from './errors.js';
import type { ConnectionOptions } from './options.js';
import {
  createTestAuthenticator,
  type ScriptedServer,
  startFakeIms,
  startScriptedServer,
} from './test-server.js';

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

/** Records log lines so tests can wait for a retry and check that no line contains a secret. */
function createRecordingLogger() {
  const lines: { level: string; message: string; details?: Record<string, unknown> }[] = [];
  const record = (level: string) => (message: string, details?: Record<string, unknown>) => {
    lines.push({ level, message, details });
  };
  return {
    lines,
    logger: {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    },
  };
}

/**
 * Waits until a condition holds, turning the event loop with setImmediate,
 * because some tests fake setTimeout. The bound is wall-clock time read from
 * process.hrtime, which fake timers leave alone, so a slow first token
 * exchange on a loaded machine does not run out of turns.
 */
async function until(condition: () => boolean, limitMs = 10_000): Promise<void> {
  const deadline = process.hrtime.bigint() + BigInt(limitMs) * 1_000_000n;
  while (process.hrtime.bigint() < deadline) {
    if (condition()) {
      return;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`condition not met within ${limitMs} ms`);
}

async function setUp(options: Partial<ConnectionOptions> = {}) {
  const server = await startScriptedServer(ims);
  onTestFinished(() => server.close());
  const { auth, credentials, exchanges } = await createTestAuthenticator(ims);
  const log = createRecordingLogger();
  const connection = new Connection({
    auth,
    endpoint: server.endpoint,
    rateLimits: false,
    retryBaseDelayMs: 1,
    logger: log.logger,
    ...options,
  });
  onTestFinished(() => connection.close());
  return { server, auth, credentials, exchanges, connection, log };
}

describe('Connection construction', () => {
  it('accepts a hand-written authenticator and takes its org ID', async () => {
    const { auth, credentials } = await createTestAuthenticator(ims);

    const connection = new Connection({ auth });

    expect(connection.orgId).toBe(credentials.orgId);
    expect(connection.endpoint).toBe('https://usermanagement.adobe.io/v2/usermanagement');
    expect(connection.testMode).toBe(false);
  });

  it('works with JWTAuth in two steps', async () => {
    const server = await startScriptedServer(ims);
    onTestFinished(() => server.close());
    const credentials = await ims.createJwtCredentials();

    const auth = new JWTAuth(credentials);
    const connection = new Connection({ auth, endpoint: server.endpoint, rateLimits: false });
    onTestFinished(() => connection.close());
    const response = await connection.request(`groups/${connection.orgId}/0`);

    expect(connection.orgId).toBe(credentials.orgId);
    expect(response.status).toBe(200);
    expect(server.requests[0]?.headers['x-api-key']).toBe(credentials.clientId);
  });

  it('prefers the orgId option over the authenticator', async () => {
    const { auth } = await createTestAuthenticator(ims);

    const connection = new Connection({ auth, orgId: 'other@AdobeOrg' });

    expect(connection.orgId).toBe('other@AdobeOrg');
  });

  it('rejects a missing org ID', () => {
    const auth = createAuthenticator({
      clientId: 'client',
      fetchToken: async () => ({ token: 't', expiresAt: Date.now() + 60_000 }),
    });

    expect(() => new Connection({ auth })).toThrow(
      /orgId: is missing, and the authenticator has no orgId either/,
    );
  });

  const notAuthenticators: [string, unknown][] = [
    [
      'credentials in camelCase',
      { clientId: 'id', clientSecret: 'shh-secret-value', orgId: 'o@AdobeOrg' },
    ],
    [
      'credentials in snake_case',
      { client_id: 'id', client_secret: 'shh-secret-value', org_id: 'o@AdobeOrg' },
    ],
    ['a string', 'shh-secret-value'],
    ['undefined', undefined],
    ['null', null],
    [
      'getAccessToken without clientId',
      { getAccessToken: async () => ({ token: 'x', expiresAt: 0 }) },
    ],
  ];

  it.each(notAuthenticators)('rejects %s as auth', (_name, auth) => {
    let caught: unknown;
    try {
      new Connection({ auth } as unknown as ConnectionOptions);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ConfigurationError);
    const error = caught as ConfigurationError;
    expect(error.problems.map((problem) => problem.field)).toContain('auth');
    expect(error.message).not.toContain('shh-secret-value');
    if (!(typeof auth === 'object' && auth !== null && 'getAccessToken' in auth)) {
      expect(error.message).toContain('needs an authenticator object');
      expect(error.message).toContain('new Connection({ auth })');
    }
  });

  it('rejects the Python auth_dict with the two-step set-up', () => {
    const options = {
      org_id: 'o@AdobeOrg',
      auth_dict: { api_key: 'id', client_secret: 'shh-secret-value' },
    };

    expect(() => new Connection(options as unknown as ConnectionOptions)).toThrow(
      ConfigurationError,
    );
    try {
      new Connection(options as unknown as ConnectionOptions);
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('org_id: is not an option; use orgId instead');
      expect(message).toContain('auth_dict');
      expect(message).toContain('new OAuthS2S(');
      expect(message).not.toContain('shh-secret-value');
    }
  });

  const badOptions: [string, Record<string, unknown>, RegExp][] = [
    [
      'timeout_seconds',
      { timeout_seconds: 60 },
      /timeout_seconds: is not an option; use timeout instead, in milliseconds/,
    ],
    ['ssl_verify', { ssl_verify: false }, /ssl_verify: is not an option; use sslVerify instead/],
    ['an unknown name', { retry: 3 }, /retry: is not an option; valid options are auth, orgId, /],
    [
      'a credential field',
      { clientSecret: 'shh-secret-value' },
      /clientSecret: is not an option; credentials belong to the authenticator/,
    ],
    [
      'a negative timeout',
      { timeout: -1 },
      /timeout: must be a number of milliseconds, at least 1000/,
    ],
    [
      'a fractional maxRetries',
      { maxRetries: 1.5 },
      /maxRetries: must be a whole number from 0 to 100, not 1\.5/,
    ],
    [
      'an endpoint that is not a URL',
      { endpoint: 'usermanagement' },
      /endpoint: is not a valid URL \(got "usermanagement"\)/,
    ],
    [
      'an endpoint with a query',
      { endpoint: 'https://example.test/v2?x=1' },
      /endpoint: must not contain a query string/,
    ],
    [
      'an endpoint that is a bare origin',
      { endpoint: 'http://127.0.0.1:1234' },
      /endpoint: has no path \(got "http:\/\/127\.0\.0\.1:1234"\)\. Use the form <origin>\/v2\/usermanagement, here http:\/\/127\.0\.0\.1:1234\/v2\/usermanagement/,
    ],
    [
      'an endpoint that is an origin and a slash',
      { endpoint: 'https://usermanagement.adobe.io/' },
      /endpoint: .* here https:\/\/usermanagement\.adobe\.io\/v2\/usermanagement/,
    ],
    [
      'an unknown rate-limit class',
      { rateLimits: { user: 5 } },
      /rateLimits.user: is not an endpoint class/,
    ],
  ];

  it.each(badOptions)('rejects %s', async (_name, extra, pattern) => {
    const { auth } = await createTestAuthenticator(ims);

    expect(() => new Connection({ auth, ...extra } as ConnectionOptions)).toThrow(pattern);
  });

  it.each([
    ['a CR LF', 'cid\r\nX-Evil: 1'],
    ['a trailing LF', 'cid\n'],
    ['a NUL', 'c\u0000id'],
    ['an escape character', 'c\u001bid'],
  ])('rejects a client ID with %s', (_name, clientId) => {
    const auth: Authenticator = {
      clientId,
      orgId: 'ORG@AdobeOrg',
      getAccessToken: async () => ({ token: 'not-sent', expiresAt: Date.now() + 60_000 }),
    };

    let error: unknown;
    try {
      new Connection({ auth, rateLimits: false });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems.map((problem) => problem.field)).toEqual([
      'auth.clientId',
    ]);
    expect((error as Error).message).toContain('x-api-key header');
  });

  it('shows no secret in inspect or JSON output', async () => {
    const { auth, credentials } = await createTestAuthenticator(ims);
    const { token } = await auth.getAccessToken();
    const connection = new Connection({ auth });

    const outputs = [
      inspect(connection, { depth: 10, showHidden: true }),
      JSON.stringify(connection),
    ];

    for (const output of outputs) {
      expect(output).toContain(credentials.orgId);
      expect(output).not.toContain(credentials.clientSecret);
      expect(output).not.toContain(token);
    }
  });
});

describe('Connection.request', () => {
  it('sends the UMAPI headers', async () => {
    const { server, connection, auth, credentials } = await setUp({ userAgent: 'user-sync/3.0' });

    const response = await connection.request(`groups/${connection.orgId}/0`);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ result: 'success' });
    const [request] = server.requests;
    const { token } = await auth.getAccessToken();
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe(`/v2/usermanagement/groups/${connection.orgId}/0`);
    expect(request?.headers.authorization).toBe(`Bearer ${token}`);
    expect(request?.headers['x-api-key']).toBe(credentials.clientId);
    expect(request?.headers.accept).toBe('application/json');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toMatch(
      /^user-sync\/3\.0 umapi-client\/\d+\.\d+\.\d+ Node\.js\/\d+\.\d+\.\d+ \(\w+\)$/,
    );
    expect(request?.headers['x-request-id']).toMatch(
      new RegExp(`^${connection.connectionId}_\\d{13}$`),
    );
  });

  it('gives every attempt its own request id', async () => {
    const { server, connection } = await setUp();
    server.queue({ status: 503 });

    await connection.request('groups/x/0');

    const ids = server.requests.map((request) => request.headers['x-request-id']);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });

  it('sends query parameters and a JSON body', async () => {
    const { server, connection } = await setUp();

    await connection.request('action/o', {
      json: [{ user: 'a@example.com', do: [] }],
      searchParams: { testOnly: true },
    });

    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v2/usermanagement/action/o?testOnly=true');
    expect(request?.body).toBe('[{"user":"a@example.com","do":[]}]');
  });

  it('waits the Retry-After seconds after a 429', async () => {
    const { server, connection, log } = await setUp();
    server.queue({
      status: 429,
      headers: { 'retry-after': '1' },
      body: { error_code: '429050', message: 'Too many requests' },
    });

    await connection.request('groups/x/0');

    expect(server.requests).toHaveLength(2);
    const retry = log.lines.find((line) => line.level === 'warn');
    expect(retry?.details?.delayMs).toBe(1000);
    expect(retry?.details?.status).toBe(429);
  });

  it('waits until the Retry-After date after a 429', async () => {
    const { server, connection, log } = await setUp();
    const retryAt = new Date(Date.now() + 2000).toUTCString();
    server.queue({ status: 429, headers: { 'retry-after': retryAt } });

    await connection.request('groups/x/0');

    expect(server.requests).toHaveLength(2);
    const delayMs = log.lines.find((line) => line.level === 'warn')?.details?.delayMs as number;
    expect(delayMs).toBeGreaterThan(0);
    expect(delayMs).toBeLessThanOrEqual(2000);
  });

  it('backs off when Retry-After is unreadable', async () => {
    const { server, connection, log } = await setUp({ retryBaseDelayMs: 20 });
    server.queue({ status: 429, headers: { 'retry-after': 'soon' } });

    await connection.request('groups/x/0');

    expect(server.requests).toHaveLength(2);
    const delayMs = log.lines.find((line) => line.level === 'warn')?.details?.delayMs as number;
    expect(delayMs).toBeGreaterThanOrEqual(0);
    expect(delayMs).toBeLessThanOrEqual(20);
  });

  it('retries a burst of 503s with backoff', async () => {
    const { server, connection } = await setUp();
    server.queue({ status: 503 }, { status: 502 }, { status: 504 });

    const response = await connection.request('groups/x/0');

    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(4);
    const status = await connection.status();
    expect(status.local.retries).toBe(3);
    expect(status.local.requestsSent).toBe(4);
  });

  it('retries an attempt that timed out', async () => {
    const { server, connection } = await setUp({ timeout: 1_000 });
    server.queue({ status: 200, body: { result: 'success', slow: true }, delayMs: 5_000 });

    const response = await connection.request('groups/x/0');

    expect(response.body).toEqual({ result: 'success' });
    expect(server.requests).toHaveLength(2);
  });

  it('times out a body that stalls', async () => {
    const { server, connection } = await setUp({ timeout: 1_000 });
    server.queue({ status: 200, body: { result: 'success', stalled: true }, stallBodyMs: 5_000 });

    const response = await connection.request('groups/x/0');

    expect(response.body).toEqual({ result: 'success' });
    expect(server.requests).toHaveLength(2);
  });

  it('rejects a GET with a JSON body', async () => {
    const { server, connection } = await setUp();

    await expect(connection.request('groups/x/0', { method: 'GET', json: {} })).rejects.toThrow(
      /GET request cannot have a json body/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('rejects an absolute request path', async () => {
    const { server, connection } = await setUp();

    await expect(connection.request('https://elsewhere.test/users')).rejects.toThrow(
      /relative to the endpoint/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('retries a dropped connection', async () => {
    const { server, connection } = await setUp();
    server.queue({ drop: true });

    const response = await connection.request('groups/x/0');

    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it('says once when maxRetries is 0', async () => {
    const { server, connection } = await setUp({ maxRetries: 0 });
    server.setDefault(() => ({ status: 503 }));

    const error = await connection.request('groups/x/0').catch((caught: unknown) => caught);

    expect((error as UnavailableError).message).toContain('failed once in');
  });

  it('gives up after maxRetries', async () => {
    const { server, connection } = await setUp({ maxRetries: 2 });
    server.setDefault(() => ({ status: 503, body: { error_code: '503', message: 'down' } }));

    const error = await connection.request('groups/x/0').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UnavailableError);
    const unavailable = error as UnavailableError;
    expect(unavailable.code).toBe('ERR_UMAPI_UNAVAILABLE');
    expect(unavailable.attempts).toBe(3);
    expect(unavailable.lastStatus).toBe(503);
    expect(unavailable.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(unavailable.message).toContain('failed 3 times');
    expect(unavailable.cause).toBeInstanceOf(ServerError);
    expect((unavailable.cause as ServerError).status).toBe(503);
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after timeouts with the last failure', async () => {
    const { server, connection } = await setUp({ maxRetries: 1, timeout: 1_000 });
    server.setDefault(() => ({ status: 200, body: { result: 'success' }, delayMs: 5_000 }));

    const error = await connection.request('groups/x/0').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).lastStatus).toBeUndefined();
    expect((error as UnavailableError).message).toMatch(/within 1000 ms/);
  });

  it('fails at once when the advised wait exceeds maxRetryWaitMs', async () => {
    const { server, connection } = await setUp({ maxRetryWaitMs: 60_000 });
    server.queue({ status: 429, headers: { 'retry-after': '2700' } });

    const error = await connection.request('users/x/0').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).retryAfterMs).toBe(2_700_000);
    expect((error as UnavailableError).attempts).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it('fails later calls fast while the class is paused', async () => {
    const { server, connection } = await setUp({
      maxRetryWaitMs: 60_000,
      rateLimits: { users: 1_000 },
    });
    server.queue({ status: 429, headers: { 'retry-after': '2700' } });
    await connection.request('users/x/0').catch(() => undefined);

    const error = await connection.request('users/x/1').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).attempts).toBe(0);
    expect((error as UnavailableError).retryAfterMs).toBeGreaterThan(60_000);
    expect((error as UnavailableError).message).toContain('paused');
    expect(server.requests).toHaveLength(1);
    expect((await connection.status()).local.rateLimits.users.throttled).toBe(1);
  });

  it('waits through a Retry-After beyond the timer limit without retrying early', async () => {
    const { server, connection, auth, log } = await setUp({
      maxRetryWaitMs: Number.POSITIVE_INFINITY,
    });
    await auth.getAccessToken();
    const advisedSeconds = Math.ceil((MAX_TIMER_DELAY_MS * 1.5) / 1000);
    server.queue({ status: 503, headers: { 'retry-after': String(advisedSeconds) } });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const controller = new AbortController();

    const pending = connection
      .request('groups/x/0', { signal: controller.signal })
      .catch((caught: unknown) => caught);
    await until(() => log.lines.some((line) => line.level === 'warn'));
    await vi.advanceTimersByTimeAsync(MAX_TIMER_DELAY_MS);

    expect(server.requests).toHaveLength(1);
    controller.abort(new Error('stopped by test'));
    expect(((await pending) as Error).message).toBe('stopped by test');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops waiting between retries when aborted', async () => {
    const { server, connection, log } = await setUp();
    server.queue({ status: 503, headers: { 'retry-after': '60' } });
    const controller = new AbortController();

    const pending = connection
      .request('groups/x/0', { signal: controller.signal })
      .catch((caught: unknown) => caught);
    await until(() => log.lines.some((line) => line.level === 'warn'));
    controller.abort();
    const error = await pending;

    expect((error as Error).name).toBe('AbortError');
    expect(server.requests).toHaveLength(1);
  });

  it('sends nothing for an already-aborted signal', async () => {
    const { server, connection, exchanges } = await setUp();

    const error = await connection
      .request('groups/x/0', { signal: AbortSignal.abort() })
      .catch((caught: unknown) => caught);

    expect((error as Error).name).toBe('AbortError');
    expect(server.requests).toHaveLength(0);
    expect(exchanges.count).toBe(0);
  });

  it('rejects when aborted in flight', async () => {
    const { server, connection } = await setUp();
    server.queue({ status: 200, body: { result: 'success' }, delayMs: 60_000 });
    const controller = new AbortController();

    const pending = connection
      .request('groups/x/0', { signal: controller.signal })
      .catch((caught: unknown) => caught);
    await until(() => server.requests.length === 1);
    controller.abort(new Error('stopped by test'));
    const error = await pending;

    expect((error as Error).message).toBe('stopped by test');
    expect(server.requests).toHaveLength(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects when aborted mid-body', async () => {
    const responses = { count: 0 };
    const countingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      responses.count += 1;
      return response;
    };
    const { server, connection } = await setUp({ fetch: countingFetch });
    server.queue({ status: 200, body: { result: 'success' }, stallBodyMs: 60_000 });
    const controller = new AbortController();

    const pending = connection
      .request('groups/x/0', { signal: controller.signal })
      .catch((caught: unknown) => caught);
    await until(() => responses.count === 1);
    controller.abort(new Error('stopped by test'));
    const error = await pending;

    expect((error as Error).message).toBe('stopped by test');
    expect(server.requests).toHaveLength(1);
  });

  it('removes its abort listener after each attempt', async () => {
    const { server, connection } = await setUp();
    server.setDefault(() => ({
      status: 200,
      body: { result: 'success', groups: [], lastPage: true },
    }));
    server.queue({ status: 503 });
    const controller = new AbortController();

    await connection.request('groups/x/0', { signal: controller.signal });
    for await (const _group of connection.groups({ signal: controller.signal })) {
      // Reads the listing to its end.
    }

    expect(server.requests).toHaveLength(3);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it.each([
    ['a line break', 'tok-SECRET-1\r\nX-Injected: yes', /cannot be sent as a bearer token/],
    ['a trailing newline', 'tok-SECRET-2\n', /cannot be sent as a bearer token/],
    ['an empty string', '', /got an empty string/],
    ['a number', 42, /got a number/],
  ])('rejects an unsendable token: %s', async (_name, token, message) => {
    const server = await startScriptedServer(ims);
    onTestFinished(() => server.close());
    const auth = {
      clientId: 'hand-written',
      orgId: 'ORG@AdobeOrg',
      getAccessToken: async () => ({ token, expiresAt: Date.now() + 60_000 }) as never,
    } satisfies Authenticator;
    const connection = new Connection({ auth, endpoint: server.endpoint, rateLimits: false });
    onTestFinished(() => connection.close());

    const error = await connection.request('groups/x/0').catch((caught: unknown) => caught);

    expect((error as { code?: string }).code).toBe('ERR_UMAPI_INVALID_TOKEN');
    expect((error as Error).message).toMatch(message);
    expect(inspect(error)).not.toContain('SECRET');
    expect(server.requests).toHaveLength(0);
  });

  it('gets a new token after one 401', async () => {
    const { server, connection, exchanges } = await setUp();
    server.queue({
      status: 401,
      body: { error_code: '401013', message: 'Oauth token is not valid' },
    });

    const response = await connection.request('groups/x/0');

    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
    expect(exchanges.count).toBe(2);
    expect(server.requests[0]?.headers.authorization).not.toBe(
      server.requests[1]?.headers.authorization,
    );
  });

  it('shares one new token among concurrent 401s', async () => {
    const { server, connection, auth, exchanges } = await setUp();
    const { token: rejected } = await auth.getAccessToken();
    server.setDefault((request) =>
      request.headers.authorization === `Bearer ${rejected}`
        ? { status: 401 }
        : { status: 200, body: { result: 'success' } },
    );

    const results = await Promise.all(
      Array.from({ length: 10 }, () => connection.request('groups/x/0')),
    );

    expect(results.every((response) => response.status === 200)).toBe(true);
    expect(server.requests).toHaveLength(20);
    expect(exchanges.count).toBeLessThanOrEqual(3);
  });

  it('raises RequestError after a second 401 without the token', async () => {
    const { server, connection, auth, log } = await setUp();
    server.queue(
      { status: 401 },
      { status: 401, body: { error_code: '401013', message: 'Oauth token is not valid' } },
    );

    const error = await connection.request('groups/x/0').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RequestError);
    expect((error as RequestError).status).toBe(401);
    expect((error as RequestError).errorCode).toBe('401013');
    expect(server.requests).toHaveLength(2);
    const { token } = await auth.getAccessToken();
    const tokens = [
      token,
      ...server.requests.map(
        (request) => request.headers.authorization?.slice('Bearer '.length) ?? '',
      ),
    ];
    const outputs = [
      inspect(error, { depth: 10 }),
      JSON.stringify(error),
      (error as Error).message,
      JSON.stringify(log.lines),
    ];
    for (const output of outputs) {
      for (const seen of tokens) {
        expect(output).not.toContain(seen);
      }
    }
  });

  const failures: [
    string,
    { status: number; text?: string; body?: unknown },
    new (...args: never[]) => Error,
    string,
  ][] = [
    [
      'a 400',
      { status: 400, body: { error_code: 'error.request.malformed', message: 'bad' } },
      RequestError,
      'ERR_UMAPI_REQUEST',
    ],
    ['a 403', { status: 403, text: '<html>Forbidden</html>' }, RequestError, 'ERR_UMAPI_REQUEST'],
    [
      'a 500',
      { status: 500, body: { error_code: '500', message: 'boom' } },
      ServerError,
      'ERR_UMAPI_SERVER',
    ],
    [
      'a 200 that is not JSON',
      { status: 200, text: '<html>proxy login</html>' },
      ResponseError,
      'ERR_UMAPI_RESPONSE',
    ],
    ['an empty 200', { status: 200, text: '' }, ResponseError, 'ERR_UMAPI_RESPONSE'],
    [
      'a 200 with result error',
      { status: 200, body: { result: 'error', message: 'nope' } },
      ResponseError,
      'ERR_UMAPI_RESPONSE',
    ],
    ['a redirect', { status: 302, text: '' }, ResponseError, 'ERR_UMAPI_RESPONSE'],
  ];

  it.each(failures)(
    'raises a typed error for %s without retrying',
    async (_name, answer, type, code) => {
      const { server, connection } = await setUp();
      server.queue(answer);

      const error = await connection.request('groups/x/0').catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(type);
      expect((error as { code: string }).code).toBe(code);
      expect((error as { status: number }).status).toBe(answer.status);
      expect((error as Error).message).toContain(`HTTP ${answer.status}`);
      expect(server.requests).toHaveLength(1);
    },
  );

  it('truncates a long error body', async () => {
    const { server, connection } = await setUp();
    server.queue({ status: 500, text: 'x'.repeat(50_000) });

    const error = (await connection
      .request('groups/x/0')
      .catch((caught: unknown) => caught)) as ServerError;

    expect(typeof error.body).toBe('string');
    expect((error.body as string).length).toBeLessThan(2_100);
    expect(error.message.length).toBeLessThan(400);
  });

  it('resends a POST body byte for byte', async () => {
    const { server, connection } = await setUp();
    server.queue({ status: 503 }, { drop: true });
    const json = [
      { user: 'ünïcode@example.com', do: [{ addAdobeID: { email: 'ünïcode@example.com' } }] },
    ];

    await connection.request('action/o', { json });

    expect(server.requests).toHaveLength(3);
    const bodies = new Set(server.requests.map((request) => request.body));
    expect(bodies.size).toBe(1);
    expect([...bodies][0]).toBe(JSON.stringify(json));
  });
});

describe('Connection.status', () => {
  let server: ScriptedServer;

  it('reads the server status when remote', async () => {
    ({ server } = await setUp());
    server.setDefault((request) =>
      request.url === '/status'
        ? { status: 200, body: { state: 'LIVE', version: '2.1.0' } }
        : { status: 404 },
    );
    const connection = new Connection({
      auth: (await createTestAuthenticator(ims)).auth,
      endpoint: server.endpoint,
      rateLimits: false,
    });
    onTestFinished(() => connection.close());

    const before = await connection.status();
    const status = await connection.status({ remote: true });
    const cached = await connection.status();

    expect(before.server.status).toBe('Never contacted');
    expect(status.server).toMatchObject({
      status: 'LIVE',
      version: '2.1.0',
      endpoint: server.endpoint,
    });
    expect(cached.server.status).toBe('LIVE');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('reports an unexpected HTTP status', async () => {
    const setup = await setUp();
    setup.server.setDefault(() => ({ status: 503 }));

    const status = await setup.connection.status({ remote: true });

    expect(status.server.status).toMatch(/^Unexpected HTTP status 503 at /);
  });

  it('reports an unreachable server', async () => {
    const setup = await setUp();
    await setup.server.close();

    const status = await setup.connection.status({ remote: true });

    expect(status.server.status).toMatch(/^Unreachable at /);
    expect(status.server.endpoint).toBe(setup.server.endpoint);
  });

  it('shares the budget of one client ID', async () => {
    const server = await startScriptedServer(ims);
    onTestFinished(() => server.close());
    const first = await createTestAuthenticator(ims);
    const other = await createTestAuthenticator(ims);
    const connections = [first.auth, first.auth, other.auth].map(
      (auth) => new Connection({ auth, endpoint: server.endpoint, rateLimits: { groups: 100 } }),
    );
    onTestFinished(async () => {
      await Promise.all(connections.map((connection) => connection.close()));
    });

    for (const connection of connections) {
      await connection.request('groups/x/0');
    }
    const [shared, sameClient, otherClient] = await Promise.all(
      connections.map((connection) => connection.status()),
    );

    expect(shared?.local.rateLimits.groups.requests).toBe(2);
    expect(sameClient?.local.rateLimits.groups.requests).toBe(2);
    expect(otherClient?.local.rateLimits.groups.requests).toBe(1);
    expect(shared?.local.requestsSent).toBe(1);
  });

  it('takes the budget slot after the token', async () => {
    const server = await startScriptedServer(ims);
    onTestFinished(() => server.close());
    server.queue({ status: 503 });
    const { auth: inner } = await createTestAuthenticator(ims);
    const grantsWhenTokenReady: number[] = [];
    let connection: Connection | undefined;
    const auth: Authenticator = {
      clientId: inner.clientId,
      orgId: inner.orgId,
      async getAccessToken(options) {
        const token = await inner.getAccessToken(options);
        const status = await connection!.status();
        grantsWhenTokenReady.push(status.local.rateLimits.groups.requests);
        return token;
      },
    };
    connection = new Connection({
      auth,
      endpoint: server.endpoint,
      rateLimits: { groups: 100 },
      retryBaseDelayMs: 1,
    });
    onTestFinished(() => connection!.close());

    await connection.request('groups/x/0');
    const status = await connection.status();

    // Each attempt gets its token before its slot, so no slot waits on the IMS.
    expect(grantsWhenTokenReady).toEqual([0, 1]);
    expect(status.local.rateLimits.groups.requests).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it('reports per-class rate-limit stats', async () => {
    const { connection } = await setUp({ rateLimits: { groups: 100 } });

    await connection.request('groups/x/0');
    const status = await connection.status();

    expect(status.local.rateLimits.groups.requests).toBe(1);
    expect(status.local.rateLimits.groups.requestsPerMinute).toBe(100);
    expect(status.local.rateLimits.users.requests).toBe(0);
  });
});
