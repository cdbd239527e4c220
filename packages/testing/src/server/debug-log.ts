import { debuglog } from 'node:util';

/**
 * Writes to stderr when `NODE_DEBUG=umapi` is set, like the other @umapi
 * packages, and stays silent otherwise. Callers pass no secrets.
 */
export const debugLog = debuglog('umapi');

/** Logs a request that a fake failed to serve, naming the method and path but not the query. */
export function logServeFailure(
  server: string,
  method: string | undefined,
  url: string | undefined,
  error: unknown,
): void {
  const path = (url ?? '/').split('?')[0];
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  debugLog('%s failed to serve %s %s: %s', server, method ?? 'GET', path, reason);
}
