/** Visible ASCII without spaces, the characters an `Authorization: Bearer` value can carry. */
const BEARER_TOKEN = /^[\x21-\x7e]+$/;

/**
 * Checks whether an access token can be sent as `Authorization: Bearer <token>`.
 *
 * @remarks
 * A token with a space, a line break or a non-ASCII character makes the
 * `Headers` constructor throw an error that quotes the whole header, token
 * included. Checking first lets a caller raise an error that names the
 * problem and leaves the token out.
 *
 * @param token - The access token to check.
 * @returns `true` for a non-empty string of visible ASCII characters.
 *
 * @example
 * ```ts
 * isSendableToken('eyJhbGciOiJSUzI1NiJ9.e30.c2ln'); // true
 * isSendableToken('line\nbreak'); // false
 * ```
 */
export function isSendableToken(token: string): boolean {
  return BEARER_TOKEN.test(token);
}
