import {
  type AccessToken,
  type Authenticator,
  computeBackoff,
  describeType,
  isSendableToken,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  sleep,
  UmapiError,
} from '@umapi/auth-core';
import { UnavailableError } from './errors.js';
import type { ConnectionLogger } from './options.js';
import { type EndpointClass, PauseTooLongError, type RateLimiter } from './rate-limit/index.js';
import { redactText } from './redact.js';
import {
  type AttemptOutcome,
  errorForOversizedBody,
  errorForStatus,
  type PreparedRequest,
  readSuccess,
  sendAttempt,
  type UmapiResponse,
} from './request.js';

/** Statuses that mean "try again later": throttled, bad gateway, unavailable, gateway timeout. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Settings of the retry loop, fixed per connection. */
export interface RetrySettings {
  auth: Authenticator;
  limiter: RateLimiter;
  logger: Required<ConnectionLogger>;
  fetch: typeof globalThis.fetch;
  /** Returns the headers of one attempt, given its access token and request id. */
  buildHeaders(request: PreparedRequest, token: string, requestId: string): Headers;
  /** Returns a fresh `X-Request-Id`. */
  nextRequestId(): string;
  timeoutMs: number;
  maxRetries: number;
  maxRetryWaitMs: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Counters the connection reports in `status()`. */
  counters: { requests: number; retries: number };
}

/** The last retryable failure, kept for the error when the loop gives up. */
interface RetryableFailure {
  status?: number;
  retryAfterMs?: number;
  error: unknown;
  requestId: string;
}

/**
 * Sends a request until it succeeds, fails for good, or runs out of retries.
 *
 * Retries 429, 502, 503, 504, timeouts and network errors up to `maxRetries`
 * times, waiting as `Retry-After` advises or with exponential backoff. Every
 * attempt sends the same body. When the first attempt ran and only its
 * response was lost, a replayed `removeFromOrg`, `update({ email })` or group
 * rename reports `error.user.nonexistent` or `error.group.not_found` although
 * it was applied. The other builder steps give the same result when replayed.
 * A 401 drops the cached token and tries once more with a new one, outside the retry count.
 *
 * @param onAttempt - Called just before each attempt is handed to fetch, so a caller can
 *   tell a request that failed before anything went out (token, budget wait, abort) from one
 *   that UMAPI may have received.
 * @throws UnavailableError when the retries run out or the advised wait exceeds `maxRetryWaitMs`.
 * @throws RequestError, ServerError or ResponseError for a response that retrying cannot fix.
 * @throws The signal's reason when the caller aborts.
 */
