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

  /** Lists the emails of a group's members with the group-member listing. */
  const members = async (groupName: string, query = ''): Promise<string[]> => {
    const response = await fetch(
      `${umapi.url}/users/${umapi.orgId}/0/${encodeURIComponent(groupName)}${query}`,
      { headers: { authorization: `Bearer ${token}`, 'x-api-key': clientId } },
    );
    const body = (await response.json()) as { users?: Array<{ email: string }> };
    return (body.users ?? []).map((user) => user.email);
  };
  return { umapi, post, members };
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

/** Summarizes each error of an action response as its index, step and error code. */
function errorSummary(
  body: ActionResult,
): Array<{ index: number; step: number; errorCode: string }> {
  return body.errors.map(({ index, step, errorCode }) => ({ index, step, errorCode }));
}

const PROFILE = 'Default All Apps configuration';

describe('fake UMAPI user group actions', () => {
  it('creates a group with a description', async () => {
    const { umapi, post } = await setUp();
    const answer = await post([
      {
        usergroup: 'Contractors',
        do: [{ createUserGroup: { option: 'ignoreIfAlreadyExists', description: 'External' } }],
      },
    ]);

    expect(answer).toEqual({ status: 200, body: SUCCESS });
    expect(umapi.getGroup('contractors')).toMatchObject({
      groupName: 'Contractors',
      type: 'USER_GROUP',
      description: 'External',
      productProfiles: [],
    });
  });

  it('applies the create option to an existing group', async () => {
    const { umapi, post } = await setUp();
    const { body } = await post([
      { usergroup: 'Sales', do: [{ createUserGroup: { description: 'Plain' } }] },
      {
        usergroup: 'Support',
        do: [{ createUserGroup: { option: 'ignoreIfAlreadyExists', description: 'Ignored' } }],
      },
      {
        usergroup: 'Engineering',
        do: [{ createUserGroup: { option: 'updateIfAlreadyExists', description: 'Builders' } }],
      },
    ]);

    expect(errorSummary(body)).toEqual([
      { index: 0, step: 0, errorCode: 'error.group.already_exists' },
    ]);
    expect(umapi.getGroup('Sales')?.description).toBeUndefined();
    expect(umapi.getGroup('Support')?.description).toBeUndefined();
    expect(umapi.getGroup('Engineering')?.description).toBe('Builders');
  });

  it('renames a group and keeps its members', async () => {
    const { umapi, post, members } = await setUp();
    const { body } = await post([
      {
        usergroup: 'Sales',
        do: [{ updateUserGroup: { name: 'Revenue', description: 'Renamed' } }],
      },
    ]);

    expect(body).toEqual(SUCCESS);
    expect(umapi.getUser('ana@example.com')?.groups).toEqual(['Revenue']);
    expect(umapi.getUser('bo@example.com')?.groups).toEqual(['Revenue', 'Support']);
    expect(umapi.getGroup('Sales')).toBeUndefined();
    expect(umapi.getGroup('Revenue')).toMatchObject({ memberCount: 2, description: 'Renamed' });
    expect(await members('Revenue')).toEqual(['ana@example.com', 'bo@example.com']);
  });

  it('renames a group of generated users', async () => {
    const { umapi, post } = await setUp({ users: 100 });
    const before = umapi.getGroup('Engineering')?.memberCount;

    await post([{ usergroup: 'Engineering', do: [{ updateUserGroup: { name: 'Builders' } }] }]);

    expect(umapi.getUser('user000000@example.com')?.groups).toEqual(['Builders']);
    expect(umapi.getGroup('Builders')?.memberCount).toBe(before);
    expect(before).toBeGreaterThan(0);
  });

  it('runs steps after a rename on the new name', async () => {
    const { umapi, post } = await setUp();
    const { body } = await post([
      {
        usergroup: 'Support',
        do: [{ updateUserGroup: { name: 'Help desk' } }, { add: { user: ['ana@example.com'] } }],
      },
    ]);

    expect(body).toEqual(SUCCESS);
    expect(umapi.getUser('ana@example.com')?.groups).toEqual(['Sales', 'Help desk']);
  });

  it('rejects a rename to a taken name', async () => {
    const { umapi, post } = await setUp();
    const { body } = await post([
      { usergroup: 'Sales', do: [{ updateUserGroup: { name: 'support' } }] },
    ]);

    expect(errorSummary(body)).toEqual([
      { index: 0, step: 0, errorCode: 'error.group.already_exists' },
    ]);
    expect(umapi.getUser('ana@example.com')?.groups).toEqual(['Sales']);
  });

  it('adds and removes users', async () => {
    const { umapi, post, members } = await setUp();
    const { body } = await post([
      { usergroup: 'Support', do: [{ add: { user: ['ana@example.com', 'ANA@example.com'] } }] },
      { usergroup: 'Sales', do: [{ remove: { user: ['bo@example.com'] } }] },
    ]);

    expect(body).toMatchObject({ result: 'success', completed: 2 });
    expect(umapi.getUser('ana@example.com')?.groups).toEqual(['Sales', 'Support']);
    expect(umapi.getUser('bo@example.com')?.groups).toEqual(['Support']);
    expect(await members('Sales')).toEqual(['ana@example.com']);
  });

  it('reports unknown users and groups', async () => {
    const { umapi, post } = await setUp();
    const { body } = await post([
      {
        usergroup: 'Support',
        requestID: 'ghost',
        do: [{ add: { user: ['ana@example.com', 'ghost@example.com'] } }],
      },
      { usergroup: 'Nope', do: [{ add: { user: ['ana@example.com'] } }] },
      { usergroup: 'Nope', do: [{ deleteUserGroup: {} }] },
      { usergroup: 'Nope', do: [{ updateUserGroup: { description: 'x' } }] },
    ]);

    expect(body).toMatchObject({ result: 'error', completed: 0, notCompleted: 4 });
    expect(errorSummary(body)).toEqual([
      { index: 0, step: 0, errorCode: 'error.user.nonexistent' },
      { index: 1, step: 0, errorCode: 'error.group.not_found' },
      { index: 2, step: 0, errorCode: 'error.group.not_found' },
      { index: 3, step: 0, errorCode: 'error.group.not_found' },
    ]);
    expect(body.errors[0]?.requestID).toBe('ghost');
    // The failed step changed no user, not even the one it found.
    expect(umapi.getUser('ana@example.com')?.groups).toEqual(['Sales']);
  });

  it('assigns and removes product profiles', async () => {
    const { umapi, post } = await setUp({
      groups: [
        { groupName: 'Sales' },
        { groupName: PROFILE, type: 'PRODUCT_PROFILE', productName: 'All Apps' },
        { groupName: 'Acrobat Pro', type: 'PRODUCT_PROFILE', productName: 'Acrobat' },
      ],
    });

    await post([{ usergroup: 'Sales', do: [{ add: { productConfiguration: [PROFILE] } }] }]);
    expect(umapi.getGroup('Sales')?.productProfiles).toEqual([PROFILE]);

    await post([{ usergroup: 'Sales', do: [{ add: 'all' }] }]);
    expect(umapi.getGroup('Sales')?.productProfiles).toEqual([PROFILE, 'Acrobat Pro']);

    await post([{ usergroup: 'Sales', do: [{ remove: { productConfiguration: [PROFILE] } }] }]);
    expect(umapi.getGroup('Sales')?.productProfiles).toEqual(['Acrobat Pro']);

    await post([{ usergroup: 'Sales', do: [{ remove: 'all' }] }]);
    expect(umapi.getGroup('Sales')?.productProfiles).toEqual([]);
  });

  it('reports an unknown product profile', async () => {
    const { umapi, post } = await setUp();
    const { body } = await post([
      {
        usergroup: 'Sales',
        do: [
          { add: { productConfiguration: [PROFILE] } },
          { add: { productConfiguration: ['No such profile'] } },
        ],
      },
      // A user group is not a product profile.
      { usergroup: 'Support', do: [{ add: { productConfiguration: ['Sales'] } }] },
    ]);

    expect(errorSummary(body)).toEqual([
      { index: 0, step: 1, errorCode: 'error.group.not_found' },
      { index: 1, step: 0, errorCode: 'error.group.not_found' },
    ]);
    expect(umapi.getGroup('Sales')?.productProfiles).toEqual([PROFILE]);
    expect(umapi.getGroup('Support')?.productProfiles).toEqual([]);
  });

  for (const list of ['user', 'productConfiguration'] as const) {
    it(`rejects 11 entries in ${list} with 400`, async () => {
      const { umapi, post } = await setUp();
      const names = Array.from({ length: 11 }, (_, index) => `u${index}@example.com`);
      const { status, body } = await post([
        { usergroup: 'Support', do: [{ updateUserGroup: { description: 'Changed' } }] },
        { usergroup: 'Sales', do: [{ add: { [list]: names } }] },
      ]);

      expect(status).toBe(400);
      expect(String(body.message)).toContain(`11 entries in "${list}"`);
      expect(umapi.getGroup('Support')?.description).toBeUndefined();
    });
  }

  it('accepts 10 users in one step', async () => {
    const users = Array.from({ length: 10 }, (_, index) => ({ email: `u${index}@example.com` }));
    const { umapi, post } = await setUp({ users });
    const { body } = await post([
      { usergroup: 'Sales', do: [{ add: { user: users.map((user) => user.email) } }] },
    ]);

    expect(body).toEqual(SUCCESS);
    expect(umapi.getGroup('Sales')?.memberCount).toBe(10);
  });

  it('leaves groups unchanged in test mode', async () => {
    const { umapi, post } = await setUp({ users: 20 });
    const { body } = await post(
      [
        {
          usergroup: 'Engineering',
          do: [
            { updateUserGroup: { name: 'Builders', description: 'x' } },
            { add: { user: ['user000001@example.org'] } },
            { add: { productConfiguration: [PROFILE] } },
          ],
        },
        { usergroup: 'New', do: [{ createUserGroup: { description: 'y' } }] },
        { usergroup: 'Sales', do: [{ deleteUserGroup: {} }] },
      ],
      '?testOnly=true',
    );

    expect(body).toMatchObject({ result: 'success', completed: 0, completedInTestMode: 3 });
    expect(umapi.getGroup('Builders')).toBeUndefined();
    expect(umapi.getGroup('Engineering')).toMatchObject({ productProfiles: [] });
    expect(umapi.getGroup('Engineering')?.description).toBeUndefined();
    expect(umapi.getGroup('New')).toBeUndefined();
    expect(umapi.getGroup('Sales')).toBeDefined();
    expect(umapi.getUser('user000000@example.com')?.groups).toEqual(['Engineering']);
    expect(umapi.getUser('user000001@example.org')?.groups).toEqual(['Marketing']);
  });
});

