import {
  type FakeIms,
  type FakeUmapi,
  type FakeUmapiOptions,
  startFakeIms,
  startFakeUmapi,
} from '@umapi/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { UserAction } from './actions/index.js';
import { MAX_RETRY_AFTER_MS } from '@umapi/auth-core';
import { Connection } from './connection.js';
import { ListingError, UnavailableError } from './errors.js';
import type { ConnectionOptions } from './options.js';
import { clearRateLimiters } from './rate-limit/registry.js';
import { createTestAuthenticator } from './test-server.js';

let ims: FakeIms;

beforeAll(async () => {
  ims = await startFakeIms();
});

afterAll(async () => {
  await ims.close();
});

async function setUp(
  umapiOptions: Omit<FakeUmapiOptions, 'ims'> = {},
  options: Partial<ConnectionOptions> = {},
) {
  const { auth, credentials } = await createTestAuthenticator(ims);
  const umapi = await startFakeUmapi({ ims, orgId: credentials.orgId, ...umapiOptions });
  onTestFinished(() => umapi.close());
  const connection = new Connection({
    auth,
    endpoint: umapi.url,
    rateLimits: false,
    retryBaseDelayMs: 1,
    ...options,
  });
  onTestFinished(() => connection.close());
  return { umapi, connection };
}

function actionRequests(umapi: FakeUmapi) {
  return umapi.requests.filter((request) => request.method === 'POST');
}

function createAction(index: number): UserAction {
  const email = `new${index}@example.com`;
  return new UserAction({ email }).createFederatedID({
    email,
    country: 'US',
    firstname: 'New',
    lastname: `User ${index}`,
  });
}

describe('Connection with the fake UMAPI', () => {
  it('lists users across many pages', async () => {
    const { umapi, connection } = await setUp({ users: 2_500, pageSize: 100 });

    const emails: string[] = [];
    for await (const user of connection.users()) {
      emails.push(user.email);
    }

    expect(emails).toHaveLength(2_500);
    expect(new Set(emails).size).toBe(2_500);
    expect(umapi.requests).toHaveLength(25);
  });

  it('filters users by domain', async () => {
    const { umapi, connection } = await setUp({ users: 40, pageSize: 10 });

    const users = [];
    for await (const user of connection.users({ domain: 'example.org' })) {
      users.push(user);
    }

    expect(users.length).toBeGreaterThan(0);
    expect(users.every((user) => user.email.endsWith('@example.org'))).toBe(true);
    expect(umapi.requests[0]?.query.domain).toBe('example.org');
  });

  it('lists no members for a group the fake does not have', async () => {
    const { umapi, connection } = await setUp({ users: 5 });

    const users = [];
    for await (const user of connection.users({ group: 'No Such Group' })) {
      users.push(user);
    }

    expect(users).toEqual([]);
    expect(umapi.requests.map((request) => request.status)).toEqual([404]);
  });

  it('fails every listing against a mistyped endpoint', async () => {
    const { umapi } = await setUp({ users: 5 });
    const connection = new Connection({
      auth: (await createTestAuthenticator(ims)).auth,
      orgId: umapi.orgId,
      endpoint: `${umapi.origin}/v2/usermanagment`,
      rateLimits: false,
    });
    onTestFinished(() => connection.close());

    for (const listing of [connection.users(), connection.groups()]) {
      const error = await (async () => {
        for await (const _item of listing) {
          // A listing that yields anything here is wrong as well.
        }
      })().catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ListingError);
    }

    expect(umapi.requests.map((request) => request.status)).toEqual([404, 404]);
  });

  it('fails a listing whose later page stays unavailable', async () => {
    const { umapi, connection } = await setUp({ users: 500, pageSize: 100 }, { maxRetries: 2 });
    let seen = 0;

    const error = await (async () => {
      for await (const _user of connection.users()) {
        seen += 1;
        if (seen === 250) {
          umapi.failNext({ status: 503, times: 3 });
        }
      }
    })().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ListingError);
    expect((error as ListingError).page).toBe(3);
    expect((error as ListingError).cause).toBeInstanceOf(UnavailableError);
    expect(seen).toBe(300);
  });

  it('retries a 429 with the Retry-After the fake sends', async () => {
    const { umapi, connection } = await setUp({ users: 5 });
    umapi.failNext({ status: 429, retryAfter: 0 });

    const groups = [];
    for await (const group of connection.groups()) {
      groups.push(group);
    }

    expect(groups.length).toBeGreaterThan(0);
    expect(umapi.requests.map((request) => request.status)).toEqual([429, 200]);
  });

  it('looks up one user or returns null', async () => {
    const { connection } = await setUp();
    const first = await connection.users()[Symbol.asyncIterator]().next();
    const email = (first.value as { email: string }).email;

    const found = await connection.user(email);
    const missing = await connection.user('nobody@example.net');

    expect(found?.email).toBe(email);
    expect(missing).toBeNull();
  });

  it('reads the fake status remotely', async () => {
    const { connection } = await setUp();

    const status = await connection.status({ remote: true });

    expect(status.server.status).not.toMatch(/^(Unreachable|Unexpected)/);
    expect(status.server.endpoint).toBe(connection.endpoint);
  });
});

