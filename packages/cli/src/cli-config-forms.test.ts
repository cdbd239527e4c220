import { afterAll, beforeAll, describe, it } from 'vitest';
import { readConfigFile } from './settings/config-file.js';
import { assertBuilt, runCli } from './test-cli.js';
import { type Fixtures, startFixtures } from './test-fixtures.js';

let fixtures: Fixtures;

beforeAll(async () => {
  assertBuilt();
  fixtures = await startFixtures();
});

afterAll(async () => {
  await fixtures?.close();
});

// A config file for the fakes' OAuth credential, as YAML text, with extra server lines.
function config(serverLines: string[], enterpriseLines?: string[]): string {
  const { oauth, umapi, ims } = fixtures;
  const enterprise = enterpriseLines ?? [`client_id: ${oauth.clientId}`, `client_secret: ${oauth.clientSecret}`];
  return [
    'server:',
    `  host: '${umapi.url}'`,
    `  ims_host: '${ims.url}'`,
    ...serverLines.map((line) => `  ${line}`),
    'enterprise:',
    `  org_id: ${oauth.orgId}`,
    ...enterprise.map((line) => `  ${line}`),
    '',
  ].join('\n');
}

async function runWith(name: string, text: string, command = 'check'): Promise<Awaited<ReturnType<typeof runCli>>> {
  const path = await fixtures.writeConfig(`forms/${name.replace(/\W+/g, '-')}/connector-umapi.yml`, text);
  return runCli([command, '--config', path]);
}

describe.concurrent('umapi PyYAML 1.1 forms', () => {
  it.for([
    'ssl_verify: yes',
    'ssl_verify: Yes',
    'ssl_verify: ON',
    'ssl_verify: true',
    'ssl_verify: oN',
    'timeout: 1_000',
    'timeout: 1:30',
    'timeout: 2.5',
    'retries: 1_0',
    'retries: 0x0A',
    'retries: 0',
    'retries: 100',
  ])('accepts %s', async (line, { expect }) => {
    const result = await runWith(line, config([line]));

    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it.for([
    ['ssl_verify: maybe', 'server.ssl_verify in connector-umapi.yml: must be True or False (or yes, no, on, off)'],
    ["ssl_verify: 'yes'", 'server.ssl_verify in connector-umapi.yml: must be True or False'],
    ["timeout: '120'", 'server.timeout in connector-umapi.yml: must be a number of seconds from 1 to 3600'],
    ['timeout: 120000', 'server.timeout in connector-umapi.yml: must be at most 3600 seconds, not 120000; the unit in this file is seconds'],
    ['timeout: 0120', 'server.timeout in connector-umapi.yml: 0120 has a leading zero, which the User Sync Tool reads as an octal number'],
    ['timeout: .nan', 'server.timeout in connector-umapi.yml: must be a number of seconds'],
    ['retries: 1e9', 'server.retries in connector-umapi.yml: must be a whole number from 0 to 100, not 1000000000'],
    ['retries: 101', 'server.retries in connector-umapi.yml: must be a whole number from 0 to 100, not 101'],
    ['retries: -1', 'server.retries in connector-umapi.yml: must be a whole number from 0 to 100, not -1'],
    ['retries: 1_000', 'server.retries in connector-umapi.yml: must be a whole number from 0 to 100, not 1000'],
  ] as [string, string][])('rejects %s', async ([line, expected], { expect }) => {
    const result = await runWith(line, config([line]));

    expect(result.stderr).toContain(expected);
    expect(result.stdout).toBe('');
    expect(result.exitCode).toBe(2);
  });

  it.for([
    ['Off', false],
    ['NO', false],
    ['yes', true],
    ['True', true],
  ] as [string, boolean][])('reads ssl_verify %s as %s', async ([word, expected], { expect }) => {
    const path = await fixtures.writeConfig(`forms/ssl-${word}/connector-umapi.yml`, config([`ssl_verify: ${word}`]));

    const file = await readConfigFile(path, fixtures.folder);

    expect(file.problems).toEqual([]);
    expect(file.settings.sslVerify?.value).toBe(expected);
  });

  it.for([
    ['1_000', 1_000_000],
    ['1:30', 90_000],
    ['2.5', 2_500],
  ] as [string, number][])('reads timeout %s in seconds', async ([written, expectedMs], { expect }) => {
    const path = await fixtures.writeConfig(`forms/timeout-${written.replace(/\W/g, '-')}/connector-umapi.yml`, config([`timeout: ${written}`]));

    const file = await readConfigFile(path, fixtures.folder);

    expect(file.problems).toEqual([]);
    expect(file.settings.timeoutMs?.value).toBe(expectedMs);
  });
});

describe.concurrent('umapi duplicate config keys', () => {
  it('uses the last value and warns', async ({ expect }) => {
    const { oauth } = fixtures;
    const text = config([], [`client_id: ${oauth.clientId}`, 'client_secret: p8e-FirstValue0123456789abcdefGHIJ', `client_secret: ${oauth.clientSecret}`]);

    const result = await runWith('duplicate secret', text, 'token');

    expect(result.stderr).toContain('umapi: warning: enterprise.client_secret is set more than once in the --config file; the last value is used');
    expect(result.stderr).not.toContain('p8e-FirstValue');
    expect(result.stderr).not.toContain(oauth.clientSecret);
    expect(result.exitCode).toBe(0);
  });

  it('shortens a duplicate key that may be a secret', async ({ expect }) => {
    const pasted = 'p8eX7kLm2Qw9Rt4Vb6Nm1Hc3Jd5Fg8Sa0';
    const text = `${config([])}  ${pasted}:\n  ${pasted}:\n`;

    const result = await runWith('duplicate pasted key', text, 'token');

    expect(result.stderr).toContain('enterprise.p8e... (a key of 33 characters, shortened because it may be a secret) is set more than once');
    expect(result.stderr).not.toContain(pasted);
    expect(result.exitCode).toBe(0);
  });
});