export async function sendWithRetries(
  request: PreparedRequest,
  endpointClass: EndpointClass | undefined,
  settings: RetrySettings,
  signal?: AbortSignal,
  onAttempt?: () => void,
): Promise<UmapiResponse> {
  const startedAt = Date.now();
  let attempts = 0;
  let retries = 0;
  let tokenRefreshed = false;
  let rejectedToken: string | undefined;

  for (;;) {
    signal?.throwIfAborted();
    if (endpointClass !== undefined) {
      // A 429 seen by any connection with this client ID pauses the class;
      // a pause longer than maxRetryWaitMs fails now instead of sleeping through it.
      const pauseMs = settings.limiter.pauseRemainingMs?.(endpointClass) ?? 0;
      if (pauseMs > settings.maxRetryWaitMs) {
        throw classPaused(
          request,
          endpointClass,
          pauseMs,
          attempts,
          Date.now() - startedAt,
          settings.maxRetryWaitMs,
        );
      }
    }

    // The token comes before the budget slot: a slow IMS exchange between
    // the slot and the fetch would eat the scheduler's safety margin.
    const token = await getToken(settings.auth, signal, rejectedToken);
    rejectedToken = undefined;

    if (endpointClass !== undefined) {
      try {
        // A 429 pause that starts while this call waits, longer than
        // maxRetryWaitMs, fails it at once, as it would a call that starts then.
        await settings.limiter.acquire(endpointClass, signal, settings.maxRetryWaitMs);
      } catch (error) {
        if (error instanceof PauseTooLongError) {
          throw classPaused(
            request,
            endpointClass,
            error.pauseMs,
            attempts,
            Date.now() - startedAt,
            settings.maxRetryWaitMs,
          );
        }

        throw error;
      }
    }

    const requestId = settings.nextRequestId();
    const headers = settings.buildHeaders(request, token.token, requestId);

    attempts += 1;
    settings.counters.requests += 1;
    onAttempt?.();
    const sentAt = Date.now();
    const outcome = await sendAttempt(request, headers, {
      fetch: settings.fetch,
      timeoutMs: settings.timeoutMs,
      signal,
    });
    // The access token of this attempt is replaced in every error and log line built from the response.
    const secrets = [token.token];
    settings.logger.debug(
      `${request.method} ${request.path} -> ${describeOutcome(outcome, secrets)}`,
      {
        requestId,
        durationMs: Date.now() - sentAt,
      },
    );

    const failure = classifyOutcome(request, outcome, requestId, tokenRefreshed, secrets);
    if (failure.kind === 'success') {
      if (endpointClass !== undefined) {
        settings.limiter.onSuccess(endpointClass);
      }
      return readSuccess(request, failure.outcome, requestId, secrets);
    }

    if (failure.kind === 'unauthorized') {
      // The token may have been revoked or expired early: drop it and try once with a new one.
      settings.logger.warn('UMAPI rejected the access token; retrying once with a new one', {
        method: request.method,
        path: request.path,
        requestId,
      });
      tokenRefreshed = true;
      rejectedToken = token.token;
      continue;
    }

    if (failure.kind === 'fatal') {
      throw failure.error;
    }

    const last = failure.last;
    if (last.status === 429 && endpointClass !== undefined) {
      settings.limiter.onThrottled(
        endpointClass,
        last.retryAfterMs ?? backoffDelay(retries + 1, settings),
      );
    }

    if (last.retryAfterMs !== undefined && last.retryAfterMs > settings.maxRetryWaitMs) {
      throw waitTooLong(request, last, attempts, Date.now() - startedAt, settings.maxRetryWaitMs);
    }

    if (retries >= settings.maxRetries) {
      throw outOfRetries(request, last, attempts, Date.now() - startedAt);
    }

    retries += 1;
    settings.counters.retries += 1;
    const delayMs = last.retryAfterMs ?? backoffDelay(retries, settings);
    settings.logger.warn(
      `Retrying ${request.method} ${request.path} in ${delayMs} ms after ${describeFailure(last)}`,
      {
        attempt: attempts,
        maxAttempts: settings.maxRetries + 1,
        delayMs,
        status: last.status,
        requestId,
      },
    );
    await sleep(delayMs, signal);
  }
}

/**
 * Gets the token for an attempt. After a 401 the rejected token is dropped
 * and a new one exchanged, unless a concurrent call already replaced it: many
 * calls rejected together then share one exchange instead of one each.
 */
async function getToken(
  auth: Authenticator,
  signal: AbortSignal | undefined,
  rejectedToken: string | undefined,
) {
  const token = checkToken(await auth.getAccessToken({ signal }));
  if (rejectedToken === undefined || token.token !== rejectedToken) {
    return token;
  }

  auth.invalidate?.();
  return checkToken(await auth.getAccessToken({ signal, forceRefresh: true }));
}

/**
 * Checks what an authenticator returned before it goes into a header: the
 * `Headers` class would otherwise throw an error that quotes the token.
 */
function checkToken(value: AccessToken): AccessToken {
  const token: unknown = (value as Partial<AccessToken> | null | undefined)?.token;
  if (typeof token !== 'string' || token.length === 0) {
    throw new UmapiError(
      `The authenticator's getAccessToken() resolved without a token: it must resolve to { token, expiresAt } with token a non-empty string, got ${token === '' ? 'an empty string' : describeType(token)}`,
      'ERR_UMAPI_INVALID_TOKEN',
    );
  }

  if (!isSendableToken(token)) {
    throw new UmapiError(
      "The authenticator's getAccessToken() resolved to an invalid token: it contains spaces or characters other than visible ASCII, so it cannot be sent as a bearer token. Trim it where the authenticator reads it",
      'ERR_UMAPI_INVALID_TOKEN',
    );
  }

  return value;
}

type Classified =
  | { kind: 'success'; outcome: { status: number; headers: Headers; text: string } }
  | { kind: 'unauthorized' }
  | { kind: 'fatal'; error: unknown }
  | { kind: 'retryable'; last: RetryableFailure };

