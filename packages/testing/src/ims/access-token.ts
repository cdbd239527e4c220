import { generateKeyPair, type KeyObject, randomUUID, sign, verify } from 'node:crypto';
import { promisify } from 'node:util';
import { encodeJsonPart, parseJwt } from './jwt-parts.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** The grant of a valid token, as `verifyAccessToken` returns it. */
export interface AccessTokenInfo {
  /** The client ID the token was issued to. */
  clientId: string;
  /** The org of the client the token was issued to, when known. */
  orgId?: string;
  /** Scopes (OAuth) or metascopes (JWT) the token grants. */
  scopes: string[];
  /** Expiry as epoch milliseconds on the fake's clock. */
  expiresAt: number;
}

/** The claims the fake puts into a new access token. */
export interface AccessTokenGrant {
  clientId: string;
  orgId: string | undefined;
  /** The technical account ID, for tokens from the JWT exchange. */
  userId: string | undefined;
  scopes: string[];
  /** Issue time as epoch milliseconds on the fake's clock. */
  createdAt: number;
  lifetimeMs: number;
}

const KEY_ID = 'fake-ims-key-at-1';

/**
 * The RSA key that signs access tokens, generated once per process on first
 * use: generating a 2048-bit key costs tens to hundreds of milliseconds, and
 * test suites start many fakes.
 */
let sharedSigningKey: Promise<{ privateKey: KeyObject; publicKey: KeyObject }> | undefined;

/**
 * Issues and verifies access tokens. Tokens are RS256 JWTs with the claims
 * clients decode from real IMS tokens (`client_id`, and `created_at` and
 * `expires_in` as strings of milliseconds). The `as` claim names this fake
 * instance, so a token from another fake fails verification here even though
 * the fakes of one process share a signing key.
 */
export class AccessTokenIssuer {
  readonly #authorizationServer = `ims-fake-${randomUUID()}`;
  #privateKey: KeyObject | undefined;
  #publicKey: KeyObject | undefined;

  /** Loads the signing key, generating it on the first call in the process. */
  async ready(): Promise<void> {
    sharedSigningKey ??= generateKeyPairAsync('rsa', { modulusLength: 2048 });
    const pair = await sharedSigningKey;
    this.#privateKey = pair.privateKey;
    this.#publicKey = pair.publicKey;
  }

  /** Signs a new access token. Call {@link ready} first. */
  issue(grant: AccessTokenGrant): string {
    if (!this.#privateKey) throw new Error('AccessTokenIssuer.issue() called before ready().');

    const header = { alg: 'RS256', typ: 'JWT', kid: KEY_ID, itt: 'at' };
    const payload: Record<string, unknown> = {
      id: randomUUID(),
      type: 'access_token',
      client_id: grant.clientId,
      user_id: grant.userId ?? `${grant.clientId}@AdobeID`,
      as: this.#authorizationServer,
      scope: grant.scopes.join(','),
      created_at: String(grant.createdAt),
      expires_in: String(grant.lifetimeMs),
    };
    if (grant.orgId !== undefined) payload.org = grant.orgId;

    const signingInput = `${encodeJsonPart(header)}.${encodeJsonPart(payload)}`;
    const signature = sign('sha256', Buffer.from(signingInput), this.#privateKey);
    return `${signingInput}.${signature.toString('base64url')}`;
  }

  /** Verifies a token this issuer signed and returns its grant, or `null` when invalid or expired at `nowMs`. */
  verify(token: string, nowMs: number): AccessTokenInfo | null {
    if (typeof token !== 'string' || !this.#publicKey) return null;

    const parsed = parseJwt(token);
    if (parsed?.header.alg !== 'RS256') return null;

    const signatureValid = verify(
      'sha256',
      Buffer.from(parsed.signingInput),
      this.#publicKey,
      parsed.signature,
    );
    if (!signatureValid) return null;

    const { payload } = parsed;
    if (payload.as !== this.#authorizationServer) return null;

    const createdAt = Number(payload.created_at);
    const lifetimeMs = Number(payload.expires_in);
    const expiresAt = createdAt + lifetimeMs;
    if (!Number.isFinite(expiresAt) || nowMs >= expiresAt) return null;

    const info: AccessTokenInfo = {
      clientId: String(payload.client_id),
      scopes: String(payload.scope ?? '')
        .split(',')
        .filter(Boolean),
      expiresAt,
    };
    if (typeof payload.org === 'string') info.orgId = payload.org;
    return info;
  }
}
