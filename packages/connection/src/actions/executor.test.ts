import { UmapiError } from '@umapi/auth-core';
import { describe, expect, it } from 'vitest';
import { ActionValidationError } from './errors.js';
import { type ActionSendOptions, createActionExecutor } from './executor.js';
import type { UserActionJson } from './types.js';
import { UserAction } from './user-action.js';

interface Recorded {
  body: UserActionJson[];
  options: ActionSendOptions;
}

type Responder = (body: UserActionJson[], index: number) => unknown;

const success = (body: readonly unknown[]) => ({
  result: 'success',
  completed: body.length,
  notCompleted: 0,
});

/** Creates an executor whose send records each request and returns what `respond` returns. */
function recording(respond: Responder = success) {
  const requests: Recorded[] = [];
  const executor = createActionExecutor({
    // These tests send user actions only; group actions have their own recorder.
    send: async (body, options) => {
      const userEntries = body as UserActionJson[];
      requests.push({ body: structuredClone(userEntries), options });
      return respond(userEntries, requests.length - 1);
    },
  });
  return { executor, requests };
}

function userAction(index: number): UserAction {
  return new UserAction({ email: `user${index}@example.com`, requestID: `r${index}` }).addGroups([
    'Designers',
  ]);
}

function actions(count: number): UserAction[] {
  return Array.from({ length: count }, (_, index) => userAction(index));
}

describe('batching', () => {
  it('sends 25 actions in 3 requests', async () => {
    const { executor, requests } = recording();

    const result = await executor.execute(actions(25), { immediate: true });

    expect(requests.map((request) => request.body.length)).toEqual([10, 10, 5]);
    expect(requests[2]!.body[4]!.user).toBe('user24@example.com');
    expect(result).toEqual({ queued: 0, sent: 25, completed: 25, errors: [] });
  });

  it('queues until 10 actions wait', async () => {
    const { executor, requests } = recording();

    const first = await executor.execute(actions(7));
    expect(first).toEqual({ queued: 7, sent: 0, completed: 0, errors: [] });
    expect(requests).toHaveLength(0);

    const second = await executor.execute(actions(5).map((_, index) => userAction(index + 7)));
    expect(requests).toHaveLength(1);
    expect(requests[0]!.body.map((entry) => entry.requestID)).toEqual(
      Array.from({ length: 10 }, (_, index) => `r${index}`),
    );
    expect(second).toEqual({ queued: 2, sent: 10, completed: 10, errors: [] });

    const flushed = await executor.executeQueued();
    expect(requests).toHaveLength(2);
    expect(flushed).toEqual({ queued: 0, sent: 2, completed: 2, errors: [] });
    expect(executor.counters()).toEqual({ queued: 0, sent: 12, completed: 12 });
  });

  it('sends nothing for an empty flush', async () => {
    const { executor, requests } = recording();

    expect(await executor.executeQueued()).toEqual({
      queued: 0,
      sent: 0,
      completed: 0,
      errors: [],
    });
    expect(requests).toHaveLength(0);
  });

  it('splits 25 groups of one step into steps of 10', async () => {
    const { executor, requests } = recording();
    const groups = Array.from({ length: 25 }, (_, index) => `G${index}`);

    await executor.execute(
      [new UserAction({ email: 'a@example.com', requestID: 'r' }).addGroups(groups)],
      {
        immediate: true,
      },
    );

    expect(requests).toHaveLength(1);
    expect(requests[0]!.body).toEqual([
      {
        user: 'a@example.com',
        requestID: 'r',
        do: [
          { add: { group: groups.slice(0, 10) } },
          { add: { group: groups.slice(10, 20) } },
          { add: { group: groups.slice(20) } },
        ],
      },
    ]);
  });

  it('splits more than 10 steps into entries for one user', async () => {
    const { executor, requests } = recording();
    const action = new UserAction({ email: 'a@example.com', requestID: 'r' });
    for (let index = 0; index < 12; index += 1) {
      action.addGroups([`G${index}`]);
    }

    await executor.execute([action, userAction(1)], { immediate: true });

    // Entries for one user go in separate requests, so UMAPI runs them in order.
    expect(requests.map((request) => request.body.map((entry) => entry.do.length))).toEqual([
      [10],
      [2, 1],
    ]);
    expect(requests[1]!.body[0]!.do).toEqual([
      { add: { group: ['G10'] } },
      { add: { group: ['G11'] } },
    ]);
  });

  it('keeps two actions for one user in separate requests', async () => {
    const { executor, requests } = recording();
    const create = new UserAction({ email: 'New@example.com' }).createEnterpriseID({
      email: 'new@example.com',
    });
    const add = new UserAction({ email: 'new@example.com' }).addGroups(['A']);

    await executor.execute([create, userAction(1), add], { immediate: true });

    expect(requests.map((request) => request.body.length)).toEqual([2, 1]);
    expect(requests[1]!.body[0]!.do).toEqual([{ add: { group: ['A'] } }]);
  });

  it('accepts plain JSON and makes creates replay-safe', async () => {
    const { executor, requests } = recording();
    const json: UserActionJson = {
      user: 'jdoe@example.com',
      do: [{ createFederatedID: { email: 'jdoe@example.com', country: 'US' } }],
    };

    await executor.execute([json], { immediate: true });

    expect(requests[0]!.body).toEqual([
      {
        user: 'jdoe@example.com',
        do: [
          {
            createFederatedID: {
              email: 'jdoe@example.com',
              country: 'US',
              option: 'ignoreIfAlreadyExists',
            },
          },
        ],
      },
    ]);
    expect(json.do[0]).toEqual({ createFederatedID: { email: 'jdoe@example.com', country: 'US' } });
  });

  it('runs overlapping calls one after another', async () => {
    const order: string[] = [];
    const executor = createActionExecutor({
      send: async (body) => {
        order.push(`start ${body[0]!.requestID}`);
        await new Promise((resolve) => setImmediate(resolve));
        order.push(`end ${body[0]!.requestID}`);
        return success(body);
      },
    });

    await Promise.all([
      executor.execute([userAction(1)], { immediate: true }),
      executor.execute([userAction(2)], { immediate: true }),
    ]);

    expect(order).toEqual(['start r1', 'end r1', 'start r2', 'end r2']);
  });
});

