import { describe, expect, it } from 'vitest';
import { ActionValidationError } from './errors.js';
import { createActionExecutor } from './executor.js';
import type { ActionJson, UserGroupActionJson } from './types.js';
import { UserAction } from './user-action.js';
import { UserGroupAction } from './user-group-action.js';

type Responder = (body: ActionJson[], index: number) => unknown;

const success: Responder = (body) => ({
  result: 'success',
  completed: body.length,
  notCompleted: 0,
});

/** Creates an executor whose send records each request body and returns what `respond` returns. */
function recording(respond: Responder = success) {
  const requests: ActionJson[][] = [];
  const executor = createActionExecutor({
    send: async (body) => {
      requests.push(structuredClone(body));
      return respond(body, requests.length - 1);
    },
  });
  return { executor, requests };
}

const emails = (count: number, prefix = 'user') =>
  Array.from({ length: count }, (_, index) => `${prefix}${index}@example.com`);

describe('dependent entries in execute()', () => {
  const requestShapes = (requests: ActionJson[][]) =>
    requests.map((body) =>
      body.map((entry) => ('user' in entry ? `user ${entry.user}` : `group ${entry.usergroup}`)),
    );

  it('sends a group add after the user create', async () => {
    const { executor, requests } = recording();

    await executor.execute(
      [
        new UserAction({ email: 'jdoe@example.com' }).createEnterpriseID({ email: 'jdoe@example.com' }),
        new UserGroupAction({ groupName: 'Contractors' }).addUsers(['JDoe@example.com']),
      ],
      { immediate: true },
    );

    expect(requestShapes(requests)).toEqual([
      ['user jdoe@example.com'],
      ['group Contractors'],
    ]);
  });

  it('sends a user add after the group rename', async () => {
    const { executor, requests } = recording();

    await executor.execute(
      [
        new UserGroupAction({ groupName: 'Sales' }).update({ name: 'Revenue' }),
        new UserAction({ email: 'asmith@example.com' }).addGroups(['revenue']),
      ],
      { immediate: true },
    );

    expect(requestShapes(requests)).toEqual([['group Sales'], ['user asmith@example.com']]);
  });

  it('batches independent group and user entries', async () => {
    const { executor, requests } = recording();

    await executor.execute(
      [
        new UserGroupAction({ groupName: 'A' }).addUsers(['jdoe@example.com']),
        new UserGroupAction({ groupName: 'B' }).addUsers(['jdoe@example.com']),
        new UserAction({ email: 'asmith@example.com' }).addGroups(['Designers']),
        new UserAction({ email: 'bsmith@example.com' }).addGroups(['Designers']),
      ],
      { immediate: true },
    );

    expect(requests).toHaveLength(1);
  });
});

