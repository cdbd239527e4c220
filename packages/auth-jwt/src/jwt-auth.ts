import { inspect } from 'node:util';
import {
  type AccessToken,
  type Authenticator,
  buildEndpointUrl,
  createAuthenticator,
  createTransport,
  debug,
  type GetTokenOptions,
  ImsError,
  requestImsToken,
  type Transport,
} from '@umapi/auth-core';
import { signAssertion } from './assertion.js';

import { buildAssertionClaims } from './claims.js';
import { ClockSkew, createClockSkewError, describeOffset } from './clock-skew.js';
import { type JWTAuthOptions, type JWTAuthSettings, resolveJwtAuthOptions } from './options.js';

/**
 * Authenticates as an Adobe service account (JWT credential): signs an RS256
 * assertion with the credential's private key and exchanges it at IMS for an
 * access token, which is cached and refreshed before it expires.
 *
 * NOTE: Adobe retired service-account (JWT) credentials. End of life was
 * 30 June 2025, and by 1 March 2026 the remaining ones were converted to
 * OAuth server-to-server credentials with the same client ID. New integrations
 * should use `OAuthS2S` from `@umapi/auth-oauth`.
 *
 * @example
 * ```ts
 * const auth = new JWTAuth({
 *   orgId: process.env.UMAPI_ORG_ID!,
 *   clientId: process.env.UMAPI_CLIENT_ID!,
 *   clientSecret: process.env.UMAPI_CLIENT_SECRET!,
 *   techAcctId: process.env.UMAPI_TECH_ACCT_ID!,
 *   privateKey: readFileSync('private.key'),
 * });
 * const { token } = await auth.getAccessToken();
 * ```
 */
export class JWTAuth implements Authenticator {
  /** The client ID (API key), sent as `x-api-key` on UMAPI calls. */
  readonly clientId: string;
  /** The org ID, ending in `@AdobeOrg`. */
  readonly orgId: string;
  /** The technical account ID. */
  readonly techAcctId: string;
  /** The IMS origin the assertion is exchanged at, such as `https://ims-na1.adobelogin.com`. */
  readonly authHost: string;

  readonly #settings: JWTAuthSettings;
  readonly #endpointUrl: string;
  readonly #transport: Transport;
  readonly #cache: Authenticator & { invalidate(): void };
  readonly #clock = new ClockSkew();

  /**
   * Validates every option and parses the private key, so a bad configuration
   * fails here rather than at the first request.
   *
   * @throws ConfigurationError listing every missing, invalid or unknown option
   *   (Python-style names such as `priv_key_data` are named with the option to use).
   */
  constructor(options: JWTAuthOptions) {
    const settings = resolveJwtAuthOptions(options);
    this.#settings = settings;
    this.clientId = settings.clientId;
    this.orgId = settings.orgId;
    this.techAcctId = settings.techAcctId;
    this.authHost = settings.authOrigin;
    this.#endpointUrl = buildEndpointUrl(settings.authOrigin, settings.authEndpoint, { trailingSlash: true });
    this.#transport = createTransport({
      sslVerify: settings.sslVerify,
      ca: settings.ca,
      fetch: settings.fetch,
    });
    this.#cache = createAuthenticator({
      clientId: settings.clientId,
      orgId: settings.orgId,
      refreshWindowMs: settings.refreshWindowMs,
      expiryMarginMs: settings.expiryMarginMs,
      fetchToken: (signal) => this.#exchange(signal),
    });
  }

  /**
   * Returns a valid access token, from the cache when possible. Concurrent
   * callers share one exchange.
   *
   * @throws ImsError when IMS rejects the exchange; `code` is the IMS error, such as `invalid_client`.
   * @throws NetworkError, CertificateError, ProxyError or TimeoutError when IMS cannot be reached.
   */
  getAccessToken(options?: GetTokenOptions): Promise<AccessToken> {
    return this.#cache.getAccessToken(options);
  }

  /** Drops the cached access token, so the next call exchanges a new one (for example after a 401). */
  invalidate(): void {
    this.#cache.invalidate();
  }

  /** Closes the HTTP agents of this authenticator. The cached token stays usable. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  /** Returns the identifying fields only: never the client secret, key or token. */
  toJSON(): {
    /** The org ID. */
    orgId: string;
    /** The client ID. */
    clientId: string;
    /** The technical account ID. */
    techAcctId: string;
    /** The IMS origin, such as `https://ims-na1.adobelogin.com`. */
    authHost: string;
  } {
    return {
      orgId: this.orgId,
      clientId: this.clientId,
      techAcctId: this.techAcctId,
      authHost: this.authHost,
    };
  }

  /** Formats the authenticator for `util.inspect` with the same fields as {@link JWTAuth.toJSON}. */
  [inspect.custom](depth: number, options: Parameters<typeof inspect>[1]): string {
    return `JWTAuth ${inspect(this.toJSON(), { ...options, depth })}`;
  }

  async #exchange(signal?: AbortSignal): Promise<AccessToken> {
    try {
      return await this.#exchangeAt(this.#clock.offsetMs, signal);
    } catch (error) {
      const offsetMs = this.#clock.proposeCorrection(error);
      if (offsetMs === undefined) {
        throw error;
      }

      debug(
        'IMS rejected the JWT assertion (%s); the local clock is %s, signing again',
        (error as ImsError).code,
        describeOffset(offsetMs),
      );
      return this.#retryWithOffset(offsetMs, signal);
    }
  }

  async #retryWithOffset(offsetMs: number, signal?: AbortSignal): Promise<AccessToken> {
    try {
      const token = await this.#exchangeAt(offsetMs, signal);
      this.#clock.accept(offsetMs);
      return token;
    } catch (error) {
      if (error instanceof ImsError) {
        throw createClockSkewError(error, offsetMs);
      }

      throw error;
    }
  }

  async #exchangeAt(offsetMs: number, signal?: AbortSignal): Promise<AccessToken> {
    const settings = this.#settings;
    const claims = buildAssertionClaims({
      origin: settings.authOrigin,
      orgId: settings.orgId,
      techAcctId: settings.techAcctId,
      clientId: settings.clientId,
      metascopes: settings.metascopes,
      nowMs: Date.now() + offsetMs,
      lifetimeMs: settings.jwtLifetimeMs,
    });
    const assertion = await signAssertion(claims, settings.privateKey);

    debug('exchanging a JWT assertion for client %s at %s', settings.clientId, this.#endpointUrl);
    const response = await requestImsToken({
      url: this.#endpointUrl,
      form: {
        client_id: settings.clientId,
        client_secret: settings.clientSecret,
        jwt_token: assertion,
      },
      // The JWT exchange reports `expires_in` in milliseconds, unlike the OAuth endpoints.
      expiresInUnit: 'milliseconds',
      transport: this.#transport,
      timeoutMs: settings.timeout,
      signal,
    });

    return { token: response.token, expiresAt: response.expiresAt };
  }
}
