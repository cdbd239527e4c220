import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, transcripts } from './test-cli.js';
import { DESIGNER_COUNT, EXAMPLE_ORG_COUNT, type Fixtures, PAGE_SIZE, startFixtures, USER_COUNT } from './test-fixtures.js';

let fixtures: Fixtures;

/** Secrets created by single tests, checked with the fixtures' secrets at the end. */
const extraSecrets: string[] = [];

beforeAll(async () => {
  assertBuilt();
  fixtures = await startFixtures();
});

afterAll(async () => {
  await fixtures?.close();
});

function jwtConfig(enterprise: Record<string, unknown>): Record<string, unknown> {
  const { ims, umapi, jwt } = fixtures;
  return {
    server: { host: umapi.url, ims_host: ims.url, timeout: 20, retries: 1 },
    enterprise: { org_id: jwt.orgId, client_id: jwt.clientId, client_secret: jwt.clientSecret, tech_acct_id: jwt.techAcctId, ...enterprise },
  };
}

describe.concurrent('umapi credential sources', () => {
  it('reads JWT credentials from flags', async ({ expect }) => {
    const { ims, umapi, jwt, keyPath } = fixtures;

    const result = await runCli([
      'check',
      '--org-id', jwt.orgId,
      '--client-id', jwt.clientId,
      '--client-secret', jwt.clientSecret,
      '--tech-acct-id', jwt.techAcctId,
      '--private-key-file', keyPath,
      '--host', umapi.url,
      '--ims-host', ims.url,
    ]);

    expect(result.stderr).toContain('--client-secret is visible to other users');
    expect(result.stdout).toContain('JWTAuth');
    expect(result.stdout).toContain(`${keyPath}  (--private-key-file)`);
    expect(result.stdout).toContain('All checks passed.');
    expect(result.exitCode).toBe(0);
  });

  it('reads OAuth credentials from the environment', async ({ expect }) => {
    const result = await runCli(['check'], { env: fixtures.oauthEnv });

    expect(result.stdout).toContain('OAuthS2S (OAuth server-to-server)');
    expect(result.stdout).toContain(`${fixtures.oauth.clientId}  (UMAPI_CLIENT_ID)`);
    expect(result.stdout).toMatch(/✔ access token/);
    expect(result.stdout).toMatch(/✔ org access .* \(5 users\)/);
    expect(result.stdout).toMatch(/✔ UMAPI status/);
    expect(result.exitCode).toBe(0);
  });

  it('reads a config file with a relative key path', async ({ expect }) => {
    const config = await fixtures.writeConfig('user-sync/connector-umapi.yml', jwtConfig({ priv_key_path: '../keys/private.key' }));

    // The working directory differs from the config's folder: the key path is relative to the file.
    const result = await runCli(['users', '--config', config], { cwd: `${fixtures.folder}/keys` });

    expect(result.stderr).toContain(`${USER_COUNT} users (${Math.ceil(USER_COUNT / PAGE_SIZE)} pages)`);
    expect(result.stdout.split('\n')[0]).toMatch(/^EMAIL\s+NAME\s+TYPE\s+STATUS\s+COUNTRY\s+GROUPS$/);
    expect(result.stdout.trim().split('\n')).toHaveLength(USER_COUNT + 1);
    expect(result.exitCode).toBe(0);
  });

  it('reads a config file with inline key data', async ({ expect }) => {
    const config = await fixtures.writeConfig('inline/connector-umapi.yml', jwtConfig({ priv_key_data: fixtures.jwt.privateKey }));

    const result = await runCli(['token', '--config', config]);

    expect(result.stdout).toContain(`for client ${fixtures.jwt.clientId} (JWTAuth)`);
    expect(result.stdout).toContain('add --show to print it');
    expect(result.exitCode).toBe(0);
  });

  it('reads an OAuth-only config file', async ({ expect }) => {
    const { ims, umapi, oauth } = fixtures;
    const config = await fixtures.writeConfig('oauth/connector-umapi.yml', {
      authentication_method: 'oauth',
      server: { host: umapi.url, auth_host: ims.url },
      integration: { org_id: oauth.orgId, client_id: oauth.clientId, client_secret: oauth.clientSecret },
    });

    const result = await runCli(['groups', '--config', config, '--format', 'csv']);

    expect(result.stdout.split('\r\n')[0]).toBe('groupId,groupName,type,memberCount,productName');
    expect(result.stdout).toContain('Designers');
    expect(result.stderr).toMatch(/\d+ groups \(1 page\)/);
    expect(result.exitCode).toBe(0);
  });

  it('reads an encrypted key from the environment', async ({ expect }) => {
    const { ims, umapi, jwt } = fixtures;
    const encrypted = await ims.createJwtCredentials({ orgId: jwt.orgId, keyFormat: 'encrypted-pkcs8' });
    extraSecrets.push(encrypted.clientSecret, encrypted.passphrase!, ...encrypted.privateKey.split('\n').filter((line) => line.length > 40));

    // Keys pasted into a variable often carry literal \n in place of line breaks.
    const result = await runCli(['check'], {
      env: {
        UMAPI_ORG_ID: encrypted.orgId,
        UMAPI_CLIENT_ID: encrypted.clientId,
        UMAPI_CLIENT_SECRET: encrypted.clientSecret,
        UMAPI_TECH_ACCT_ID: encrypted.techAcctId,
        UMAPI_PRIVATE_KEY: encrypted.privateKey.trim().replaceAll('\n', '\\n'),
        UMAPI_PRIVATE_KEY_PASSPHRASE: encrypted.passphrase!,
        UMAPI_HOST: umapi.url,
        UMAPI_IMS_HOST: ims.url,
      },
    });

    expect(result.stdout).toContain('Private key    from UMAPI_PRIVATE_KEY');
    expect(result.stdout).toContain('All checks passed.');
    expect(result.exitCode).toBe(0);
  });

  it('exits 2 for an encrypted key without its passphrase', async ({ expect }) => {
    const { ims, umapi, jwt } = fixtures;
    const encrypted = await ims.createJwtCredentials({ orgId: jwt.orgId, keyFormat: 'encrypted-pkcs8' });
    extraSecrets.push(encrypted.clientSecret, encrypted.passphrase!, ...encrypted.privateKey.split('\n').filter((line) => line.length > 40));

    const result = await runCli(['token'], {
      env: {
        UMAPI_ORG_ID: encrypted.orgId,
        UMAPI_CLIENT_ID: encrypted.clientId,
        UMAPI_CLIENT_SECRET: encrypted.clientSecret,
        UMAPI_TECH_ACCT_ID: encrypted.techAcctId,
        UMAPI_PRIVATE_KEY: encrypted.privateKey,
        UMAPI_HOST: umapi.url,
        UMAPI_IMS_HOST: ims.url,
      },
    });

    expect(result.stderr).toContain('  - UMAPI_PRIVATE_KEY: ');
    expect(result.stderr).toContain('UMAPI_PRIVATE_KEY_PASSPHRASE');
    expect(result.exitCode).toBe(2);
  });

  it('lets a flag override the environment and the environment override the file', async ({ expect }) => {
    const { oauth } = fixtures;
    const config = await fixtures.writeConfig('precedence/connector-umapi.yml', {
      integration: { org_id: oauth.orgId, client_id: 'wrong-client-id', client_secret: 'p8e-wrong' },
    });

    const result = await runCli(['token', '--config', config, '--client-id', oauth.clientId], {
      env: { ...fixtures.oauthEnv, UMAPI_CLIENT_ID: 'also-wrong' },
    });

    expect(result.stdout).toContain(`for client ${oauth.clientId} (OAuthS2S)`);
    expect(result.exitCode).toBe(0);
  });
});

