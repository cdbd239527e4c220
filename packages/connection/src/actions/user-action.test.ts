import { describe, expect, it } from 'vitest';
import { ActionValidationError } from './errors.js';
import type { UserActionJson } from './types.js';
import { UserAction } from './user-action.js';

const person = { email: 'jdoe@example.com', country: 'US', firstname: 'Jane', lastname: 'Doe' };

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

describe('UserAction', () => {
  it('builds the wire form in step order', () => {
    const action = new UserAction({ email: 'jdoe@example.com', requestID: 'r1' })
      .createFederatedID(person)
      .update({ lastname: 'Smith' })
      .addGroups(['Designers'])
      .removeGroups(['Old team'])
      .removeFromOrg();

    expect(action.toJSON()).toEqual({
      user: 'jdoe@example.com',
      requestID: 'r1',
      do: [
        { createFederatedID: { ...person, option: 'ignoreIfAlreadyExists' } },
        { update: { lastname: 'Smith' } },
        { add: { group: ['Designers'] } },
        { remove: { group: ['Old team'] } },
        { removeFromOrg: { deleteAccount: false } },
      ],
    });
  });

  it('keeps a create option the caller chose', () => {
    const action = new UserAction({ user: 'jdoe@example.com' }).createEnterpriseID({
      email: 'jdoe@example.com',
      option: 'updateIfAlreadyExists',
    });

    expect(action.toJSON().do).toEqual([
      { createEnterpriseID: { email: 'jdoe@example.com', option: 'updateIfAlreadyExists' } },
    ]);
  });

  it('sends a username with its domain', () => {
    const json = new UserAction({ user: 'jdoe', domain: 'example.com', requestID: 'r2' })
      .addAdobeID({ email: 'jdoe@example.com' })
      .toJSON();

    expect(json.user).toBe('jdoe');
    expect(json.domain).toBe('example.com');
  });

  it('generates a request ID once', () => {
    const action = new UserAction({ email: 'jdoe@example.com' }).addGroups(['A']);

    expect(action.requestID).toMatch(/^[0-9a-f-]{36}$/);
    expect(action.toJSON().requestID).toBe(action.toJSON().requestID);
  });

  it('removes from every group', () => {
    const json = new UserAction({ email: 'jdoe@example.com' }).removeGroups('all').toJSON();

    expect(json.do).toEqual([{ remove: 'all' }]);
  });

  it('deletes the account on request', () => {
    const json = new UserAction({ email: 'jdoe@example.com' })
      .removeFromOrg({ deleteAccount: true })
      .toJSON();

    expect(json.do).toEqual([{ removeFromOrg: { deleteAccount: true } }]);
  });

  it('returns copies the caller cannot change', () => {
    const groups = ['A'];
    const action = new UserAction({ email: 'jdoe@example.com' }).addGroups(groups);
    groups.push('B');
    const json = action.toJSON();
    (json.do[0] as { add: { group: string[] } }).add.group.push('C');

    expect(action.toJSON().do).toEqual([{ add: { group: ['A'] } }]);
  });

  it('round-trips through fromJSON', () => {
    const json: UserActionJson = {
      user: 'jdoe@example.com',
      requestID: 'r3',
      do: [{ add: { group: ['A', 'B'] } }],
    };

    expect(UserAction.fromJSON(json).toJSON()).toEqual(json);
  });

  it('shows no steps in the step count until added', () => {
    const action = new UserAction({ email: 'jdoe@example.com' });
    expect(action.stepCount).toBe(0);
    action.addGroups(['A']);
    expect(action.stepCount).toBe(1);
  });
});