function classifyOutcome(
  request: PreparedRequest,
  outcome: AttemptOutcome,
  requestId: string,
  tokenRefreshed: boolean,
  secrets: readonly string[],
): Classified {
  if (outcome.kind === 'failure') {
    return outcome.retryable
      ? { kind: 'retryable', last: { error: outcome.error, requestId } }
      : { kind: 'fatal', error: outcome.error };
  }

  if (outcome.kind === 'too-large') {
    return { kind: 'fatal', error: errorForOversizedBody(request, outcome, requestId) };
  }

  if (outcome.status >= 200 && outcome.status < 300) {
    return { kind: 'success', outcome };
  }

  if (outcome.status === 401 && !tokenRefreshed) {
    return { kind: 'unauthorized' };
  }

  if (RETRYABLE_STATUSES.has(outcome.status)) {
    const retryAfterMs = parseRetryAfter(outcome.headers.get('retry-after'));
    return {
      kind: 'retryable',
      last: {
        status: outcome.status,
        retryAfterMs,
        error: errorForStatus(request, outcome, requestId, secrets),
        requestId,
      },
    };
  }

  const note =
    outcome.status === 401
      ? '; a new access token was rejected too, so check that the credentials belong to this org and have the User Management API'
      : '';
  return { kind: 'fatal', error: errorForStatus(request, outcome, requestId, secrets, note) };
}

/**
 * Formats the time a wait of `delayMs` ends, for an error message.
 *
 * `parseRetryAfter` already bounds the wait, but an error message is the
 * last place that may throw: a wait outside the `Date` range reads as a
 * phrase instead of failing with `RangeError: Invalid time value`.
 */
export function retryTime(delayMs: number, now: number = Date.now()): string {
  const boundedMs = Math.min(Math.max(0, delayMs), MAX_RETRY_AFTER_MS);
  const date = new Date(now + boundedMs);
  return Number.isNaN(date.getTime()) ? 'an unknown time' : date.toISOString();
}

function backoffDelay(retry: number, settings: RetrySettings): number {
  const maxDelayMs = Math.min(settings.retryMaxDelayMs, settings.maxRetryWaitMs);
  return computeBackoff(retry, { baseDelayMs: settings.retryBaseDelayMs, maxDelayMs });
}

function describeOutcome(outcome: AttemptOutcome, secrets: readonly string[]): string {
  if (outcome.kind === 'response') {
    return `HTTP ${outcome.status}`;
  }

  if (outcome.kind === 'too-large') {
    return `HTTP ${outcome.status} with a body over ${outcome.maxBytes} bytes`;
  }

  return outcome.error instanceof Error
    ? redactText(outcome.error.message, secrets)
    : 'a network failure';
}

function describeFailure(failure: RetryableFailure): string {
  if (failure.status !== undefined) {
    return `HTTP ${failure.status}`;
  }

  return failure.error instanceof Error ? failure.error.message : 'a network failure';
}

function waitTooLong(
  request: PreparedRequest,
  last: RetryableFailure,
  attempts: number,
  elapsedMs: number,
  maxRetryWaitMs: number,
): UnavailableError {
  const retryAfterMs = last.retryAfterMs ?? 0;
  const retryAt = retryTime(retryAfterMs);
  return new UnavailableError(
    `UMAPI responded to ${request.method} ${request.path} with HTTP ${last.status} and asked to wait ${retryAfterMs} ms, longer than maxRetryWaitMs (${maxRetryWaitMs} ms); try again after ${retryAt}`,
    {
      method: request.method,
      path: request.path,
      attempts,
      elapsedMs,
      lastStatus: last.status,
      retryAfterMs,
      requestId: last.requestId,
      cause: last.error,
    },
  );
}

function outOfRetries(
  request: PreparedRequest,
  last: RetryableFailure,
  attempts: number,
  elapsedMs: number,
): UnavailableError {
  return new UnavailableError(
    `UMAPI is unavailable: ${request.method} ${request.path} failed ${attempts === 1 ? 'once' : `${attempts} times`} in ${elapsedMs} ms; the last attempt got ${describeFailure(last)}`,
    {
      method: request.method,
      path: request.path,
      attempts,
      elapsedMs,
      lastStatus: last.status,
      retryAfterMs: last.retryAfterMs,
      requestId: last.requestId,
      cause: last.error,
    },
  );
}

function classPaused(
  request: PreparedRequest,
  endpointClass: EndpointClass,
  pauseMs: number,
  attempts: number,
  elapsedMs: number,
  maxRetryWaitMs: number,
): UnavailableError {
  const retryAt = retryTime(pauseMs);
  return new UnavailableError(
    `UMAPI throttled this client ID, so ${endpointClass} requests such as ${request.method} ${request.path} are paused for ${pauseMs} ms, longer than maxRetryWaitMs (${maxRetryWaitMs} ms); try again after ${retryAt}`,
    {
      method: request.method,
      path: request.path,
      attempts,
      elapsedMs,
      lastStatus: attempts === 0 ? undefined : 429,
      retryAfterMs: pauseMs,
    },
  );
}
