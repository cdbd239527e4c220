import { debuglog } from 'node:util';

const log = debuglog('umapi');

/**
 * Writes a debug line to stderr when `NODE_DEBUG=umapi` is set, and does nothing otherwise.
 *
 * Callers pass no secret: no client secret, private key, assertion or access
 * token, and URLs only through {@link redactUrl}.
 *
 * @example
 * debug('token request to %s answered %d', redactUrl(url), status);
 */
export function debug(message: string, ...values: unknown[]): void {
  if (log.enabled) {
    log(message, ...values);
  }
}

/** Returns true when `NODE_DEBUG=umapi` is set, so a caller can skip building an expensive line. */
export function isDebugEnabled(): boolean {
  return log.enabled;
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
