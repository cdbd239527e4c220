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

const SECRET = 'p8e-Zq7Lw2Xk9Rt4Vb6Nm1Hc3Jd5Fg8Sa0';
const TOKEN_LIKE = 'eyJhbGciOiJSUzI1NiIsIng1dSI6Imltc19uYTEta2V5'; // Not a real token.

// The JWT private key of the fixtures, whose lines must never reach any output.
function pem(): string {
  return fixtures.jwt.privateKey;
}

// Each row: the setting, how to set it, and the field the error must name.
const CASES: [string, () => { env?: Record<string, string>; config?: Record<string, unknown> }, string][] = [
  ['a PEM in server.endpoint', () => ({ config: { endpoint: pem() } }), 'server.endpoint in connector-umapi.yml'],
  ['a PEM in server.host', () => ({ config: { host: pem() } }), 'server.host in connector-umapi.yml'],
  ['a PEM in server.ims_host', () => ({ config: { ims_host: pem() } }), 'server.ims_host in connector-umapi.yml'],
  ['two lines in server.endpoint', () => ({ config: { endpoint: '/v2/usermanagement\n/v2/other' } }), 'server.endpoint in connector-umapi.yml'],
  ['a secret in server.endpoint', () => ({ config: { endpoint: SECRET } }), 'server.endpoint in connector-umapi.yml'],
  ['a token in server.endpoint', () => ({ config: { endpoint: `/v2/${TOKEN_LIKE}` } }), 'server.endpoint in connector-umapi.yml'],
  ['a secret in server.host', () => ({ config: { host: SECRET } }), 'server.host in connector-umapi.yml'],
  ['a token path in server.host', () => ({ config: { host: `${fixtures.umapi.url}/${TOKEN_LIKE}` } }), 'server.host in connector-umapi.yml'],
  ['a secret in server.ims_host', () => ({ config: { ims_host: SECRET } }), 'server.ims_host in connector-umapi.yml'],
  ['a PEM in UMAPI_HOST', () => ({ env: { UMAPI_HOST: pem() } }), 'UMAPI_HOST'],
  ['a secret in UMAPI_IMS_HOST', () => ({ env: { UMAPI_IMS_HOST: SECRET } }), 'UMAPI_IMS_HOST'],
];

describe.concurrent('umapi host and endpoint text', () => {
  for (const json of [false, true]) {
    it.for(CASES)(`exits 2 for %s${json ? ' with --json' : ''}`, async ([name, setup, field], { expect }) => {
      const { env = {}, config } = setup();
      const args = ['check', ...(json ? ['--json'] : [])];
      if (config !== undefined) {
        const { oauth, umapi, ims } = fixtures;
        const path = await fixtures.writeConfig(`server-text/${json}/${name.replaceAll(' ', '-')}/connector-umapi.yml`, {
          server: { host: umapi.url, ims_host: ims.url, ...config },
          enterprise: { org_id: oauth.orgId, client_id: oauth.clientId, client_secret: oauth.clientSecret },
        });
        args.push('--config', path);
      }

      const result = await runCli(args, { env: config === undefined ? { ...fixtures.oauthEnv, ...env } : env });

      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(field);
      expect(result.stderr).toContain('so it is not shown');
      for (const line of pem().split('\n').filter((text) => text.length > 20)) {
        expect(result.stderr).not.toContain(line);
      }
      expect(result.stderr).not.toContain(SECRET);
      expect(result.stderr).not.toContain(TOKEN_LIKE);
      expect(result.stderr).not.toContain('BEGIN PRIVATE KEY-----\n');
    });
  }

  it('prints a valid endpoint in check', async ({ expect }) => {
    const result = await runCli(['check', '--json'], { env: fixtures.oauthEnv });

    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2\/usermanagement$/);
  });

  it('accepts a mixed-case host name', async ({ expect }) => {
    const host = fixtures.umapi.url.replace('http://127.0.0.1', 'http://LocalHost');
    const result = await runCli(['status'], { env: { ...fixtures.oauthEnv, UMAPI_HOST: host } });

    expect(result.stderr).not.toContain('not shown');
    expect(result.exitCode).toBe(0);
  });
});