describe('execute() aborted by the caller', () => {
  it('reports ABORT_ERR for a sent request, which the server may still apply', async () => {
    const { umapi, connection } = await setUp();
    const controller = new AbortController();
    const reason = new Error('stop');
    umapi.failNext({ delayMs: 200 });

    const pending = connection.execute([createAction(1)], { signal: controller.signal });
    await vi.waitFor(() => expect(actionRequests(umapi)).toHaveLength(1));
    controller.abort(reason);
    const result = await pending;

    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ errorCode: 'ABORT_ERR', cause: reason });
    expect(result.errors[0]?.message).toMatch(/UMAPI may have applied it/);
    // The request reached the server before the abort, so the fake applies it:
    // this is why a caller re-reads state before retrying an aborted batch.
    await vi.waitFor(() => expect(umapi.getUser('new1@example.com')?.email).toBe('new1@example.com'));
  });
});

describe('Retry-After beyond the Date range', () => {
  const huge = '99999999999999999999';

  async function listAll(connection: Connection): Promise<unknown> {
    return (async () => {
      for await (const _user of connection.users()) {
        // Reading is enough; the first page already fails.
      }
    })().catch((caught: unknown) => caught);
  }

  function expectUnavailable(error: unknown): UnavailableError {
    expect(error).toBeInstanceOf(ListingError);
    const cause = (error as ListingError).cause;
    expect(cause).toBeInstanceOf(UnavailableError);
    expect((cause as UnavailableError).message).not.toMatch(/Invalid time value/);
    // A later call sees the shared pause a few milliseconds after it began.
    expect((cause as UnavailableError).retryAfterMs).toBeGreaterThan(MAX_RETRY_AFTER_MS - 60_000);
    expect((cause as UnavailableError).retryAfterMs).toBeLessThanOrEqual(MAX_RETRY_AFTER_MS);
    return cause as UnavailableError;
  }

  it('fails fast with UnavailableError under the default scheduler, also for a new connection', async () => {
    onTestFinished(() => clearRateLimiters());
    const { auth, credentials } = await createTestAuthenticator(ims);
    const umapi = await startFakeUmapi({ ims, orgId: credentials.orgId, users: 5 });
    onTestFinished(() => umapi.close());
    const open = () => {
      const connection = new Connection({ auth, endpoint: umapi.url });
      onTestFinished(() => connection.close());
      return connection;
    };
    const first = open();
    umapi.failNext({ status: 429, retryAfter: huge });

    const throttled = expectUnavailable(await listAll(first));
    const again = expectUnavailable(await listAll(first));
    const fromNew = expectUnavailable(await listAll(open()));

    expect(throttled.attempts).toBe(1);
    expect(throttled.retryAfterMs).toBe(MAX_RETRY_AFTER_MS);
    expect(throttled.message).toMatch(/try again after \d{4}-\d\d-\d\dT/);
    expect(again.attempts).toBe(0);
    expect(fromNew.attempts).toBe(0);
    expect(fromNew.message).toContain('paused');
    expect(umapi.requests).toHaveLength(1);
  });

  it('fails user() with UnavailableError when rate limits are off', async () => {
    const { umapi, connection } = await setUp({ users: 5 });
    umapi.failNext({ status: 429, retryAfter: huge });

    const error = await connection.user('someone@example.com').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).retryAfterMs).toBe(MAX_RETRY_AFTER_MS);
    expect(umapi.requests).toHaveLength(1);
  });
});