describe('fake UMAPI user group rules', () => {
  const groups = [
    { groupName: 'Sales' },
    { groupName: 'Support' },
    { groupName: PROFILE, type: 'PRODUCT_PROFILE' as const, productName: 'All Apps' },
    { groupName: 'Admins', type: 'SYSTEM' as const },
  ];

  for (const [name, step] of [
    ['addUsers', { add: { user: ['ana@example.com'] } }],
    ['removeUsers', { remove: { user: ['ana@example.com'] } }],
    ['addToProducts', { add: { productConfiguration: [PROFILE] } }],
    ['updateUserGroup', { updateUserGroup: { description: 'Changed' } }],
    ['deleteUserGroup', { deleteUserGroup: {} }],
  ] as const) {
    it(`rejects ${name} on a product profile`, async () => {
      const { umapi, post } = await setUp({ groups });
      const { body } = await post([{ usergroup: PROFILE, do: [step] }]);

      expect(errorSummary(body)).toEqual([{ index: 0, step: 0, errorCode: 'error.group.not_found' }]);
      expect(body.errors[0]?.message).toContain('is a product profile, not a user group');
      expect(umapi.getGroup(PROFILE)).toMatchObject({ type: 'PRODUCT_PROFILE', productProfiles: [] });
      expect(umapi.getUser('ana@example.com')?.groups).toEqual(['Sales']);
    });
  }

  it('rejects a usergroup step on a system group', async () => {
    const { umapi, post } = await setUp({ groups });
    const { body } = await post([{ usergroup: 'Admins', do: [{ deleteUserGroup: {} }] }]);

    expect(errorSummary(body)).toEqual([{ index: 0, step: 0, errorCode: 'error.group.not_found' }]);
    expect(umapi.getGroup('Admins')).toBeDefined();
  });

  it('rejects assigning a group to itself', async () => {
    const { umapi, post } = await setUp({ groups });
    const { body } = await post([
      { usergroup: 'Sales', do: [{ add: { productConfiguration: ['Sales'] } }] },
    ]);

    expect(errorSummary(body)).toEqual([{ index: 0, step: 0, errorCode: 'error.group.not_found' }]);
    expect(umapi.getGroup('Sales')?.productProfiles).toEqual([]);
  });

  it('removes a deleted group from its members', async () => {
    const { umapi, post } = await setUp({ groups });
    await post([{ usergroup: 'sales', do: [{ deleteUserGroup: {} }] }]);

    expect(umapi.getGroup('Sales')).toBeUndefined();
    expect(umapi.getUser('ana@example.com')?.groups).toEqual([]);
    expect(umapi.getUser('bo@example.com')?.groups).toEqual(['Support']);
  });

  it('lists profile members through user groups', async () => {
    const { post, members } = await setUp({ groups });
    await post([{ usergroup: 'Support', do: [{ add: { productConfiguration: [PROFILE] } }] }]);
    await post([{ user: 'ana@example.com', do: [{ add: { product: [PROFILE] } }] }]);

    expect(await members(PROFILE)).toEqual(['ana@example.com']);
    expect(await members(PROFILE, '?directOnly=true')).toEqual(['ana@example.com']);
    expect(await members(PROFILE, '?directOnly=false')).toEqual([
      'ana@example.com',
      'bo@example.com',
    ]);
    // A user group has no indirect members.
    expect(await members('Support', '?directOnly=false')).toEqual(['bo@example.com']);
  });
});
