/** A bearer access token and the moment it stops being valid. */
export interface AccessToken {
  /** The bearer token value. Treat it as a secret. */
  token: string;
  /** Expiry as epoch milliseconds. */
  expiresAt: number;
}

/** Options for a single {@link Authenticator.getAccessToken} call. */
export interface GetTokenOptions {
  /** Ends this caller's wait. An exchange that other callers await keeps running. */
  signal?: AbortSignal;
  /** Skip the cache and exchange a new token. */
  forceRefresh?: boolean;
}

/**
 * The contract every authenticator meets. A `Connection` accepts any object
 * with this shape: `JWTAuth`, `OAuthS2S` or one written by hand.
 */
export interface Authenticator {
  /** The client ID (API key), sent as `x-api-key` on UMAPI calls. */
  readonly clientId: string;
  /** The org ID, when the authenticator knows it. `Connection` falls back to it. */
  readonly orgId?: string;
  /** Returns a valid access token, from cache when possible. */
  getAccessToken(options?: GetTokenOptions): Promise<AccessToken>;
  /** Drops the cached token, for example after UMAPI answered 401. */
  invalidate?(): void;
}