describe('Connection path segments with the fake UMAPI', () => {
  const dotGroups = {
    users: [
      { email: 'three.dots@example.com', groups: ['...'] },
      { email: 'leading.dot@example.com', groups: ['.hidden'] },
      { email: 'other@example.com', groups: ['Engineering'] },
    ],
    groups: [{ groupName: '...' }, { groupName: '.hidden' }, { groupName: 'Engineering' }],
  };

  it.each(['..', '.'])('rejects the group %j before sending', async (group) => {
    const { umapi, connection } = await setUp(dotGroups);

    expect(() => connection.users({ group })).toThrow(TypeError);
    expect(() => connection.users({ group })).toThrow(
      `users() group ${JSON.stringify(group)} cannot be sent as a path segment`,
    );
    expect(umapi.requests).toHaveLength(0);
  });

  it.each([
    ['...', 'three.dots@example.com'],
    ['.hidden', 'leading.dot@example.com'],
  ])('lists the members of group %j', async (group, email) => {
    const { umapi, connection } = await setUp(dotGroups);

    const emails: string[] = [];
    for await (const user of connection.users({ group })) {
      emails.push(user.email);
    }

    expect(emails).toEqual([email]);
    expect(umapi.requests.map((request) => request.path)).toEqual([
      `/v2/usermanagement/users/${encodeURIComponent(connection.orgId)}/0/${group}`,
    ]);
  });

  it.each(['..', '.', ' .. '])('rejects the user lookup %j before sending', async (email) => {
    const { umapi, connection } = await setUp(dotGroups);

    await expect(connection.user(email)).rejects.toThrow(TypeError);
    await expect(connection.user(email)).rejects.toThrow(/user\(\) email or username ".{1,2}"/);
    expect(umapi.requests).toHaveLength(0);
    expect((await connection.status()).local.singleQueryCount).toBe(0);
  });

  it.each(['..', '.', '%2E%2E', '%2e', '.%2E'])(
    'rejects a request path with the segment %s',
    async (segment) => {
      const { umapi, connection } = await setUp(dotGroups);

      await expect(connection.request(`users/${connection.orgId}/0/${segment}`)).rejects.toThrow(
        /contains a "\." or "\.\." segment/,
      );
      await expect(connection.request(`${segment}/groups/${connection.orgId}/0`)).rejects.toThrow(
        TypeError,
      );
      expect(umapi.requests).toHaveLength(0);
    },
  );

  it('keeps dots inside a query value', async () => {
    const { umapi, connection } = await setUp(dotGroups);

    await connection.request(`users/${connection.orgId}/0`, { searchParams: { domain: '..' } });

    expect(umapi.requests[0]?.path).toBe(`/v2/usermanagement/users/${connection.orgId}/0`);
    expect(umapi.requests[0]?.query.domain).toBe('..');
  });
});

