import { createPublicKey, KeyObject, X509Certificate } from 'node:crypto';

/** Options of {@link FakeIms.registerJwtClient}: a service-account (JWT) integration. */
export interface RegisterJwtClientOptions {
  /** The client ID (API key) the exchange must name. */
  clientId: string;
  /** The client secret the exchange must send. */
  clientSecret: string;
  /** The org ID the JWT's `iss` claim must carry. */
  orgId: string;
  /** The technical account ID the JWT's `sub` claim must carry. */
  techAcctId: string;
  /** The RSA public key (PEM or KeyObject) that verifies the JWT. Give this or `certificate`. */
  publicKey?: string | Buffer | KeyObject;
  /** An X.509 certificate (PEM) whose RSA key verifies the JWT, as uploaded to the Adobe Developer Console. */
  certificate?: string | Buffer;
  /** Metascopes the client was granted. Default `['ent_user_sdk']`. */
  metascopes?: string[];
}

/** Options of {@link FakeIms.registerOAuthClient}: an OAuth server-to-server integration. */
export interface RegisterOAuthClientOptions {
  /** The client ID (API key) the token request must name. */
  clientId: string;
  /** The client secret the token request must send, in the form or HTTP Basic. */
  clientSecret: string;
  /** The org the client belongs to, reported by `verifyAccessToken`. */
  orgId?: string;
  /** Scopes the client was granted. Default `['openid', 'AdobeID', 'user_management_sdk']`. */
  scopes?: string[];
}

/** A registered JWT client as the fake stores it. */
export interface JwtClient {
  kind: 'jwt';
  clientId: string;
  clientSecret: string;
  orgId: string;
  techAcctId: string;
  publicKey: KeyObject;
  metascopes: string[];
}

/** A registered OAuth server-to-server client as the fake stores it. */
export interface OAuthClient {
  kind: 'oauth';
  clientId: string;
  clientSecret: string;
  orgId: string | undefined;
  scopes: string[];
}

export const DEFAULT_METASCOPES = ['ent_user_sdk'];
export const DEFAULT_OAUTH_SCOPES = ['openid', 'AdobeID', 'user_management_sdk'];

/**
 * Registered clients by client ID. One client ID can hold both a JWT and an
 * OAuth registration, as Adobe kept the client ID when it converted JWT
 * credentials to OAuth server-to-server.
 */
export class ClientRegistry {
  readonly jwt = new Map<string, JwtClient>();
  readonly oauth = new Map<string, OAuthClient>();

  registerJwt(options: RegisterJwtClientOptions): JwtClient {
    requireStrings(
      options,
      ['clientId', 'clientSecret', 'orgId', 'techAcctId'],
      'registerJwtClient',
    );
    const client: JwtClient = {
      kind: 'jwt',
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      orgId: options.orgId,
      techAcctId: options.techAcctId,
      publicKey: toRsaPublicKey(options),
      metascopes: [...(options.metascopes ?? DEFAULT_METASCOPES)],
    };
    this.jwt.set(client.clientId, client);
    return client;
  }

  registerOAuth(options: RegisterOAuthClientOptions): OAuthClient {
    requireStrings(options, ['clientId', 'clientSecret'], 'registerOAuthClient');
    const client: OAuthClient = {
      kind: 'oauth',
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      orgId: options.orgId,
      scopes: [...(options.scopes ?? DEFAULT_OAUTH_SCOPES)],
    };
    this.oauth.set(client.clientId, client);
    return client;
  }
}

function requireStrings(options: object, names: string[], method: string): void {
  const record = options as Record<string, unknown>;
  const missing = names.filter((name) => typeof record[name] !== 'string' || record[name] === '');
  if (missing.length > 0) {
    throw new TypeError(
      `${method}() is missing ${missing.join(', ')}: pass each as a non-empty string.`,
    );
  }
}

function isKeyObject(value: unknown): value is KeyObject {
  return value instanceof KeyObject;
}

function toRsaPublicKey(options: RegisterJwtClientOptions): KeyObject {
  if (options.publicKey !== undefined && options.certificate !== undefined) {
    throw new TypeError('registerJwtClient() takes publicKey or certificate, not both.');
  }

  let key: KeyObject;
  if (options.certificate !== undefined) {
    key = new X509Certificate(options.certificate).publicKey;
  } else if (options.publicKey !== undefined) {
    const given = options.publicKey;
    key = isKeyObject(given) && given.type === 'public' ? given : createPublicKey(given as string);
  } else {
    throw new TypeError(
      'registerJwtClient() needs publicKey (PEM or KeyObject) or certificate (PEM).',
    );
  }

  if (key.asymmetricKeyType !== 'rsa') {
    throw new TypeError(
      `registerJwtClient() needs an RSA key because IMS verifies RS256 only, got ${String(key.asymmetricKeyType)}.`,
    );
  }
  return key;
}
