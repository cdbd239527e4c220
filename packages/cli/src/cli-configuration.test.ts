import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, transcripts } from './test-cli.js';
import { type Fixtures, startFixtures } from './test-fixtures.js';

let fixtures: Fixtures;

beforeAll(async () => {
  assertBuilt();
  fixtures = await startFixtures();
});

afterAll(async () => {
  await fixtures?.close();
});

function jwtConfig(server: Record<string, unknown>, enterprise: Record<string, unknown>): Record<string, unknown> {
  const { ims, umapi, jwt } = fixtures;
  return {
    server: { host: umapi.url, ims_host: ims.url, ...server },
    enterprise: {
      org_id: jwt.orgId,
      client_id: jwt.clientId,
      client_secret: jwt.clientSecret,
      tech_acct_id: jwt.techAcctId,
      priv_key_path: fixtures.keyPath,
      ...enterprise,
    },
  };
}

// Each row: a name, the config file content, then text the error must contain. Field names are
// the config file's own keys, because that is what an admin edits.
const BAD_CONFIGS: [string, () => unknown, string[]][] = [
  ['a missing key file', () => jwtConfig({}, { priv_key_path: 'missing.key' }), ['enterprise.priv_key_path in connector-umapi.yml', 'file not found']],
  ['a missing client secret', () => jwtConfig({}, { client_secret: null }), ['client secret: missing', 'UMAPI_CLIENT_SECRET']],
  ['a missing technical account ID', () => jwtConfig({}, { tech_acct_id: '' }), ['technical account ID: missing']],
  ['both key path and key data', () => jwtConfig({}, { priv_key_data: 'x' }), ['enterprise.priv_key_data in connector-umapi.yml', 'not both']],
  ['key data that is no key', () => jwtConfig({}, { priv_key_path: null, priv_key_data: 'not a key' }), ['enterprise.priv_key_data in connector-umapi.yml']],
  ['an FTP IMS host', () => jwtConfig({ ims_host: 'ftp://ims.example.com' }, {}), ['server.ims_host in connector-umapi.yml']],
  ['an invalid UMAPI host', () => jwtConfig({ host: 'user management' }, {}), ['server.host in connector-umapi.yml']],
  ['a URL as the JWT endpoint', () => jwtConfig({ ims_endpoint_jwt: 'https://ims.example.com/ims/exchange/jwt/' }, {}), ['server.ims_endpoint_jwt in connector-umapi.yml', 'not a path']],
  ['a negative timeout', () => jwtConfig({ timeout: -1 }, {}), ['server.timeout in connector-umapi.yml', 'seconds']],
  ['a timeout under one second', () => jwtConfig({ timeout: 0.5 }, {}), ['server.timeout in connector-umapi.yml: must be at least 1 second, not 0.5; the unit in this file is seconds']],
  ['a timeout over an hour', () => jwtConfig({ timeout: 3_000_000 }, {}), ['server.timeout in connector-umapi.yml: must be at most 3600 seconds, not 3000000']],
  ['a text timeout', () => jwtConfig({ timeout: '30s' }, {}), ['server.timeout in connector-umapi.yml: must be a number of seconds from 1 to 3600']],
  ['fractional retries', () => jwtConfig({ retries: 1.5 }, {}), ['server.retries in connector-umapi.yml']],
  ['a text ssl_verify', () => jwtConfig({ ssl_verify: 'maybe' }, {}), ['server.ssl_verify in connector-umapi.yml', 'True or False']],
  ['an OS keychain reference', () => jwtConfig({}, { secure_client_secret_key: 'umapi' }), ['enterprise.secure_client_secret_key in connector-umapi.yml', 'keychain']],
  [
    'a JWT endpoint left in an OAuth config',
    () => jwtConfig({ auth_endpoint: '/ims/exchange/jwt' }, { tech_acct_id: null, priv_key_path: null }),
    ['server.auth_endpoint in connector-umapi.yml: is the JWT exchange endpoint', '/ims/token/v3; remove this setting'],
  ],
  ['an unknown authentication method', () => ({ ...jwtConfig({}, {}), authentication_method: 'saml' }), ['authentication_method in connector-umapi.yml', 'oauth or jwt']],
  ['invalid YAML', () => 'server:\n  host: [unclosed\n', ['--config', 'not valid YAML at line 3, column 1']],
  ['a list instead of a mapping', () => '- server\n- enterprise\n', ['--config', 'mapping']],
];

