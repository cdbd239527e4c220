import { inspect } from 'node:util';

const brand = Symbol.for('@umapi/error');

/** Options shared by every error constructor in this package family. */
export interface UmapiErrorOptions {
  /** The underlying error, kept as the standard `Error.cause`. */
  cause?: unknown;
}

/**
 * Base class of every error the umapi packages throw.
 *
 * Callers branch on `code`, never on the message. `isUmapiError()` recognises
 * errors from another copy of the package too, because it checks a
 * `Symbol.for` brand rather than the class identity.
 */
export class UmapiError extends Error {
  /** A stable, machine-readable code, such as `ERR_UMAPI_CONFIGURATION`. */
  readonly code: string;

  constructor(message: string, code: string, options: UmapiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    Object.defineProperty(this, brand, { value: true });
  }
}

/**
 * Returns true for any error thrown by a umapi package, from any copy of it.
 *
 * @example
 * ```ts
 * try {
 *   await auth.getAccessToken();
 * } catch (error) {
 *   if (!isUmapiError(error)) throw error;
 *   console.error(`${error.code}: ${error.message}`);
 * }
 * ```
 */
export function isUmapiError(value: unknown): value is UmapiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}

/** One invalid or missing option. */
export interface ConfigurationProblem {
  /** The option name as the caller spells it, such as `clientSecret` or `privateKey`. */
  field: string;
  /** What is wrong and how to fix it. Never contains the option's value when it is a secret. */
  message: string;
}

/**
 * Thrown when options are missing or invalid. Lists every problem at once so
 * a caller can fix a configuration in one pass.
 */
export class ConfigurationError extends UmapiError {
  /** Every invalid or missing option found. */
  readonly problems: readonly ConfigurationProblem[];

  constructor(
    problems: readonly ConfigurationProblem[],
    options: UmapiErrorOptions & { subject?: string } = {},
  ) {
    const subject = options.subject ?? 'options';
    const lines = problems.map((problem) => `  - ${problem.field}: ${problem.message}`);
    super(`Invalid ${subject}:\n${lines.join('\n')}`, 'ERR_UMAPI_CONFIGURATION', options);
    this.problems = problems;
  }
}

/** Details of an error response from Adobe IMS. */
export interface ImsErrorDetails {
  /** HTTP status of the answer. */
  status: number;
  /** The IMS `error` field, such as `invalid_client`, or `unexpected_response` for a body IMS did not shape. */
  imsCode: string;
  /** The IMS `error_description` field, or a truncated excerpt of a non-JSON body. */
  description?: string;
  /** The endpoint URL without query string. */
  endpoint: string;
  /** The IMS request id header (`x-debug-id` or `x-request-id`) when present. */
  requestId?: string;
  /** The server's `Date` header as epoch milliseconds, used to detect local clock skew. */
  serverDate?: number;
  /** The wait the server asked for with `Retry-After`, in milliseconds, when it sent one. */
  retryAfterMs?: number;
  /** The underlying error, kept as the standard `Error.cause`. */
  cause?: unknown;
}

/** Thrown when Adobe IMS responds to a token request with an error or an unusable body. */
export class ImsError extends UmapiError {
  /** HTTP status of the IMS response. */
  readonly status: number;
  /** The IMS `error_description` field, or a truncated excerpt of a non-JSON body. */
  readonly description: string | undefined;
  /** The endpoint URL without query string. */
  readonly endpoint: string;
  /** The IMS request id header (`x-debug-id` or `x-request-id`) when present. */
  readonly requestId: string | undefined;
  /** The server's `Date` header as epoch milliseconds, when sent. */
  readonly serverDate: number | undefined;
  /** The wait the server asked for with `Retry-After`, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: ImsErrorDetails) {
    super(message, details.imsCode, { cause: details.cause });
    this.status = details.status;
    this.description = details.description;
    this.endpoint = details.endpoint;
    this.requestId = details.requestId;
    this.serverDate = details.serverDate;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Thrown when a request could not reach the server: refused, reset, DNS failure. */
export class NetworkError extends UmapiError {
  /** Host (and port) the request was for. */
  readonly host: string;
  /** Node's system error code, such as `ECONNREFUSED`, when known. */
  readonly systemCode: string | undefined;

  constructor(
    message: string,
    details: { host: string; systemCode?: string; cause?: unknown },
    code = 'ERR_UMAPI_NETWORK',
  ) {
    super(message, code, { cause: details.cause });
    this.host = details.host;
    this.systemCode = details.systemCode;
  }
}

/** Thrown when the server's TLS certificate is not trusted. Never retried. */
export class CertificateError extends NetworkError {
  constructor(message: string, details: { host: string; systemCode: string; cause?: unknown }) {
    super(message, details, 'ERR_UMAPI_CERTIFICATE');
  }
}

/** Thrown when a proxy rejects the request, for example with 407 Proxy Authentication Required. */
export class ProxyError extends NetworkError {
  /** HTTP status the proxy rejected the connection with, such as 407, or `undefined` when the proxy was unreachable. */
  readonly status: number | undefined;
  /** Host name of the proxy from `HTTPS_PROXY` or `HTTP_PROXY`. */
  readonly proxyHost: string;
  /** Port of the proxy as a string, the scheme's default when the proxy URL has none. */
  readonly proxyPort: string;
  /** The environment variable the proxy came from, such as `HTTP_PROXY`, when known. */
  readonly proxyVariable: string | undefined;

  constructor(
    message: string,
    details: {
      host: string;
      proxyHost: string;
      proxyPort: string;
      /** The environment variable the proxy came from, such as `HTTP_PROXY`. */
      proxyVariable?: string;
      status?: number;
      /** Node's system error code when the proxy could not be reached, such as `ECONNREFUSED`. */
      systemCode?: string;
      cause?: unknown;
    },
  ) {
    super(message, details, 'ERR_UMAPI_PROXY');
    this.status = details.status;
    this.proxyHost = details.proxyHost;
    this.proxyPort = details.proxyPort;
    this.proxyVariable = details.proxyVariable;
  }
}

/** Thrown when one attempt took longer than its timeout. */
export class TimeoutError extends UmapiError {
  /** The timeout that ran out, in milliseconds. */
  readonly timeoutMs: number;
  /** Host (and port) the request was for. */
  readonly host: string;

  constructor(message: string, details: { timeoutMs: number; host: string; cause?: unknown }) {
    super(message, 'ERR_UMAPI_TIMEOUT', { cause: details.cause });
    this.timeoutMs = details.timeoutMs;
    this.host = details.host;
  }
}

// Limits `util.inspect` output to the fields a reader needs. The message and
// fields contain no secret, but a cause from a dependency might contain a request.
Object.defineProperty(UmapiError.prototype, inspect.custom, {
  value(this: UmapiError, depth: number, options: Parameters<typeof inspect>[1]) {
    const fields = Object.fromEntries(Object.entries(this).filter(([key]) => key !== 'cause'));
    const cause = this.cause === undefined ? '' : `\n  [cause]: ${describeCause(this.cause)}`;
    return `${this.stack ?? `${this.name}: ${this.message}`} ${inspect(fields, { ...options, depth })}${cause}`;
  },
});

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${cause.name}: ${cause.message}${typeof code === 'string' ? ` (${code})` : ''}`;
  }

  return typeof cause;
}
