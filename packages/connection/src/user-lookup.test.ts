import type { Authenticator } from '@umapi/auth-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Connection } from './connection.js';
import { ResponseError } from './errors.js';
import { startRawServer, writeJson } from './test-raw-server.js';

const ORG_ID = '0123456789ABCDEF01234567@AdobeOrg';

const auth: Authenticator = {
  clientId: 'user-lookup-test',
  orgId: ORG_ID,
  getAccessToken: async () => ({ token: 'tok-user-lookup', expiresAt: Date.now() + 3_600_000 }),
};

function connect(endpoint: string): Connection {
  const connection = new Connection({ auth, endpoint, rateLimits: false });
  onTestFinished(() => connection.close());
  return connection;
}

describe('user() response checks', () => {
  it.each([
    ['no user field', { result: 'success' }],
    ['a null user', { result: 'success', user: null }],
    ['a user array', { result: 'success', user: [{ email: 'jane@example.com' }] }],
    ['a string user', { result: 'success', user: 'jane@example.com' }],
    ['an empty object', {}],
  ])('rejects a 200 with %s', async (_name, body) => {
    const server = await startRawServer((socket) => writeJson(socket, 200, body));
    onTestFinished(() => server.close());
    const connection = connect(server.endpoint);

    const error = await connection.user('jane@example.com').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).status).toBe(200);
    expect((error as ResponseError).path).toBe(
      'organizations/0123456789ABCDEF01234567%40AdobeOrg/users/jane%40example.com',
    );
    expect((error as Error).message).toContain("has no 'user' object");
  });

  it('rejects a 200 whose body is null', async () => {
    const server = await startRawServer((socket) => writeJson(socket, 200, null));
    onTestFinished(() => server.close());
    const connection = connect(server.endpoint);

    const error = await connection.user('jane@example.com').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ResponseError);
  });

  it.each([
    ['no email', { result: 'success', user: { status: 'active' } }, 'has no email'],
    ['an empty email', { result: 'success', user: { email: '' } }, 'has no email'],
    ['a numeric email', { result: 'success', user: { email: 42 } }, 'has no email'],
    [
      'another user',
      { result: 'success', user: { email: 'john@example.com', username: 'john' } },
      'is another user',
    ],
  ])('rejects a user with %s', async (_name, body, message) => {
    const server = await startRawServer((socket) => writeJson(socket, 200, body));
    onTestFinished(() => server.close());
    const connection = connect(server.endpoint);

    const error = await connection.user('jane@example.com').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ResponseError);
    expect((error as Error).message).toContain(message);
  });

  it.each([
    ['the email in another case', 'Jane@Example.COM', { email: 'jane@example.com' }],
    ['the username', 'jdoe', { email: 'jane@example.com', username: 'JDoe' }],
  ])('accepts a user matching %s', async (_name, lookup, user) => {
    const server = await startRawServer((socket) =>
      writeJson(socket, 200, { result: 'success', user }),
    );
    onTestFinished(() => server.close());
    const connection = connect(server.endpoint);

    expect(await connection.user(lookup)).toEqual(user);
  });

  it('returns null only for a 404', async () => {
    const server = await startRawServer((socket) =>
      writeJson(socket, 404, { result: 'error', error_code: 'error.user.nonexistent' }),
    );
    onTestFinished(() => server.close());
    const connection = connect(server.endpoint);

    expect(await connection.user('nobody@example.com')).toBeNull();
  });
});