describe('validation', () => {
  it('rejects invalid JSON and queues nothing', async () => {
    const { executor, requests } = recording();
    const bad = [
      userAction(0),
      { user: 'b@example.com', do: [] },
      { user: 'c@example.com', do: [{ add: { group: ['A', 7] } }] },
    ] as UserActionJson[];

    const error = await executor
      .execute(bad, { immediate: true })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ActionValidationError);
    expect((error as ActionValidationError).problems.map((problem) => problem.field)).toEqual([
      'actions[1].do',
      'actions[2].do[0].add.group[1]',
    ]);
    expect(requests).toHaveLength(0);
    expect(executor.counters().queued).toBe(0);
  });

  it.each([
    [null, /actions\[0\]: must be a user action object/],
    [{ user: 'a@example.com' }, /actions\[0\]\.do: must be an array of steps/],
    [{ user: 'a@example.com', do: [{ add: { group: ['A'] }, remove: 'all' }] }, /exactly one of/],
    [
      { user: 'a@example.com', do: [{ remove: 'some' }] },
      /actions\[0\]\.do\[0\]\.remove: must be \{ group/,
    ],
    [
      { user: 'a@example.com', useAdobeID: 'yes', do: [{ remove: 'all' }] },
      /actions\[0\]\.useAdobeID/,
    ],
    [
      {
        user: 'a@example.com',
        do: [
          { addAdobeID: { email: 'a@example.com' } },
          { createEnterpriseID: { email: 'a@example.com' } },
        ],
      },
      /at most one create step/,
    ],
  ])('rejects %j', async (action, message) => {
    const { executor } = recording();

    await expect(executor.execute([action as never])).rejects.toThrow(message);
  });

  it('rejects a UserAction without steps', async () => {
    const { executor, requests } = recording();

    await expect(
      executor.execute([userAction(0), new UserAction({ email: 'a@example.com' })]),
    ).rejects.toThrow(/actions\[1\]\.do: must contain at least one step/);
    expect(requests).toHaveLength(0);
  });

  it('rejects a non-array', async () => {
    const { executor } = recording();

    await expect(executor.execute('nope' as never)).rejects.toThrow(/actions: must be an array/);
  });
});

