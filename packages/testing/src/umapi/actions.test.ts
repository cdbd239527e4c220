import { describe, expect, it } from 'vitest';
import { oauthToken, useFakeIms, useFakeUmapi } from '../test-helpers.js';
import type { ActionResult } from './actions.js';
import type { FakeUmapiOptions } from './fake-umapi.js';

async function setUp(options: Omit<FakeUmapiOptions, 'ims'> = {}) {
  const ims = await useFakeIms();
  const umapi = await useFakeUmapi({
    ims,
    users: [
      { email: 'ana@example.com', firstname: 'Ana', groups: ['Sales'] },
      { email: 'bo@example.com', groups: ['Sales', 'Support'] },
    ],
    ...options,
  });
  const { clientId, token } = await oauthToken(ims);

  const post = async (
    body: unknown,
    query = '',
  ): Promise<{ status: number; body: ActionResult & Record<string, unknown> }> => {
    const response = await fetch(`${umapi.url}/action/${umapi.orgId}${query}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-api-key': clientId,
        'content-type': 'application/json',
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as ActionResult & Record<string, unknown>,
    };
  };
  return { umapi, post };
}

const SUCCESS = {
  result: 'success',
  completed: 1,
  notCompleted: 0,
  completedInTestMode: 0,
  errors: [],
};

describe('fake UMAPI actions', () => {
  for (const [command, type] of [
    ['createFederatedID', 'federatedID'],
    ['createEnterpriseID', 'enterpriseID'],
    ['addAdobeID', 'adobeID'],
  ] as const) {
    it(`${command} creates a ${type} user`, async () => {
      const { umapi, post } = await setUp();
      const answer = await post([
        {
          user: 'new@example.net',
          do: [
            {
              [command]: {
                email: 'new@example.net',
                country: 'DE',
                firstname: 'Nia',
                lastname: 'Ng',
              },
            },
          ],
        },
      ]);

      expect(answer).toEqual({ status: 200, body: SUCCESS });
      expect(umapi.getUser('new@example.net')).toMatchObject({
        type,
        country: 'DE',
        firstname: 'Nia',
        lastname: 'Ng',
        domain: 'example.net',
        groups: [],
      });
    });
  }

  it('rejects creating an existing user', async () => {
    const { post } = await setUp();
    const { body } = await post([
      { user: 'ana@example.com', requestID: 'r-1', do: [{ createFederatedID: { country: 'US' } }] },
    ]);

    expect(body).toMatchObject({ result: 'error', completed: 0, notCompleted: 1 });
    expect(body.errors).toEqual([
      {
        index: 0,
        step: 0,
        requestID: 'r-1',
        user: 'ana@example.com',
        errorCode: 'error.user.already_exists',
        message: expect.any(String),
      },
    ]);
  });

  it('ignores or updates an existing user on request', async () => {
    const { umapi, post } = await setUp();
    const ignored = await post([
      {
        user: 'ana@example.com',
        do: [{ createFederatedID: { firstname: 'X', option: 'ignoreIfAlreadyExists' } }],
      },
    ]);
    expect(ignored.body).toEqual(SUCCESS);
    expect(umapi.getUser('ana@example.com')?.firstname).toBe('Ana');

    const updated = await post([
      {
        user: 'ana@example.com',
        do: [{ addAdobeID: { firstname: 'Anna', option: 'updateIfAlreadyExists' } }],
      },
    ]);
    expect(updated.body).toEqual(SUCCESS);
    expect(umapi.getUser('ana@example.com')?.firstname).toBe('Anna');
  });

  it('updates user fields', async () => {
    const { umapi, post } = await setUp();
    const { body } = await post([
      {
        user: 'bo@example.com',
        do: [
          {
            update: {
              firstname: 'Bo',
              lastname: 'Berg',
              country: 'SE',
              email: 'bo.berg@example.com',
            },
          },
        ],
      },
    ]);

    expect(body).toEqual(SUCCESS);
    expect(umapi.getUser('bo@example.com')).toBeUndefined();
    expect(umapi.getUser('bo.berg@example.com')).toMatchObject({
      firstname: 'Bo',
      lastname: 'Berg',
      country: 'SE',
    });
  });

  it('adds and removes groups', async () => {
    const { umapi, post } = await setUp();
    const { body } = await post([
      {
        user: 'ana@example.com',
        do: [{ add: { group: ['Engineering', 'marketing'] } }, { remove: { group: ['Sales'] } }],
      },
      {
        user: 'bo@example.com',
        do: [{ add: { product: ['Default All Apps configuration'] } }, { remove: 'all' }],
      },
    ]);

    expect(body).toMatchObject({ result: 'success', completed: 2 });
    expect(umapi.getUser('ana@example.com')?.groups).toEqual(['Engineering', 'Marketing']);
    expect(umapi.getUser('bo@example.com')?.groups).toEqual([]);
    expect(umapi.listGroups().find((group) => group.groupName === 'Engineering')?.memberCount).toBe(
      1,
    );
  });

  it('removes a user from the org', async () => {
    const { umapi, post } = await setUp();
    const { body } = await post([
      { user: 'bo@example.com', do: [{ removeFromOrg: { deleteAccount: false } }] },
    ]);

    expect(body).toEqual(SUCCESS);
    expect(umapi.getUser('bo@example.com')).toBeUndefined();
    expect(umapi.userCount).toBe(1);
  });

  it('changes generated users too', async () => {
    const { umapi, post } = await setUp({ users: 100_000 });
    const { body } = await post([
      { user: 'user000007@example.org', do: [{ removeFromOrg: {} }] },
      { user: 'user000008@example.com', do: [{ add: { group: ['Support'] } }] },
    ]);

    expect(body).toMatchObject({ result: 'success', completed: 2 });
    expect(umapi.getUser('user000007@example.org')).toBeUndefined();
    expect(umapi.getUser('user000008@example.com')?.groups).toEqual(['Engineering', 'Support']);
    expect(umapi.userCount).toBe(99_999);
  });

  it('creates and deletes user groups', async () => {
    const { umapi, post } = await setUp();
    await post([{ usergroup: 'Contractors', do: [{ createUserGroup: {} }] }]);
    expect(umapi.listGroups().some((group) => group.groupName === 'Contractors')).toBe(true);

    await post([{ usergroup: 'Sales', do: [{ deleteUserGroup: {} }] }]);
    expect(umapi.listGroups().some((group) => group.groupName === 'Sales')).toBe(false);
    expect(umapi.getUser('ana@example.com')?.groups).toEqual([]);
  });

  it('leaves state unchanged in test mode', async () => {
    const { umapi, post } = await setUp();
    const { body } = await post(
      [
        {
          user: 'new@example.net',
          do: [{ createFederatedID: { country: 'US' } }, { add: { group: ['Sales'] } }],
        },
        { user: 'ana@example.com', do: [{ removeFromOrg: {} }] },
      ],
      '?testOnly=true',
    );

    expect(body).toEqual({
      result: 'success',
      completed: 0,
      notCompleted: 0,
      completedInTestMode: 2,
      errors: [],
    });
    expect(umapi.getUser('new@example.net')).toBeUndefined();
    expect(umapi.getUser('ana@example.com')).toBeDefined();
    expect(umapi.userCount).toBe(2);
  });

  it('reports partial results with index and step', async () => {
    const { umapi, post } = await setUp();
    const { body } = await post([
      { user: 'ana@example.com', do: [{ update: { firstname: 'A' } }] },
      { user: 'ghost@example.com', requestID: 'g', do: [{ update: { firstname: 'G' } }] },
      {
        user: 'bo@example.com',
        do: [{ add: { group: ['Engineering'] } }, { add: { group: ['Nope'] } }, { remove: 'all' }],
      },
      { user: 'bo@example.com', do: [{ fly: {} }] },
    ]);

    expect(body).toMatchObject({
      result: 'partial',
      completed: 1,
      notCompleted: 3,
      completedInTestMode: 0,
    });
    expect(body.errors.map(({ index, step, errorCode }) => ({ index, step, errorCode }))).toEqual([
      { index: 1, step: 0, errorCode: 'error.user.nonexistent' },
      { index: 2, step: 1, errorCode: 'error.group.not_found' },
      { index: 3, step: 0, errorCode: 'error.command.unknown' },
    ]);
    expect(body.errors[0]?.requestID).toBe('g');
    // Steps before the failed one stay applied and later ones are skipped.
    expect(umapi.getUser('bo@example.com')?.groups).toEqual(['Sales', 'Support', 'Engineering']);
  });

  it('applies concurrent requests without losing changes', async () => {
    const { umapi, post } = await setUp();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, request) =>
        post(
          Array.from({ length: 10 }, (_, index) => ({
            user: `c${request}-${index}@example.net`,
            do: [{ createFederatedID: { country: 'US' } }, { add: { group: ['Sales'] } }],
          })),
        ),
      ),
    );

    expect(answers.every(({ body }) => body.completed === 10)).toBe(true);
    expect(umapi.userCount).toBe(202);
    expect(umapi.listGroups().find((group) => group.groupName === 'Sales')?.memberCount).toBe(202);
  });

  it('rejects more than 10 actions per request with 400', async () => {
    const { umapi, post } = await setUp();
    const actions = Array.from({ length: 11 }, (_, index) => ({
      user: `u${index}@example.net`,
      do: [{ createFederatedID: { country: 'US' } }],
    }));
    const { status, body } = await post(actions);

    expect(status).toBe(400);
    expect(String(body.message)).toMatch(/11 actions/);
    expect(umapi.userCount).toBe(2);
  });

  it('accepts exactly 10 actions and 10 groups', async () => {
    const groups = Array.from({ length: 10 }, (_, index) => ({ groupName: `G${index}` }));
    const { post } = await setUp({ groups });
    const actions = Array.from({ length: 10 }, (_, index) => ({
      user: `u${index}@example.net`,
      do: [
        { createFederatedID: { country: 'US' } },
        { add: { group: groups.map((group) => group.groupName) } },
      ],
    }));
    expect((await post(actions)).body).toMatchObject({ result: 'success', completed: 10 });
  });

  it('rejects more than 10 groups in one step with 400', async () => {
    const { umapi, post } = await setUp();
    const names = Array.from({ length: 11 }, (_, index) => `G${index}`);
    const { status } = await post([
      { user: 'ana@example.com', do: [{ update: { firstname: 'Changed' } }] },
      { user: 'bo@example.com', do: [{ remove: { group: names } }] },
    ]);

    expect(status).toBe(400);
    expect(umapi.getUser('ana@example.com')?.firstname).toBe('Ana');
  });

  const malformed: Array<[string, string | unknown]> = [
    ['malformed JSON', '[{"user": '],
    ['a non-array body', { user: 'ana@example.com' }],
    ['an empty array', []],
    ['an action without user', [{ do: [{ update: {} }] }]],
    ['an action without do', [{ user: 'ana@example.com' }]],
    [
      'a step with two commands',
      [{ user: 'ana@example.com', do: [{ update: {}, removeFromOrg: {} }] }],
    ],
  ];

  for (const [name, body] of malformed) {
    it(`rejects ${name} with 400`, async () => {
      const { post } = await setUp();
      const answer = await post(body);
      expect(answer.status).toBe(400);
      expect(String(answer.body.result)).toMatch(/^error\./);
    });
  }
});