describe.concurrent('umapi commands', () => {
  it('prints the token alone with --show', async ({ expect }) => {
    const result = await runCli(['token', '--show'], { env: fixtures.oauthEnv });

    const token = result.stdout.trim();
    expect(fixtures.ims.verifyAccessToken(token)?.clientId).toBe(fixtures.oauth.clientId);
    expect(result.stderr).toContain('expires');
    expect(result.exitCode).toBe(0);
  });

  it('prints token details as JSON', async ({ expect }) => {
    const result = await runCli(['token', '--json'], { env: fixtures.oauthEnv });

    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(report.strategy).toBe('OAuthS2S');
    expect(report.clientId).toBe(fixtures.oauth.clientId);
    expect(Date.parse(report.expiresAt as string)).toBeGreaterThan(Date.now());
    expect(report).not.toHaveProperty('accessToken');
    expect(result.exitCode).toBe(0);
  });

  it('prints the server status', async ({ expect }) => {
    const result = await runCli(['status'], { env: fixtures.oauthEnv });

    expect(result.stdout).toMatch(/^UMAPI status: \S+/);
    expect(result.stdout).toContain(fixtures.umapi.url);
    expect(result.exitCode).toBe(0);
  });

  it('writes users as one JSON array', async ({ expect }) => {
    const result = await runCli(['users', '--format', 'json'], { env: fixtures.oauthEnv });

    const users = JSON.parse(result.stdout) as { email: string }[];
    expect(users).toHaveLength(USER_COUNT);
    expect(new Set(users.map((user) => user.email)).size).toBe(USER_COUNT);
    expect(result.exitCode).toBe(0);
  });

  it('filters users by domain', async ({ expect }) => {
    const result = await runCli(['users', '--json', '--domain', 'example.org'], { env: fixtures.oauthEnv });

    const users = JSON.parse(result.stdout) as { domain: string }[];
    expect(users).toHaveLength(EXAMPLE_ORG_COUNT);
    expect(users.every((user) => user.domain === 'example.org')).toBe(true);
    expect(result.exitCode).toBe(0);
  });

  it('filters users by group', async ({ expect }) => {
    const result = await runCli(['users', '--format', 'csv', '--group', 'Designers'], { env: fixtures.oauthEnv });

    expect(result.stdout.trim().split('\r\n')).toHaveLength(DESIGNER_COUNT + 1);
    expect(result.exitCode).toBe(0);
  });

  it('lists an empty group without error', async ({ expect }) => {
    const result = await runCli(['users', '--format', 'csv', '--group', 'Empty'], { env: fixtures.oauthEnv });

    expect(result.stdout.trim().split('\r\n')).toHaveLength(1);
    expect(result.stderr).toContain('0 users');
    expect(result.stderr).not.toContain('not found');
    expect(result.exitCode).toBe(0);
  });

  it('reports an unknown group with exit 1', async ({ expect }) => {
    const result = await runCli(['users', '--group', 'NoSuch'], { env: fixtures.oauthEnv });

    expect(result.stderr).toContain(`umapi: group "NoSuch" not found in org ${fixtures.oauth.orgId}`);
    expect(result.stderr).toContain('"umapi groups" lists');
    expect(result.exitCode).toBe(1);
  });

  it('writes check results as JSON', async ({ expect }) => {
    const result = await runCli(['check', '--json'], { env: fixtures.oauthEnv });

    const report = JSON.parse(result.stdout) as { ok: boolean; steps: { name: string; ok: boolean }[] };
    expect(report.ok).toBe(true);
    expect(report.steps.map((step) => step.name)).toEqual(['configuration', 'access token', 'org access', 'UMAPI status']);
    expect(result.exitCode).toBe(0);
  });
});

