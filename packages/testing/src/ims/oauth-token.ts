import { checkClient } from './client-check.js';
import type { OAuthClient } from './clients.js';
import { imsError, type TokenEndpointContext, type TokenOutcome } from './outcome.js';

/** Client credentials taken from an `Authorization: Basic` header. */
export interface BasicCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * Runs the OAuth server-to-server `client_credentials` grant. The client may
 * authenticate with form fields or HTTP Basic, as IMS accepts both.
 */
export async function issueClientCredentialsToken(
  fields: Map<string, string>,
  basic: BasicCredentials | undefined,
  context: TokenEndpointContext,
): Promise<TokenOutcome> {
  const grantType = fields.get('grant_type');
  const clientId = fields.get('client_id') || basic?.clientId;
  const clientSecret = fields.get('client_secret') || basic?.clientSecret;

  // RFC 6749, section 2.3: a client must not use more than one authentication
  // method in a request, so a server cannot pick one of two disagreeing secrets.
  if (basic !== undefined && fields.has('client_secret')) {
    return imsError(
      400,
      'invalid_request',
      'Send the client secret either in the Authorization header or in the form, not in both',
      clientId,
    );
  }

  if (!grantType) {
    return imsError(400, 'invalid_request', 'Missing required parameter: grant_type', clientId);
  }
  if (grantType !== 'client_credentials') {
    return imsError(
      400,
      'unsupported_grant_type',
      `Grant type ${grantType} is not supported`,
      clientId,
    );
  }

  const checked = checkClient(context.registry.oauth, clientId, clientSecret);
  if ('rejection' in checked) return checked.rejection;
  const { client } = checked;

  const scopes = grantedScopes(fields.get('scope'), client);
  if ('notGranted' in scopes) {
    return imsError(
      400,
      'invalid_scope',
      `Invalid scope(s): ${scopes.notGranted.join(', ')}`,
      clientId,
    );
  }

  await context.issuer.ready();
  const accessToken = context.issuer.issue({
    clientId: client.clientId,
    orgId: client.orgId,
    userId: undefined,
    scopes: scopes.granted,
    createdAt: context.nowMs,
    lifetimeMs: context.tokenLifetimeMs,
  });

  return {
    status: 200,
    clientId: client.clientId,
    scopes: scopes.granted,
    // The OAuth endpoints report expires_in in whole seconds.
    body: {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: Math.floor(context.tokenLifetimeMs / 1000),
    },
  };
}

function grantedScopes(
  scopeField: string | undefined,
  client: OAuthClient,
): { granted: string[] } | { notGranted: string[] } {
  // IMS separates scopes with commas; spaces (RFC 6749) are accepted as well.
  const requested = (scopeField ?? '').split(/[\s,]+/).filter(Boolean);
  if (requested.length === 0) return { granted: client.scopes };

  const notGranted = requested.filter((scope) => !client.scopes.includes(scope));
  return notGranted.length > 0 ? { notGranted } : { granted: requested };
}
