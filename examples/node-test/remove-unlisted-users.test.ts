// A downstream test suite with node's built-in test runner (`node:test`),
// for projects that use no test framework. It checks the same code under test
// as the vitest suite in `src/remove-unlisted-users.test.ts`, against the
// fake IMS and fake UMAPI from @umapi/testing.
//
// Node.js 20 cannot run TypeScript directly, so the examples' `test:node`
// script compiles this file with `tsc -p tsconfig.build.json` and runs
// `node --test dist/node-test/`.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { ImsError } from '@umapi/auth-core';
import { OAuthS2S } from '@umapi/auth-oauth';
import { Connection, ListingError } from '@umapi/connection';
import { type FakeIms, type FakeUmapi, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { removeUnlistedUsers } from '../src/remove-unlisted-users.js';

const employees = ['ada@example.com', 'grace@example.com', 'linus@example.com'];
const leavers = ['mallory@example.com', 'trudy@example.com'];

describe('removeUnlistedUsers (node:test)', () => {
  let ims: FakeIms;
  let umapi: FakeUmapi;
  let connection: Connection;

  // One fake IMS for the suite; a fresh fake UMAPI per test, because removals change its directory.
  before(async () => {
    ims = await startFakeIms();
  });

  after(async () => {
    await ims.close();
  });

  beforeEach(async () => {
    umapi = await startFakeUmapi({
      ims,
      users: [...employees, ...leavers].map((email) => ({ email })),
    });
    const auth = new OAuthS2S(await ims.createOAuthCredentials());
    connection = new Connection({ auth, endpoint: umapi.url, retryBaseDelayMs: 0 });
  });

  afterEach(async () => {
    await connection.close();
    await umapi.close();
  });

  it('removes users missing from the list', async () => {
    const report = await removeUnlistedUsers(connection, { keep: employees });

    assert.deepEqual(report.removed.sort(), leavers);
    assert.equal(umapi.getUser('trudy@example.com'), undefined);
    assert.notEqual(umapi.getUser('ada@example.com'), undefined);
  });

  it('rides out a 429 with Retry-After', async () => {
    umapi.failNext({ status: 429, retryAfter: 0 });

    const report = await removeUnlistedUsers(connection, { keep: employees });

    assert.deepEqual(report.removed.sort(), leavers);
    assert.deepEqual(
      umapi.requests.map((request) => request.status),
      [429, 200, 200],
    );
  });

  it('removes nobody when the token exchange fails', async () => {
    ims.failNext({
      status: 401,
      body: { error: 'invalid_client', error_description: 'invalid client_id parameter' },
    });

    await assert.rejects(removeUnlistedUsers(connection, { keep: employees }), (error: unknown) => {
      assert.ok(error instanceof ListingError);
      assert.ok(error.cause instanceof ImsError);
      assert.equal(error.cause.code, 'invalid_client');
      return true;
    });
    assert.equal(umapi.requests.length, 0);
    assert.equal(umapi.userCount, 5);
  });
});
