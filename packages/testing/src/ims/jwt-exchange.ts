import { verify } from 'node:crypto';
import { checkClient } from './client-check.js';
import type { JwtClient } from './clients.js';
import { parseJwt } from './jwt-parts.js';
import { imsError, type TokenEndpointContext, type TokenOutcome } from './outcome.js';

/** Maximum time IMS accepts between a JWT's issue and its `exp`: 24 hours. */
export const MAX_JWT_LIFETIME_SECONDS = 24 * 60 * 60;

/**
 * Runs the JWT (service account) exchange on a parsed form. The checks run in
 * the order IMS runs them, so a request with several faults gets the error for
 * the first, as it would at Adobe.
 */
export async function exchangeJwt(
  fields: Map<string, string>,
  context: TokenEndpointContext,
): Promise<TokenOutcome> {
  const clientId = fields.get('client_id');
  const clientSecret = fields.get('client_secret');
  const jwtToken = fields.get('jwt_token');

  const checked = checkClient(context.registry.jwt, clientId, clientSecret, [
    ['jwt_token', jwtToken],
  ]);
  if ('rejection' in checked) return checked.rejection;
  const { client } = checked;

  const rejection = checkAssertion(jwtToken!, client, context);
  if (rejection) return { ...rejection, clientId: client.clientId };

  await context.issuer.ready();
  const accessToken = context.issuer.issue({
    clientId: client.clientId,
    orgId: client.orgId,
    userId: client.techAcctId,
    scopes: client.metascopes,
    createdAt: context.nowMs,
    lifetimeMs: context.tokenLifetimeMs,
  });

  return {
    status: 200,
    clientId: client.clientId,
    scopes: client.metascopes,
    // The JWT exchange reports expires_in in milliseconds, unlike the OAuth endpoints.
    body: { token_type: 'bearer', access_token: accessToken, expires_in: context.tokenLifetimeMs },
  };
}

function checkAssertion(
  jwtToken: string,
  client: JwtClient,
  context: TokenEndpointContext,
): TokenOutcome | undefined {
  const parsed = parseJwt(jwtToken);
  if (!parsed) {
    return imsError(400, 'invalid_token', 'Cannot parse the jwt_token: it is not a compact JWS');
  }

  if (parsed.header.alg !== 'RS256') {
    return imsError(
      400,
      'invalid_signature',
      `JWT algorithm ${String(parsed.header.alg)} is not supported. Sign with RS256.`,
    );
  }

  const signatureValid = verify(
    'sha256',
    Buffer.from(parsed.signingInput),
    client.publicKey,
    parsed.signature,
  );
  if (!signatureValid) {
    return imsError(
      400,
      'invalid_signature',
      'JWT signature does not match the public key registered for this client',
    );
  }

  const { payload } = parsed;
  const nowSeconds = context.nowMs / 1000;
  const exp = payload.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    return imsError(400, 'invalid_token', 'JWT is missing the numeric exp claim');
  }
  if (exp * 1000 <= context.nowMs - context.clockToleranceMs) {
    return imsError(400, 'invalid_token', 'JWT token is expired');
  }

  // A client whose clock runs ahead signs an assertion that is not valid yet.
  const notYetValid = futureClaim(payload, context);
  if (notYetValid) {
    return imsError(
      400,
      'invalid_token',
      `JWT not yet valid: its ${notYetValid} claim is later than the server time plus the clock tolerance`,
    );
  }

  if (payload.iss !== client.orgId) {
    return imsError(
      400,
      'invalid_token',
      'JWT iss claim does not match the organization of this client',
    );
  }

  if (payload.sub !== client.techAcctId) {
    return imsError(
      400,
      'invalid_token',
      'JWT sub claim does not match the technical account of this client',
    );
  }

  const audiences = context.acceptedOrigins.map((origin) => `${origin}/c/${client.clientId}`);
  if (typeof payload.aud !== 'string' || !audiences.includes(payload.aud)) {
    return imsError(400, 'invalid_token', 'JWT aud claim must be <IMS origin>/c/<client id>');
  }

  return checkMetascopes(payload, client, context, nowSeconds, exp);
}

function checkMetascopes(
  payload: Record<string, unknown>,
  client: JwtClient,
  context: TokenEndpointContext,
  nowSeconds: number,
  exp: number,
): TokenOutcome | undefined {
  const requested = requestedMetascopes(payload, context.acceptedOrigins);
  if (requested.length === 0) {
    return imsError(
      400,
      'invalid_scope',
      'JWT carries no metascope claim such as <IMS origin>/s/ent_user_sdk',
    );
  }

  const notGranted = requested.filter((metascope) => !client.metascopes.includes(metascope));
  if (notGranted.length > 0) {
    return imsError(
      400,
      'invalid_scope',
      `Metascope(s) not granted to this client: ${notGranted.join(', ')}`,
    );
  }

  const issuedAt = typeof payload.iat === 'number' ? payload.iat : nowSeconds;
  if (exp - issuedAt > MAX_JWT_LIFETIME_SECONDS + context.clockToleranceMs / 1000) {
    return imsError(400, 'invalid_token', 'JWT exp is more than 24 hours after its issue time');
  }

  return undefined;
}

/** Returns the first of `iat` and `nbf` that lies beyond the clock tolerance in the future. */
function futureClaim(
  payload: Record<string, unknown>,
  context: TokenEndpointContext,
): 'iat' | 'nbf' | undefined {
  const latestAcceptedMs = context.nowMs + context.clockToleranceMs;
  for (const claim of ['iat', 'nbf'] as const) {
    const seconds = payload[claim];
    if (typeof seconds === 'number' && seconds * 1000 > latestAcceptedMs) {
      return claim;
    }
  }
  return undefined;
}

function requestedMetascopes(payload: Record<string, unknown>, origins: string[]): string[] {
  const metascopes: string[] = [];
  for (const [claim, value] of Object.entries(payload)) {
    if (value !== true) continue;
    for (const origin of origins) {
      const prefix = `${origin}/s/`;
      if (claim.startsWith(prefix) && claim.length > prefix.length) {
        metascopes.push(claim.slice(prefix.length));
      }
    }
  }
  return metascopes;
}