describe.concurrent('umapi remote failures', () => {
  it('exits 1 when IMS rejects the client secret', async ({ expect }) => {
    const result = await runCli(['users'], { env: { ...fixtures.oauthEnv, UMAPI_CLIENT_SECRET: 'p8e-not-the-secret' } });

    expect(result.stderr).toContain('invalid_client');
    expect(result.stderr).toContain('hint: check the client ID and client secret');
    expect(result.stderr).not.toContain('    at ');
    expect(result.exitCode).toBe(1);
  });

  it('reports a failed check step and exits 1', async ({ expect }) => {
    const result = await runCli(['check'], { env: { ...fixtures.oauthEnv, UMAPI_CLIENT_SECRET: 'p8e-not-the-secret' } });

    expect(result.stdout).toMatch(/✖ access token/);
    expect(result.stdout).toContain('The check failed.');
    expect(result.exitCode).toBe(1);
  });

  it('exits 1 when IMS is unreachable', async ({ expect }) => {
    const port = await closedPort();

    const result = await runCli(['token'], { env: { ...fixtures.oauthEnv, UMAPI_IMS_HOST: `http://127.0.0.1:${port}` } });

    expect(result.stderr).toMatch(/^umapi: /);
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(result.exitCode).toBe(1);
  });

  it('exits 1 when a listing cannot reach UMAPI', async ({ expect }) => {
    const port = await closedPort();
    const { ims, oauth } = fixtures;
    const config = await fixtures.writeConfig('unreachable/connector-umapi.yml', {
      server: { host: `http://127.0.0.1:${port}`, auth_host: ims.url, retries: 0 },
      integration: { org_id: oauth.orgId, client_id: oauth.clientId, client_secret: oauth.clientSecret },
    });

    const result = await runCli(['users', '--config', config]);

    expect(result.stderr).toMatch(/^umapi: /m);
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(result.stderr).not.toContain('    at ');
    expect(result.exitCode).toBe(1);
  });

  it('exits 1 when UMAPI is unreachable', async ({ expect }) => {
    const port = await closedPort();

    const result = await runCli(['status'], { env: { ...fixtures.oauthEnv, UMAPI_HOST: `http://127.0.0.1:${port}` } });

    expect(result.stdout).toMatch(/^UMAPI status: Unreachable/);
    expect(result.exitCode).toBe(1);
  });
});

describe('umapi output', () => {
  it('prints no secret and no unrequested token', () => {
    expect(transcripts.length).toBeGreaterThan(10);

    for (const { args, result } of transcripts) {
      const shown = args.includes('--show') ? result.stderr : `${result.stdout}\n${result.stderr}`;
      for (const secret of [...fixtures.secrets(), ...extraSecrets]) {
        expect(shown, `umapi ${args.join(' ')}`).not.toContain(secret);
      }
      // Access tokens of the fake IMS are JWTs, which start with a base64url-encoded '{"'.
      expect(shown, `umapi ${args.join(' ')}`).not.toContain('eyJ');
    }
  });
});

/** Returns a port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}
