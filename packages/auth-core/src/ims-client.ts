import { debug, redactUrl } from './debug.js';
import { toBodyReadError } from './network-errors.js';
import { redactSecrets } from './redact.js';
import {
  CertificateError,
  ConfigurationError,
  type ConfigurationProblem,
  ImsError,
  NetworkError,
  ProxyError,
  TimeoutError,
} from './errors.js';
import {
  responseContext,
  errorFromResponse,
  type ImsResponseText,
  parseTokenResponse,
  readBodyText,
} from './ims-response.js';
import { type BackoffOptions, computeBackoff, parseRetryAfter, sleep } from './retry.js';
import type { Transport } from './transport.js';
import type { AccessToken } from './types.js';

/** A token request to an Adobe IMS endpoint. */
export interface ImsTokenRequest {
  /** The full endpoint URL, such as `https://ims-na1.adobelogin.com/ims/token/v3`. */
  url: string;
  /** Form fields, sent `application/x-www-form-urlencoded`. Values are secrets and never logged. */
  form: Record<string, string>;
  /** The unit IMS uses for `expires_in` at this endpoint: milliseconds for the JWT exchange, seconds for OAuth. */
  expiresInUnit: 'milliseconds' | 'seconds';
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** The transport that sends the request, from {@link createTransport}. */
  transport: Transport;
  /** Per-attempt timeout in milliseconds. Default 30 seconds. */
  timeoutMs?: number;
  /** Retries after the first attempt, on network errors, timeouts, 429 and 5xx. Default 2. */
  maxRetries?: number;
  /**
   * Longest `Retry-After` wait honoured, in milliseconds. Default 60 seconds.
   * A longer one fails at once with the `ImsError`, whose `retryAfterMs` contains the requested wait.
   */
  maxRetryWaitMs?: number;
  /** Backoff between retries when the server sent no `Retry-After`. Default 500 ms base, 30 s cap. */
  backoff?: BackoffOptions;
  /** Aborts the request and any backoff wait, rejecting with the signal's reason. */
  signal?: AbortSignal;
}

/** A successful IMS token response. */
export interface ImsTokenResponse extends AccessToken {
  /** The IMS `token_type` field, `bearer` when IMS sent none. */
  tokenType: string;
  /** The server's `Date` header as epoch milliseconds, if sent. */
  serverDate?: number;
}

/** Defaults of {@link ImsTokenRequest}, in milliseconds where a unit applies. */
export const IMS_REQUEST_DEFAULTS = {
  /** Per-attempt timeout: 30,000 ms. */
  timeoutMs: 30_000,
  /** Retries after the first attempt: 2. */
  maxRetries: 2,
  /** Longest `Retry-After` wait honoured: 60,000 ms. */
  maxRetryWaitMs: 60_000,
} as const;

/** Form fields whose values are secrets, blanked out of any server text quoted in an error. */
const secretFieldPattern = /secret|token|assertion|password|key|code/i;

/**
 * POSTs a token request to IMS with retries and parses the response.
 *
 * The form is sent `application/x-www-form-urlencoded` with
 * `Cache-Control: no-cache`. Each attempt has its own timeout. Network
 * errors, timeouts, 429 and 5xx are retried with exponential backoff and
 * jitter, or after the `Retry-After` the server sent. Certificate errors,
 * proxy rejections, other 4xx responses and aborts are not retried. Redirects
 * are not followed, because they would resend the credentials elsewhere.
 *
 * `expiresAt` counts from the start of the successful attempt, so network
 * time makes it early rather than late.
 *
 * @returns The access token, its type and expiry as epoch milliseconds.
 * @throws ImsError when IMS responds with an error or with a body that is not a
 *   token (code `unexpected_response`), including an `expires_in` that gives a
 *   lifetime over `MAX_TOKEN_LIFETIME_MS` (365 days), which means a wrong unit.
 * @throws TimeoutError, NetworkError, CertificateError or ProxyError when no
 *   response arrived after the last attempt.
 * @throws The signal's reason when `signal` aborts.
 * @throws ConfigurationError when the request itself is invalid.
 *
 * @example
 * const { token, expiresAt } = await requestImsToken({
 *   url: 'https://ims-na1.adobelogin.com/ims/token/v3',
 *   form: { grant_type: 'client_credentials', client_id, client_secret, scope },
 *   expiresInUnit: 'seconds',
 *   transport: createTransport(),
 * });
 */
