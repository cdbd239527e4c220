import { type FakeIms, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { UserAction } from './actions/index.js';
import { Connection } from './connection.js';
import { createTestAuthenticator } from './test-server.js';

let ims: FakeIms;

beforeAll(async () => {
  ims = await startFakeIms();
});

afterAll(async () => {
  await ims.close();
});

// The README and docs/actions-and-rate-limits.md list the steps that report
// an error when replayed after a lost response. These cases check that list.
describe('action replayed after a lost response', () => {
  it.each([
    [
      'removeFromOrg',
      (email: string) => new UserAction({ email }).removeFromOrg(),
      'error.user.nonexistent',
    ],
    [
      'removeFromOrg with deleteAccount',
      (email: string) => new UserAction({ email }).removeFromOrg({ deleteAccount: true }),
      'error.user.nonexistent',
    ],
    [
      'update of the email',
      (email: string) => new UserAction({ email }).update({ email: `new.${email}` }),
      'error.user.nonexistent',
    ],
    [
      'update of a name',
      (email: string) => new UserAction({ email }).update({ firstname: 'Zoe' }),
      undefined,
    ],
    [
      'create',
      (email: string) =>
        new UserAction({ email: `new.${email}` }).createFederatedID({
          email: `new.${email}`,
          country: 'US',
        }),
      undefined,
    ],
  ])('%s', async (_name, build, expectedError) => {
    const { auth, credentials } = await createTestAuthenticator(ims);
    const umapi = await startFakeUmapi({ ims, orgId: credentials.orgId, users: 2 });
    onTestFinished(() => umapi.close());
    const connection = new Connection({
      auth,
      endpoint: umapi.url,
      rateLimits: false,
      timeout: 1_000,
      retryBaseDelayMs: 1,
    });
    onTestFinished(() => connection.close());
    const email = 'user000000@example.com';
    // The first attempt is applied, but its body stalls past the timeout, so the POST is sent again.
    umapi.failNext({ stallBodyMs: 2_500 });

    const result = await connection.execute([build(email)]);

    expect(umapi.requests.filter((request) => request.method === 'POST')).toHaveLength(2);
    expect(result.errors.map((error) => error.errorCode)).toEqual(
      expectedError === undefined ? [] : [expectedError],
    );
    expect(result.completed).toBe(expectedError === undefined ? 1 : 0);
  });
});
