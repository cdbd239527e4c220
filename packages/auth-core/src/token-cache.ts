import { inspect } from 'node:util';
import { isSendableToken } from './bearer-token.js';
import { debug } from './debug.js';
import { ConfigurationError, type ConfigurationProblem, UmapiError } from './errors.js';
import { describeUnknownOption, type OptionNames } from './option-checks.js';
import { isPlausibleCode, redactSecrets } from './redact.js';
import { MAX_TOKEN_LIFETIME_MS } from './token-lifetime.js';
import type { AccessToken, Authenticator, GetTokenOptions } from './types.js';

/** Options for {@link createAuthenticator}. */
export interface CreateAuthenticatorOptions {
  /** The client ID (API key). */
  clientId: string;
  /** The org ID, if known. */
  orgId?: string;
  /**
   * Exchanges a new token. Called at most once at a time, except after
   * `invalidate()` or `forceRefresh`, which do not wait for a running one.
   * The signal aborts when every caller waiting for this exchange has gone.
   */
  fetchToken(signal?: AbortSignal): Promise<AccessToken>;
  /** Time before expiry at which a background refresh starts, in milliseconds. Default 5 minutes. */
  refreshWindowMs?: number;
  /** Time before expiry from which a cached token is no longer handed out, in milliseconds. Default 30 seconds. */
  expiryMarginMs?: number;
}

/** Defaults of {@link CreateAuthenticatorOptions}, in milliseconds. */
export const TOKEN_CACHE_DEFAULTS = {
  /** 5 minutes: IMS tokens live about 24 hours, so this refreshes well ahead. */
  refreshWindowMs: 5 * 60_000,
  /** 30 seconds: room for clock skew and for a request that is already under way. */
  expiryMarginMs: 30_000,
} as const;

/**
 * After a background refresh fails, no new one starts for this long, in
 * milliseconds, so that a broken IMS is not called on every request.
 */
export const BACKGROUND_RETRY_DELAY_MS = 5_000;

/** An authenticator built by {@link createAuthenticator}. */
export type CachingAuthenticator = Authenticator & {
  /**
   * Drops the cached token, so the next `getToken()` starts a new exchange instead of
   * joining one that was already running.
   */
  invalidate(): void;
};

/**
 * Wraps a token exchange in the shared cache: single-flight refresh, refresh window, invalidate.
 *
 * - A fresh token (`now < expiresAt - refreshWindowMs`) is returned from cache.
 * - Inside the refresh window, but more than `expiryMarginMs` before expiry,
 *   the cached token is returned at once and one background refresh starts
 *   (none while one runs, none within {@link BACKGROUND_RETRY_DELAY_MS} after
 *   one failed). A background failure is written to `debug()` and never thrown.
 * - With no token, or within `expiryMarginMs` of expiry, every caller awaits
 *   one shared exchange. Its failure reaches all of them and is not cached, so
 *   the next call starts a new exchange.
 * - `forceRefresh` skips the cache (it joins an exchange already under way),
 *   and `invalidate()` drops the token.
 * - A caller's `signal` ends only that caller's wait. The exchange is aborted
 *   only when every caller waiting for it has gone.
 *
 * The cache starts no timer, so it never keeps the process alive.
 *
 * A token whose `expiresAt` is not later than now, or more than
 * {@link MAX_TOKEN_LIFETIME_MS} (365 days) ahead, is not cached: the exchange
 * rejects with a `UmapiError` of code `ERR_UMAPI_INVALID_TOKEN`, because such
 * a value is epoch seconds or microseconds instead of milliseconds.
 *
 * @throws ConfigurationError listing every invalid option.
 *
 * @example
 * const auth = createAuthenticator({
 *   clientId,
 *   fetchToken: (signal) => exchangeMyToken(signal),
 * });
 * const { token } = await auth.getAccessToken();
 */
export function createAuthenticator(options: CreateAuthenticatorOptions): CachingAuthenticator {
  const settings = validateOptions(options);
  return new TokenCache(settings);
}

interface CacheSettings {
  clientId: string;
  orgId: string | undefined;
  fetchToken: (signal?: AbortSignal) => Promise<AccessToken>;
  refreshWindowMs: number;
  expiryMarginMs: number;
}

/** One token exchange and the callers waiting for it. */
interface Refresh {
  /** Order of start; a result is cached only if no later exchange has been cached. */
  sequence: number;
  promise: Promise<AccessToken>;
  controller: AbortController;
  waiters: number;
  /** Started by the refresh window. No caller has to wait for it, so it is never aborted for lack of waiters. */
  background: boolean;
}

