import type { KeyObject } from 'node:crypto';
import { type JWTPayload, SignJWT } from 'jose';

/** Signs assertion claims with RS256, the only algorithm the IMS JWT exchange accepts. */
export function signAssertion(claims: JWTPayload, privateKey: KeyObject): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(privateKey);
}
