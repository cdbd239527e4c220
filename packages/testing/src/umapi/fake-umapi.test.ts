import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeIms, startFakeIms } from '../ims/fake-ims.js';
import { oauthToken, useFakeIms, useFakeUmapi } from '../test-helpers.js';
import { type FakeUmapi, type FakeUmapiOptions, startFakeUmapi } from './fake-umapi.js';
import type { UmapiUser } from './records.js';

describe('fake UMAPI authorization', () => {
  let ims: FakeIms;
  let umapi: FakeUmapi;
  let clientId: string;
  let token: string;

  beforeAll(async () => {
    ims = await startFakeIms();
    umapi = await startFakeUmapi({ ims });
    ({ clientId, token } = await oauthToken(ims));
  });
  afterAll(async () => {
    await umapi.close();
    await ims.close();
  });

  const listUsers = (headers: Record<string, string>): Promise<Response> =>
    fetch(`${umapi.url}/users/${umapi.orgId}/0`, { headers });

  it('accepts a token from its IMS with the matching key', async () => {
    const response = await listUsers({ authorization: `Bearer ${token}`, 'x-api-key': clientId });
    expect(response.status).toBe(200);
    expect(umapi.requests.at(-1)).toMatchObject({ clientId, status: 200 });
  });

  const unauthorized: Array<{
    name: string;
    headers: () => Record<string, string> | Promise<Record<string, string>>;
  }> = [
    { name: 'no Authorization header', headers: () => ({ 'x-api-key': clientId }) },
    {
      name: 'a non-bearer scheme',
      headers: () => ({ authorization: `Basic ${token}`, 'x-api-key': clientId }),
    },
    {
      name: 'a forged token',
      headers: () => ({
        authorization: `Bearer ${token.slice(0, -6)}AAAAAA`,
        'x-api-key': clientId,
      }),
    },
    { name: 'no x-api-key', headers: () => ({ authorization: `Bearer ${token}` }) },
    {
      name: 'a wrong x-api-key',
      headers: () => ({ authorization: `Bearer ${token}`, 'x-api-key': 'f'.repeat(32) }),
    },
    {
      name: 'a token from another fake IMS',
      headers: async () => {
        const other = await startFakeIms({ orgId: ims.orgId });
        try {
          const foreign = await oauthToken(other);
          return { authorization: `Bearer ${foreign.token}`, 'x-api-key': foreign.clientId };
        } finally {
          await other.close();
        }
      },
    },
  ];

  for (const testCase of unauthorized) {
    it(`answers 401 to ${testCase.name}`, async () => {
      const response = await listUsers(await testCase.headers());
      const body = (await response.json()) as { result: string; message: string };

      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(body.result).toBe('error.unauthorized');
      expect(body.message).toEqual(expect.any(String));
    });
  }

  it('answers 401 to an expired token', async () => {
    const shortLived = await ims.issueAccessToken({ clientId, lifetimeMs: 60_000 });
    const headers = { authorization: `Bearer ${shortLived}`, 'x-api-key': clientId };
    expect((await listUsers(headers)).status).toBe(200);

    ims.advance(60_000);
    try {
      expect((await listUsers(headers)).status).toBe(401);
    } finally {
      ims.advance(-60_000);
    }
  });

  it('answers 403 for another org in the path', async () => {
    const response = await fetch(`${umapi.url}/users/${'0'.repeat(24)}@AdobeOrg/0`, {
      headers: { authorization: `Bearer ${token}`, 'x-api-key': clientId },
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { result: string }).result).toMatch(/^error\./);
  });

  it('answers 403 to a token of another org', async () => {
    const otherOrg = await ims.createOAuthCredentials({ orgId: `${'1'.repeat(24)}@AdobeOrg` });
    const otherToken = await ims.issueAccessToken({ clientId: otherOrg.clientId });
    const response = await listUsers({
      authorization: `Bearer ${otherToken}`,
      'x-api-key': otherOrg.clientId,
    });
    expect(response.status).toBe(403);
  });

  it('serves /status at the origin without a token', async () => {
    const response = await fetch(`${umapi.origin}/status`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ endpoint: umapi.url, status: 'OK' });
    expect(response.headers.get('date')).toMatch(/GMT$/);
  });

  it('answers 404 to unknown paths and 405 to wrong methods', async () => {
    const headers = { authorization: `Bearer ${token}`, 'x-api-key': clientId };
    expect((await fetch(`${umapi.url}/widgets/${umapi.orgId}/0`, { headers })).status).toBe(404);
    expect((await fetch(`${umapi.origin}/elsewhere`, { headers })).status).toBe(404);
    expect(
      (await fetch(`${umapi.url}/users/${umapi.orgId}/0`, { method: 'DELETE', headers })).status,
    ).toBe(405);
    expect((await fetch(`${umapi.url}/action/${umapi.orgId}`, { headers })).status).toBe(405);
  });

  it('logs requests without the Authorization header', async () => {
    umapi.clearRequests();
    await fetch(`${umapi.url}/users/${umapi.orgId}/0?domain=example.com`, {
      headers: {
        authorization: `Bearer ${token}`,
        'x-api-key': clientId,
        pragma: 'umapi-sync-start',
      },
    });
    const [entry] = umapi.requests;

    expect(entry).toMatchObject({
      method: 'GET',
      path: `/v2/usermanagement/users/${umapi.orgId}/0`,
      query: { domain: 'example.com' },
      pragma: 'umapi-sync-start',
      clientId,
      status: 200,
    });
    expect(entry!.headers['x-api-key']).toBe(clientId);
    expect(JSON.stringify(umapi.requests)).not.toContain(token);
  });
});