class TokenCache implements CachingAuthenticator {
  readonly clientId: string;
  readonly orgId?: string;

  readonly #settings: CacheSettings;
  #token: AccessToken | undefined;
  /** The token string fetchToken last resolved with, kept to blank it out of logged errors. */
  #lastFetchedToken: string | undefined;
  #tokenSequence = 0;
  #nextSequence = 1;
  /** Exchanges that started at or before this sequence may not fill the cache, because `invalidate()` came later. */
  #invalidatedSequence = 0;
  #refresh: Refresh | undefined;
  #lastBackgroundFailureAt: number | undefined;

  constructor(settings: CacheSettings) {
    this.#settings = settings;
    this.clientId = settings.clientId;
    if (settings.orgId !== undefined) {
      this.orgId = settings.orgId;
    }
  }

  getAccessToken(options: GetTokenOptions = {}): Promise<AccessToken> {
    const { signal, forceRefresh = false } = options;

    if (signal?.aborted) {
      return Promise.reject(signal.reason);
    }

    const now = Date.now();
    const token = this.#token;

    if (
      !forceRefresh &&
      token !== undefined &&
      now < token.expiresAt - this.#settings.expiryMarginMs
    ) {
      if (now >= token.expiresAt - this.#settings.refreshWindowMs) {
        this.#startBackgroundRefresh(now);
      }

      return Promise.resolve({ ...token });
    }

    const refresh = this.#refresh ?? this.#startRefresh(false);
    return this.#wait(refresh, signal);
  }

  invalidate(): void {
    this.#token = undefined;
    this.#invalidatedSequence = this.#nextSequence - 1;

    // Callers after this point must not join an exchange that started
    // before it: that token may be the one a server just rejected.
    this.#refresh = undefined;
    debug('token cache for client %s invalidated', this.clientId);
  }

  toJSON(): { clientId: string; orgId?: string } {
    return this.orgId === undefined
      ? { clientId: this.clientId }
      : { clientId: this.clientId, orgId: this.orgId };
  }

  [inspect.custom](): string {
    return `Authenticator ${inspect(this.toJSON())}`;
  }

  #startBackgroundRefresh(now: number): void {
    if (this.#refresh !== undefined) {
      return;
    }

    const lastFailure = this.#lastBackgroundFailureAt;
    if (
      lastFailure !== undefined &&
      now >= lastFailure &&
      now - lastFailure < BACKGROUND_RETRY_DELAY_MS
    ) {
      return;
    }

    const refresh = this.#startRefresh(true);

    // The cached token is still valid, so a failure here matters only once the
    // token enters the expiry margin. From then on, callers wait for a new exchange.
    refresh.promise.catch((error: unknown) => {
      this.#lastBackgroundFailureAt = Date.now();
      debug(
        'background token refresh for client %s failed: %s',
        this.clientId,
        describeError(error, this.#knownTokens()),
      );
    });
  }

  #startRefresh(background: boolean): Refresh {
    const sequence = this.#nextSequence++;
    const controller = new AbortController();
    debug(
      'token refresh %d for client %s started%s',
      sequence,
      this.clientId,
      background ? ' in background' : '',
    );

    const promise = this.#exchange(controller.signal).then(
      (token) => {
        this.#store(sequence, token);
        return token;
      },
      (error: unknown) => {
        debug(
          'token refresh %d for client %s failed: %s',
          sequence,
          this.clientId,
          describeError(error, this.#knownTokens()),
        );
        throw error;
      },
    );

    const refresh: Refresh = { sequence, promise, controller, waiters: 0, background };
    this.#refresh = refresh;

    // Whatever the outcome, a settled exchange is no longer the one to join.
    promise.then(
      () => this.#detach(refresh),
      () => this.#detach(refresh),
    );

