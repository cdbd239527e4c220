import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeIms, type FakeUmapi, type OAuthCredentials, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { describeDuration, retryHint } from './failure.js';
import { assertBuilt, runCli } from './test-cli.js';

// A value shaped like an OAuth client secret, which the CLI must never print back.
const PASTED_SECRET = 'p8e-Zq3VbT9xKw2LmN7rYc4HdJ6sFa1GuE5o';

const HOSTILE_USERS = [
  { email: 'red@example.com', firstname: 'Mal', lastname: '\u001b[31mRED\u001b[0m', groups: ['G,1', 'Plain'] },
  { email: 'formula@example.com', firstname: '=HYPERLINK("http://attacker.example")', lastname: '+1', groups: ['-minus', '@at'] },
];

let ims: FakeIms;
let umapi: FakeUmapi;
let oauth: OAuthCredentials;
let env: Record<string, string>;
let folder: string;

beforeAll(async () => {
  assertBuilt();
  ims = await startFakeIms();
  oauth = await ims.createOAuthCredentials();
  umapi = await startFakeUmapi({
    ims,
    orgId: oauth.orgId,
    users: HOSTILE_USERS,
    groups: [{ groupName: 'G,1' }, { groupName: 'Plain' }, { groupName: '-minus' }, { groupName: '@at' }],
  });
  env = {
    UMAPI_ORG_ID: oauth.orgId,
    UMAPI_CLIENT_ID: oauth.clientId,
    UMAPI_CLIENT_SECRET: oauth.clientSecret,
    UMAPI_HOST: umapi.url,
    UMAPI_IMS_HOST: ims.url,
  };
  folder = await mkdtemp(join(tmpdir(), 'umapi-cli-reporting-'));
});

afterAll(async () => {
  await umapi?.close();
  await ims?.close();
  await rm(folder, { recursive: true, force: true });
});

// These tests share one fake UMAPI whose failNext queue applies to the next request, so they run in order.
describe('umapi failure messages', () => {
  it('shows when to retry after a long 429', async () => {
    umapi.failNext({ status: 429, retryAfter: 600 });

    const result = await runCli(['users'], { env });

    expect(result.stderr).toMatch(/asked to wait 600000 ms/);
    expect(result.stderr).toMatch(/try again after \d{4}-\d{2}-\d{2}T/);
    expect(result.stderr).toContain('caused by:');
    expect(result.stderr).toContain('HTTP 429');
    expect(result.stderr).toMatch(/hint: UMAPI throttled this client; try again in 10 minutes, at .* UTC or later/);
    expect(result.stderr).not.toContain('check the host settings');
    expect(result.exitCode).toBe(1);
  });

  it('gives the advised wait in JSON', async () => {
    umapi.failNext({ status: 429, retryAfter: 600 });
    const before = Date.now();

    const result = await runCli(['users', '--json'], { env });

    const report = JSON.parse(result.stderr.trim().split('\n').at(-1) ?? '') as {
      error: { code: string; codes: string[]; retryAfterMs: number; retryAt: string };
    };
    expect(report.error.retryAfterMs).toBe(600_000);
    expect(Date.parse(report.error.retryAt)).toBeGreaterThanOrEqual(before + 600_000);
    expect(report.error.codes).toEqual(['ERR_UMAPI_LISTING', 'ERR_UMAPI_UNAVAILABLE', 'ERR_UMAPI_REQUEST']);
    expect(report.error.code).toBe('ERR_UMAPI_REQUEST');
    expect(result.exitCode).toBe(1);
  });

  it('gives the IMS wait for token --json', async () => {
    ims.failNext({ status: 429, retryAfter: 7200 });
    const before = Date.now();

    const result = await runCli(['token', '--json'], { env });

    const report = JSON.parse(result.stderr.trim().split('\n').at(-1) ?? '') as {
      error: { code: string; retryAfterMs: number; retryAt: string; message: string };
    };
    expect(report.error.retryAfterMs).toBe(7_200_000);
    expect(Date.parse(report.error.retryAt)).toBeGreaterThanOrEqual(before + 7_200_000);
    expect(report.error.message).toContain('hint: IMS throttled this client; try again in 2 hours');
    expect(result.exitCode).toBe(1);
  });

  it('shows when to retry after an IMS 429', async () => {
    ims.failNext({ status: 429, retryAfter: 7200 });

    const result = await runCli(['users'], { env });

    expect(result.stderr).toMatch(/hint: IMS throttled this client; try again in 2 hours, at .* UTC or later/);
    expect(result.stderr).not.toContain('check the host settings');
    expect(result.exitCode).toBe(1);
  });

  it('prints the server message once', async () => {
    umapi.failNext({ status: 400, body: { message: 'bad page' } });

    const result = await runCli(['users'], { env });

    expect(result.stderr).toContain('HTTP 400: bad page');
    expect(result.stderr).not.toContain('UMAPI says');
    expect(result.stderr.split('bad page')).toHaveLength(2);
    expect(result.exitCode).toBe(1);
  });

  it('escapes control characters in server messages', async () => {
    umapi.failNext({ status: 400, body: { message: 'bad \u001b[2J page' } });

    const result = await runCli(['users'], { env });

    expect(result.stderr).not.toContain('\u001b');
    expect(result.stderr).toContain('bad \\u001b[2J page');
    expect(result.exitCode).toBe(1);
  });
});