describe.concurrent('umapi bad configuration', () => {
  it.for(BAD_CONFIGS)('exits 2 for %s', async ([name, content, expected], { expect }) => {
    const config = await fixtures.writeConfig(`bad/${name.replaceAll(' ', '-')}/connector-umapi.yml`, content());

    const result = await runCli(['check', '--config', config]);

    expect(result.stderr).toContain('umapi: the configuration is invalid');
    for (const text of expected) {
      expect(result.stderr).toContain(text);
    }
    expect(result.stderr).not.toContain('    at ');
    expect(result.exitCode).toBe(2);
  });

  it('lists every problem at once', async ({ expect }) => {
    const config = await fixtures.writeConfig('bad/many/connector-umapi.yml', {
      server: { timeout: 0, ssl_verify: 'maybe' },
      enterprise: { tech_acct_id: 'ABC@techacct.adobe.com' },
    });

    const result = await runCli(['users', '--config', config]);

    expect(result.stderr).toContain('(6 problems)');
    for (const field of ['server.timeout', 'server.ssl_verify', 'client ID', 'client secret', 'org ID', 'private key']) {
      expect(result.stderr).toContain(`  - ${field}`);
    }
    expect(result.exitCode).toBe(2);
  });

  it('reports a short timeout in seconds only', async ({ expect }) => {
    const config = await fixtures.writeConfig('bad/half-second/connector-umapi.yml', jwtConfig({ timeout: 0.5 }, {}));

    const result = await runCli(['check', '--config', config]);

    expect(result.stderr).toContain('(1 problem)');
    expect(result.stderr).not.toContain('milliseconds');
    expect(result.stderr).not.toContain('did you mean');
    expect(result.exitCode).toBe(2);
  });

  it('lists authenticator problems with the missing settings', async ({ expect }) => {
    const config = await fixtures.writeConfig(
      'bad/merged/connector-umapi.yml',
      jwtConfig({ ims_host: 'ftp://ims.example.com', timeout: 0 }, { client_secret: null, priv_key_path: null, priv_key_data: 'not a key' }),
    );

    const result = await runCli(['check', '--config', config]);

    expect(result.stderr).toContain('(4 problems)');
    expect(result.stderr).toContain('  - server.timeout in connector-umapi.yml: ');
    expect(result.stderr).toContain('  - client secret: missing');
    expect(result.stderr).toContain('  - server.ims_host in connector-umapi.yml: protocol ftp: is not supported');
    expect(result.stderr).toContain('  - enterprise.priv_key_data in connector-umapi.yml: ');
    expect(result.exitCode).toBe(2);
  });

  it('lists a bad host variable with a missing secret', async ({ expect }) => {
    const { UMAPI_CLIENT_SECRET: _secret, ...env } = fixtures.oauthEnv;

    const result = await runCli(['check', '--ims-host', 'ims.example.com/ims'], {
      env: { ...env, UMAPI_HOST: 'ftp://umapi.example.com' },
    });

    expect(result.stderr).toContain('(3 problems)');
    expect(result.stderr).toContain('  - client secret: missing');
    expect(result.stderr).toContain('  - UMAPI_HOST: protocol ftp: is not supported');
    expect(result.stderr).toContain('  - --ims-host: must be a host or an origin without a path or query');
    expect(result.exitCode).toBe(2);
  });

  it('exits 2 for a missing config file', async ({ expect }) => {
    const result = await runCli(['check', '--config', 'no-such-file.yml'], { cwd: fixtures.folder });

    expect(result.stderr).toContain(`--config: file not found: ${fixtures.folder}/no-such-file.yml`);
    expect(result.stderr).toContain('(1 problem)');
    expect(result.stderr).not.toContain('missing;');
    expect(result.exitCode).toBe(2);
  });

  it('reports an unreadable config file alone', async ({ expect }) => {
    // A folder in place of the file fails to read on every platform and user, root included.
    const folder = await fixtures.writeConfig('unreadable/connector-umapi.yml/placeholder', 'x');

    const result = await runCli(['users', '--config', join(folder, '..')]);

    expect(result.stderr).toContain('(1 problem)');
    expect(result.stderr).toContain('  - --config: ');
    expect(result.stderr).not.toContain('client ID');
    expect(result.exitCode).toBe(2);
  });

  it('reports invalid YAML alone with line and column', async ({ expect }) => {
    const config = await fixtures.writeConfig('bad-yaml/connector-umapi.yml', 'server:\n  host: a\n bad: b\n');

    const result = await runCli(['users', '--config', config]);

    expect(result.stderr).toContain('(1 problem)');
    expect(result.stderr).toMatch(/connector-umapi\.yml is not valid YAML at line 3, column \d+: BAD_INDENT/);
    expect(result.exitCode).toBe(2);
  });

  it('warns about a passphrase for a clear key', async ({ expect }) => {
    const config = await fixtures.writeConfig('clear-key/connector-umapi.yml', jwtConfig({}, { priv_key_pass: 'not-needed-pass' }));

    const result = await runCli(['token', '--config', config]);

    expect(result.stderr).toContain('umapi: warning: enterprise.priv_key_pass in connector-umapi.yml is set');
    expect(result.stderr).toContain('is not encrypted');
    expect(result.stderr).not.toContain('not-needed-pass');
    expect(result.exitCode).toBe(0);
  });

  it('rejects a JWT org ID without @AdobeOrg in the config file', async ({ expect }) => {
    const config = await fixtures.writeConfig('bad/org-id/connector-umapi.yml', jwtConfig({}, { org_id: '12345ABCDE' }));

    const result = await runCli(['check', '--config', config]);

    expect(result.stderr).toContain('(1 problem)');
    expect(result.stderr).toContain('  - enterprise.org_id in connector-umapi.yml: must end with @AdobeOrg');
    expect(result.stderr).toContain('(got "12345ABCDE")');
    expect(result.exitCode).toBe(2);
  });

  it('rejects an OAuth org ID without @AdobeOrg in a variable', async ({ expect }) => {
    const result = await runCli(['users'], { env: { ...fixtures.oauthEnv, UMAPI_ORG_ID: '12345ABCDE' } });

    expect(result.stderr).toContain('(1 problem)');
    expect(result.stderr).toContain('  - UMAPI_ORG_ID: must end with @AdobeOrg');
    expect(result.stdout).toBe('');
    expect(result.exitCode).toBe(2);
  });

  it('rejects an OAuth org ID without @AdobeOrg in a flag', async ({ expect }) => {
    const result = await runCli(['token', '--org-id', '12345ABCDE@techacct.adobe.com'], { env: fixtures.oauthEnv });

    expect(result.stderr).toContain('  - --org-id: must end with @AdobeOrg');
    expect(result.exitCode).toBe(2);
  });

  it('names the environment variable of a bad value', async ({ expect }) => {
    const result = await runCli(['token'], { env: { ...fixtures.oauthEnv, UMAPI_IMS_HOST: 'https://ims.example.com/path' } });

    expect(result.stderr).toContain('  - UMAPI_IMS_HOST: ');
    expect(result.exitCode).toBe(2);
  });

  it('names the flag of a missing key file', async ({ expect }) => {
    const result = await runCli(['check', '--private-key-file', 'nope.key'], { env: fixtures.oauthEnv, cwd: fixtures.folder });

    expect(result.stderr).toContain(`--private-key-file: file not found: ${fixtures.folder}/nope.key`);
    expect(result.exitCode).toBe(2);
  });

  it('warns about keys it ignores', async ({ expect }) => {
    const config = await fixtures.writeConfig('ignored/connector-umapi.yml', {
      ...jwtConfig({}, {}),
      enterprise: { ...(jwtConfig({}, {}).enterprise as object), client_secert: 'typo' },
    });

    const result = await runCli(['token', '--config', config]);

    expect(result.stderr).toContain('enterprise.client_secert is not used by umapi');
    expect(result.exitCode).toBe(0);
  });
});

