import * as authCore from '@umapi/auth-core';
import { OAuthS2S } from '@umapi/auth-oauth';
import { startFakeIms, startFakeUmapi } from '@umapi/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import * as connectionPackage from './index.js';

// Each re-export beside the auth-core original, read statically.
const REEXPORTED: [string, unknown, unknown][] = [
  ['UmapiError', connectionPackage.UmapiError, authCore.UmapiError],
  ['ConfigurationError', connectionPackage.ConfigurationError, authCore.ConfigurationError],
  ['ImsError', connectionPackage.ImsError, authCore.ImsError],
  ['NetworkError', connectionPackage.NetworkError, authCore.NetworkError],
  ['CertificateError', connectionPackage.CertificateError, authCore.CertificateError],
  ['ProxyError', connectionPackage.ProxyError, authCore.ProxyError],
  ['TimeoutError', connectionPackage.TimeoutError, authCore.TimeoutError],
  ['isUmapiError', connectionPackage.isUmapiError, authCore.isUmapiError],
  ['isAuthenticator', connectionPackage.isAuthenticator, authCore.isAuthenticator],
  ['createAuthenticator', connectionPackage.createAuthenticator, authCore.createAuthenticator],
];

describe('@umapi/connection exports', () => {
  it.each(REEXPORTED)('re-exports %s from auth-core', (_name, reexported, original) => {
    expect(reexported).toBeDefined();
    expect(reexported).toBe(original);
  });

  it('throws the re-exported ConfigurationError', () => {
    const error = (() => {
      try {
        new connectionPackage.Connection({ auth: 'not an authenticator' } as never);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(connectionPackage.ConfigurationError);
    expect(error).toBeInstanceOf(connectionPackage.UmapiError);
    expect(connectionPackage.isUmapiError(error)).toBe(true);
  });

  it('catches an ImsError with the re-exports', async () => {
    const ims = await startFakeIms();
    onTestFinished(() => ims.close());
    const umapi = await startFakeUmapi({ ims });
    onTestFinished(() => umapi.close());
    const credentials = await ims.createOAuthCredentials({ orgId: umapi.orgId });
    const auth = new OAuthS2S({
      ...credentials,
      clientSecret: 'p8e-wrong-secret',
      authHost: ims.url,
    });
    const connection = new connectionPackage.Connection({
      auth,
      endpoint: umapi.url,
      rateLimits: false,
      maxRetries: 0,
    });
    onTestFinished(() => connection.close());

    const error = await connection.user('nobody@example.com').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(connectionPackage.ImsError);
    expect(connectionPackage.isUmapiError(error)).toBe(true);
    expect(connectionPackage.isAuthenticator(auth)).toBe(true);
  });

  it('builds an authenticator with the re-exported createAuthenticator', async () => {
    const auth: connectionPackage.Authenticator = connectionPackage.createAuthenticator({
      clientId: 'client-1',
      orgId: '0123456789ABCDEF01234567@AdobeOrg',
      fetchToken: async (): Promise<connectionPackage.AccessToken> => ({
        token: 'token-1',
        expiresAt: Date.now() + 3_600_000,
      }),
    });

    const connection = new connectionPackage.Connection({ auth });
    onTestFinished(() => connection.close());

    expect(connection.orgId).toBe('0123456789ABCDEF01234567@AdobeOrg');
    expect((await auth.getAccessToken()).token).toBe('token-1');
  });
});
