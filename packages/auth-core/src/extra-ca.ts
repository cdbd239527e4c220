import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { debug } from './debug.js';

type CaSource = (type: 'extra') => string[];

// Node.js 22.15 and later list the extra certificates with
// tls.getCACertificates('extra'). Node.js 20 has no such call, so the file is read again.
const nodeCaSource = (tls as { getCACertificates?: CaSource }).getCACertificates;

/**
 * Reads the certificates that `NODE_EXTRA_CA_CERTS` added to Node's trust
 * store, so that a `ca` option can add to them instead of dropping them.
 *
 * @param env - Environment to read `NODE_EXTRA_CA_CERTS` from when Node.js
 *   cannot list the certificates itself. Default `process.env`.
 * @param source - The listing call of Node.js, `tls.getCACertificates`, where it exists.
 * @returns PEM text, one entry per file or certificate, or an empty array.
 */
export function extraCaCertificates(
  env: NodeJS.ProcessEnv = process.env,
  source: CaSource | undefined = nodeCaSource,
): string[] {
  if (source !== undefined) {
    return source.call(tls, 'extra');
  }

  const path = env.NODE_EXTRA_CA_CERTS;
  if (path === undefined || path === '') {
    return [];
  }

  // Node.js has already warned at start-up about a file it could not read,
  // so a second warning would add nothing.
  try {
    const text = readFileSync(path, 'utf8');
    return text.includes('-----BEGIN CERTIFICATE-----') ? [text] : [];
  } catch (error) {
    debug('NODE_EXTRA_CA_CERTS file could not be read: %s', (error as Error).message);
    return [];
  }
}
