import type { Authenticator } from './types.js';

/**
 * Tells an authenticator object apart from a plain credentials object.
 *
 * A credentials object such as `{ client_id, client_secret }` or
 * `{ clientId, clientSecret }` has no `getAccessToken` method, so it is
 * rejected: the caller must build an authenticator from it first.
 *
 * @example
 * if (!isAuthenticator(options.auth)) throw new TypeError('auth must be an authenticator');
 */
export function isAuthenticator(value: unknown): value is Authenticator {
  if (typeof value !== 'object' || value === null) {
    return false;
  }

  const candidate = value as Partial<Record<keyof Authenticator, unknown>>;
  if (typeof candidate.getAccessToken !== 'function') {
    return false;
  }

  if (typeof candidate.clientId !== 'string' || candidate.clientId.length === 0) {
    return false;
  }

  if (candidate.orgId !== undefined && typeof candidate.orgId !== 'string') {
    return false;
  }

  return candidate.invalidate === undefined || typeof candidate.invalidate === 'function';
}
