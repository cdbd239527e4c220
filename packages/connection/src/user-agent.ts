import { createRequire } from 'node:module';

// The version comes from the package's own package.json, which sits one level
// above both `src/` (tests) and `dist/` (the published build).
const require = createRequire(import.meta.url);
const { version } = require('../package.json') as { version: string };

/** The version of this package, as sent in the `User-Agent` header. */
export const CLIENT_VERSION: string = version;

/**
 * Builds the `User-Agent` header value.
 *
 * @param prefix - The caller's product token, such as `user-sync/3.0`, put first and followed by a space.
 * @returns `<prefix> umapi-client/<version> Node.js/<version> (<platform>)`, or the part after the prefix when none is given.
 */
export function buildUserAgent(prefix?: string): string {
  const base = `umapi-client/${CLIENT_VERSION} Node.js/${process.versions.node} (${process.platform})`;
  return prefix === undefined || prefix === '' ? base : `${prefix} ${base}`;
}