describe('errors', () => {
  it('maps an error back to the original action and step', async () => {
    const { executor } = recording((body, index) =>
      index === 1
        ? {
            result: 'partial',
            completed: 9,
            notCompleted: 1,
            errors: [
              {
                index: 2,
                step: 0,
                requestID: body[2]!.requestID,
                user: body[2]!.user,
                message: 'Group Designers was not found',
                errorCode: 'error.group.not_found',
              },
            ],
          }
        : success(body),
    );
    const batch = actions(25);

    const result = await executor.execute(batch, { immediate: true });

    expect(result.errors).toEqual([
      {
        actionIndex: 12,
        step: 0,
        requestID: 'r12',
        user: 'user12@example.com',
        errorCode: 'error.group.not_found',
        message: 'Group Designers was not found',
        action: batch[12],
      },
    ]);
    expect(result.sent).toBe(25);
    expect(result.completed).toBe(24);
  });

  it('maps steps of a split action to the caller’s steps', async () => {
    const groups = Array.from({ length: 25 }, (_, index) => `G${index}`);
    const action = new UserAction({ email: 'a@example.com' })
      .createEnterpriseID({ email: 'a@example.com' })
      .addGroups(groups)
      .update({ firstname: 'A' });
    for (let index = 0; index < 8; index += 1) {
      action.removeGroups([`Old${index}`]);
    }
    // Wire steps: create, add x3, update, remove x8 = 13, so entries of 10 and 3.
    const { executor, requests } = recording((_body, index) =>
      index === 1
        ? {
            result: 'error',
            errors: [{ index: 0, step: 2, errorCode: 'error.group.not_found', message: 'no Old7' }],
          }
        : {
            result: 'error',
            errors: [{ index: 0, step: 3, errorCode: 'error.group.not_found', message: 'no G20' }],
          },
    );

    const result = await executor.execute([action], { immediate: true });

    expect(requests.map((request) => request.body[0]!.do.length)).toEqual([10, 3]);
    expect(result.errors.map((error) => [error.actionIndex, error.step, error.message])).toEqual([
      [0, 1, 'no G20'],
      [0, 10, 'no Old7'],
    ]);
    expect(result).toMatchObject({ sent: 1, completed: 0 });
  });

  it('marks a failed request and sends the rest', async () => {
    const unavailable = new UmapiError(
      'UMAPI stayed unavailable after 4 attempts',
      'ERR_UMAPI_UNAVAILABLE',
    );
    const { executor, requests } = recording((body, index) => {
      if (index === 1) {
        throw unavailable;
      }
      return success(body);
    });

    const result = await executor.execute(actions(25), { immediate: true });

    expect(requests).toHaveLength(3);
    expect(result.errors).toHaveLength(10);
    expect(result.errors.map((error) => error.actionIndex)).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 10),
    );
    expect(result.errors[0]).toMatchObject({
      errorCode: 'ERR_UMAPI_UNAVAILABLE',
      user: 'user10@example.com',
      requestID: 'r10',
      cause: unavailable,
    });
    expect(result.errors[0]!.message).toMatch(
      /^action request 2 of this call \(actions 10-19\) failed: UMAPI stayed/,
    );
    expect(result).toMatchObject({ queued: 0, sent: 25, completed: 15 });
  });

  it('uses a generic code for errors without one', async () => {
    const { executor } = recording(() => {
      throw new TypeError('fetch failed');
    });

    const result = await executor.execute(actions(1), { immediate: true });

    expect(result.errors[0]!.errorCode).toBe('ERR_UMAPI_ACTION_REQUEST');
  });

  it.each([
    ['a string body', 'OK', /returned 'OK' instead of a JSON object/],
    ['null', null, /returned null instead of a JSON object/],
    ['an array', [], /returned an array instead/],
    ['no result', {}, /returned no result field/],
    ['partial without errors', { result: 'partial' }, /result 'partial' without per-action errors/],
    [
      'errors not an array',
      { result: 'partial', errors: 'many' },
      /errors is 'many', not an array/,
    ],
    [
      'an index out of range',
      { result: 'partial', errors: [{ index: 9, errorCode: 'x' }] },
      /errors\[0\] has index 9/,
    ],
    [
      'an error without index',
      { result: 'partial', errors: [{ errorCode: 'x' }] },
      /errors\[0\] has index undefined/,
    ],
    [
      'an error that is not an object',
      { result: 'partial', errors: [5] },
      /errors\[0\] has index undefined/,
    ],
  ])('reports %s against every action of the request', async (_name, body, message) => {
    const { executor } = recording(() => body);

    const result = await executor.execute(actions(2), { immediate: true });

    expect(result.errors.map((error) => error.actionIndex)).toEqual([0, 1]);
    expect(result.errors[0]!.errorCode).toBe('ERR_UMAPI_ACTION_RESPONSE');
    expect(result.errors[0]!.message).toMatch(/^action request 1 of this call \(actions 0-1\)/);
    expect(result.errors[0]!.message).toMatch(message);
    expect(result.completed).toBe(0);
  });

  it('reports a request-level result code', async () => {
    const { executor } = recording(() => ({
      result: 'error.command.malformed',
      message: 'Bad command',
    }));

    const result = await executor.execute(actions(1), { immediate: true });

    expect(result.errors[0]).toMatchObject({
      errorCode: 'error.command.malformed',
      message:
        "action request 1 of this call (action 0) was rejected with result 'error.command.malformed': Bad command",
    });
  });

  it('fills in missing fields of an error', async () => {
    const { executor } = recording(() => ({ result: 'error', errors: [{ index: 0, step: 'x' }] }));

    const result = await executor.execute(actions(1), { immediate: true });

    expect(result.errors).toEqual([
      {
        actionIndex: 0,
        requestID: 'r0',
        user: 'user0@example.com',
        errorCode: 'error.unspecified',
        message: 'UMAPI reported a failure without a message',
        action: expect.any(UserAction),
      },
    ]);
  });

  it('maps warnings like errors', async () => {
    const { executor } = recording(() => ({
      result: 'success',
      warnings: [
        { index: 1, step: 0, warningCode: 'warning.command.deprecated', message: 'deprecated' },
      ],
    }));
    const batch = actions(2);

    const result = await executor.execute(batch, { immediate: true });

    expect(result.completed).toBe(2);
    expect(result.warnings).toEqual([
      {
        actionIndex: 1,
        step: 0,
        warningCode: 'warning.command.deprecated',
        message: 'deprecated',
        action: batch[1],
      },
    ]);
  });
});

