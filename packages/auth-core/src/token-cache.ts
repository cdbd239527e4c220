import type { AccessToken, Authenticator } from './types.js';

/** Options for {@link createAuthenticator}. */
export interface CreateAuthenticatorOptions {
  /** The client ID (API key). */
  clientId: string;
  /** The org ID, if known. */
  orgId?: string;
  /** Exchanges a new token. Called at most once at a time. */
  fetchToken(signal?: AbortSignal): Promise<AccessToken>;
  /** How long before expiry a background refresh starts, in milliseconds. Default 5 minutes. */
  refreshWindowMs?: number;
  /** How close to expiry a cached token is no longer handed out, in milliseconds. Default 30 seconds. */
  expiryMarginMs?: number;
}

/** Wraps a token exchange in the shared cache: single-flight refresh, refresh window, invalidate. */
export function createAuthenticator(options: CreateAuthenticatorOptions): Authenticator & { invalidate(): void } {
  // TODO: implemented by the auth-core work.
  void options;
  throw new Error('not implemented');
}
