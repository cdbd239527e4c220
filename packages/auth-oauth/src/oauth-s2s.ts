import { inspect } from 'node:util';
import {
  type AccessToken,
  type Authenticator,
  createAuthenticator,
  createTransport,
  debug,
  type GetTokenOptions,
  requestImsToken,
  type Transport,
} from '@umapi/auth-core';
import { type OAuthS2SOptions, resolveOptions } from './options.js';

/**
 * Authenticates to UMAPI with an Adobe OAuth server-to-server credential
 * (the `client_credentials` grant). This is the credential type Adobe issues
 * today; service-account (JWT) credentials are converted to it with the same
 * client ID.
 *
 * Tokens are cached and refreshed before expiry; concurrent callers share one
 * exchange. The client secret is held in a closure, so neither
 * `util.inspect`, `JSON.stringify` nor an error message can show it.
 *
 * @example
 * const auth = new OAuthS2S({
 *   clientId: process.env.UMAPI_CLIENT_ID!,
 *   clientSecret: process.env.UMAPI_CLIENT_SECRET!,
 *   orgId: process.env.UMAPI_ORG_ID,
 * });
 * const { token, expiresAt } = await auth.getAccessToken();
 */
export class OAuthS2S implements Authenticator {
  /** The client ID (API key), sent as `x-api-key` on UMAPI calls. */
  readonly clientId: string;
  /** The org ID, when given. */
  readonly orgId: string | undefined;
  /** The IMS origin tokens come from, such as `https://ims-na1.adobelogin.com`. */
  readonly authHost: string;
  /** The full token endpoint URL. */
  readonly tokenEndpoint: string;
  /** The scopes requested. */
  readonly scopes: readonly string[];

  readonly #cache: Authenticator & { invalidate(): void };
  readonly #transport: Transport;

  /**
   * Validates the options and prepares the transport. No request is sent
   * until the first {@link OAuthS2S.getAccessToken} call.
   *
   * @param options - See {@link OAuthS2SOptions}.
   * @throws ConfigurationError listing every missing, invalid or unknown
   * option, including Python-style names such as `client_id` and an `orgId`
   * that does not end with `@AdobeOrg`.
   */
  constructor(options: OAuthS2SOptions) {
    const resolved = resolveOptions(options);

    this.clientId = resolved.clientId;
    this.orgId = resolved.orgId;
    this.authHost = resolved.endpoint.origin;
    this.tokenEndpoint = resolved.endpoint.url;
    this.scopes = resolved.scopes;
    this.#transport = createTransport(resolved.transport);

    const transport = this.#transport;
    const { clientId, clientSecret, scopes, timeoutMs } = resolved;
    const url = resolved.endpoint.url;

    const fetchToken = async (signal?: AbortSignal): Promise<AccessToken> => {
      debug('OAuthS2S: requesting a token for client %s from %s', clientId, url);
      const response = await requestImsToken({
        url,
        form: {
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
          scope: scopes.join(','),
        },
        // The OAuth token endpoints (v2 and v3) state expires_in in seconds,
        // unlike the JWT exchange, which uses milliseconds.
        expiresInUnit: 'seconds',
        transport,
        timeoutMs,
        ...(signal === undefined ? {} : { signal }),
      });
      debug('OAuthS2S: token for client %s expires at %s', clientId, new Date(response.expiresAt).toISOString());
      return { token: response.token, expiresAt: response.expiresAt };
    };

    this.#cache = createAuthenticator({
      clientId,
      ...(resolved.orgId === undefined ? {} : { orgId: resolved.orgId }),
      fetchToken,
      ...(resolved.refreshWindowMs === undefined ? {} : { refreshWindowMs: resolved.refreshWindowMs }),
      ...(resolved.expiryMarginMs === undefined ? {} : { expiryMarginMs: resolved.expiryMarginMs }),
    });
  }

  /**
   * Returns a valid access token, from the cache while it is fresh.
   *
   * @throws ImsError when IMS rejects the credential; its `code` is the IMS
   * error, such as `invalid_client` or `invalid_scope`.
   * @throws NetworkError, CertificateError, ProxyError or TimeoutError when
   * IMS cannot be reached.
   */
  getAccessToken(options?: GetTokenOptions): Promise<AccessToken> {
    return this.#cache.getAccessToken(options);
  }

  /** Drops the cached token so the next call exchanges a new one, for example after UMAPI answered 401. */
  invalidate(): void {
    this.#cache.invalidate();
  }

  /**
   * Closes the network agents this authenticator created. A cached token is still
   * returned until it needs refreshing. After that, an exchange fails when this
   * authenticator built its own agents (for a proxy, `ca` or `sslVerify: false`).
   */
  close(): Promise<void> {
    return this.#transport.close();
  }

  /** Returns the non-secret fields, for logs and `JSON.stringify`. */
  toJSON(): {
    /** The client ID. */
    clientId: string;
    /** The org ID, present only when one was given. */
    orgId?: string;
    /** The IMS origin, such as `https://ims-na1.adobelogin.com`. */
    authHost: string;
  } {
    return {
      clientId: this.clientId,
      ...(this.orgId === undefined ? {} : { orgId: this.orgId }),
      authHost: this.authHost,
    };
  }

  /** Formats the authenticator for `util.inspect` with the same fields as {@link OAuthS2S.toJSON}. */
  [inspect.custom](depth: number, options: Parameters<typeof inspect>[1]): string {
    return `OAuthS2S ${inspect(this.toJSON(), { ...options, depth })}`;
  }
}
