import type { Authenticator } from '@umapi/auth-core';
import type { FakeIms } from '@umapi/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { UserAction } from './actions/index.js';
import { Connection } from './connection.js';
import { ConnectionClosedError, ListingError } from './errors.js';
import type { ConnectionOptions } from './options.js';
import { createTestAuthenticator, startFakeIms, startScriptedServer } from './test-server.js';

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

/**
 * Waits until a condition holds, turning the event loop with setImmediate
 * because the tests fake setTimeout. The bound is wall-clock time from
 * process.hrtime, which fake timers leave alone.
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

// Responses close their socket, so that fetch sets no keep-alive timer, which
// would count among the fake timers once a test fakes setTimeout.
const CLOSE_SOCKET = { connection: 'close' };

async function startServer() {
  const server = await startScriptedServer(ims);
  onTestFinished(() => server.close());
  server.setDefault(() => ({ status: 200, body: { result: 'success' }, headers: CLOSE_SOCKET }));
  return server;
}

async function setUp(options: Partial<ConnectionOptions> = {}) {
  const server = await startServer();
  const { auth } = await createTestAuthenticator(ims);
  const warnings: string[] = [];
  const connection = new Connection({
    auth,
    endpoint: server.endpoint,
    rateLimits: false,
    retryBaseDelayMs: 1,
    logger: { warn: (message) => warnings.push(message) },
    ...options,
  });
  onTestFinished(() => connection.close());
  return { server, auth, connection, warnings };
}

function userAction(index: number): UserAction {
  return new UserAction({ email: `user${index}@example.com` }).addGroups(['Designers']);
}

function actionSuccess(completed: number) {
  return { result: 'success', completed, notCompleted: 0, completedInTestMode: 0 };
}

/**
 * Sets up a connection whose authenticator stalls its first token request
 * until the call's signal aborts, or fails it with `firstError`. Later
 * requests get a token the fake IMS issued.
 */
