import { type FakeIms, type FakeUmapi, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActionExecutor } from './executor.js';
import { createTestSender } from './test-action-sender.js';
import { UserAction } from './user-action.js';

let ims: FakeIms;
let umapi: FakeUmapi;

beforeAll(async () => {
  ims = await startFakeIms();
  umapi = await startFakeUmapi({ ims, users: 0 });
  for (let index = 0; index < 25; index += 1) {
    umapi.addGroup({ groupName: `Team ${index}` });
  }
});

afterAll(async () => {
  await umapi?.close();
  await ims?.close();
});

beforeEach(() => {
  umapi.clearRequests();
});

function actionRequests() {
  return umapi.requests.filter(
    (request) => request.method === 'POST' && request.path.includes('/action/'),
  );
}

function newUser(prefix: string, index: number, groups: string[] = ['Engineering']): UserAction {
  const email = `${prefix}${index}@example.com`;
  return new UserAction({ email, requestID: `${prefix}-${index}` })
    .createFederatedID({ email, country: 'US', firstname: 'Test', lastname: `User ${index}` })
    .addGroups(groups);
}

describe('executor against the fake UMAPI', () => {
  it('creates 25 users in 3 requests', async () => {
    const executor = createActionExecutor({ send: await createTestSender(ims, umapi) });
    const batch = Array.from({ length: 25 }, (_, index) => newUser('batch', index));

    const result = await executor.execute(batch, { immediate: true });

    expect(actionRequests().map((request) => (request.body as unknown[]).length)).toEqual([
      10, 10, 5,
    ]);
    expect(result).toEqual({ queued: 0, sent: 25, completed: 25, errors: [] });
    expect(umapi.getUser('batch24@example.com')?.groups).toEqual(['Engineering']);
  });

  it('adds 25 groups given in one step', async () => {
    const executor = createActionExecutor({ send: await createTestSender(ims, umapi) });
    const groups = Array.from({ length: 25 }, (_, index) => `Team ${index}`);

    const result = await executor.execute([newUser('groups', 0, groups)], { immediate: true });

    expect(result.errors).toEqual([]);
    expect(actionRequests()).toHaveLength(1);
    expect(umapi.getUser('groups0@example.com')?.groups).toEqual(groups);
  });

  it('maps a partial failure to the original action', async () => {
    const executor = createActionExecutor({ send: await createTestSender(ims, umapi) });
    const batch = Array.from({ length: 25 }, (_, index) => newUser('partial', index));
    batch[12] = newUser('partial', 12, ['No such group']);

    const result = await executor.execute(batch, { immediate: true });

    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      actionIndex: 12,
      step: 1,
      requestID: 'partial-12',
      user: 'partial12@example.com',
      errorCode: 'error.group.not_found',
      action: batch[12],
    });
    expect(result).toMatchObject({ sent: 25, completed: 24 });
  });

  it('replays a create without an error', async () => {
    const executor = createActionExecutor({ send: await createTestSender(ims, umapi) });

    await executor.execute([newUser('replay', 0)], { immediate: true });
    const again = await executor.execute([newUser('replay', 0)], { immediate: true });

    expect(again.errors).toEqual([]);
    expect(again.completed).toBe(1);
  });

  it('leaves the org unchanged in test mode', async () => {
    const executor = createActionExecutor({
      send: await createTestSender(ims, umapi, { testOnly: true }),
    });
    const before = umapi.userCount;

    const result = await executor.execute(
      Array.from({ length: 12 }, (_, index) => newUser('testonly', index)),
      { immediate: true },
    );

    expect(result).toMatchObject({ sent: 12, completed: 12, errors: [] });
    expect(actionRequests().every((request) => request.query.testOnly === 'true')).toBe(true);
    expect(umapi.userCount).toBe(before);
    expect(umapi.getUser('testonly0@example.com')).toBeUndefined();
  });

  it('sends the sync markers', async () => {
    const executor = createActionExecutor({ send: await createTestSender(ims, umapi) });
    executor.startSync();
    await executor.execute([newUser('sync', 0)], { immediate: true });
    executor.endSync();
    await executor.execute([newUser('sync', 1)], { immediate: true });

    expect(actionRequests().map((request) => request.pragma)).toEqual([
      'umapi-sync-start',
      'umapi-sync-end',
    ]);
  });

  it('reports a rejected request against its actions', async () => {
    const executor = createActionExecutor({ send: await createTestSender(ims, umapi) });
    umapi.failNext({ status: 503 });

    const result = await executor.execute(
      Array.from({ length: 12 }, (_, index) => newUser('unavailable', index)),
      { immediate: true },
    );

    expect(result.errors.map((error) => [error.actionIndex, error.errorCode])).toEqual(
      Array.from({ length: 10 }, (_, index) => [index, 'TEST_HTTP_503']),
    );
    expect(result).toMatchObject({ sent: 12, completed: 2 });
    expect(umapi.getUser('unavailable11@example.com')).toBeDefined();
  });
});
