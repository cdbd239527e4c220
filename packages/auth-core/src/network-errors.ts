import { CertificateError, isUmapiError, NetworkError, ProxyError } from './errors.js';
import type { ProxySettings } from './proxy-env.js';
import { isPlausibleCode, redactSecrets, sanitizeCause } from './redact.js';

/**
 * OpenSSL verification codes and Node's host name check, as Node reports
 * them in `error.code` when a server's certificate is rejected.
 */
const certificateCodes = new Set([
  'CERT_CHAIN_TOO_LONG',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'HOSTNAME_MISMATCH',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/** Codes of failures to open a connection; through a proxy, they concern the proxy itself. */
const connectCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const systemCodeDescriptions: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'temporary DNS failure',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the other side',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'response body stalled',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'response shorter than its Content-Length',
  HPE_INVALID_CHUNK_SIZE: 'invalid chunked encoding',
  Z_DATA_ERROR: 'invalid compressed body',
  Z_BUF_ERROR: 'compressed body cut off',
};

/** Details of a failed request that the error mapping needs. */
export interface FailedRequest {
  url: URL;
  signal: AbortSignal | null | undefined;
  /** The proxy the request went through, if any. */
  proxy: ProxySettings | undefined;
  /** Values of the request (header values, form values, proxy password) blanked out of cause messages. */
  secrets?: readonly string[];
}

/**
 * Turns a rejection of `fetch` into a typed error. Abort and timeout
 * rejections of the caller's signal, and errors that are not network
 * failures (an invalid header, say), are returned unchanged.
 *
 * The typed error's `cause` is a copy of the original chain made by
 * {@link sanitizeCause}: names, codes and redacted messages only, because
 * undici keeps the bytes it received, which may echo the request.
 */
export function toNetworkError(error: unknown, request: FailedRequest): unknown {
  if (request.signal?.aborted || isUmapiError(error) || isAbortError(error)) {
    return error;
  }

  const host = request.url.host;
  const proxyStatus = findProxyStatus(error);
  const code = findCode(error);
  const cause = sanitizeCause(error, request.secrets);

  if (request.proxy !== undefined && proxyStatus !== undefined) {
    return proxyRejected(request.proxy, host, proxyStatus, cause);
  }

  if (code !== undefined && certificateCodes.has(code)) {
    return new CertificateError(
      `TLS certificate of ${host} is not trusted (${code}). Add the issuing CA with the ca option ` +
        '(or NODE_EXTRA_CA_CERTS), for example the root of a TLS-inspecting proxy.',
      { host, systemCode: code, cause },
    );
  }

  if (request.proxy !== undefined && code !== undefined && connectCodes.has(code)) {
    const { hostname, port, variable } = request.proxy;
    return new ProxyError(
      `Could not connect to proxy ${hostname}:${port} from ${variable} for a request to ${host}: ${describeCode(code)} (${code}).`,
      {
        host,
        proxyHost: hostname,
        proxyPort: port,
        proxyVariable: variable,
        systemCode: code,
        cause,
      },
    );
  }

  if (code === undefined && !isFetchFailure(error)) {
    return redactedInPlaceOf(error, request.secrets ?? []);
  }

  const reason = code === undefined ? 'network error' : `${describeCode(code)} (${code})`;
  return new NetworkError(`Request to ${host} failed: ${reason}.`, {
    host,
    systemCode: code,
    cause,
  });
}

/**
 * Turns an error thrown while reading a response body into a `NetworkError`:
 * a connection closed or reset before the whole body arrived (undici's
 * `TypeError: terminated`), invalid chunked encoding, or a body whose
 * `Content-Encoding` does not decode. Aborts and umapi errors are returned
 * unchanged. The cause is a redacted copy, as in {@link toNetworkError}.
 */
export function toBodyReadError(error: unknown, request: FailedRequest): unknown {
  if (request.signal?.aborted || isUmapiError(error) || isAbortError(error)) {
    return error;
  }

  const host = request.url.host;
  const code = findCode(error);
  const reason = code === undefined ? 'the connection closed early' : `${describeCode(code)} (${code})`;
  return new NetworkError(`Response body from ${host} was cut off or invalid: ${reason}.`, {
    host,
    systemCode: code,
    cause: sanitizeCause(error, request.secrets),
  });
}

/**
 * Returns an error that is not a network failure unchanged, unless its message
 * quotes a credential of the request, as `Headers.set: "Bearer …" is an invalid
 * header value` does. Then a redacted copy of the same class is returned.
 */
function redactedInPlaceOf(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof Error) || redactSecrets(error.message, secrets) === error.message) {
    return error;
  }

  const copy = sanitizeCause(error, secrets) as Error;
  return error instanceof TypeError
    ? new TypeError(copy.message, copy.cause === undefined ? undefined : { cause: copy.cause })
    : copy;
}

function proxyRejected(
  proxy: ProxySettings,
  host: string,
  status: number,
  cause: unknown,
): ProxyError {
  const where = `${proxy.hostname}:${proxy.port}`;
  const message =
    status === 407
      ? `Proxy ${where} from ${proxy.variable} requires authentication (HTTP 407) for a request to ${host}. ` +
        `Check the user name and password in ${proxy.variable}, written as http://user:password@host:port.`
      : `Proxy ${where} from ${proxy.variable} rejected the connection to ${host} with HTTP ${status}.`;

  return new ProxyError(message, {
    host,
    proxyHost: proxy.hostname,
    proxyPort: proxy.port,
    proxyVariable: proxy.variable,
    status,
    cause,
  });
}

function describeCode(code: string): string {
  return systemCodeDescriptions[code] ?? 'network error';
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** Returns true for `TypeError: fetch failed`, the rejection undici's and Node's fetch use for network failures. */
function isFetchFailure(error: unknown): boolean {
  return error instanceof TypeError && error.message === 'fetch failed';
}

/** Yields the error, its causes and the members of an AggregateError, a few levels deep. */
function* causeChain(error: unknown): Generator<object> {
  const queue: unknown[] = [error];
  for (let seen = 0; queue.length > 0 && seen < 12; seen += 1) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null) {
      continue;
    }

    yield current;
    queue.push((current as { cause?: unknown }).cause);
    if (current instanceof AggregateError) {
      queue.push(...current.errors);
    }
  }
}

/** Finds the most telling code in the chain: a certificate code wins over a wrapper's code. */
function findCode(error: unknown): string | undefined {
  const codes: string[] = [];
  for (const item of causeChain(error)) {
    const code = (item as { code?: unknown }).code;
    if (typeof code === 'string' && isPlausibleCode(code)) {
      codes.push(code);
    }
  }

  return codes.find((code) => certificateCodes.has(code)) ?? codes[0];
}

/** Finds the status of a rejected CONNECT; undici reports it only in its message. */
function findProxyStatus(error: unknown): number | undefined {
  for (const item of causeChain(error)) {
    const message = (item as { message?: unknown }).message;
    if (typeof message !== 'string') {
      continue;
    }

    const tunnel = /Proxy response \((\d{3})\)/.exec(message);
    if (tunnel !== null) {
      return Number(tunnel[1]);
    }

    if (/Proxy Authentication Required/i.test(message)) {
      return 407;
    }
  }

  return undefined;
}
