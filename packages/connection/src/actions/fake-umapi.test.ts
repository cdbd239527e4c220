import { OAuthS2S } from '@umapi/auth-oauth';
import { type FakeIms, type FakeUmapi, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { Connection } from '../connection.js';
import { createActionExecutor } from './executor.js';
import { createTestSender } from './test-action-sender.js';
import { UserAction } from './user-action.js';
import { UserGroupAction } from './user-group-action.js';

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

/** Adds `count` users named `{prefix}{index}@example.com` to the fake and returns their emails. */
function seedUsers(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const email = `${prefix}${index}@example.com`;
    umapi.addUser({ email });
    return email;
  });
}

/** Creates a connection to the fake UMAPI that is closed when the test ends. */
async function connect(): Promise<Connection> {
  const credentials = await ims.createOAuthCredentials({ orgId: umapi.orgId });
  const connection = new Connection({
    auth: new OAuthS2S({ ...credentials, authHost: ims.url }),
    endpoint: umapi.url,
    rateLimits: false,
  });
  onTestFinished(() => connection.close());
  return connection;
}

/** Lists the emails of a group's members through `Connection.users({ group })`. */
async function listMembers(groupName: string): Promise<string[]> {
  const connection = await connect();
  const members: string[] = [];
  for await (const user of connection.users({ group: groupName })) {
    members.push(user.email);
  }
  return members;
}

describe('user group actions against the fake UMAPI', () => {
  it('creates, fills, renames and deletes a group', async () => {
    const executor = createActionExecutor({ send: await createTestSender(ims, umapi) });
    const members = seedUsers('roundtrip', 12);

    const created = await executor.execute(
      [
        new UserGroupAction({ groupName: 'Round trip' })
          .addUsers(members)
          .create({ description: 'Before' }),
      ],
      { immediate: true },
    );
    expect(created).toEqual({ queued: 0, sent: 1, completed: 1, errors: [] });
    expect(umapi.getGroup('Round trip')?.description).toBe('Before');
    expect(await listMembers('Round trip')).toEqual(members);

    const renamed = await executor.execute(
      [new UserGroupAction({ groupName: 'Round trip' }).update({ name: 'Renamed trip' })],
      { immediate: true },
    );
    expect(renamed.errors).toEqual([]);
    expect(umapi.getGroup('Round trip')).toBeUndefined();
    expect(await listMembers('Renamed trip')).toEqual(members);
    expect(umapi.getUser('roundtrip0@example.com')?.groups).toEqual(['Renamed trip']);

    const deleted = await executor.execute(
      [new UserGroupAction({ groupName: 'Renamed trip' }).delete()],
      { immediate: true },
    );
    expect(deleted.errors).toEqual([]);
    expect(umapi.getGroup('Renamed trip')).toBeUndefined();
    expect(umapi.getUser('roundtrip0@example.com')?.groups).toEqual([]);
  });

  it('sends group actions through Connection', async () => {
    const connection = await connect();
    const members = seedUsers('viaconnection', 2);

    const result = await connection.execute([
      new UserAction({ email: members[0]! }).update({ firstname: 'Via' }),
      new UserGroupAction({ groupName: 'Via connection' }).create().addUsers(members),
    ]);

    expect(result).toEqual({ queued: 0, sent: 2, completed: 2, errors: [] });
    expect(await listMembers('Via connection')).toEqual(members);
  });

  it('assigns a product profile to a group', async () => {
    const executor = createActionExecutor({ send: await createTestSender(ims, umapi) });
    umapi.addGroup({ groupName: 'Acrobat Pro', type: 'PRODUCT_PROFILE', productName: 'Acrobat' });

    const result = await executor.execute(
      [new UserGroupAction({ groupName: 'Team 3' }).addToProducts(['Acrobat Pro'])],
      { immediate: true },
    );

    expect(result.errors).toEqual([]);
    expect(umapi.getGroup('Team 3')?.productProfiles).toEqual(['Acrobat Pro']);
  });

  it('maps a failure in a mixed batch', async () => {
    const executor = createActionExecutor({ send: await createTestSender(ims, umapi) });
    const known = seedUsers('mixed', 3);
    const groupAction = new UserGroupAction({ groupName: 'Team 4', requestID: 'team-4' })
      .update({ description: 'Mixed' })
      .addUsers([...known, 'ghost@example.com']);
    const batch = [newUser('mixed-new', 0), groupAction, newUser('mixed-new', 1)];

    const result = await executor.execute(batch, { immediate: true });

    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      actionIndex: 1,
      step: 1,
      requestID: 'team-4',
      usergroup: 'Team 4',
      errorCode: 'error.user.nonexistent',
      action: groupAction,
    });
    expect(result).toMatchObject({ sent: 3, completed: 2 });
    expect(umapi.getUser('mixed-new1@example.com')).toBeDefined();
    // The description step ran before the failed one, and the failed step added no member.
    expect(umapi.getGroup('Team 4')?.description).toBe('Mixed');
    expect(umapi.getUser('mixed0@example.com')?.groups).toEqual([]);
  });

  it('leaves groups unchanged in test mode', async () => {
    const executor = createActionExecutor({
      send: await createTestSender(ims, umapi, { testOnly: true }),
    });
    const members = seedUsers('testgroup', 2);
    const groupsBefore = umapi.listGroups();

    const result = await executor.execute(
      [
        new UserGroupAction({ groupName: 'Test only' }).create().addUsers(members),
        new UserGroupAction({ groupName: 'Team 5' }).update({ name: 'Team five' }),
        new UserGroupAction({ groupName: 'Team 6' }).delete(),
      ],
      { immediate: true },
    );

    expect(result).toMatchObject({ sent: 3, completed: 3, errors: [] });
    expect(actionRequests().every((request) => request.query.testOnly === 'true')).toBe(true);
    expect(umapi.listGroups()).toEqual(groupsBefore);
    expect(umapi.getUser('testgroup0@example.com')?.groups).toEqual([]);
  });
});
