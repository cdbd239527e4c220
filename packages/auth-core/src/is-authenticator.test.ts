import { describe, expect, it } from 'vitest';
import { isAuthenticator } from './is-authenticator.js';
import { createAuthenticator } from './token-cache.js';
import type { AccessToken, Authenticator } from './types.js';

class HandWrittenAuth implements Authenticator {
  readonly clientId = 'client';
  async getAccessToken(): Promise<AccessToken> {
    return { token: 'token', expiresAt: Date.now() + 60_000 };
  }
}

const getAccessToken = async () => ({ token: 'token', expiresAt: 0 });

describe('isAuthenticator', () => {
  it.each([
    ['snake_case credentials', { client_id: 'id', client_secret: 'secret', org_id: 'org' }, false],
    ['camelCase credentials', { clientId: 'id', clientSecret: 'secret' }, false],
    ['a string', 'client-id', false],
    ['null', null, false],
    ['undefined', undefined, false],
    ['a function', () => undefined, false],
    ['no clientId', { getAccessToken }, false],
    ['an empty clientId', { clientId: '', getAccessToken }, false],
    ['a numeric orgId', { clientId: 'id', orgId: 42, getAccessToken }, false],
    ['a non-function invalidate', { clientId: 'id', getAccessToken, invalidate: true }, false],
    ['a hand-written object', { clientId: 'id', getAccessToken }, true],
    [
      'a hand-written object with orgId and invalidate',
      { clientId: 'id', orgId: 'o@AdobeOrg', getAccessToken, invalidate() {} },
      true,
    ],
    ['a class instance', new HandWrittenAuth(), true],
    [
      'createAuthenticator',
      createAuthenticator({ clientId: 'id', fetchToken: getAccessToken }),
      true,
    ],
  ])('%s gives %s', (_name, value, expected) => {
    expect(isAuthenticator(value)).toBe(expected);
  });
});