describe('UserAction validation', () => {
  it.each([
    [{}, /^user: is missing/],
    [{ user: '' }, /^user: must be a non-empty user ID/],
    [{ user: '   ' }, /^user: must be a non-empty user ID/],
    [{ user: ' jdoe@example.com' }, /^user: must not start or end with whitespace/],
    [{ user: 'jdoe' }, /^user: 'jdoe' is a username.*pass domain/],
    [{ user: 'jdoe', domain: 'example' }, /^domain: must be a domain name/],
    [{ user: 'a@example.com', email: 'b@example.com' }, /^email: must not differ from user/],
    [{ user: 'jdoe@example.com', requestID: '' }, /^requestID: must be a non-blank string/],
    [{ user: 'jdoe@example.com', requestID: '  ' }, /^requestID: must be a non-blank string/],
    [{ email: 'jdoe@example.com', requestId: 'r1' }, /^requestId: is not an option; did you mean requestID\?/],
    [{ email: 'jdoe@example.com', useAdobeId: true }, /^useAdobeId: is not an option; did you mean useAdobeID\?/],
    [{ user: 42 }, /^user: must be a non-empty user ID.*got 42/],
  ])('rejects options %j', (options, message) => {
    const problems = problemsOf(() => new UserAction(options as never));
    expect(problems[0]).toMatch(message);
  });

  it.each([
    [
      'email missing',
      (a: UserAction) => a.createFederatedID({ ...person, email: undefined as never }),
      /^createFederatedID\.email: must be an email address/,
    ],
    [
      'bad email',
      (a: UserAction) => a.createFederatedID({ ...person, email: 'jdoe' }),
      /^createFederatedID\.email: .*got 'jdoe'/,
    ],
    [
      'country missing',
      (a: UserAction) => a.createFederatedID({ ...person, country: undefined }),
      /^createFederatedID\.country: must be a two-letter/,
    ],
    [
      'lower-case country',
      (a: UserAction) => a.createFederatedID({ ...person, country: 'us' }),
      /use 'US'/,
    ],
    [
      'long name',
      (a: UserAction) =>
        a.createEnterpriseID({ email: 'a@example.com', firstname: 'x'.repeat(251) }),
      /^createEnterpriseID\.firstname: must be at most 250/,
    ],
    [
      'bad option',
      (a: UserAction) => a.addAdobeID({ email: 'a@example.com', option: 'overwrite' as never }),
      /^addAdobeID\.option: must be one of/,
    ],
    [
      'misspelled field',
      (a: UserAction) => a.createEnterpriseID({ email: 'a@example.com', firstName: 'J' } as never),
      /^createEnterpriseID\.firstName: .*did you mean firstname/,
    ],
    ['empty update', (a: UserAction) => a.update({}), /^update: must set at least one of/],
    [
      'country update',
      (a: UserAction) => a.update({ country: 'DE' } as never),
      /^update\.country: cannot be updated/,
    ],
    ['no groups', (a: UserAction) => a.addGroups([]), /^add\.group: must name at least one group/],
    [
      'empty group name',
      (a: UserAction) => a.addGroups(['A', '']),
      /^add\.group\[1\]: must be a non-empty group name/,
    ],
    [
      'groups not an array',
      (a: UserAction) => a.removeGroups('A' as never),
      /^remove: must be \{ group/,
    ],
    [
      'deleteAccount not boolean',
      (a: UserAction) => a.removeFromOrg({ deleteAccount: 'yes' as never }),
      /^removeFromOrg\.deleteAccount: must be true or false/,
    ],
  ])('rejects %s', (_name, build, message) => {
    const action = new UserAction({ email: 'jdoe@example.com' });
    const problems = problemsOf(() => build(action));
    expect(problems[0]).toMatch(message);
    expect(action.stepCount).toBe(0);
  });

  it('rejects a second create step', () => {
    const action = new UserAction({ email: 'jdoe@example.com' }).createFederatedID(person);

    expect(problemsOf(() => action.addAdobeID({ email: 'jdoe@example.com' }))[0]).toMatch(
      /^addAdobeID: cannot be added: this action already has a create step/,
    );
    expect(action.stepCount).toBe(1);
  });

  it('rejects a second removeFromOrg step', () => {
    const action = new UserAction({ email: 'jdoe@example.com' }).removeFromOrg();

    expect(problemsOf(() => action.removeFromOrg())[0]).toMatch(
      /^removeFromOrg: cannot be added twice/,
    );
  });

  it('lists every problem of a create at once', () => {
    const action = new UserAction({ email: 'jdoe@example.com' });
    const problems = problemsOf(() =>
      action.createFederatedID({ email: 'x', country: 'usa', firstname: 'J', lastname: 'D' }),
    );

    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^createFederatedID\.email/);
    expect(problems[1]).toMatch(/^createFederatedID\.country/);
  });

  it('has a stable code and readable message', () => {
    try {
      new UserAction({ user: '' });
    } catch (error) {
      expect((error as ActionValidationError).code).toBe('ERR_UMAPI_INVALID_ACTION');
      expect((error as Error).message).toMatch(/^Invalid user action:\n {2}- user: /);
      return;
    }
    throw new Error('expected an error');
  });

  it('checks plain JSON in fromJSON', () => {
    const problems = problemsOf(() =>
      UserAction.fromJSON({
        user: 'jdoe@example.com',
        requestId: 'x',
        do: [{ add: { group: ['A'] } }, { delete: {} }],
      } as never),
    );

    expect(problems).toEqual([
      'requestId: is not a field UMAPI accepts here; did you mean requestID?',
      "do[1]: must be an object with exactly one of createFederatedID, createEnterpriseID, addAdobeID, update, add, remove, removeFromOrg, got an object with 'delete'",
    ]);
  });
});
