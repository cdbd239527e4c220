import type { JWTPayload } from 'jose';

/** Inputs of one assertion. `nowMs` is epoch milliseconds and `lifetimeMs` a duration in milliseconds. */
export interface AssertionClaimsInput {
  /** The IMS origin, such as `https://ims-na1.adobelogin.com`. */
  origin: string;
  orgId: string;
  techAcctId: string;
  clientId: string;
  metascopes: readonly string[];
  /** The current time as epoch milliseconds, already corrected for known clock skew. */
  nowMs: number;
  /** Lifetime of the assertion, in milliseconds. */
  lifetimeMs: number;
}

/**
 * Builds the claims IMS expects in a service-account assertion: `iss` (org ID),
 * `sub` (technical account ID), `aud` (`<origin>/c/<client ID>`), `iat`, `exp`
 * (in seconds, as JWT requires) and one `<origin>/s/<metascope>: true` claim
 * per metascope.
 */
export function buildAssertionClaims(input: AssertionClaimsInput): JWTPayload {
  const issuedAt = Math.floor(input.nowMs / 1000);

  // Rounded down so the assertion never outlives the requested lifetime.
  const expiresAt = Math.floor((input.nowMs + input.lifetimeMs) / 1000);

  const claims: JWTPayload = {
    iss: input.orgId,
    sub: input.techAcctId,
    aud: `${input.origin}/c/${input.clientId}`,
    iat: issuedAt,
    exp: expiresAt,
  };

  for (const metascope of input.metascopes) {
    claims[`${input.origin}/s/${metascope}`] = true;
  }

  return claims;
}
