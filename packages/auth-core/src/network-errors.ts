import { CertificateError, isUmapiError, NetworkError, ProxyError } from './errors.js';
import type { ProxySettings } from './proxy-env.js';

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
};

/** Details of a failed request that the error mapping needs. */
export interface FailedRequest {
  url: URL;
  signal: AbortSignal | null | undefined;
  /** The proxy the request went through, if any. */
  proxy: ProxySettings | undefined;
}

/**
 * Turns a rejection of `fetch` into a typed error. Abort and timeout
 * rejections of the caller's signal, and errors that are not network
 * failures (an invalid header, say), are returned unchanged.
 */
export function toNetworkError(error: unknown, request: FailedRequest): unknown {
  if (request.signal?.aborted || isUmapiError(error) || isAbortError(error)) {
    return error;
  }

  const host = request.url.host;
  const proxyStatus = findProxyStatus(error);
  const code = findCode(error);

  if (request.proxy !== undefined && proxyStatus !== undefined) {
    return proxyRejected(request.proxy, host, proxyStatus, error);
  }

  if (code !== undefined && certificateCodes.has(code)) {
    return new CertificateError(
      `TLS certificate of ${host} is not trusted (${code}). Add the issuing CA with the ca option ` +
        '(or NODE_EXTRA_CA_CERTS), for example the root of a TLS-inspecting proxy.',
      { host, systemCode: code, cause: error },
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
        cause: error,
      },
    );
  }

  if (code === undefined && !isFetchFailure(error)) {
    return error;
  }

  const reason = code === undefined ? 'network error' : `${describeCode(code)} (${code})`;
  return new NetworkError(`Request to ${host} failed: ${reason}.`, {
    host,
    systemCode: code,
    cause: error,
  });
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
    if (typeof code === 'string' && code.length > 0) {
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
