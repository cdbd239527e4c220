import { UmapiError } from '@umapi/auth-core';

/** Maximum length of a response body excerpt kept on an error, in characters. */
export const MAX_BODY_EXCERPT = 2000;

/** Details of an HTTP response that UMAPI sent but the client cannot use. */
export interface HttpErrorDetails {
  /** HTTP status of the response. */
  status: number;
  /** HTTP method of the request, such as `GET`. */
  method: string;
  /** Request path relative to the endpoint, without the query string. */
  path: string;
  /** The `X-Request-Id` this client sent, for matching with Adobe's logs. */
  requestId?: string;
  /** The parsed JSON body, or a text excerpt of at most {@link MAX_BODY_EXCERPT} characters. */
  body?: unknown;
  /** The underlying error, kept as the standard `Error.cause`. */
  cause?: unknown;
}

/**
 * Base class of the errors for an HTTP response: {@link RequestError},
 * {@link ServerError} and {@link ResponseError}.
 *
 * `errorCode` and `serverMessage` come from UMAPI's JSON error body
 * (`{ "error_code": ..., "message": ... }`) when it sent one.
 */
export class HttpError extends UmapiError {
  /** HTTP status of the response. */
  readonly status: number;
  /** HTTP method of the request. */
  readonly method: string;
  /** Request path relative to the endpoint, without the query string. */
  readonly path: string;
  /** The `X-Request-Id` this client sent. */
  readonly requestId: string | undefined;
  /** The parsed JSON body, or a text excerpt of at most {@link MAX_BODY_EXCERPT} characters. */
  readonly body: unknown;
  /** UMAPI's `error_code`, such as `error.user.nonexistent`, when the body has one. */
  readonly errorCode: string | undefined;
  /** UMAPI's `message` field, when the body has one. */
  readonly serverMessage: string | undefined;

  constructor(message: string, code: string, details: HttpErrorDetails) {
    super(message, code, { cause: details.cause });
    this.status = details.status;
    this.method = details.method;
    this.path = details.path;
    this.requestId = details.requestId;
    this.body = details.body;
    this.errorCode = readString(details.body, 'error_code');
    this.serverMessage = readString(details.body, 'message');
  }
}

/** Thrown for a 4xx response other than those retried (429), including a second 401. */
export class RequestError extends HttpError {
  constructor(message: string, details: HttpErrorDetails) {
    super(message, 'ERR_UMAPI_REQUEST', details);
  }
}

/** Thrown for a 5xx response other than those retried (502, 503, 504). */
export class ServerError extends HttpError {
  constructor(message: string, details: HttpErrorDetails) {
    super(message, 'ERR_UMAPI_SERVER', details);
  }
}

/**
 * Thrown when a 2xx (or an unexpected 3xx) response is not what UMAPI sends:
 * a body that is not JSON, or a `result` that reports an error.
 */
export class ResponseError extends HttpError {
  constructor(message: string, details: HttpErrorDetails) {
    super(message, 'ERR_UMAPI_RESPONSE', details);
  }
}

/** Details of a request that was given up. */
export interface UnavailableErrorDetails {
  /** HTTP method of the request. */
  method: string;
  /** Request path relative to the endpoint, without the query string. */
  path: string;
  /** How many attempts were sent. */
  attempts: number;
  /** Time from the first attempt to giving up, in milliseconds. */
  elapsedMs: number;
  /** HTTP status of the last response, if the last attempt got one. */
  lastStatus?: number;
  /** The wait the server advised (`Retry-After`), in milliseconds, when it advised one. */
  retryAfterMs?: number;
  /** The `X-Request-Id` of the last attempt. */
  requestId?: string;
  /** The error of the last attempt: a network, timeout or HTTP error. */
  cause?: unknown;
}

/**
 * Thrown when UMAPI stays unavailable: every retry failed with 429, 502, 503,
 * 504, a timeout or a network error. Also thrown at once when the server
 * advised a wait longer than `maxRetryWaitMs`, or when an earlier 429 paused
 * the endpoint class of this client ID for longer than that.
 *
 * A scheduled job can read `retryAfterMs` and reschedule itself.
 */
export class UnavailableError extends UmapiError {
  /** HTTP method of the request. */
  readonly method: string;
  /** Request path relative to the endpoint, without the query string. */
  readonly path: string;
  /** How many attempts were sent; 0 when the call failed before sending. */
  readonly attempts: number;
  /** Time from the start of the call to giving up, in milliseconds. */
  readonly elapsedMs: number;
  /** HTTP status of the last response, if the last attempt got one. */
  readonly lastStatus: number | undefined;
  /** The wait UMAPI advised before another attempt, in milliseconds, when it advised one. */
  readonly retryAfterMs: number | undefined;
  /** The `X-Request-Id` of the last attempt. */
  readonly requestId: string | undefined;

  constructor(message: string, details: UnavailableErrorDetails) {
    super(message, 'ERR_UMAPI_UNAVAILABLE', { cause: details.cause });
    this.method = details.method;
    this.path = details.path;
    this.attempts = details.attempts;
    this.elapsedMs = details.elapsedMs;
    this.lastStatus = details.lastStatus;
    this.retryAfterMs = details.retryAfterMs;
    this.requestId = details.requestId;
  }
}

/** Details of a listing that failed part way. */
export interface ListingErrorDetails {
  /** The listing that failed: `users` or `groups`. */
  listing: 'users' | 'groups';
  /** The page (from 0) whose request failed. */
  page: number;
  /** How many items earlier pages returned before the failure. */
  itemsRead: number;
  /** The error that ended the listing: the page request's error, or a `ResponseError` for an unreadable page. */
  cause: unknown;
}

/**
 * Thrown by `users()` and `groups()` when a page cannot be read, so a listing
 * never ends early without notice. The error from the failed request is the `cause`.
 */
export class ListingError extends UmapiError {
  /** The listing that failed: `users` or `groups`. */
  readonly listing: 'users' | 'groups';
  /** The page (from 0) whose request failed. */
  readonly page: number;
  /** How many items earlier pages returned. */
  readonly itemsRead: number;

  constructor(message: string, details: ListingErrorDetails) {
    super(message, 'ERR_UMAPI_LISTING', { cause: details.cause });
    this.listing = details.listing;
    this.page = details.page;
    this.itemsRead = details.itemsRead;
  }
}

function readString(body: unknown, key: string): string | undefined {
  if (typeof body !== 'object' || body === null) {
    return undefined;
  }

  const value = (body as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Thrown by a call that `Connection.close()` stopped: a call waiting for a
 * rate-limit slot, sleeping between retries or waiting for a response, and
 * any call started after `close()`. A request that was already sent may
 * still have reached UMAPI.
 */
export class ConnectionClosedError extends UmapiError {
  constructor(message: string) {
    super(message, 'ERR_UMAPI_CONNECTION_CLOSED');
  }
}