describe('fake UMAPI listings', () => {
  async function setUp(options: Omit<FakeUmapiOptions, 'ims'>) {
    const ims = await useFakeIms();
    const umapi = await useFakeUmapi({ ims, ...options });
    const { clientId, token } = await oauthToken(ims);
    const get = async (
      path: string,
    ): Promise<{ response: Response; body: Record<string, unknown> }> => {
      const response = await fetch(`${umapi.url}${path}`, {
        headers: { authorization: `Bearer ${token}`, 'x-api-key': clientId },
      });
      return { response, body: (await response.json()) as Record<string, unknown> };
    };
    return { umapi, get };
  }

  it('pages users with lastPage and paging headers', async () => {
    const { umapi, get } = await setUp({ users: 5, pageSize: 2 });
    const pages = [
      await get(`/users/${umapi.orgId}/0`),
      await get(`/users/${umapi.orgId}/1`),
      await get(`/users/${umapi.orgId}/2`),
    ];

    expect(pages.map(({ body }) => (body.users as unknown[]).length)).toEqual([2, 2, 1]);
    expect(pages.map(({ body }) => body.lastPage)).toEqual([false, false, true]);
    expect(pages.every(({ body }) => body.result === 'success')).toBe(true);

    const headers = pages[1]!.response.headers;
    expect(headers.get('x-total-count')).toBe('5');
    expect(headers.get('x-page-count')).toBe('3');
    expect(headers.get('x-current-page')).toBe('1');
    expect(headers.get('x-page-size')).toBe('2');
  });

  it('answers a page past the end as empty and last', async () => {
    const { umapi, get } = await setUp({ users: 3 });
    const { body } = await get(`/users/${umapi.orgId}/7`);
    expect(body).toEqual({ lastPage: true, result: 'success', users: [] });
  });

  it('answers an empty org with one last page', async () => {
    const { umapi, get } = await setUp({ users: 0 });
    const { response, body } = await get(`/users/${umapi.orgId}/0`);
    expect(body).toEqual({ lastPage: true, result: 'success', users: [] });
    expect(response.headers.get('x-page-count')).toBe('1');
  });

  it('rejects a page that is not a number', async () => {
    const { umapi, get } = await setUp({});
    expect((await get(`/users/${umapi.orgId}/first`)).response.status).toBe(400);
    expect((await get(`/users/${umapi.orgId}/-1`)).response.status).toBe(400);
  });

  it('returns records with UMAPI fields', async () => {
    const { umapi, get } = await setUp({ users: 1 });
    const { body } = await get(`/users/${umapi.orgId}/0`);
    const [user] = body.users as UmapiUser[];

    expect(Object.keys(user!).sort()).toEqual(
      [
        'country',
        'domain',
        'email',
        'firstname',
        'groups',
        'id',
        'lastname',
        'status',
        'type',
        'username',
      ].sort(),
    );
    expect(user!.type).toBe('federatedID');
  });

  it('lists 100,000 generated users across pages', async () => {
    const { umapi, get } = await setUp({ users: 100_000, pageSize: 5000 });
    const emails = new Set<string>();
    let page = 0;
    for (;;) {
      const { body } = await get(`/users/${umapi.orgId}/${page}`);
      for (const user of body.users as UmapiUser[]) emails.add(user.email);
      if (body.lastPage) break;
      page += 1;
    }

    expect(page).toBe(19);
    expect(emails.size).toBe(100_000);
    expect(umapi.userCount).toBe(100_000);
  });

  it('filters users by domain', async () => {
    const { umapi, get } = await setUp({ users: 10 });
    const { response, body } = await get(`/users/${umapi.orgId}/0?domain=example.org`);

    expect(response.headers.get('x-total-count')).toBe('5');
    expect((body.users as UmapiUser[]).every((user) => user.domain === 'example.org')).toBe(true);
  });

  it('lists the members of one group', async () => {
    const { umapi, get } = await setUp({
      users: [
        { email: 'ana@example.com', groups: ['Sales'] },
        { email: 'bo@example.com', groups: ['Support'] },
        { email: 'cy@example.com', groups: ['Sales', 'Support'] },
      ],
    });
    const { body } = await get(`/users/${umapi.orgId}/0/Sales`);
    const missing = await get(`/users/${umapi.orgId}/0/${encodeURIComponent('No Such Group')}`);

    expect((body.users as UmapiUser[]).map((user) => user.email)).toEqual([
      'ana@example.com',
      'cy@example.com',
    ]);
    expect(missing.response.status).toBe(404);
  });

  it('decodes group names with spaces', async () => {
    const { umapi, get } = await setUp({
      users: [{ email: 'dee@example.com', groups: ['Default All Apps configuration'] }],
    });
    const { body } = await get(
      `/users/${umapi.orgId}/0/${encodeURIComponent('Default All Apps configuration')}`,
    );
    expect((body.users as UmapiUser[]).length).toBe(1);
  });

  it('pages groups with member counts', async () => {
    const { umapi, get } = await setUp({ users: 8, pageSize: 3 });
    const first = await get(`/groups/${umapi.orgId}/0`);
    const last = await get(`/groups/${umapi.orgId}/1`);

    expect(first.body.lastPage).toBe(false);
    expect(last.body.lastPage).toBe(true);
    expect(first.response.headers.get('x-total-count')).toBe('5');
    expect(first.body.groups).toEqual([
      { groupId: 1, groupName: 'Engineering', type: 'USER_GROUP', memberCount: 2 },
      { groupId: 2, groupName: 'Marketing', type: 'USER_GROUP', memberCount: 2 },
      { groupId: 3, groupName: 'Sales', type: 'USER_GROUP', memberCount: 2 },
    ]);
    expect((last.body.groups as unknown[])[1]).toMatchObject({
      type: 'PRODUCT_PROFILE',
      productName: 'All Apps',
    });
  });

  it('looks up one user by email', async () => {
    const { umapi, get } = await setUp({ users: 4 });
    const found = await get(`/organizations/${umapi.orgId}/users/USER000002@example.com`);
    const missing = await get(`/organizations/${umapi.orgId}/users/nobody@example.com`);

    expect(found.body).toMatchObject({
      result: 'success',
      user: { email: 'user000002@example.com' },
    });
    expect(missing.response.status).toBe(404);
  });

  it('adds users and groups outside requests', async () => {
    const { umapi, get } = await setUp({ users: [] });
    umapi.addGroup({ groupName: 'Finance' });
    const user = umapi.addUser({
      email: 'fin@example.com',
      groups: ['Finance'],
      type: 'enterpriseID',
    });

    expect(user).toMatchObject({
      email: 'fin@example.com',
      username: 'fin@example.com',
      domain: 'example.com',
      country: 'UD',
    });
    expect(() => umapi.addUser({ email: 'FIN@example.com' })).toThrow(/already exists/);
    const { body } = await get(`/users/${umapi.orgId}/0/Finance`);
    expect((body.users as UmapiUser[]).map((member) => member.type)).toEqual(['enterpriseID']);
  });

  it('validates its options', async () => {
    const ims = await useFakeIms();
    await expect(startFakeUmapi({ ims, pageSize: 0 })).rejects.toThrow(/pageSize/);
    await expect(startFakeUmapi({ ims, users: -1 })).rejects.toThrow(/users/);
    await expect(startFakeUmapi({ ims, timeScale: 0 })).rejects.toThrow(/timeScale/);
    await expect(startFakeUmapi({} as never)).rejects.toThrow(/ims/);
  });
});