describe('user group actions in execute()', () => {
  it('splits 25 users into 3 steps', async () => {
    const { executor, requests } = recording();
    const users = emails(25);

    const result = await executor.execute(
      [new UserGroupAction({ groupName: 'Contractors', requestID: 'g' }).addUsers(users)],
      { immediate: true },
    );

    expect(requests).toEqual([
      [
        {
          usergroup: 'Contractors',
          requestID: 'g',
          do: [
            { add: { user: users.slice(0, 10) } },
            { add: { user: users.slice(10, 20) } },
            { add: { user: users.slice(20) } },
          ],
        },
      ],
    ]);
    expect(result).toEqual({ queued: 0, sent: 1, completed: 1, errors: [] });
  });

  it('splits product profiles like groups', async () => {
    const { executor, requests } = recording();
    const profiles = Array.from({ length: 11 }, (_, index) => `Profile ${index}`);

    await executor.execute(
      [new UserGroupAction({ groupName: 'G' }).removeFromProducts(profiles).addToProducts('all')],
      { immediate: true },
    );

    expect((requests[0]![0] as UserGroupActionJson).do).toEqual([
      { remove: { productConfiguration: profiles.slice(0, 10) } },
      { remove: { productConfiguration: profiles.slice(10) } },
      { add: 'all' },
    ]);
  });

  it('sends later entries under the new name', async () => {
    const { executor, requests } = recording();
    const action = new UserGroupAction({ groupName: 'Old', requestID: 'g' })
      .create()
      .update({ name: 'New' })
      .addUsers(emails(85));

    await executor.execute([action], { immediate: true });

    // Wire steps: create, update, add x9 = 11, so entries of 10 and 1 in separate requests.
    expect(requests.map((body) => body.map((entry) => entry.do.length))).toEqual([[10], [1]]);
    expect((requests[0]![0] as UserGroupActionJson).usergroup).toBe('Old');
    expect(requests[1]).toEqual([
      { usergroup: 'New', requestID: 'g', do: [{ add: { user: emails(85).slice(80) } }] },
    ]);
  });

  it('keeps actions on one group in separate requests', async () => {
    const { executor, requests } = recording();

    await executor.execute(
      [
        new UserGroupAction({ groupName: 'Sales' }).update({ name: 'Revenue' }),
        new UserGroupAction({ groupName: 'Support' }).delete(),
        new UserGroupAction({ groupName: 'revenue' }).addUsers(['a@example.com']),
        new UserGroupAction({ groupName: 'SALES' }).create(),
      ],
      { immediate: true },
    );

    // The rename makes the first entry act on both Sales and Revenue.
    expect(
      requests.map((body) => body.map((entry) => (entry as UserGroupActionJson).usergroup)),
    ).toEqual([
      ['Sales', 'Support'],
      ['revenue', 'SALES'],
    ]);
  });

  it('maps a partial failure to the caller’s action', async () => {
    const groupAction = new UserGroupAction({ groupName: 'Contractors', requestID: 'g' })
      .addToProducts(['All Apps'])
      .addUsers(emails(25, 'member'));
    const batch = [
      ...Array.from({ length: 9 }, (_, index) =>
        new UserAction({ email: `u${index}@example.com` }).addGroups(['Sales']),
      ),
      groupAction,
      new UserAction({ email: 'last@example.com' }).removeFromOrg(),
    ];
    // Wire steps of the group entry: profiles, then users in 3 steps, so wire step 3 is caller step 1.
    const { executor, requests } = recording((body, index) =>
      index === 0
        ? {
            result: 'partial',
            completed: 9,
            notCompleted: 1,
            errors: [
              {
                index: 9,
                step: 3,
                requestID: 'g',
                errorCode: 'error.user.nonexistent',
                message: 'User member24@example.com does not exist',
              },
            ],
          }
        : success(body, index),
    );

    const result = await executor.execute(batch, { immediate: true });

    expect(requests.map((body) => body.length)).toEqual([10, 1]);
    expect(result.errors).toEqual([
      {
        actionIndex: 9,
        step: 1,
        requestID: 'g',
        usergroup: 'Contractors',
        errorCode: 'error.user.nonexistent',
        message: 'User member24@example.com does not exist',
        action: groupAction,
      },
    ]);
    expect(result).toMatchObject({ sent: 11, completed: 10 });
  });

  it('accepts plain JSON and makes creates replay-safe', async () => {
    const { executor, requests } = recording();
    const json: UserGroupActionJson = {
      usergroup: 'Contractors',
      do: [{ createUserGroup: { description: 'External' } }],
    };

    await executor.execute([json], { immediate: true });

    expect(requests[0]).toEqual([
      {
        usergroup: 'Contractors',
        do: [{ createUserGroup: { description: 'External', option: 'ignoreIfAlreadyExists' } }],
      },
    ]);
    expect(json.do[0]).toEqual({ createUserGroup: { description: 'External' } });
  });

  it('rejects an invalid mix and sends nothing', async () => {
    const { executor, requests } = recording();
    const actions = [
      new UserAction({ email: 'a@example.com' }).addGroups(['Sales']),
      { usergroup: 'G', do: [{ add: { user: [] } }] } as UserGroupActionJson,
      new UserGroupAction({ groupName: 'Empty' }),
    ];

    const error = await executor.execute(actions, { immediate: true }).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(ActionValidationError);
    expect((error as ActionValidationError).message).toMatch(/^Invalid action:/);
    expect((error as ActionValidationError).problems.map((problem) => problem.field)).toEqual([
      'actions[1].do[0].add.user',
      'actions[2].do',
    ]);
    expect(requests).toEqual([]);
    expect(executor.counters().queued).toBe(0);
  });
});
