import type { ResolvedSettings } from './resolve.js';

// PKCS#8 encrypted keys and OpenSSL's legacy encrypted PKCS#1 keys; any other PEM key is in clear.
const ENCRYPTED_KEY = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/;

/**
 * Returns a warning when a passphrase is set for a private key that is not
 * encrypted. JWTAuth ignores the passphrase then, which is harmless, but it
 * often means the wrong key file is configured.
 */
export function findUnusedPassphrase(settings: ResolvedSettings): string | undefined {
  const { passphrase, privateKey } = settings;
  if (passphrase === undefined || privateKey === undefined || ENCRYPTED_KEY.test(privateKey.value)) {
    return undefined;
  }

  return `umapi: warning: ${passphrase.source} is set, but the private key from ${privateKey.source} is not encrypted, so the passphrase is ignored; remove it or check that this is the right key`;
}
