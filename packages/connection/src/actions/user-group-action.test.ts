import { describe, expect, it } from 'vitest';
import { ActionValidationError } from './errors.js';
import type { UserGroupActionJson } from './types.js';
import { UserGroupAction } from './user-group-action.js';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ActionValidationError);
    return (error as ActionValidationError).problems.map(
      (problem) => `${problem.field}: ${problem.message}`,
    );
  }
  throw new Error('expected an ActionValidationError');
}

function group(): UserGroupAction {
  return new UserGroupAction({ groupName: 'Contractors', requestID: 'r1' });
}

describe('UserGroupAction', () => {
  it.each<[string, (action: UserGroupAction) => UserGroupAction, unknown]>([
    [
      'create with defaults',
      (action) => action.create(),
      { createUserGroup: { option: 'ignoreIfAlreadyExists' } },
    ],
    [
      'create with a description',
      (action) => action.create({ option: 'updateIfAlreadyExists', description: 'External' }),
      { createUserGroup: { option: 'updateIfAlreadyExists', description: 'External' } },
    ],
    [
      'update',
      (action) => action.update({ name: 'Vendors', description: 'Renamed' }),
      { updateUserGroup: { name: 'Vendors', description: 'Renamed' } },
    ],
    ['delete', (action) => action.delete(), { deleteUserGroup: {} }],
    [
      'addUsers',
      (action) => action.addUsers(['a@example.com', 'b@example.com']),
      { add: { user: ['a@example.com', 'b@example.com'] } },
    ],
    [
      'removeUsers',
      (action) => action.removeUsers(['a@example.com']),
      { remove: { user: ['a@example.com'] } },
    ],
    [
      'addToProducts',
      (action) => action.addToProducts(['All Apps']),
      { add: { productConfiguration: ['All Apps'] } },
    ],
    ['addToProducts all', (action) => action.addToProducts('all'), { add: 'all' }],
    [
      'removeFromProducts',
      (action) => action.removeFromProducts(['All Apps']),
      { remove: { productConfiguration: ['All Apps'] } },
    ],
    ['removeFromProducts all', (action) => action.removeFromProducts('all'), { remove: 'all' }],
  ])('builds the step of %s', (_name, build, step) => {
    expect(build(group()).toJSON()).toEqual({
      usergroup: 'Contractors',
      requestID: 'r1',
      do: [step],
    });
  });

  it('puts create before earlier steps', () => {
    const action = group().addUsers(['a@example.com']).create({ description: 'External' });

    expect(action.toJSON().do).toEqual([
      { createUserGroup: { option: 'ignoreIfAlreadyExists', description: 'External' } },
      { add: { user: ['a@example.com'] } },
    ]);
    expect(action.stepCount).toBe(2);
  });

  it('generates a request ID once', () => {
    const action = new UserGroupAction({ groupName: 'Contractors' }).delete();

    expect(action.requestID).toMatch(/^[0-9a-f-]{36}$/);
    expect(action.toJSON().requestID).toBe(action.requestID);
  });

  it('returns copies the caller cannot change', () => {
    const emails = ['a@example.com'];
    const action = group().addUsers(emails);
    emails.push('b@example.com');
    const json = action.toJSON();
    (json.do[0] as { add: { user: string[] } }).add.user.push('c@example.com');

    expect(action.toJSON().do).toEqual([{ add: { user: ['a@example.com'] } }]);
  });

  it('round-trips through fromJSON', () => {
    const json: UserGroupActionJson = {
      usergroup: 'Contractors',
      requestID: 'r1',
      do: [{ add: { user: ['a@example.com'] } }, { createUserGroup: {} }],
    };

    expect(UserGroupAction.fromJSON(json).toJSON()).toEqual(json);
  });

  it('allows system groups without create', () => {
    const action = new UserGroupAction({ groupName: '_org_admin' }).addUsers(['a@example.com']);

    expect(action.toJSON().usergroup).toBe('_org_admin');
  });
});

