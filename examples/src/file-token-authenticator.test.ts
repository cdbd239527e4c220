// Runs the file-based authenticator against the fake IMS and fake UMAPI: the
// fake IMS issues the tokens that a sidecar would write to the file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigurationError, isUmapiError } from '@umapi/auth-core';
import { Connection, RequestError } from '@umapi/connection';
import { type FakeIms, type FakeUmapi, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  createFileTokenAuthenticator,
  readTokenFile,
  TokenFileError,
} from './file-token-authenticator.js';

// Count reads without changing them, to see the cache and single-flight at work.
vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>();
  return { ...original, readFile: vi.fn(original.readFile) };
});

const readFileCalls = () => vi.mocked(fsPromises.readFile).mock.calls.length;

let ims: FakeIms;
let umapi: FakeUmapi;

beforeAll(async () => {
  ims = await startFakeIms();
  umapi = await startFakeUmapi({
    ims,
    users: [{ email: 'ada@example.com' }, { email: 'grace@example.com', groups: ['Engineering'] }],
  });
});

afterAll(async () => {
  await umapi?.close();
  await ims?.close();
});

beforeEach(() => {
  vi.mocked(fsPromises.readFile).mockClear();
});

/** A fresh client, so that each test has its own request budgets, and a temporary token file. */
async function setUp() {
  const credentials = await ims.createOAuthCredentials();
  const directory = await mkdtemp(join(tmpdir(), 'umapi-token-file-'));
  onTestFinished(() => rm(directory, { recursive: true, force: true }));

  const path = join(directory, 'token.json');
  const writeToken = async (
    token: string,
    expiresAtSeconds = Math.floor(Date.now() / 1000) + 3600,
  ) => {
    await writeFile(path, JSON.stringify({ access_token: token, expires_at: expiresAtSeconds }));
  };
  const issueToken = () => ims.issueAccessToken({ clientId: credentials.clientId });

  return { credentials, path, writeToken, issueToken };
}

describe('file token authenticator', () => {
  it('lists users through a Connection', async () => {
    const { credentials, path, writeToken, issueToken } = await setUp();
    await writeToken(await issueToken());

    const auth = createFileTokenAuthenticator({
      clientId: credentials.clientId,
      orgId: credentials.orgId,
      path,
    });
    const connection = new Connection({ auth, endpoint: umapi.url });
    onTestFinished(() => connection.close());

    const emails: string[] = [];
    for await (const user of connection.users()) emails.push(user.email);

    expect(emails.sort()).toEqual(['ada@example.com', 'grace@example.com']);
    expect(readFileCalls()).toBe(1);
  });

  it('shares one read among concurrent callers', async () => {
    const { credentials, path, writeToken, issueToken } = await setUp();
    const token = await issueToken();
    await writeToken(token);
    const auth = createFileTokenAuthenticator({ clientId: credentials.clientId, path });

    const results = await Promise.all(Array.from({ length: 10 }, () => auth.getAccessToken()));

    expect(readFileCalls()).toBe(1);
    expect(new Set(results.map((result) => result.token))).toEqual(new Set([token]));
  });

  it('serves the cached token until invalidated', async () => {
    const { credentials, path, writeToken } = await setUp();
    await writeToken('first-token');
    const auth = createFileTokenAuthenticator({ clientId: credentials.clientId, path });

    const first = await auth.getAccessToken();
    await writeToken('second-token');
    const cached = await auth.getAccessToken();
    auth.invalidate?.();
    const reread = await auth.getAccessToken();

    expect(first.token).toBe('first-token');
    expect(cached.token).toBe('first-token');
    expect(reread.token).toBe('second-token');
    expect(readFileCalls()).toBe(2);
  });

  it('reads the file again after UMAPI rejects the token', async () => {
    const { credentials, path, writeToken, issueToken } = await setUp();
    await writeToken('a-token-the-fake-ims-never-issued');
    const auth = createFileTokenAuthenticator({
      clientId: credentials.clientId,
      orgId: credentials.orgId,
      path,
    });
    const connection = new Connection({ auth, endpoint: umapi.url });
    onTestFinished(() => connection.close());

    // The 401 makes the connection invalidate the token and read the file
    // again; the file still has the rejected token, so the second 401 is raised.
    const error = await connection.user('ada@example.com').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RequestError);
    expect((error as RequestError).status).toBe(401);
    expect(readFileCalls()).toBe(2);

    // Once the writer has put a valid token in the file, the next call works.
    await writeToken(await issueToken());
    const user = await connection.user('ada@example.com');
    expect(user?.email).toBe('ada@example.com');
  });

  it('converts expires_at from epoch seconds to milliseconds', async () => {
    const { path, writeToken } = await setUp();
    const expiresAtSeconds = Math.floor(Date.now() / 1000) + 600;
    await writeToken('some-token', expiresAtSeconds);

    const token = await readTokenFile(path);

    expect(token.expiresAt).toBe(expiresAtSeconds * 1000);
  });

  it('rejects an empty path', () => {
    expect(() => createFileTokenAuthenticator({ clientId: 'client', path: '' })).toThrow(
      ConfigurationError,
    );
  });

  const secret = 'eyJ-secret-token-value';
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const rejections: Array<{ name: string; content: string | undefined; message: RegExp }> = [
    { name: 'a missing file', content: undefined, message: /Cannot read the token file .*ENOENT/ },
    { name: 'invalid JSON', content: `{"access_token": "${secret}"`, message: /is not valid JSON/ },
    {
      name: 'no access_token',
      content: JSON.stringify({ expires_at: nowSeconds() + 600 }),
      message: /no access_token/,
    },
    {
      name: 'expires_at in milliseconds',
      content: JSON.stringify({ access_token: secret, expires_at: Date.now() + 600_000 }),
      message: /looks like milliseconds/,
    },
    {
      name: 'an expired token',
      content: JSON.stringify({ access_token: secret, expires_at: nowSeconds() - 60 }),
      message: /expired at/,
    },
  ];

  for (const { name, content, message } of rejections) {
    it(`rejects ${name} without showing the token`, async () => {
      const { credentials, path } = await setUp();
      if (content !== undefined) await writeFile(path, content);
      const auth = createFileTokenAuthenticator({ clientId: credentials.clientId, path });

      const error = await auth.getAccessToken().catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(TokenFileError);
      expect(isUmapiError(error)).toBe(true);
      expect((error as TokenFileError).code).toBe('ERR_TOKEN_FILE');
      expect((error as TokenFileError).path).toBe(path);
      expect((error as Error).message).toMatch(message);
      expect(inspect(error)).not.toContain(secret);
    });
  }
});