export async function requestImsToken(request: ImsTokenRequest): Promise<ImsTokenResponse> {
  const settings = validateRequest(request);
  const { signal } = request;
  let attempt = 0;

  for (;;) {
    attempt += 1;
    signal?.throwIfAborted();

    const startedAt = Date.now();
    const outcome = await attemptOnce(settings, attempt, signal);

    if (outcome.kind === 'response') {
      return tokenFromResponse(outcome.answer, settings, startedAt);
    }

    const retriesLeft = settings.maxRetries - (attempt - 1);
    const delayMs = outcome.retryAfterMs ?? computeBackoff(attempt, request.backoff);

    if (!outcome.retryable || retriesLeft <= 0) {
      debug(
        'IMS token request to %s failed on attempt %d, not retried: %s',
        settings.endpoint,
        attempt,
        outcome.error.message,
      );
      throw outcome.error;
    }

    if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > settings.maxRetryWaitMs) {
      debug(
        'IMS token request to %s: server asked to wait %d ms, more than maxRetryWaitMs %d; not retried',
        settings.endpoint,
        outcome.retryAfterMs,
        settings.maxRetryWaitMs,
      );
      throw outcome.error;
    }

    debug(
      'IMS token request to %s failed on attempt %d (%s); retrying in %d ms',
      settings.endpoint,
      attempt,
      outcome.summary,
      delayMs,
    );
    await sleep(delayMs, signal);
  }
}

interface RequestSettings {
  url: string;
  endpoint: string;
  host: string;
  body: string;
  headers: Record<string, string>;
  secrets: string[];
  expiresInUnit: 'milliseconds' | 'seconds';
  transport: Transport;
  timeoutMs: number;
  maxRetries: number;
  maxRetryWaitMs: number;
}

type AttemptOutcome =
  | { kind: 'response'; answer: ImsResponseText }
  | {
      kind: 'failure';
      error: Error;
      retryable: boolean;
      retryAfterMs: number | undefined;
      summary: string;
    };

