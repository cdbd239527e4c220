import { afterAll, beforeAll, describe, it } from 'vitest';
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

// The server section of a config file for the fakes, as YAML text.
function serverSection(lines: string[] = []): string {
  return ['server:', `  host: '${fixtures.umapi.url}'`, `  ims_host: '${fixtures.ims.url}'`, ...lines.map((line) => `  ${line}`), ''].join('\n');
}

// Nine levels of ten aliases each expand to 10^9 values if yaml follows them all.
const ALIAS_BOMB = [
  'a: &a [x,x,x,x,x,x,x,x,x,x]',
  ...'bcdefghi'.split('').map((name, index) => {
    const previous = 'abcdefghi'[index]!;
    return `${name}: &${name} [${Array(10).fill(`*${previous}`).join(',')}]`;
  }),
  'enterprise:',
  '  org_id: *i',
  '',
].join('\n');

describe.concurrent('umapi YAML structure errors', () => {
  it.for([
    ['an alias bomb', () => ALIAS_BOMB, 'uses YAML aliases (*name) that expand into too many values, the "billion laughs" pattern'],
    ['an undefined anchor', () => `${serverSection()}enterprise:\n  client_secret: *p8eSecretAnchorName\n`, 'uses a YAML alias (*name) before its anchor (&name) is defined'],
    ['a merge of a scalar', () => `base: &p8eSecretAnchorName p8e-NotAMapping\n${serverSection()}enterprise:\n  <<: *p8eSecretAnchorName\n`, 'has a merge key (<<) whose value is not a mapping'],
  ] as [string, () => string, string][])('exits 2 for %s', async ([name, content, expected], { expect }) => {
    const config = await fixtures.writeConfig(`yaml-errors/${name.replaceAll(' ', '-')}/connector-umapi.yml`, content());

    const result = await runCli(['check', '--config', config]);

    expect(result.stderr).toContain('umapi: the configuration is invalid (1 problem)');
    expect(result.stderr).toContain(`  - --config: connector-umapi.yml ${expected}`);
    expect(result.stderr).not.toContain('p8eSecretAnchorName');
    expect(result.stderr).not.toContain('p8e-NotAMapping');
    expect(result.stderr).not.toContain('x,x');
    expect(result.stderr).not.toContain('    at ');
    expect(result.exitCode).toBe(2);
  });
});

describe.concurrent('umapi text settings written as numbers', () => {
  // YAML 1.2 reads each of these unquoted as a number or boolean. IMS must still get the text.
  // Each row has its own client ID, which YAML reads as a number too (`070` is 70), because the
  // fake IMS keeps one credential per client ID.
  it.for(['0123', '0x1F', '0o17', '1e5', '123456789012345678901234567890', '.inf', 'true', '1_000', 'yes', 'Off', '1:30'].map((secret, index) => [secret, `07${index}`]))(
    'sends client secret %s as written',
    async ([secret, clientId], { expect }) => {
      const credentials = await fixtures.ims.createOAuthCredentials({ orgId: fixtures.oauth.orgId, clientId, clientSecret: secret });
      const text = `${serverSection()}enterprise:\n  org_id: ${credentials.orgId}\n  client_id: ${clientId}\n  client_secret: ${secret}\n`;
      const config = await fixtures.writeConfig(`numeric/${secret}/connector-umapi.yml`, text);

      const result = await runCli(['token', '--config', config]);

      expect(result.stderr).not.toContain('invalid');
      expect(result.exitCode).toBe(0);
    },
  );

  it('shows a numeric client ID as written', async ({ expect }) => {
    const credentials = await fixtures.ims.createOAuthCredentials({ orgId: fixtures.oauth.orgId, clientId: '0x1F', clientSecret: 'p8e-secret-for-hex-id' });
    const text = `${serverSection()}enterprise:\n  org_id: ${credentials.orgId}\n  client_id: 0x1F\n  client_secret: ${credentials.clientSecret}\n`;
    const config = await fixtures.writeConfig('numeric-id/connector-umapi.yml', text);

    const result = await runCli(['check', '--config', config]);

    expect(result.stdout).toMatch(/Client ID +0x1F {2}\(enterprise\.client_id in connector-umapi\.yml\)/);
    expect(result.exitCode).toBe(0);
  });

  it('keeps User Sync Tool numbers and booleans', async ({ expect }) => {
    const { oauth } = fixtures;
    const text = `${serverSection(['timeout: 120', 'retries: 3', 'ssl_verify: False'])}enterprise:\n  org_id: ${oauth.orgId}\n  client_id: ${oauth.clientId}\n  client_secret: ${oauth.clientSecret}\n`;
    const config = await fixtures.writeConfig('ust-values/connector-umapi.yml', text);

    const result = await runCli(['check', '--config', config]);

    expect(result.stderr).not.toContain('server.');
    expect(result.exitCode).toBe(0);
  });

  it('rejects a number written as text for timeout', async ({ expect }) => {
    const config = await fixtures.writeConfig('quoted-timeout/connector-umapi.yml', `${serverSection(["timeout: '120'"])}`);

    const result = await runCli(['check', '--config', config]);

    expect(result.stderr).toContain('  - server.timeout in connector-umapi.yml: must be a number of seconds');
    expect(result.exitCode).toBe(2);
  });
});

describe.concurrent('umapi YAML merge keys', () => {
  it('merges an anchor into enterprise', async ({ expect }) => {
    const { oauth } = fixtures;
    const text = [
      `shared: &shared {org_id: ${oauth.orgId}, client_id: ${oauth.clientId}}`,
      serverSection(),
      'enterprise:',
      '  <<: *shared',
      `  client_secret: ${oauth.clientSecret}`,
      '',
    ].join('\n');
    const config = await fixtures.writeConfig('merge/connector-umapi.yml', text);

    const result = await runCli(['check', '--config', config]);

    expect(result.stdout).toContain(`Org ID         ${oauth.orgId}  (enterprise.org_id in connector-umapi.yml)`);
    expect(result.stderr).not.toContain('<<');
    expect(result.stderr).not.toContain('warning');
    expect(result.exitCode).toBe(0);
  });

  it('lets keys of the section win over merged ones', async ({ expect }) => {
    const { oauth } = fixtures;
    const text = [
      `shared: &shared {org_id: ${oauth.orgId}, client_id: ${oauth.clientId}, client_secret: p8e-stale-secret}`,
      serverSection(),
      'enterprise:',
      '  <<: *shared',
      `  client_secret: ${oauth.clientSecret}`,
      '',
    ].join('\n');
    const config = await fixtures.writeConfig('merge-override/connector-umapi.yml', text);

    const result = await runCli(['token', '--config', config]);

    expect(result.exitCode).toBe(0);
  });
});