describe('Connection actions with the fake UMAPI', () => {
  it('batches 25 actions into 3 requests', async () => {
    const { umapi, connection } = await setUp({ users: 0 });
    const actions = Array.from({ length: 25 }, (_, index) => createAction(index));

    const result = await connection.execute(actions);

    expect(result).toMatchObject({ queued: 0, sent: 25, completed: 25, errors: [] });
    const bodies = actionRequests(umapi).map((request) => (request.body as unknown[]).length);
    expect(bodies).toEqual([10, 10, 5]);
    expect(umapi.getUser('new24@example.com')?.lastname).toBe('User 24');
    const status = await connection.status();
    expect(status.local.actionsSent).toBe(25);
    expect(status.local.actionsCompleted).toBe(25);
  });

  it('maps a partial failure to the caller action', async () => {
    const { umapi, connection } = await setUp({ users: 0 });
    const actions = Array.from({ length: 12 }, (_, index) => createAction(index));
    actions[11] = new UserAction({ email: 'new11@example.com' })
      .createFederatedID({ email: 'new11@example.com', country: 'US' })
      .addGroups(['No Such Group']);

    const result = await connection.execute(actions);

    expect(result.sent).toBe(12);
    expect(result.completed).toBe(11);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.actionIndex).toBe(11);
    expect(result.errors[0]?.errorCode).toBe('error.group.not_found');
    expect(result.errors[0]?.action).toBe(actions[11]);
    expect(actionRequests(umapi)).toHaveLength(2);
  });

  it('leaves the org unchanged in test mode', async () => {
    const { umapi, connection } = await setUp({ users: 0 }, { testMode: true });

    const result = await connection.execute([createAction(1), createAction(2)]);

    expect(result.errors).toEqual([]);
    expect(umapi.getUser('new1@example.com')).toBeUndefined();
    expect(umapi.userCount).toBe(0);
    expect(actionRequests(umapi)[0]?.query.testOnly).toBe('true');
  });

  it('resends the same body after a 503', async () => {
    const { umapi, connection } = await setUp({ users: 0 });
    umapi.failNext({ status: 503 });

    const result = await connection.execute([createAction(1), createAction(2)]);

    expect(result.completed).toBe(2);
    const [first, second] = actionRequests(umapi);
    expect(first?.status).toBe(503);
    expect(second?.status).toBe(200);
    expect(JSON.stringify(second?.body)).toBe(JSON.stringify(first?.body));
  });

  it('sends the sync markers as Pragma headers', async () => {
    const { umapi, connection } = await setUp({ users: 0 });

    connection.startSync();
    await connection.execute([createAction(1)]);
    connection.endSync();
    await connection.execute([createAction(2)]);

    expect(actionRequests(umapi).map((request) => request.pragma)).toEqual([
      'umapi-sync-start',
      'umapi-sync-end',
    ]);
  });

  it('sends the end marker on a listing when nothing is queued', async () => {
    const { umapi, connection } = await setUp({ users: 3 });

    connection.startSync();
    await connection.execute([createAction(1)]);
    connection.endSync();
    const flushed = await connection.executeQueued();
    const emails: string[] = [];
    for await (const user of connection.users()) {
      emails.push(user.email);
    }
    await connection.user('new1@example.com');

    expect(flushed.sent).toBe(0);
    expect(emails).toHaveLength(4);
    expect(umapi.requests.map((request) => [request.method, request.pragma])).toEqual([
      ['POST', 'umapi-sync-start'],
      ['GET', 'umapi-sync-end'],
      ['GET', undefined],
    ]);
  });

  it('keeps the marker on retries of its request', async () => {
    const { umapi, connection } = await setUp({ users: 1 });
    umapi.failNext({ status: 503 });

    connection.endSync();
    for await (const _user of connection.users()) {
      // Only the requests matter here.
    }
    for await (const _group of connection.groups()) {
      // Only the requests matter here.
    }

    expect(umapi.requests.map((request) => [request.status, request.pragma])).toEqual([
      [503, 'umapi-sync-end'],
      [200, 'umapi-sync-end'],
      [200, undefined],
    ]);
  });

  it('sends a pending start before a pending end', async () => {
    const { umapi, connection } = await setUp({ users: 1 });

    connection.startSync();
    connection.endSync();
    await connection.user('nobody@example.com');
    await connection.user('nobody@example.com');
    await connection.user('nobody@example.com');

    expect(umapi.requests.map((request) => request.pragma)).toEqual([
      'umapi-sync-start',
      'umapi-sync-end',
      undefined,
    ]);
  });

  it('leaves the marker pending after a caller Pragma', async () => {
    const { umapi, connection } = await setUp({ users: 1 });
    const groupsPath = `groups/${umapi.orgId}/0`;

    connection.startSync();
    await connection.request(groupsPath, { headers: { pragma: 'no-cache' } });
    await expect(connection.request('https://example.com/x')).rejects.toThrow(TypeError);
    await connection.request(groupsPath);

    expect(umapi.requests.map((request) => request.pragma)).toEqual([
      'no-cache',
      'umapi-sync-start',
    ]);
  });

  it('sends no empty action request for a marker', async () => {
    const { umapi, connection } = await setUp({ users: 0 });

    connection.startSync();
    connection.endSync();
    const queued = await connection.execute([createAction(1)], { immediate: false });
    const flushed = await connection.executeQueued();
    const empty = await connection.executeQueued();

    expect(queued.sent).toBe(0);
    expect(flushed.sent).toBe(1);
    expect(empty.sent).toBe(0);
    expect(umapi.requests.map((request) => [request.method, request.pragma])).toEqual([
      ['POST', 'umapi-sync-start'],
    ]);
    const status = await connection.status();
    expect(status.local.actionsQueued).toBe(0);
  });

  it('queues a partial batch until executeQueued', async () => {
    const { umapi, connection } = await setUp({ users: 0 });

    const queued = await connection.execute([createAction(1), createAction(2)], {
      immediate: false,
    });
    const flushed = await connection.executeQueued();

    expect(queued).toMatchObject({ queued: 2, sent: 0 });
    expect(flushed).toMatchObject({ queued: 0, sent: 2, completed: 2 });
    expect(actionRequests(umapi)).toHaveLength(1);
  });
});
