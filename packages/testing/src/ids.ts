import { randomBytes, randomUUID } from 'node:crypto';

/** Returns `byteCount` random bytes as lowercase hex. */
export function randomHex(byteCount: number): string {
  return randomBytes(byteCount).toString('hex');
}

/** Creates an org ID in Adobe's shape: 24 hex digits and `@AdobeOrg`. */
export function newOrgId(): string {
  return `${randomHex(12).toUpperCase()}@AdobeOrg`;
}

/** Creates a technical account ID in Adobe's shape: 24 hex digits and `@techacct.adobe.com`. */
export function newTechAcctId(): string {
  return `${randomHex(12).toUpperCase()}@techacct.adobe.com`;
}

/** Creates a client ID (API key): 32 hex digits, as the Adobe Developer Console issues them. */
export function newClientId(): string {
  return randomHex(16);
}

/** Creates a client secret with the `p8e-` prefix of current Adobe secrets. */
export function newClientSecret(): string {
  return `p8e-${randomBytes(24).toString('base64url')}`;
}

/** Creates a request ID for the `x-debug-id` header and action results. */
export function newRequestId(): string {
  return randomUUID();
}