async function setUpWithSlowToken(firstError?: Error) {
  const server = await startServer();
  server.setDefault((request) => ({
    status: 200,
    body: actionSuccess(JSON.parse(request.body).length),
    headers: CLOSE_SOCKET,
  }));
  const { clientId, orgId } = await ims.createOAuthCredentials();
  const token = await ims.issueAccessToken({ clientId });
  const auth: Authenticator & { tokenRequests: number } = {
    clientId,
    orgId,
    tokenRequests: 0,
    getAccessToken({ signal } = {}) {
      auth.tokenRequests += 1;
      if (auth.tokenRequests > 1) {
        return Promise.resolve({ token, expiresAt: Date.now() + 3_600_000 });
      }

      if (firstError !== undefined) {
        return Promise.reject(firstError);
      }

      return new Promise((_resolve, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    },
  };
  const connection = new Connection({ auth, endpoint: server.endpoint, rateLimits: false });
  onTestFinished(() => connection.close());
  return { server, connection, auth };
}

describe('Connection.close', () => {
  it('stops a call waiting for a budget slot', async () => {
    const { server, connection } = await setUp({ rateLimits: { groups: 1 } });
    await connection.request('groups/x/0');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });

    const pending = connection.request('groups/x/1').catch((caught: unknown) => caught);
    await until(() => vi.getTimerCount() === 1);
    await connection.close();
    const error = await pending;

    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as ConnectionClosedError).code).toBe('ERR_UMAPI_CONNECTION_CLOSED');
    expect((error as Error).message).toContain('GET groups/x/1 was in progress');
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(server.requests).toHaveLength(1);
  });

  it('leaves the budget waits of another connection alone', async () => {
    const server = await startServer();
    const { auth } = await createTestAuthenticator(ims);
    const [closing, other] = [1, 2].map(
      () => new Connection({ auth, endpoint: server.endpoint, rateLimits: { groups: 1 } }),
    ) as [Connection, Connection];
    onTestFinished(async () => {
      await Promise.all([closing.close(), other.close()]);
    });
    await closing.request('groups/x/0');
    // The scheduler reads Date.now(), so the clock is faked with the timers.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });

    const stopped = closing.request('groups/x/1').catch((caught: unknown) => caught);
    const waiting = other.request('groups/x/2');
    await until(() => vi.getTimerCount() === 1);
    await closing.close();

    expect(await stopped).toBeInstanceOf(ConnectionClosedError);
    expect(vi.getTimerCount()).toBe(1);
    // One window of 60 s plus its 2 s safety margin frees the slot.
    await vi.advanceTimersByTimeAsync(62_000);
    vi.useRealTimers();
    const response = await waiting;

    expect(response.status).toBe(200);
    expect(server.requests.map((request) => request.url)).toEqual([
      '/v2/usermanagement/groups/x/0',
      '/v2/usermanagement/groups/x/2',
    ]);
  });

  it('stops a call sleeping between retries', async () => {
    const { server, connection, auth, warnings } = await setUp();
    await auth.getAccessToken();
    server.queue({ status: 503, headers: { 'retry-after': '60', ...CLOSE_SOCKET } });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });

    const pending = connection.request('groups/x/0').catch((caught: unknown) => caught);
    await until(() => warnings.length === 1);
    await connection.close();
    const error = await pending;

    expect(error).toBeInstanceOf(ConnectionClosedError);
    // Fetch's own timer for the 503's socket ends when the socket closes.
    // A leaked 60 s sleep would keep the count above 0 until the bound.
    await until(() => vi.getTimerCount() === 0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(server.requests).toHaveLength(1);
  });

  it('stops a call waiting for its response', async () => {
    const { server, connection } = await setUp();
    server.queue({ status: 200, body: { result: 'success' }, delayMs: 60_000 });

    const pending = connection.request('groups/x/0').catch((caught: unknown) => caught);
    await until(() => server.requests.length === 1);
    await connection.close();
    const error = await pending;

    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as Error).message).toContain('UMAPI may have received it');
  });

  it('stops a listing without a ListingError', async () => {
    const { server, connection } = await setUp({ rateLimits: { users: 1 } });
    server.setDefault(() => ({
      status: 200,
      body: { result: 'success', lastPage: false, users: [{ email: 'a@example.com' }] },
      headers: CLOSE_SOCKET,
    }));
    const iterator = connection.users()[Symbol.asyncIterator]();
    await iterator.next();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });

    const pending = iterator.next().catch((caught: unknown) => caught);
    await until(() => vi.getTimerCount() === 1);
    await connection.close();
    const error = await pending;

    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error).not.toBeInstanceOf(ListingError);
    expect(server.requests).toHaveLength(1);
  });

  it('leaves unsent actions queued when closed mid-execute', async () => {
    const { server, connection } = await setUp();
    server.setDefault(() => ({
      status: 200,
      body: { result: 'success', completed: 10, notCompleted: 0, completedInTestMode: 0 },
      delayMs: 60_000,
    }));
    const actions = Array.from({ length: 25 }, (_, index) =>
      new UserAction({ email: `user${index}@example.com` }).addGroups(['Designers']),
    );

    const pending = connection.execute(actions);
    await until(() => server.requests.length === 1);
    await connection.close();
    const result = await pending;

    expect(result.sent).toBe(10);
    expect(result.completed).toBe(0);
    expect(result.queued).toBe(15);
    expect(result.errors).toHaveLength(10);
    expect(result.errors[0]?.errorCode).toBe('ERR_UMAPI_CONNECTION_CLOSED');
    expect(result.errors[0]?.cause).toBeInstanceOf(ConnectionClosedError);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps actions queued when closed during the token exchange', async () => {
    const { server, connection, auth } = await setUpWithSlowToken();
    const pending = connection.execute([userAction(0)]);
    await until(() => auth.tokenRequests === 1);
    await connection.close();
    const result = await pending;

    expect(result).toEqual({ queued: 1, sent: 0, completed: 0, errors: [] });
    expect(server.requests).toHaveLength(0);
    const { local } = await connection.status();
    expect(local.actionsSent).toBe(0);
    expect(local.actionsQueued).toBe(1);
  });

  it('keeps actions queued when closed during a budget wait', async () => {
    const { server, connection } = await setUp({ rateLimits: { actions: 1 } });
    server.setDefault(() => ({ status: 200, body: actionSuccess(1), headers: CLOSE_SOCKET }));
    await connection.execute([userAction(0)]);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });

    const pending = connection.execute([userAction(1), userAction(2)]);
    await until(() => vi.getTimerCount() === 1);
    await connection.close();
    const result = await pending;

    expect(result).toEqual({ queued: 2, sent: 0, completed: 0, errors: [] });
    expect(server.requests).toHaveLength(1);
    expect((await connection.status()).local.actionsSent).toBe(1);
  });

  it('keeps actions and marker after an abort before sending', async () => {
    const { server, connection, auth } = await setUpWithSlowToken();
    const controller = new AbortController();
    connection.startSync();

    const pending = connection.execute([userAction(0), userAction(1)], {
      signal: controller.signal,
    });
    await until(() => auth.tokenRequests === 1);
    controller.abort(new Error('stop'));
    const result = await pending;

    expect(result).toEqual({ queued: 2, sent: 0, completed: 0, errors: [] });
    expect(server.requests).toHaveLength(0);

    const rest = await connection.executeQueued();

    expect(rest).toEqual({ queued: 0, sent: 2, completed: 2, errors: [] });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headers.pragma).toBe('umapi-sync-start');
  });

  it('reports actions not sent after a token failure', async () => {
    const { server, connection } = await setUpWithSlowToken(new Error('IMS said no'));

    const result = await connection.execute([userAction(0)]);

    expect(result).toMatchObject({ queued: 0, sent: 0, completed: 0 });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.message).toMatch(/was not sent: IMS said no$/);
    expect(server.requests).toHaveLength(0);
  });

  it('rejects every call after close at once', async () => {
    const { server, connection } = await setUp();
    await connection.close();

    const calls: [string, () => Promise<unknown>][] = [
      ['request', () => connection.request('groups/x/0')],
      ['user', () => connection.user('jane@example.com')],
      ['users', () => connection.users()[Symbol.asyncIterator]().next()],
      ['groups', () => connection.groups()[Symbol.asyncIterator]().next()],
      [
        'execute',
        () => connection.execute([new UserAction({ email: 'a@example.com' }).removeFromOrg()]),
      ],
      ['executeQueued', () => connection.executeQueued()],
      ['status remote', () => connection.status({ remote: true })],
    ];
    for (const [name, call] of calls) {
      const error = await call().catch((caught: unknown) => caught);

      expect(error, name).toBeInstanceOf(ConnectionClosedError);
      expect((error as Error).message, name).toContain('The connection is closed');
    }

    expect(server.requests).toHaveLength(0);
    expect((await connection.status()).local.actionsQueued).toBe(0);
  });

  it('returns the same promise when called twice', async () => {
    const { connection } = await setUp();

    const first = connection.close();
    const second = connection.close();

    expect(second).toBe(first);
    await first;
  });
});
