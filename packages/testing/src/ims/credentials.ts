import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { randomHex } from '../ids.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Private key encodings that `createJwtCredentials` can hand out. */
export type PrivateKeyFormat = 'pkcs1' | 'pkcs8' | 'encrypted-pkcs8';

/** A new RSA key pair with the private key encoded as requested. */
export interface GeneratedKeyPair {
  publicKey: KeyObject;
  /** The private key as PEM. */
  privateKey: string;
  /** The passphrase, for `encrypted-pkcs8` only. */
  passphrase: string | undefined;
}

/**
 * Generates an RSA key pair. PKCS#1 (`BEGIN RSA PRIVATE KEY`) is the default
 * because the Adobe Developer Console hands out keys in that form.
 */
export async function generateRsaKeyPair(
  format: PrivateKeyFormat,
  modulusLength: number,
  passphrase?: string,
): Promise<GeneratedKeyPair> {
  if (!['pkcs1', 'pkcs8', 'encrypted-pkcs8'].includes(format)) {
    throw new TypeError(
      `createJwtCredentials({ keyFormat }) expects 'pkcs1', 'pkcs8' or 'encrypted-pkcs8', got ${String(format)}.`,
    );
  }

  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength });

  if (format === 'pkcs1') {
    return {
      publicKey,
      privateKey: exportPem(privateKey, { type: 'pkcs1' }),
      passphrase: undefined,
    };
  }
  if (format === 'pkcs8') {
    return {
      publicKey,
      privateKey: exportPem(privateKey, { type: 'pkcs8' }),
      passphrase: undefined,
    };
  }
  const secret = passphrase ?? randomHex(16);
  const pem = exportPem(privateKey, { type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: secret });
  return { publicKey, privateKey: pem, passphrase: secret };
}

function exportPem(
  key: KeyObject,
  options: { type: 'pkcs1' | 'pkcs8'; cipher?: string; passphrase?: string },
): string {
  return key.export({ format: 'pem', ...options }).toString();
}
