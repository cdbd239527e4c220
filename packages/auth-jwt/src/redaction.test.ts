import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { type FakeIms, type JwtCredentials, startFakeIms } from '@umapi/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWTAuth } from './jwt-auth.js';

let ims: FakeIms;

beforeAll(async () => {
  ims = await startFakeIms();
});

afterAll(async () => {
  await ims.close();
});

/** Fragments that must never appear: the secret, the passphrase and pieces of the key. */
function secretFragments(credentials: JwtCredentials, extra: string[] = []): string[] {
  const keyLines = credentials.privateKey
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('-----'));
  return [
    credentials.clientSecret,
    ...(credentials.passphrase ? [credentials.passphrase] : []),
    ...keyLines.map((line) => line.slice(0, 24)),
    ...extra,
  ];
}

function expectNoSecret(text: string, fragments: string[]): void {
  for (const fragment of fragments) {
    expect(text).not.toContain(fragment);
  }
}

describe('JWTAuth redaction', () => {
  it('shows only IDs in inspect and JSON', async () => {
    const credentials = await ims.createJwtCredentials({ keyFormat: 'encrypted-pkcs8' });
    const auth = new JWTAuth(credentials);
    const { token } = await auth.getAccessToken();
    const fragments = secretFragments(credentials, [token]);

    expect(JSON.parse(JSON.stringify(auth))).toEqual({
      orgId: credentials.orgId,
      clientId: credentials.clientId,
      techAcctId: credentials.techAcctId,
      authHost: ims.url,
    });
    for (const text of [
      inspect(auth),
      inspect(auth, { showHidden: true, depth: Number.POSITIVE_INFINITY, getters: true }),
      JSON.stringify(auth),
      JSON.stringify({ auth }),
      String(Object.entries(auth)),
    ]) {
      expectNoSecret(text, fragments);
    }

    expect(inspect(auth)).toContain(credentials.techAcctId);
    expect(inspect(auth)).toMatch(/^JWTAuth /);
  });

  it('keeps secrets out of IMS errors', async () => {
    const credentials = await ims.createJwtCredentials();
    const wrongSecret = 'p8e-wrong-but-still-secret';
    const auth = new JWTAuth({ ...credentials, clientSecret: wrongSecret });

    const error = await auth.getAccessToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    const fragments = secretFragments({ ...credentials, clientSecret: wrongSecret });
    expectNoSecret(String(error), fragments);
    expectNoSecret(inspect(error, { depth: Number.POSITIVE_INFINITY }), fragments);
    expectNoSecret(JSON.stringify(error), fragments);
  });

  it('keeps secrets out of clock-skew errors', async () => {
    const credentials = await ims.createJwtCredentials();
    const auth = new JWTAuth(credentials);
    ims.setNow(Date.now() + 10 * 60_000);
    ims.failNext({
      status: 400,
      body: { error: 'invalid_token', error_description: 'JWT token is expired' },
      times: 2,
    });

    try {
      const error = await auth.getAccessToken().catch((caught: unknown) => caught);
      expect(String(error)).toMatch(/local clock/);
      expectNoSecret(
        inspect(error, { depth: Number.POSITIVE_INFINITY }),
        secretFragments(credentials),
      );
    } finally {
      ims.setNow(Date.now());
    }
  });

  it('keeps secrets out of configuration errors', async () => {
    const credentials = await ims.createJwtCredentials({ keyFormat: 'encrypted-pkcs8' });
    const fragments = secretFragments(credentials);
    const attempts = [
      { ...credentials, passphrase: 'wrong' },
      { ...credentials, orgId: 'no-suffix', clientSecret: `${credentials.clientSecret} x` },
      { ...credentials, privateKey: credentials.privateKey.slice(0, 400) },
      { ...credentials, priv_key_data: credentials.privateKey },
    ];

    for (const options of attempts) {
      const error = (() => {
        try {
          new JWTAuth(options as never);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();

      expect(error).toBeInstanceOf(Error);
      expectNoSecret(inspect(error, { depth: Number.POSITIVE_INFINITY }), fragments);
      expectNoSecret(JSON.stringify(error), fragments);
    }
  });

  it('writes no secret to NODE_DEBUG output', () => {
    // debuglog reads NODE_DEBUG when the process starts, so the check runs in
    // a child vitest process started with NODE_DEBUG=umapi.
    const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
    const vitestBin = join(
      dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
      'vitest.mjs',
    );
    const child = spawnSync(
      process.execPath,
      [vitestBin, 'run', '--config', 'vitest.debug.config.ts', '--reporter', 'dot'],
      {
        cwd: packageDirectory,
        env: { ...process.env, NODE_DEBUG: 'umapi', CI: '1' },
        encoding: 'utf8',
      },
    );

    expect(child.stdout + child.stderr).toMatch(/1 passed/);
    expect(child.status).toBe(0);
  });
});
