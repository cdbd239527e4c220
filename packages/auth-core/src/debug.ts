import { debuglog, format } from 'node:util';

const log = debuglog('umapi');

/** Receives formatted debug lines instead of stderr; set only by tests, because NODE_DEBUG is read at process start. */
let testSink: ((line: string) => void) | undefined;

/**
 * Writes a debug line to stderr when `NODE_DEBUG=umapi` is set, and does nothing otherwise.
 *
 * Callers pass no secret: no client secret, private key, assertion or access
 * token, and URLs only through {@link redactUrl}.
 *
 * @example
 * debug('token request to %s returned HTTP %d', redactUrl(url), status);
 */
export function debug(message: string, ...values: unknown[]): void {
  if (testSink !== undefined) {
    testSink(format(message, ...values));
    return;
  }

  if (log.enabled) {
    log(message, ...values);
  }
}

/** Sends debug lines to `sink` until called again without one. Internal: not exported from the package. */
export function setDebugSink(sink: ((line: string) => void) | undefined): void {
  testSink = sink;
}

/** Returns true when `NODE_DEBUG=umapi` is set, so a caller can skip building an expensive line. */
export function isDebugEnabled(): boolean {
  return testSink !== undefined || log.enabled;
}

/**
 * Returns a URL safe to show in a message or log line: user name, password,
 * query string and fragment are dropped, because each of them may carry a
 * secret (proxy credentials, a signed query parameter).
 *
 * @param url - An absolute URL. A value that does not parse yields `'<invalid URL>'`.
 *
 * @example
 * redactUrl('http://user:pw@proxy.example:3128/?token=x'); // 'http://proxy.example:3128/'
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return '<invalid URL>';
  }

  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  return parsed.href;
}