    return refresh;
  }

  async #exchange(signal: AbortSignal): Promise<AccessToken> {
    const token: unknown = await this.#settings.fetchToken(signal);
    const value = (token as { token?: unknown } | null | undefined)?.token;
    if (typeof value === 'string') {
      this.#lastFetchedToken = value;
    }

    return checkToken(token);
  }

  /** The cached and the last fetched token strings, which a failing fetchToken may quote. */
  #knownTokens(): string[] {
    return [this.#token?.token, this.#lastFetchedToken].filter(
      (token): token is string => token !== undefined,
    );
  }

  #store(sequence: number, token: AccessToken): void {
    if (sequence <= this.#tokenSequence || sequence <= this.#invalidatedSequence) {
      debug(
        'token refresh %d for client %s finished after a newer one; its token is not cached',
        sequence,
        this.clientId,
      );
      return;
    }

    this.#token = { token: token.token, expiresAt: token.expiresAt };
    this.#tokenSequence = sequence;
    this.#lastBackgroundFailureAt = undefined;

    // A token already inside the margin is handed out once and then refreshed
    // on every call. A wrong expires_in unit or a skewed clock causes this.
    if (token.expiresAt - Date.now() <= this.#settings.expiryMarginMs) {
      debug(
        'token refresh %d for client %s returned a token that expires within expiryMarginMs (%d ms); check the expiry unit and the clock',
        sequence,
        this.clientId,
        this.#settings.expiryMarginMs,
      );
    }
    debug(
      'token refresh %d for client %s succeeded, expires at %s',
      sequence,
      this.clientId,
      new Date(token.expiresAt).toISOString(),
    );
  }

  #detach(refresh: Refresh): void {
    if (this.#refresh === refresh) {
      this.#refresh = undefined;
    }
  }

  #wait(refresh: Refresh, signal: AbortSignal | undefined): Promise<AccessToken> {
    if (signal === undefined) {
      refresh.waiters += 1;
      return refresh.promise.then(copyToken);
    }

    refresh.waiters += 1;
    return new Promise<AccessToken>((resolve, reject) => {
      const onAbort = () => {
        refresh.waiters -= 1;
        reject(signal.reason);
        this.#abandonIfUnwanted(refresh);
      };

      signal.addEventListener('abort', onAbort, { once: true });
      refresh.promise.then(
        (token) => {
          signal.removeEventListener('abort', onAbort);
          resolve(copyToken(token));
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /** Aborts an exchange once every caller waiting for it has gone, because its result would be unused. */
  #abandonIfUnwanted(refresh: Refresh): void {
    if (refresh.waiters > 0 || refresh.background) {
      return;
    }

    this.#detach(refresh);
    refresh.controller.abort(
      new DOMException('Every caller waiting for this token exchange aborted', 'AbortError'),
    );
    debug(
      'token refresh %d for client %s aborted: no caller waits for it',
      refresh.sequence,
      this.clientId,
    );
  }
}

function copyToken(token: AccessToken): AccessToken {
  return { token: token.token, expiresAt: token.expiresAt };
}

/** Checks what `fetchToken` resolved to, without ever putting the value into the message. */
function checkToken(value: unknown): AccessToken {
  if (typeof value !== 'object' || value === null) {
    throw new UmapiError(
      `fetchToken must resolve to an object { token, expiresAt }, got ${value === null ? 'null' : typeof value}`,
      'ERR_UMAPI_INVALID_TOKEN',
    );
  }

  const { token, expiresAt } = value as Partial<Record<keyof AccessToken, unknown>>;

  if (typeof token !== 'string' || token.length === 0) {
    throw new UmapiError(
      `fetchToken resolved to an invalid token: token must be a non-empty string, got ${describeType(token)}`,
      'ERR_UMAPI_INVALID_TOKEN',
    );
  }

  if (!isSendableToken(token)) {
    throw new UmapiError(
      'fetchToken resolved to an invalid token: token contains spaces or characters other than visible ASCII, so it cannot be sent as a bearer token. Trim it, or check the source it was read from',
      'ERR_UMAPI_INVALID_TOKEN',
    );
  }

  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) {
    throw new UmapiError(
      `fetchToken resolved to an invalid token: expiresAt must be a finite number of epoch milliseconds, got ${describeType(expiresAt)}`,
      'ERR_UMAPI_INVALID_TOKEN',
    );
  }

  checkExpiry(expiresAt);
  return { token, expiresAt };
}

/**
 * Rejects an expiry that is not in the future or more than
 * {@link MAX_TOKEN_LIFETIME_MS} ahead. Both come from a unit mistake: epoch
 * seconds are decades in the past, epoch microseconds millennia ahead.
 */
function checkExpiry(expiresAt: number): void {
  const now = Date.now();
  const hint = 'expiresAt must be epoch milliseconds (Date.now() + lifetime in ms)';

  if (expiresAt <= now) {
    throw new UmapiError(
      `fetchToken resolved to an invalid token: expiresAt ${expiresAt} (${describeInstant(expiresAt)}) is not later than now (${new Date(now).toISOString()}); ${hint}`,
      'ERR_UMAPI_INVALID_TOKEN',
    );
  }

  if (expiresAt - now > MAX_TOKEN_LIFETIME_MS) {
    throw new UmapiError(
      `fetchToken resolved to an invalid token: expiresAt ${expiresAt} (${describeInstant(expiresAt)}) is more than 365 days after now; ${hint}`,
      'ERR_UMAPI_INVALID_TOKEN',
    );
  }
}

function describeInstant(epochMs: number): string {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? 'beyond the Date range' : date.toISOString();
}

// A misspelt option would otherwise fall back to its default without a word.
const CACHE_OPTION_NAMES: OptionNames = {
  known: ['clientId', 'orgId', 'fetchToken', 'refreshWindowMs', 'expiryMarginMs'],
  renames: {
    client_id: 'clientId',
    org_id: 'orgId',
    fetch_token: 'fetchToken',
    refreshWindow: 'refreshWindowMs',
    expiryMargin: 'expiryMarginMs',
  },
};

function validateOptions(options: CreateAuthenticatorOptions): CacheSettings {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(
      [{ field: 'options', message: 'must be an object with clientId and fetchToken' }],
      { subject: 'createAuthenticator options' },
    );
  }

  const problems: ConfigurationProblem[] = [];
  const { clientId, orgId, fetchToken } = options;

  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined && !CACHE_OPTION_NAMES.known.includes(name)) {
      problems.push({ field: name, message: describeUnknownOption(name, CACHE_OPTION_NAMES) });
    }
  }
  const refreshWindowMs = options.refreshWindowMs ?? TOKEN_CACHE_DEFAULTS.refreshWindowMs;
  const expiryMarginMs = options.expiryMarginMs ?? TOKEN_CACHE_DEFAULTS.expiryMarginMs;

  if (typeof clientId !== 'string' || clientId.trim().length === 0) {
    problems.push({
      field: 'clientId',
      message: 'is required: pass the client ID (API key) as a non-empty string',
    });
  }

  if (orgId !== undefined && (typeof orgId !== 'string' || orgId.trim().length === 0)) {
    problems.push({
      field: 'orgId',
      message: 'must be a non-empty string such as 12345@AdobeOrg, or left out',
    });
  }

  if (typeof fetchToken !== 'function') {
    problems.push({
      field: 'fetchToken',
      message: 'is required: pass a function that resolves to { token, expiresAt }',
    });
  }

  if (!isDuration(refreshWindowMs)) {
    problems.push({
      field: 'refreshWindowMs',
      message: `must be a non-negative number of milliseconds, got ${describeValue(refreshWindowMs)}`,
    });
  }

  if (!isDuration(expiryMarginMs)) {
    problems.push({
      field: 'expiryMarginMs',
      message: `must be a non-negative number of milliseconds, got ${describeValue(expiryMarginMs)}`,
    });
  }

  if (problems.length > 0) {
    throw new ConfigurationError(problems, { subject: 'createAuthenticator options' });
  }

  return {
    clientId: clientId as string,
    orgId: orgId as string | undefined,
    fetchToken: (signal) => (fetchToken as CreateAuthenticatorOptions['fetchToken'])(signal),
    refreshWindowMs: refreshWindowMs as number,
    expiryMarginMs: expiryMarginMs as number,
  };
}

function isDuration(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** Shows a non-secret option value (a number of milliseconds) in a message. */
function describeValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : describeType(value);
}

function describeType(value: unknown): string {
  if (value === null) {
    return 'null';
  }

  if (typeof value === 'string') {
    return value.length === 0 ? 'an empty string' : 'a string';
  }

  return typeof value;
}

/** Describes an error for a debug line: class, code and message, with the tokens blanked out. */
function describeError(error: unknown, tokens: readonly string[]): string {
  if (!(error instanceof Error)) {
    return typeof error;
  }

  // fetchToken may be the caller's own code, so only the name, a code-shaped
  // code and the message are logged, with every known token blanked out.
  const name = /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(error.name) ? error.name : 'Error';
  const code = (error as { code?: unknown }).code;
  const shownCode =
    typeof code === 'string' && isPlausibleCode(code) && redactSecrets(code, tokens) === code
      ? ` [${code}]`
      : '';
  return `${name}${shownCode}: ${redactSecrets(String(error.message), tokens)}`;
}
