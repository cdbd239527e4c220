// Checks the promises of docs/migrating-from-python.md that a half-converted
// configuration fails at start-up: Python option names and a plain credentials
// dictionary are rejected with the name or the set-up to use instead.
import { ConfigurationError } from '@umapi/auth-core';
import { JWTAuth } from '@umapi/auth-jwt';
import { OAuthS2S } from '@umapi/auth-oauth';
import { Connection } from '@umapi/connection';
import { type FakeIms, startFakeIms } from '@umapi/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let ims: FakeIms;

beforeAll(async () => {
  ims = await startFakeIms();
});

afterAll(async () => {
  await ims?.close();
});

/** Runs `build` and returns the ConfigurationError it throws. */
function configurationError(build: () => unknown): ConfigurationError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }

  throw new Error('expected a ConfigurationError, but nothing was thrown');
}

/** The problem reported for `field`, or undefined. */
function problemFor(error: ConfigurationError, field: string): string | undefined {
  return error.problems.find((problem) => problem.field === field)?.message;
}

describe('Python names', () => {
  it('rejects a plain credentials dictionary as auth', () => {
    const error = configurationError(
      () =>
        new Connection({
          auth: { client_id: 'id', client_secret: 'a-client-secret' } as never,
          orgId: '12345@AdobeOrg',
        }),
    );

    expect(problemFor(error, 'auth')).toMatch(/new OAuthS2S/);
    expect(error.message).not.toContain('a-client-secret');
  });

  const connectionNames: Array<[string, unknown, RegExp]> = [
    ['org_id', '12345@AdobeOrg', /orgId/],
    ['test_mode', true, /testMode/],
    ['timeout_seconds', 120, /timeout.*milliseconds/],
    ['retry_max_attempts', 4, /maxRetries/],
    ['user_agent', 'sync/1.0', /userAgent/],
    ['ssl_verify', false, /sslVerify/],
    ['ims_host', 'ims-na1.adobelogin.com', /authHost/],
  ];

  for (const [name, value, hint] of connectionNames) {
    it(`names the Connection option to use instead of ${name}`, async () => {
      const auth = new OAuthS2S(await ims.createOAuthCredentials());

      const error = configurationError(() => new Connection({ auth, [name]: value } as never));

      expect(problemFor(error, name)).toMatch(hint);
    });
  }

  it('names the JWTAuth options to use instead of Python ones', async () => {
    const { orgId, clientId, clientSecret, techAcctId, privateKey } =
      await ims.createJwtCredentials();

    const error = configurationError(
      () =>
        new JWTAuth({
          org_id: orgId,
          client_id: clientId,
          client_secret: clientSecret,
          tech_acct_id: techAcctId,
          priv_key_data: privateKey,
        } as never),
    );

    const text = error.problems.map((problem) => `${problem.field}: ${problem.message}`).join('\n');
    for (const name of ['orgId', 'clientId', 'clientSecret', 'techAcctId', 'privateKey']) {
      expect(text).toContain(name);
    }
    expect(error.message).not.toContain(privateKey);
    expect(error.message).not.toContain(clientSecret);
  });

  it('names the OAuthS2S options to use instead of Python ones', () => {
    const error = configurationError(
      () => new OAuthS2S({ client_id: 'id', client_secret: 'a-client-secret' } as never),
    );

    expect(problemFor(error, 'client_id')).toMatch(/clientId/);
    expect(problemFor(error, 'client_secret')).toMatch(/clientSecret/);
    expect(error.message).not.toContain('a-client-secret');
  });
});