describe('retry hint wording', () => {
  it.each([
    [0, '1 second'],
    [1500, '2 seconds'],
    [60_000, '1 minute'],
    [600_000, '10 minutes'],
    [3_725_000, '1 hour 2 minutes 5 seconds'],
  ])('describes %d ms as %s', (ms, expected) => {
    expect(describeDuration(ms)).toBe(expected);
  });

  it('names the UTC time to retry at', () => {
    const hint = retryHint(600_000, Date.UTC(2026, 11, 4, 21, 0, 0));

    expect(hint).toBe('UMAPI throttled this client; try again in 10 minutes, at 2026-12-04 21:10:00 UTC or later');
  });
});

describe.concurrent('umapi secrets on the command line and in files', () => {
  it('does not echo an unexpected argument', async ({ expect }) => {
    const result = await runCli(['check', PASTED_SECRET], { env });

    expect(result.stderr).toContain('unexpected argument at position 2');
    expect(`${result.stdout}${result.stderr}`).not.toContain(PASTED_SECRET);
    expect(`${result.stdout}${result.stderr}`).not.toContain(PASTED_SECRET.slice(4, 20));
    expect(result.exitCode).toBe(2);
  });

  it('counts the position after options', async ({ expect }) => {
    const result = await runCli(['--json', 'users', '--format', 'json', PASTED_SECRET], { env });

    expect(result.stderr).toContain('unexpected argument at position 5');
    expect(result.stderr).not.toContain(PASTED_SECRET);
    expect(result.exitCode).toBe(2);
  });

  it('suggests a flag for a misspelled secret flag', async ({ expect }) => {
    const result = await runCli(['check', `--client-secrt=${PASTED_SECRET}`], { env });

    expect(result.stderr).toContain('unknown option --client-secrt; did you mean --client-secret?');
    expect(`${result.stdout}${result.stderr}`).not.toContain(PASTED_SECRET);
    expect(result.exitCode).toBe(2);
  });

  it('shortens a secret pasted as a yml key', async ({ expect }) => {
    const config = join(folder, 'pasted-key.yml');
    await writeFile(
      config,
      stringify({
        server: { host: umapi.url, ims_host: ims.url, [PASTED_SECRET.replace('p8e-', 'tok')]: 1 },
        enterprise: { org_id: oauth.orgId, client_id: oauth.clientId, client_secret: oauth.clientSecret, [PASTED_SECRET]: null },
      }),
    );

    const result = await runCli(['token', '--config', config]);

    expect(result.stderr).toContain('enterprise.p8e... (a key of 36 characters, shortened because it may be a secret) is not used');
    expect(result.stderr).toContain('server.tok... (a key of 35 characters');
    expect(`${result.stdout}${result.stderr}`).not.toContain(PASTED_SECRET.slice(3));
    expect(`${result.stdout}${result.stderr}`).not.toContain(oauth.clientSecret);
    expect(result.exitCode).toBe(0);
  });

  it('names a misspelled yml key in full', async ({ expect }) => {
    const config = join(folder, 'typo-key.yml');
    await writeFile(
      config,
      stringify({
        server: { host: umapi.url, ims_host: ims.url, time_out: 30 },
        enterprise: { org_id: oauth.orgId, client_id: oauth.clientId, client_secret: oauth.clientSecret, client_secert: 'x' },
      }),
    );

    const result = await runCli(['token', '--config', config]);

    expect(result.stderr).toContain('enterprise.client_secert is not used by umapi');
    expect(result.stderr).toContain('server.time_out is not used by umapi');
    expect(result.exitCode).toBe(0);
  });
});

describe.concurrent('umapi users with hostile server data', () => {
  it('escapes control characters in the table', async ({ expect }) => {
    const result = await runCli(['users'], { env });

    expect(result.stdout).not.toContain('\u001b');
    expect(result.stdout).toContain('Mal \\u001b[31mRED\\u001b[0m');
    expect(result.exitCode).toBe(0);
  });

  it('keeps group names whole in CSV', async ({ expect }) => {
    const result = await runCli(['users', '--format', 'csv'], { env });

    const lines = result.stdout.trim().split('\r\n');
    const red = lines.find((line) => line.includes('red@example.com'));
    expect(red).toContain('"G,1; Plain"');
    expect(result.exitCode).toBe(0);
  });

  it('neutralises formulas in CSV', async ({ expect }) => {
    const result = await runCli(['users', '--format', 'csv'], { env });

    const row = result.stdout.split('\r\n').find((line) => line.includes('formula@example.com'));
    expect(row).toBeDefined();
    expect(row!.startsWith(`"'=HYPERLINK(""http://attacker.example"")",'+1,`)).toBe(true);
    expect(row).toContain(`'-minus; @at`);
    expect(result.exitCode).toBe(0);
  });

  it('keeps groups as arrays in JSON', async ({ expect }) => {
    const result = await runCli(['users', '--json'], { env });

    const users = JSON.parse(result.stdout) as { email: string; lastname: string; groups: string[] }[];
    const red = users.find((user) => user.email === 'red@example.com');
    expect(red?.groups).toEqual(['G,1', 'Plain']);
    expect(red?.lastname).toBe('\u001b[31mRED\u001b[0m');
    expect(result.stdout).not.toContain('\u001b');
    expect(result.exitCode).toBe(0);
  });
});

describe.concurrent('umapi users --group input', () => {
  it.for(['..', '.', ''])('exits 2 for --group %j', async (group, { expect }) => {
    const result = await runCli(['users', '--fake', '--group', group]);

    expect(result.stderr).toContain('umapi: --group');
    expect(result.stderr).not.toContain('users()');
    expect(result.stdout).toBe('');
    expect(result.exitCode).toBe(2);
  });
});
