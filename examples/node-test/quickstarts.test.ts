// Runs the compiled quickstart programs the way a user runs them, as
// `node examples/dist/src/<name>.js <user> <group>` with credentials in
// `UMAPI_*` variables, but pointed at the fake IMS and fake UMAPI through
// UMAPI_HOST and UMAPI_IMS_HOST, so nothing leaves 127.0.0.1.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type FakeIms, type FakeUmapi, startFakeIms, startFakeUmapi } from '@umapi/testing';

interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a compiled example with only the given `UMAPI_*` variables set. */
function runExample(
  name: string,
  args: string[],
  variables: Record<string, string>,
): Promise<RunResult> {
  const script = fileURLToPath(new URL(`../src/${name}.js`, import.meta.url));
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('UMAPI_')),
  );

  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { env: { ...env, ...variables } },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ exitCode, stdout, stderr });
      },
    );
  });
}

describe('quickstart programs', () => {
  let ims: FakeIms;
  let umapi: FakeUmapi;
  let hosts: Record<string, string>;

  before(async () => {
    ims = await startFakeIms();
    umapi = await startFakeUmapi({
      ims,
      users: [{ email: 'ada@example.com', groups: ['Engineering'] }],
    });
    hosts = { UMAPI_HOST: umapi.origin, UMAPI_IMS_HOST: ims.url };
  });

  after(async () => {
    await umapi.close();
    await ims.close();
  });

  it('runs the OAuth quickstart from UMAPI_* variables', async () => {
    const { orgId, clientId, clientSecret } = await ims.createOAuthCredentials();

    const result = await runExample('oauth-s2s-quickstart', ['ada@example.com', 'Support'], {
      ...hosts,
      UMAPI_ORG_ID: orgId,
      UMAPI_CLIENT_ID: clientId,
      UMAPI_CLIENT_SECRET: clientSecret,
    });

    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^ada@example\.com\tEngineering$/m);
    assert.match(result.stdout, /^test-mode action: 1 completed, 0 failed$/m);
  });

  it('runs the JWT quickstart with a private key file', async () => {
    const credentials = await ims.createJwtCredentials();
    const directory = await mkdtemp(join(tmpdir(), 'umapi-example-key-'));
    const keyFile = join(directory, 'private.key');
    await writeFile(keyFile, credentials.privateKey, { mode: 0o600 });

    try {
      const result = await runExample('jwt-quickstart', ['ada@example.com', 'Support'], {
        ...hosts,
        UMAPI_ORG_ID: credentials.orgId,
        UMAPI_CLIENT_ID: credentials.clientId,
        UMAPI_CLIENT_SECRET: credentials.clientSecret,
        UMAPI_TECH_ACCT_ID: credentials.techAcctId,
        UMAPI_PRIVATE_KEY_FILE: keyFile,
      });

      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(result.stdout, /^test-mode action: 1 completed, 0 failed$/m);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('names a missing variable', async () => {
    const { orgId, clientId } = await ims.createOAuthCredentials();

    const result = await runExample('oauth-s2s-quickstart', ['ada@example.com', 'Support'], {
      ...hosts,
      UMAPI_ORG_ID: orgId,
      UMAPI_CLIENT_ID: clientId,
    });

    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /Missing environment variable UMAPI_CLIENT_SECRET/);
  });

  it('reports a wrong secret by its code, without the secret', async () => {
    const { orgId, clientId } = await ims.createOAuthCredentials();

    const result = await runExample('oauth-s2s-quickstart', ['ada@example.com', 'Support'], {
      ...hosts,
      UMAPI_ORG_ID: orgId,
      UMAPI_CLIENT_ID: clientId,
      UMAPI_CLIENT_SECRET: 'not-the-client-secret',
    });

    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /^ERR_UMAPI_LISTING: /);
    assert.doesNotMatch(result.stderr + result.stdout, /not-the-client-secret/);
  });
});
