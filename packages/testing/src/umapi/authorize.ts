import type { IncomingHttpHeaders } from 'node:http';
import type { AccessTokenInfo } from '../ims/access-token.js';

/** The result of checking a request's credentials. */
export type Authorization = { ok: true; token: AccessTokenInfo } | { ok: false; message: string };

/**
 * Accepts a request only with an unexpired bearer token from `verify` (the
 * fake IMS) and an `x-api-key` equal to the token's client ID, as the Adobe
 * API gateway does.
 */
export function authorize(
  headers: IncomingHttpHeaders,
  verify: (token: string) => AccessTokenInfo | null,
): Authorization {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  if (!match) {
    return {
      ok: false,
      message: 'Missing access token: send Authorization: Bearer <access token>.',
    };
  }

  const token = verify(match[1]!);
  if (!token) {
    return { ok: false, message: 'Invalid or expired access token.' };
  }

  const apiKey = headers['x-api-key'];
  if (typeof apiKey !== 'string' || apiKey === '') {
    return {
      ok: false,
      message: 'Missing x-api-key header: send the client ID of the integration.',
    };
  }
  if (apiKey !== token.clientId) {
    return {
      ok: false,
      message: 'The x-api-key header does not match the client ID of the access token.',
    };
  }

  return { ok: true, token };
}
