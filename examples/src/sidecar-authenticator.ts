/**
 * A custom authenticator written from scratch against the bare
 * `Authenticator` interface, with no help from `createAuthenticator`.
 *
 * It requests an access token from a token sidecar: a local HTTP service
 * that keeps the credentials, such as a secrets manager agent. Everything that
 * `createAuthenticator` would give for free is done by hand here, so this file
 * shows what the contract asks of an authenticator:
 *
 * - cache the token and hand it out until shortly before it expires;
 * - share one request among concurrent callers (single-flight);
 * - let each caller's `signal` end only that caller's wait;
 * - report `expiresAt` in epoch milliseconds;
 * - drop the token on `invalidate()`, which `Connection` calls after a 401;
 * - keep the token out of `JSON.stringify` and `util.inspect` output.
 *
 * The sidecar responds to `GET <url>` with `{ "access_token": "…", "expires_in": 86399 }`,
 * `expires_in` in seconds.
 */
import { inspect } from 'node:util';
import {
  type AccessToken,
  type Authenticator,
  type GetTokenOptions,
  UmapiError,
} from '@umapi/auth-core';

/** Options for {@link SidecarAuthenticator}. */
export interface SidecarAuthenticatorOptions {
  /** The client ID (API key) the sidecar's token is issued to. */
  clientId: string;
  /** The org ID, so that `Connection` needs none of its own. */
  orgId?: string;
  /** The sidecar's token URL, such as `http://127.0.0.1:8200/token`. */
  url: string;
  /** A cached token is not handed out this close to its expiry, in milliseconds. Default 60 seconds. */
  expiryMarginMs?: number;
}

/** Thrown when the sidecar cannot be reached or sends an unusable response. */
export class SidecarError extends UmapiError {
  constructor(message: string, cause?: unknown) {
    super(message, 'ERR_TOKEN_SIDECAR', { cause });
  }
}

/** An authenticator that gets its access token from a local token sidecar. */
export class SidecarAuthenticator implements Authenticator {
  readonly clientId: string;
  readonly orgId?: string;

  // Private fields: JSON.stringify and util.inspect cannot see them.
  readonly #url: string;
  readonly #expiryMarginMs: number;
  #token: AccessToken | undefined;
  #pending: Promise<AccessToken> | undefined;
  /** Raised by `invalidate()`, so a request that started earlier cannot fill the cache. */
  #generation = 0;

  constructor(options: SidecarAuthenticatorOptions) {
    this.clientId = options.clientId;
    if (options.orgId !== undefined) this.orgId = options.orgId;
    this.#url = options.url;
    this.#expiryMarginMs = options.expiryMarginMs ?? 60_000;
  }

  async getAccessToken(options: GetTokenOptions = {}): Promise<AccessToken> {
    const { signal, forceRefresh = false } = options;
    signal?.throwIfAborted();

    const cached = this.#token;
    if (
      !forceRefresh &&
      cached !== undefined &&
      Date.now() < cached.expiresAt - this.#expiryMarginMs
    ) {
      return { ...cached };
    }

    // Single-flight: every caller that arrives while a request runs joins it.
    this.#pending ??= this.#startRequest();

    return { ...(await abortable(this.#pending, signal)) };
  }

  invalidate(): void {
    // The token a request already under way brings back may be the one the
    // server just rejected, so later callers start a new request.
    this.#token = undefined;
    this.#pending = undefined;
    this.#generation += 1;
  }

  toJSON(): { clientId: string; orgId?: string } {
    return this.orgId === undefined
      ? { clientId: this.clientId }
      : { clientId: this.clientId, orgId: this.orgId };
  }

  [inspect.custom](): string {
    return `SidecarAuthenticator ${inspect(this.toJSON())}`;
  }

  #startRequest(): Promise<AccessToken> {
    const generation = this.#generation;
    const pending = this.#requestToken().then((token) => {
      if (generation === this.#generation) this.#token = token;
      return token;
    });

    const clear = () => {
      if (this.#pending === pending) this.#pending = undefined;
    };
    pending.then(clear, clear);
    return pending;
  }

  async #requestToken(): Promise<AccessToken> {
    // No caller's signal reaches this request: other callers may still be
    // waiting for it when one of them gives up.
    let response: Response;
    try {
      response = await fetch(this.#url, { headers: { accept: 'application/json' } });
    } catch (error) {
      throw new SidecarError(`The token sidecar at ${this.#url} is unreachable`, error);
    }

    if (!response.ok) {
      await response.body?.cancel();
      throw new SidecarError(
        `The token sidecar at ${this.#url} responded with HTTP ${response.status}`,
      );
    }

    const body = (await response.json().catch(() => undefined)) as
      | Record<string, unknown>
      | undefined;
    const token = body?.access_token;
    const expiresInSeconds = body?.expires_in;
    if (typeof token !== 'string' || token.length === 0 || typeof expiresInSeconds !== 'number') {
      throw new SidecarError(
        `The token sidecar at ${this.#url} sent no access_token and expires_in`,
      );
    }

    // expires_in is in seconds; the contract wants an epoch-milliseconds instant.
    return { token, expiresAt: Date.now() + expiresInSeconds * 1000 };
  }
}

/** Resolves like `promise`, or rejects with the signal's reason as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;

  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