describe.concurrent('umapi usage', () => {
  it.for([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['users', '--colour'], 'unknown option --colour'],
    [['users', '--format', 'xml'], '--format must be table, json, csv'],
    [['users', '--show'], '--show applies to umapi token only'],
    [['groups', '--group', 'Sales'], '--group applies to umapi users only'],
    [['token', '--config'], 'option --config needs a value'],
    [['status', '--json=yes'], 'option --json takes no value'],
    [['users', 'extra'], 'unexpected argument at position 2'],
    [['users', '--json', '--format', 'csv'], '--json and --format csv conflict'],
    [['groups', '--format', 'table', '--json'], '--json and --format table conflict'],
    [['users', '--org_id', 'ABC@AdobeOrg'], 'unknown option --org_id; did you mean --org-id?'],
    [['check', '--client_secret=x'], 'unknown option --client_secret; did you mean --client-secret?'],
    [['check', '--imsHost', 'x'], 'unknown option --imsHost; did you mean --ims-host?'],
    [['check', '--fake', '--org-id', 'ABC@AdobeOrg'], '--org-id cannot be combined with --fake'],
    [['users', '--fake', '--client-id', 'a', '--host', 'h'], '--client-id, --host cannot be combined with --fake'],
    [['token', '--fake', '--config', 'connector-umapi.yml'], '--config cannot be combined with --fake'],
    [['check', '--client-secret', 'p8e-first', '--client-secret=p8e-second'], '--client-secret is given more than once; give each option once'],
    [['users', '--org-id', 'A@AdobeOrg', '--host', 'h1', '--org-id', 'B@AdobeOrg', '--host', 'h2'], '--org-id, --host are given more than once'],
    [['check', '-c', 'a.yml', '--config', 'b.yml'], '--config is given more than once'],
  ] as [string[], string][])('exits 2 for %j', async ([args, message], { expect }) => {
    const result = await runCli(args);

    expect(result.stderr).toContain(`umapi: ${message}`);
    expect(result.stderr).not.toContain('p8e-');
    expect(result.stderr).toContain('--help" for usage');
    expect(result.stdout).toBe('');
    expect(result.exitCode).toBe(2);
  });

  it('exits 2 without a command', async ({ expect }) => {
    const result = await runCli([]);

    expect(result.stderr).toContain('Usage: umapi <command> [options]');
    expect(result.exitCode).toBe(2);
  });

  it('prints global help', async ({ expect }) => {
    const result = await runCli(['--help']);

    for (const text of ['check', 'token', 'status', 'users', 'groups', 'UMAPI_CLIENT_SECRET', '--config', 'Exit codes']) {
      expect(result.stdout).toContain(text);
    }
    expect(result.exitCode).toBe(0);
  });

  it.for([
    ['check', 'never prints a secret'],
    ['token', '--show'],
    ['status', 'server status'],
    ['users', '--group NAME'],
    ['groups', '--format'],
  ] as [string, string][])('prints help for %s', async ([command, text], { expect }) => {
    const result = await runCli([command, '--help']);

    expect(result.stdout).toContain(`Usage: umapi ${command}`);
    expect(result.stdout).toContain(text);
    expect(result.exitCode).toBe(0);
  });

  it('prints the version', async ({ expect }) => {
    const result = await runCli(['--version']);

    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect(result.exitCode).toBe(0);
  });
});

describe('umapi configuration output', () => {
  it('prints no secret', () => {
    expect(transcripts.length).toBeGreaterThan(20);

    for (const { args, result } of transcripts) {
      for (const secret of fixtures.secrets()) {
        expect(`${result.stdout}\n${result.stderr}`, `umapi ${args.join(' ')}`).not.toContain(secret);
      }
    }
  });
});
