import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A 2048-bit RSA key pair made once per test file; tests never ship keys. */
export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  pkcs1: string;
  pkcs8: string;
}

let cached: TestKeyPair | undefined;

export function getTestKeyPair(): TestKeyPair {
  if (cached === undefined) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    cached = {
      privateKey,
      publicKey,
      pkcs1: privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
      pkcs8: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    };
  }

  return cached;
}

/** Encrypts a key as PKCS#8 with AES-256-CBC, the way Node writes it. */
export function encryptPkcs8(key: KeyObject, passphrase: string): string {
  return key.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase }).toString();
}

/**
 * Encrypts a PKCS#1 PEM with `openssl pkcs8 -topk8 -v2 des3`, the command
 * Adobe's guides gave. Returns undefined when openssl is not installed.
 */
export function encryptWithOpenssl(pkcs1: string, passphrase: string): string | undefined {
  const directory = mkdtempSync(join(tmpdir(), 'umapi-jwt-key-'));
  try {
    const input = join(directory, 'private.key');
    const output = join(directory, 'private.enc.key');
    writeFileSync(input, pkcs1, { mode: 0o600 });
    execFileSync(
      'openssl',
      [
        'pkcs8',
        '-topk8',
        '-v2',
        'des3',
        '-in',
        input,
        '-out',
        output,
        '-passout',
        `pass:${passphrase}`,
      ],
      { stdio: 'ignore' },
    );
    return readFileSync(output, 'utf8');
  } catch {
    return undefined;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
