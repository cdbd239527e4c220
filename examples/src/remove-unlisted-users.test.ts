// A downstream test suite with vitest: the kind of tests an application that
// uses @umapi/connection writes for its own code. Each test starts a fake IMS
// and a fake UMAPI on 127.0.0.1, injects a fault, and checks how the code
// under test (`removeUnlistedUsers`) copes. The same suite for node's test
// runner is in `node-test/remove-unlisted-users.test.ts`.
import { ImsError } from '@umapi/auth-core';
import { OAuthS2S } from '@umapi/auth-oauth';
import {
  Connection,
  type ConnectionOptions,
  ListingError,
  UnavailableError,
} from '@umapi/connection';
import { type FakeIms, type FakeUmapi, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { removeUnlistedUsers, TooManyRemovalsError } from './remove-unlisted-users.js';

const employees = ['ada@example.com', 'grace@example.com', 'linus@example.com'];
const leavers = ['mallory@example.com', 'trudy@example.com'];

let ims: FakeIms;
let umapi: FakeUmapi;

// A fresh pair of fakes per test: removals change the fake's directory.
beforeEach(async () => {
  ims = await startFakeIms();
  umapi = await startFakeUmapi({
    ims,
    users: [...employees, ...leavers].map((email) => ({ email })),
  });
});

afterEach(async () => {
  await umapi.close();
  await ims.close();
});

/** Connects to the fakes through OAuthS2S, the way the application does. */
async function connect(options: Partial<ConnectionOptions> = {}): Promise<Connection> {
  const auth = new OAuthS2S(await ims.createOAuthCredentials());
  // A zero backoff base keeps retries instant, while waits the server advises are still honoured.
  const connection = new Connection({ auth, endpoint: umapi.url, retryBaseDelayMs: 0, ...options });
  onTestFinished(() => connection.close());
  return connection;
}

const actionRequests = () => umapi.requests.filter((request) => request.method === 'POST');

describe('removeUnlistedUsers', () => {
  it('removes users missing from the list', async () => {
    const connection = await connect();

    const report = await removeUnlistedUsers(connection, { keep: employees });

    expect(report.checked).toBe(5);
    expect(report.removed.sort()).toEqual(leavers);
    expect(report.failed).toEqual([]);
    expect(umapi.getUser('mallory@example.com')).toBeUndefined();
    expect(umapi.getUser('ada@example.com')).toBeDefined();
  });

  it('changes nothing in test mode', async () => {
    const connection = await connect({ testMode: true });

    const report = await removeUnlistedUsers(connection, { keep: employees });

    expect(report.removed.sort()).toEqual(leavers);
    expect(umapi.getUser('mallory@example.com')).toBeDefined();
    expect(actionRequests()[0]?.query.testOnly).toBe('true');
  });

  it('rides out a 429 with Retry-After', async () => {
    const connection = await connect();
    umapi.failNext({ status: 429, retryAfter: 0 });

    const report = await removeUnlistedUsers(connection, { keep: employees });

    expect(report.removed.sort()).toEqual(leavers);
    expect(umapi.requests.map((request) => request.status)).toEqual([429, 200, 200]);
    expect((await connection.status()).local.retries).toBe(1);
  });

  it('rides out a dropped connection and a proxy error page', async () => {
    const connection = await connect();
    umapi.failNext({ drop: true });
    umapi.failNext({ status: 502, body: '<html><body>Bad Gateway</body></html>' });

    const report = await removeUnlistedUsers(connection, { keep: employees });

    expect(report.removed.sort()).toEqual(leavers);
    expect((await connection.status()).local.retries).toBe(2);
  });

  it('removes nobody when the token exchange fails', async () => {
    const connection = await connect();
    ims.failNext({
      status: 401,
      body: { error: 'invalid_client', error_description: 'invalid client_id parameter' },
    });

    const error = await removeUnlistedUsers(connection, { keep: employees }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(ListingError);
    expect((error as ListingError).cause).toBeInstanceOf(ImsError);
    expect(((error as ListingError).cause as ImsError).code).toBe('invalid_client');
    expect(umapi.requests).toEqual([]);
    expect(umapi.userCount).toBe(5);
  });

  it('recovers from one 503 token response', async () => {
    const connection = await connect();
    ims.failNext({ status: 503, retryAfter: 0 });

    const report = await removeUnlistedUsers(connection, { keep: employees });

    expect(report.removed.sort()).toEqual(leavers);
    expect(ims.exchanges.map((exchange) => exchange.outcome)).toEqual(['fault', 'issued']);
  });

  it('removes nobody when UMAPI stays unavailable', async () => {
    const connection = await connect({ maxRetries: 2 });
    umapi.failNext({ status: 503, times: 3 });

    const error = await removeUnlistedUsers(connection, { keep: employees }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(ListingError);
    expect((error as ListingError).cause).toBeInstanceOf(UnavailableError);
    expect(((error as ListingError).cause as UnavailableError).attempts).toBe(3);
    expect(actionRequests()).toEqual([]);
    expect(umapi.userCount).toBe(5);
  });

  it('stops before removing too many users', async () => {
    const connection = await connect();

    const error = await removeUnlistedUsers(connection, { keep: [], maxRemovals: 2 }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(TooManyRemovalsError);
    expect((error as TooManyRemovalsError).wouldRemove).toBe(5);
    expect(actionRequests()).toEqual([]);
  });
});
