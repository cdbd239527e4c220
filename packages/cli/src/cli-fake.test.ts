import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, transcripts } from './test-cli.js';

beforeAll(() => {
  assertBuilt();
});

describe.concurrent('umapi on the built-in fake servers', () => {
  it('exits 2 without credentials or a terminal', async ({ expect }) => {
    const result = await runCli(['users', '--format', 'csv']);

    expect(result.stderr).toContain('umapi: the configuration is invalid');
    expect(result.stderr).toContain('credentials: none found');
    for (const text of ['UMAPI_CLIENT_ID', '--config', '--fake']) {
      expect(result.stderr).toContain(text);
    }
    expect(result.stderr).not.toContain('Fake Adobe servers');
    expect(result.stdout).toBe('');
    expect(result.exitCode).toBe(2);
  });

  it('checks the whole flow with --fake', async ({ expect }) => {
    const result = await runCli(['check', '--fake']);

    expect(result.stderr).not.toContain('no credentials found');
    expect(result.stderr).toContain('generated an RSA key pair and registered a JWT credential');
    expect(result.stdout).toContain('JWTAuth');
    for (const step of ['configuration', 'private key', 'access token', 'org access', 'UMAPI status']) {
      expect(result.stdout).toMatch(new RegExp(`✔ ${step}`));
    }
    expect(result.stdout).toContain('All checks passed.');
    expect(result.exitCode).toBe(0);
  });

  it('ignores credentials in the environment with --fake', async ({ expect }) => {
    const result = await runCli(['groups', '--fake', '--json'], {
      env: { UMAPI_CLIENT_ID: 'real-client', UMAPI_CLIENT_SECRET: 'p8e-real-secret', UMAPI_ORG_ID: 'REAL@AdobeOrg' },
    });

    const groups = JSON.parse(result.stdout) as { groupName: string }[];
    expect(groups.map((group) => group.groupName)).toContain('Engineering');
    expect(result.exitCode).toBe(0);
  });

  it('accepts --json with --format json', async ({ expect }) => {
    const result = await runCli(['groups', '--fake', '--json', '--format', 'json']);

    expect(JSON.parse(result.stdout)).toHaveLength(5);
    expect(result.exitCode).toBe(0);
  });

  it('reports a group that does not exist', async ({ expect }) => {
    const result = await runCli(['users', '--fake', '--group', 'NoSuch', '--json']);

    expect(result.stderr).toContain('group \\"NoSuch\\" not found');
    expect(result.stderr).toContain('ERR_UMAPI_GROUP_NOT_FOUND');
    expect(() => JSON.parse(result.stdout)).toThrow(SyntaxError);
    expect(result.exitCode).toBe(1);
  });

  it('lists a group in another case', async ({ expect }) => {
    const result = await runCli(['users', '--fake', '--group', 'SALES', '--format', 'csv']);

    expect(result.stdout).toContain('radia.perlman@example.com');
    expect(result.exitCode).toBe(0);
  });

  it('prints the token expiry with --fake', async ({ expect }) => {
    const result = await runCli(['token', '--fake']);

    expect(result.stdout).toMatch(/expires \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in \d+ h \d+ min\)/);
    expect(result.exitCode).toBe(0);
  });
});

describe('umapi fake output', () => {
  it('prints no secret', () => {
    expect(transcripts).toHaveLength(7);

    for (const { args, result } of transcripts) {
      const shown = `${result.stdout}\n${result.stderr}`;
      // The fake's client secrets start with p8e-, its access tokens are JWTs (eyJ...).
      expect(shown, `umapi ${args.join(' ')}`).not.toMatch(/p8e-|eyJ|PRIVATE KEY/);
    }
  });
});