/** Sends one attempt and reads the whole response, within the attempt's timeout. */
async function attemptOnce(
  settings: RequestSettings,
  attempt: number,
  signal: AbortSignal | undefined,
): Promise<AttemptOutcome> {
  const controller = new AbortController();
  const timeout = new TimeoutError(
    `IMS token request to ${settings.endpoint} timed out after ${settings.timeoutMs} ms`,
    {
      timeoutMs: settings.timeoutMs,
      host: settings.host,
    },
  );
  const timer = setTimeout(() => controller.abort(timeout), settings.timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });

  debug('IMS token request to %s, attempt %d', settings.endpoint, attempt);

  try {
    const response = await settings.transport.fetch(settings.url, {
      method: 'POST',
      headers: settings.headers,
      body: settings.body,
      redirect: 'manual',
      signal: controller.signal,
    });
    const { text, truncated } = await readBodyText(response).catch((error: unknown) => {
      // A body cut off after the headers is a network failure like any other,
      // so it is typed and retried instead of surfacing undici's `TypeError: terminated`.
      // NOTE: a gzip body cut short within a matching Content-Length decodes
      // without error in undici 7, so it arrives as partial text and fails as
      // `unexpected_response`, which is not retried.
      throw toBodyReadError(error, {
        url: new URL(settings.url),
        signal: controller.signal,
        proxy: undefined,
        secrets: settings.secrets,
      });
    });
    const answer: ImsResponseText = {
      status: response.status,
      headers: response.headers,
      text,
      truncated,
      endpoint: settings.endpoint,
      secrets: settings.secrets,
    };
    debug(
      'IMS token request to %s returned HTTP %d on attempt %d',
      settings.endpoint,
      response.status,
      attempt,
    );

    return classifyResponse(answer, settings);
  } catch (error) {
    if (signal?.aborted) {
      throw signal.reason;
    }

    if (controller.signal.aborted && controller.signal.reason === timeout) {
      return {
        kind: 'failure',
        error: timeout,
        retryable: true,
        retryAfterMs: undefined,
        summary: 'timed out',
      };
    }

    return classifyError(error);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function classifyResponse(answer: ImsResponseText, settings: RequestSettings): AttemptOutcome {
  if (answer.status >= 200 && answer.status < 300) {
    return { kind: 'response', answer };
  }

  if (answer.status >= 300 && answer.status < 400) {
    const context = responseContext(answer);
    const location = answer.headers.get('location');
    const target = location === null ? 'another location' : describeLocation(location, settings);
    const error = new ImsError(
      `IMS token request to ${settings.endpoint} was redirected (HTTP ${answer.status}) to ${target}; ` +
        'redirects are not followed because they would resend the credentials. Check the IMS host and endpoint.',
      { status: answer.status, imsCode: 'unexpected_response', ...context },
    );
    return {
      kind: 'failure',
      error,
      retryable: false,
      retryAfterMs: undefined,
      summary: `HTTP ${answer.status}`,
    };
  }

  const retryable = answer.status === 429 || answer.status >= 500;
  const retryAfterMs = retryable ? parseRetryAfter(answer.headers.get('retry-after')) : undefined;
  const error = errorFromResponse(answer, retryAfterMs);
  return {
    kind: 'failure',
    error,
    retryable,
    retryAfterMs,
    summary: `HTTP ${answer.status} ${error.code}`,
  };
}

/** Shows a redirect target without its query, credentials or any request secret in its path. */
function describeLocation(location: string, settings: RequestSettings): string {
  let url: URL;
  try {
    url = new URL(location, settings.url);
  } catch {
    return 'an invalid location';
  }

  return redactSecrets(redactUrl(url), settings.secrets);
}

function classifyError(error: unknown): AttemptOutcome {
  if (error instanceof CertificateError) {
    return {
      kind: 'failure',
      error,
      retryable: false,
      retryAfterMs: undefined,
      summary: error.code,
    };
  }

  // A proxy that rejected the tunnel (407, 403) will reject it again, but one that could not be reached may come back.
  if (error instanceof ProxyError) {
    return {
      kind: 'failure',
      error,
      retryable: error.status === undefined,
      retryAfterMs: undefined,
      summary: error.code,
    };
  }

  if (error instanceof NetworkError) {
    return {
      kind: 'failure',
      error,
      retryable: true,
      retryAfterMs: undefined,
      summary: error.systemCode ?? error.code,
    };
  }

  throw error;
}

function tokenFromResponse(
  answer: ImsResponseText,
  settings: RequestSettings,
  startedAt: number,
): ImsTokenResponse {
  const parsed = parseTokenResponse(answer, settings.expiresInUnit);
  const { serverDate } = responseContext(answer);

  return {
    token: parsed.accessToken,
    expiresAt: startedAt + parsed.expiresInMs,
    tokenType: parsed.tokenType,
    ...(serverDate === undefined ? {} : { serverDate }),
  };
}

function validateRequest(request: ImsTokenRequest): RequestSettings {
  if (typeof request !== 'object' || request === null) {
    throw new ConfigurationError([{ field: 'request', message: 'must be an object' }], {
      subject: 'IMS token request',
    });
  }

  const problems: ConfigurationProblem[] = [];
  const timeoutMs = request.timeoutMs ?? IMS_REQUEST_DEFAULTS.timeoutMs;
  const maxRetries = request.maxRetries ?? IMS_REQUEST_DEFAULTS.maxRetries;
  const maxRetryWaitMs = request.maxRetryWaitMs ?? IMS_REQUEST_DEFAULTS.maxRetryWaitMs;

  let url: URL | undefined;
  try {
    url = new URL(request.url);
  } catch {
    problems.push({ field: 'url', message: 'must be an absolute http:// or https:// URL' });
  }

  if (url !== undefined && url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push({ field: 'url', message: `must use http:// or https://, got ${url.protocol}` });
  }

  const form = request.form;
  if (
    typeof form !== 'object' ||
    form === null ||
    Object.values(form).some((value) => typeof value !== 'string')
  ) {
    problems.push({ field: 'form', message: 'must be an object whose values are all strings' });
  }

  if (request.expiresInUnit !== 'milliseconds' && request.expiresInUnit !== 'seconds') {
    problems.push({
      field: 'expiresInUnit',
      message: "must be 'milliseconds' (JWT exchange) or 'seconds' (OAuth token endpoints)",
    });
  }

  if (typeof request.transport?.fetch !== 'function') {
    problems.push({ field: 'transport', message: 'must be a transport from createTransport()' });
  }

  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    problems.push({
      field: 'timeoutMs',
      message: `must be a positive number of milliseconds, got ${String(timeoutMs)}`,
    });
  }

  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    problems.push({
      field: 'maxRetries',
      message: `must be a non-negative integer, got ${String(maxRetries)}`,
    });
  }

  if (typeof maxRetryWaitMs !== 'number' || Number.isNaN(maxRetryWaitMs) || maxRetryWaitMs < 0) {
    problems.push({
      field: 'maxRetryWaitMs',
      message: `must be a non-negative number of milliseconds, got ${String(maxRetryWaitMs)}`,
    });
  }

  if (problems.length > 0 || url === undefined) {
    throw new ConfigurationError(problems, { subject: 'IMS token request' });
  }

  return {
    url: url.href,
    endpoint: redactUrl(url),
    host: url.host,
    body: new URLSearchParams(form).toString(),
    headers: {
      Accept: 'application/json',
      'Cache-Control': 'no-cache',
      ...request.headers,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    secrets: Object.entries(form)
      .filter(([name, value]) => secretFieldPattern.test(name) && value.length > 0)
      .map(([, value]) => value),
    expiresInUnit: request.expiresInUnit,
    transport: request.transport,
    timeoutMs,
    maxRetries,
    maxRetryWaitMs,
  };
}