describe('abort', () => {
  it('sends nothing for an aborted signal', async () => {
    const { executor, requests } = recording();
    const reason = new Error('stop');

    await expect(
      executor.execute(actions(3), { immediate: true, signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(requests).toHaveLength(0);
    expect(executor.counters().queued).toBe(0);
  });

  it('keeps unsent actions queued after an abort', async () => {
    const controller = new AbortController();
    const { executor, requests } = recording((body, index) => {
      if (index === 0) {
        controller.abort();
        throw controller.signal.reason;
      }
      return success(body);
    });

    const result = await executor.execute(actions(25), {
      immediate: true,
      signal: controller.signal,
    });

    expect(requests).toHaveLength(1);
    expect(result.errors).toHaveLength(10);
    expect(result.errors[0]!.errorCode).toBe('ABORT_ERR');
    expect(result).toMatchObject({ queued: 15, sent: 10, completed: 0 });

    const rest = await executor.executeQueued();
    expect(rest).toMatchObject({ queued: 0, sent: 15, completed: 15 });
    expect(requests[1]!.body[0]!.requestID).toBe('r10');
  });
});

describe('abort codes', () => {
  it.each([
    ['an Error', () => new Error('stop')],
    ['a string', () => 'stop'],
    ['no reason', () => undefined],
  ])('reports ABORT_ERR with the reason as cause for %s', async (_name, reasonOf) => {
    const controller = new AbortController();
    const { executor } = recording(() => {
      controller.abort(reasonOf());
      throw controller.signal.reason;
    });

    const result = await executor.execute(actions(3), {
      immediate: true,
      signal: controller.signal,
    });

    expect(result.errors).toHaveLength(3);
    for (const error of result.errors) {
      expect(error.errorCode).toBe('ABORT_ERR');
      expect(error.cause).toBe(controller.signal.reason);
      expect(error.message).toMatch(/aborted by the caller's signal .*read the users' state again/);
    }
  });

  it('keeps the code of a failure that is not the abort', async () => {
    const controller = new AbortController();
    const failure = Object.assign(new Error('server down'), { code: 'ERR_UMAPI_UNAVAILABLE' });
    const { executor } = recording(() => {
      controller.abort(new Error('stop'));
      throw failure;
    });

    const result = await executor.execute(actions(1), {
      immediate: true,
      signal: controller.signal,
    });

    expect(result.errors[0]).toMatchObject({ errorCode: 'ERR_UMAPI_UNAVAILABLE', cause: failure });
  });
});

describe('sync markers', () => {
  it('marks the next request with sync start', async () => {
    const { executor, requests } = recording();
    executor.startSync();

    await executor.execute(actions(15), { immediate: true });

    expect(requests.map((request) => request.options.pragma)).toEqual([
      'umapi-sync-start',
      undefined,
    ]);
  });

  it('marks the next request with sync end', async () => {
    const { executor, requests } = recording();
    await executor.execute(actions(3));
    executor.endSync();

    await executor.executeQueued();

    expect(requests.map((request) => request.options.pragma)).toEqual(['umapi-sync-end']);
  });

  it('leaves sync end pending for an empty flush', async () => {
    const { executor, requests } = recording();
    await executor.execute(actions(10));
    executor.endSync();

    const result = await executor.executeQueued();

    // An action request needs at least one entry (the fake UMAPI responds 400
    // without one), so the marker waits for the next request of any kind.
    expect(requests.map((request) => request.options.pragma)).toEqual([undefined]);
    expect(result).toEqual({ queued: 0, sent: 0, completed: 0, errors: [] });
    expect(executor.takeSyncMarker()).toBe('umapi-sync-end');
    expect(executor.takeSyncMarker()).toBeUndefined();
  });

  it('sends start before end', async () => {
    const { executor, requests } = recording();
    executor.startSync();
    executor.endSync();

    await executor.execute(actions(25), { immediate: true });

    expect(requests.map((request) => request.options.pragma)).toEqual([
      'umapi-sync-start',
      'umapi-sync-end',
      undefined,
    ]);
  });

  it('keeps sync end pending while actions only queue', async () => {
    const { executor, requests } = recording();
    executor.endSync();

    await executor.execute(actions(3));

    expect(requests).toHaveLength(0);
    await executor.executeQueued();
    expect(requests[0]!.options.pragma).toBe('umapi-sync-end');
  });

  it('consumes a marker on a failed request', async () => {
    const { executor, requests } = recording(() => {
      throw new Error('down');
    });
    executor.startSync();

    await executor.execute(actions(1), { immediate: true });

    expect(requests[0]!.options.pragma).toBe('umapi-sync-start');
    expect(executor.takeSyncMarker()).toBeUndefined();
  });

  it('passes the signal to send', async () => {
    const { executor, requests } = recording();
    const controller = new AbortController();

    await executor.execute(actions(1), { immediate: true, signal: controller.signal });

    expect(requests[0]!.options.signal).toBe(controller.signal);
  });
});