describe('UserGroupAction validation', () => {
  it.each<[string, () => unknown, string[]]>([
    [
      'a missing group name',
      () => new UserGroupAction({} as never),
      ['groupName: must be a non-empty user group name, got undefined'],
    ],
    [
      'an empty request ID',
      () => new UserGroupAction({ groupName: 'G', requestID: '' }),
      ["requestID: must be a non-blank string, got ''"],
    ],
    [
      'create of a system group name',
      () => new UserGroupAction({ groupName: '_admins' }).create(),
      [
        "groupName: must not start with '_', which marks system groups, got '_admins'; choose a name that starts with another character",
      ],
    ],
    [
      'create of a 256-character name',
      () => new UserGroupAction({ groupName: 'g'.repeat(256) }).create(),
      ['groupName: must be at most 255 characters, got 256'],
    ],
    [
      'an unknown create option',
      () => group().create({ option: 'replace' as never }),
      [
        "createUserGroup.option: must be one of ignoreIfAlreadyExists, updateIfAlreadyExists, got 'replace'",
      ],
    ],
    [
      'a second create',
      () => group().create().create(),
      [
        'createUserGroup: cannot be added: this action already has a create step, and UMAPI accepts one per action',
      ],
    ],
    [
      'an empty update',
      () => group().update({}),
      ['updateUserGroup: must set at least one of name, description'],
    ],
    [
      'a rename to a system group name',
      () => group().update({ name: '_x' }),
      [
        "updateUserGroup.name: must not start with '_', which marks system groups, got '_x'; choose a name that starts with another character",
      ],
    ],
    [
      'a misspelt update field',
      () => group().update({ groupName: 'X' } as never),
      [
        'updateUserGroup.groupName: is not a field UMAPI accepts here; did you mean name?',
        'updateUserGroup: must set at least one of name, description',
      ],
    ],
    [
      'a second delete',
      () => group().delete().delete(),
      ['deleteUserGroup: cannot be added twice to one action'],
    ],
    [
      'a blank request ID',
      () => new UserGroupAction({ groupName: 'G', requestID: '   ' }),
      ["requestID: must be a non-blank string, got '   '"],
    ],
    [
      'a misspelt requestId option',
      () => new UserGroupAction({ groupName: 'G', requestId: 'r1' } as never),
      ['requestId: is not an option; did you mean requestID?'],
    ],
    [
      'a group option',
      () => new UserGroupAction({ groupName: 'G', group: 'H' } as never),
      ['group: is not an option; use groupName instead'],
    ],
    [
      'a group name with a line break',
      () => new UserGroupAction({ groupName: 'Sales\nEU' }),
      [
        'groupName: must not contain control characters such as line breaks or tabs (found U+000A at character 6)',
      ],
    ],
    [
      'a group name with surrounding spaces',
      () => new UserGroupAction({ groupName: ' Sales ' }),
      ["groupName: must not start or end with whitespace, got ' Sales '; remove it"],
    ],
    [
      'a rename with a tab',
      () => group().update({ name: 'Re\tvenue' }),
      [
        'updateUserGroup.name: must not contain control characters such as line breaks or tabs (found U+0009 at character 3)',
      ],
    ],
    [
      'create after delete',
      () => group().delete().create(),
      [
        'createUserGroup: cannot come after deleteUserGroup in the same action; to replace a group, send the delete and the create in two execute() calls',
      ],
    ],
    [
      'create of 128 emoji (256 UTF-16 units) plus 128 letters',
      () => new UserGroupAction({ groupName: `${'\u{1F600}'.repeat(128)}${'g'.repeat(128)}` }).create(),
      ['groupName: must be at most 255 characters, got 256'],
    ],
    ['no users', () => group().addUsers([]), ['add.user: must name at least one user']],
    [
      'a user that is not an email address',
      () => group().removeUsers(['a@example.com', 'jdoe']),
      ["remove.user[1]: must be an email address such as jdoe@example.com, got 'jdoe'"],
    ],
    [
      'an empty product profile name',
      () => group().addToProducts(['']),
      ["add.productConfiguration[0]: must be a non-empty product profile name, got ''"],
    ],
    [
      'products given as a string',
      () => group().removeFromProducts('All Apps' as never),
      ["remove.productConfiguration: must be an array, got 'All Apps'"],
    ],
  ])('rejects %s', (_name, run, expected) => {
    expect(problemsOf(run)).toEqual(expected);
  });

  it('counts a name in code points', () => {
    const name = '\u{1F600}'.repeat(255);

    expect(new UserGroupAction({ groupName: name }).create().toJSON().usergroup).toBe(name);
  });

  it.each<[string, UserGroupActionJson['do'], string[]]>([
    [
      'two deletes',
      [{ deleteUserGroup: {} }, { deleteUserGroup: {} }],
      ['do: must contain at most one deleteUserGroup step, got 2'],
    ],
    [
      'a create after a delete',
      [{ deleteUserGroup: {} }, { createUserGroup: {} }],
      [
        'do[1]: cannot come after deleteUserGroup in the same action; to replace a group, send the delete and the create in two execute() calls',
      ],
    ],
  ])('rejects %s in fromJSON', (_name, steps, expected) => {
    expect(problemsOf(() => UserGroupAction.fromJSON({ usergroup: 'G', do: steps }))).toEqual(
      expected,
    );
  });

  it('rejects a blank requestID in fromJSON', () => {
    const json = { usergroup: 'G', requestID: ' ', do: [{ deleteUserGroup: {} }] };

    expect(problemsOf(() => UserGroupAction.fromJSON(json))).toEqual([
      "requestID: must be a non-blank string, got ' '",
    ]);
  });

  it('names the action kind in the message', () => {
    expect(() => group().addUsers([])).toThrow(/^Invalid user group action:\n {2}- add\.user: /);
  });

  it('leaves the action unchanged after a rejected step', () => {
    const action = group().addUsers(['a@example.com']);

    expect(() => action.addUsers(['bad'])).toThrow(ActionValidationError);
    expect(action.stepCount).toBe(1);
  });

  it('checks plain JSON in fromJSON', () => {
    const json = {
      usergroup: '_admins',
      do: [
        { createUserGroup: {} },
        { add: { user: ['a@example.com'], productConfiguration: ['P'] } },
        { rename: { name: 'X' } },
      ],
    } as unknown as UserGroupActionJson;

    expect(problemsOf(() => UserGroupAction.fromJSON(json))).toEqual([
      "do[1].add: must be { user: ['jdoe@example.com', ...] }, { productConfiguration: ['Profile name', ...] } or 'all', got an object with 'user', 'productConfiguration'; put users and product profiles in separate steps",
      "do[2]: must be an object with exactly one of createUserGroup, updateUserGroup, deleteUserGroup, add, remove, got an object with 'rename'",
      "usergroup: must not start with '_', which marks system groups, got '_admins'; choose a name that starts with another character",
    ]);
  });
});
