import type { FakeIms } from '@umapi/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Connection } from './connection.js';
import { ListingError, RequestError, ResponseError, UnavailableError } from './errors.js';
import {
  createTestAuthenticator,
  type RecordedRequest,
  type ScriptedAnswer,
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

const pagePattern = /^\/v2\/usermanagement\/(users|groups)\/[^/]+\/(\d+)(?:\/([^/?]+))?/;

/** Serves `total` users in pages of `pageSize`, as UMAPI pages them, unless `override` returns a response for the page. */
function pagedUsers(
  total: number,
  pageSize: number,
  override: (page: number) => ScriptedAnswer | undefined = () => undefined,
) {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  return (request: RecordedRequest): ScriptedAnswer => {
    const match = pagePattern.exec(request.url);
    if (match === null) {
      return { status: 404 };
    }

    const page = Number(match[2]);
    const replaced = override(page);
    if (replaced !== undefined) {
      return replaced;
    }

    const users = [];
    for (let index = page * pageSize; index < Math.min(total, (page + 1) * pageSize); index += 1) {
      users.push({ email: `user${index}@example.com`, status: 'active', type: 'federatedID' });
    }
    return {
      status: 200,
      headers: {
        'x-page-count': String(pageCount),
        'x-total-count': String(total),
        'x-current-page': String(page),
      },
      body: { result: 'success', lastPage: page >= pageCount - 1, users },
    };
  };
}

async function setUp() {
  const server = await startScriptedServer(ims);
  onTestFinished(() => server.close());
  const { auth } = await createTestAuthenticator(ims);
  const connection = new Connection({
    auth,
    endpoint: server.endpoint,
    rateLimits: false,
    retryBaseDelayMs: 1,
    maxRetries: 2,
  });
  onTestFinished(() => connection.close());
  return { server, connection };
}

async function collect<Item>(iterable: AsyncIterable<Item>): Promise<Item[]> {
  const items: Item[] = [];
  for await (const item of iterable) {
    items.push(item);
  }
  return items;
}

describe('Connection.users', () => {
  it('lists every page until lastPage', async () => {
    const { server, connection } = await setUp();
    server.setDefault(pagedUsers(1_234, 100));

    const users = await collect(connection.users());

    expect(users).toHaveLength(1_234);
    expect(users[0]?.email).toBe('user0@example.com');
    expect(users.at(-1)?.email).toBe('user1233@example.com');
    expect(server.requests.map((request) => request.url.split('/').at(-1))).toEqual(
      Array.from({ length: 13 }, (_, page) => String(page)),
    );
    expect((await connection.status()).local.multipleQueryCount).toBe(13);
  });

  it('requests a page only when the previous one is consumed', async () => {
    const { server, connection } = await setUp();
    server.setDefault(pagedUsers(500, 100));

    for await (const user of connection.users()) {
      expect(user.email).toBe('user0@example.com');
      break;
    }

    expect(server.requests).toHaveLength(1);
  });

  it('serves concurrent next() calls in order', async () => {
    const { server, connection } = await setUp();
    server.setDefault(pagedUsers(5, 2));
    const iterator = connection.users()[Symbol.asyncIterator]();

    const results = await Promise.all(Array.from({ length: 7 }, () => iterator.next()));

    expect(results.map((result) => result.value?.email)).toEqual([
      'user0@example.com',
      'user1@example.com',
      'user2@example.com',
      'user3@example.com',
      'user4@example.com',
      undefined,
      undefined,
    ]);
    expect(results.map((result) => result.done)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
    expect(server.requests).toHaveLength(3);
  });

  it('goes past an empty page that is not the last', async () => {
    const { server, connection } = await setUp();
    server.setDefault(
      pagedUsers(6, 2, (page) =>
        page === 1
          ? { status: 200, body: { result: 'success', lastPage: false, users: [] } }
          : undefined,
      ),
    );

    const users = await collect(connection.users());

    expect(users.map((user) => user.email)).toEqual([
      'user0@example.com',
      'user1@example.com',
      'user4@example.com',
      'user5@example.com',
    ]);
    expect(server.requests).toHaveLength(3);
  });

  it('ends after a failed page without another request', async () => {
    const { server, connection } = await setUp();
    server.setDefault(
      pagedUsers(10, 2, (page) => (page === 1 ? { status: 400, body: {} } : undefined)),
    );
    const iterator = connection.users()[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();

    const failure = await iterator.next().catch((caught: unknown) => caught);
    const after = await iterator.next();

    expect(failure).toBeInstanceOf(ListingError);
    expect(after).toEqual({ done: true, value: undefined });
    expect(server.requests).toHaveLength(2);
  });

  it('ends at return() while a page loads', async () => {
    const { server, connection } = await setUp();
    server.setDefault(pagedUsers(10, 2));
    const iterator = connection.users()[Symbol.asyncIterator]();

    const first = iterator.next();
    const ended = await iterator.return?.();
    const after = await iterator.next();

    expect((await first).value?.email).toBe('user0@example.com');
    expect(ended).toEqual({ done: true, value: undefined });
    expect(after).toEqual({ done: true, value: undefined });
    expect(server.requests).toHaveLength(1);
  });

  it('sends the domain and group filters', async () => {
    const { server, connection } = await setUp();
    server.setDefault(pagedUsers(3, 100));

    await collect(
      connection.users({ domain: 'example.com', group: 'Design Team/EU', directOnly: false }),
    );

    expect(server.requests[0]?.url).toBe(
      `/v2/usermanagement/users/${encodeURIComponent(connection.orgId)}/0/Design%20Team%2FEU?domain=example.com&directOnly=false`,
    );
  });

  it('yields nothing for a group UMAPI does not find', async () => {
    const { server, connection } = await setUp();
    server.setDefault(() => ({
      status: 404,
      body: { result: 'error.group.not_found', message: 'Group missing not found.' },
    }));

    const users = await collect(connection.users({ group: 'missing' }));

    expect(users).toEqual([]);
  });

  it('yields nothing for a domain filter with a JSON 404', async () => {
    const { server, connection } = await setUp();
    server.setDefault(() => ({ status: 404, body: { result: 'error', message: 'no match' } }));

    const users = await collect(connection.users({ domain: 'example.net' }));

    expect(users).toEqual([]);
  });

  it.each([
    ['users()', { status: 404, body: { result: 'error.not_found', message: 'No resource' } }],
    ['users()', { status: 404, body: { error_code: '404050', message: 'Resource not found' } }],
    ['users({ group })', { status: 404, text: '<html><body>Not Found</body></html>' }],
    ['users({ group })', { status: 404, text: '' }],
    ['users({ group })', { status: 404, body: { error_code: '404050', message: 'Not found' } }],
    ['users({ domain })', { status: 404, text: 'Not Found' }],
    ['groups()', { status: 404, body: { result: 'error.not_found', message: 'No resource' } }],
  ] as [string, ScriptedAnswer][])('fails %s on a first-page 404 %j', async (call, answer) => {
    const { server, connection } = await setUp();
    server.setDefault(() => ({ headers: { 'content-type': 'text/html' }, ...answer }));
    const listings: Record<string, () => AsyncIterable<unknown>> = {
      'users()': () => connection.users(),
      'users({ group })': () => connection.users({ group: 'Sales' }),
      'users({ domain })': () => connection.users({ domain: 'example.com' }),
      'groups()': () => connection.groups(),
    };

    const error = await collect(listings[call]!()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ListingError);
    expect((error as ListingError).page).toBe(0);
    expect((error as ListingError).itemsRead).toBe(0);
    expect((error as ListingError).cause).toBeInstanceOf(RequestError);
    expect((error as ListingError).message).toContain(
      'Check that the endpoint ends with /v2/usermanagement',
    );
  });

  const laterPageFailures: [string, ScriptedAnswer, (cause: unknown) => void][] = [
    [
      'a 404',
      { status: 404, body: { error_code: '404', message: 'Not found' } },
      (cause) => expect(cause).toBeInstanceOf(RequestError),
    ],
    [
      'result error',
      { status: 200, body: { result: 'error', lastPage: false, users: [] } },
      (cause) => expect(cause).toBeInstanceOf(ResponseError),
    ],
    [
      'no users array',
      { status: 200, body: { result: 'success', lastPage: false } },
      (cause) => expect(cause).toBeInstanceOf(ResponseError),
    ],
    [
      'no lastPage field',
      { status: 200, body: { result: 'success', users: [] } },
      (cause) => expect(cause).toBeInstanceOf(ResponseError),
    ],
    [
      'retries exhausted',
      { status: 503 },
      (cause) => expect(cause).toBeInstanceOf(UnavailableError),
    ],
  ];

  it.each(laterPageFailures)(
    'raises ListingError naming the page for %s',
    async (_name, answer, checkCause) => {
      const { server, connection } = await setUp();
      server.setDefault(pagedUsers(1_000, 100, (page) => (page === 3 ? answer : undefined)));
      const seen: string[] = [];

      const error = await (async () => {
        for await (const user of connection.users()) {
          seen.push(user.email);
        }
      })().catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ListingError);
      const listingError = error as ListingError;
      expect(listingError.code).toBe('ERR_UMAPI_LISTING');
      expect(listingError.page).toBe(3);
      expect(listingError.itemsRead).toBe(300);
      expect(listingError.message).toContain('page 3');
      expect(listingError.message).toContain('incomplete');
      checkCause(listingError.cause);
      expect(seen).toHaveLength(300);
    },
  );

  it('raises ListingError when paging past X-Page-Count + 1', async () => {
    const { server, connection } = await setUp();
    server.setDefault((request) => {
      const page = Number(pagePattern.exec(request.url)?.[2]);
      return {
        status: 200,
        headers: { 'x-page-count': '2' },
        body: { result: 'success', lastPage: false, users: [{ email: `p${page}@example.com` }] },
      };
    });

    const error = await collect(connection.users()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ListingError);
    expect((error as ListingError).page).toBe(3);
    expect((error as ListingError).message).toContain('X-Page-Count');
    expect(server.requests).toHaveLength(3);
  });

  it('stops with the abort reason when aborted between pages', async () => {
    const { server, connection } = await setUp();
    server.setDefault(pagedUsers(500, 100));
    const controller = new AbortController();

    const error = await (async () => {
      for await (const user of connection.users({ signal: controller.signal })) {
        if (user.email === 'user150@example.com') {
          controller.abort();
        }
      }
    })().catch((caught: unknown) => caught);

    expect((error as Error).name).toBe('AbortError');
    expect(server.requests).toHaveLength(2);
  });
});

describe('Connection.groups', () => {
  it('lists every page of groups', async () => {
    const { server, connection } = await setUp();
    server.setDefault((request) => {
      const page = Number(pagePattern.exec(request.url)?.[2]);
      return {
        status: 200,
        body: { result: 'success', lastPage: page === 2, groups: [{ groupName: `g${page}` }] },
      };
    });

    const groups = await collect(connection.groups());

    expect(groups.map((group) => group.groupName)).toEqual(['g0', 'g1', 'g2']);
    expect(server.requests[0]?.url).toBe(
      `/v2/usermanagement/groups/${encodeURIComponent(connection.orgId)}/0`,
    );
  });
});

describe('Connection.user', () => {
  it('returns the user', async () => {
    const { server, connection } = await setUp();
    server.setDefault(() => ({
      status: 200,
      body: { result: 'success', user: { email: 'a@example.com', status: 'active' } },
    }));

    const user = await connection.user('a@example.com');

    expect(user).toEqual({ email: 'a@example.com', status: 'active' });
    expect(server.requests[0]?.url).toBe(
      `/v2/usermanagement/organizations/${encodeURIComponent(connection.orgId)}/users/a%40example.com`,
    );
    expect((await connection.status()).local.singleQueryCount).toBe(1);
  });

  it('returns null on a 404', async () => {
    const { server, connection } = await setUp();
    server.setDefault(() => ({
      status: 404,
      body: { result: 'error', message: 'User not found' },
    }));

    expect(await connection.user('nobody@example.com')).toBeNull();
  });

  it('raises other errors', async () => {
    const { server, connection } = await setUp();
    server.setDefault(() => ({
      status: 403,
      body: { error_code: '403003', message: 'Api Key is invalid' },
    }));

    await expect(connection.user('a@example.com')).rejects.toBeInstanceOf(RequestError);
  });
});
