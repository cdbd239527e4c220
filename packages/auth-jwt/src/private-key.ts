import { createPrivateKey, KeyObject } from 'node:crypto';

/** The smallest RSA modulus IMS accepts for signing the assertion, in bits. */
export const MIN_RSA_KEY_BITS = 2048;

/** The reason a private key was rejected. `field` is the option to fix: `privateKey` or `passphrase`. */
export interface PrivateKeyProblem {
  field: 'privateKey' | 'passphrase';
  message: string;
}

type LoadResult = { key: KeyObject } | { problem: PrivateKeyProblem };

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

const PRIVATE_KEY_LABELS = new Set(['RSA PRIVATE KEY', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);

const NOT_PEM =
  'is not a PEM private key: expected text starting with "-----BEGIN PRIVATE KEY-----" or ' +
  '"-----BEGIN RSA PRIVATE KEY-----" (the private.key file of the credential), ' +
  'or that whole PEM base64-encoded on one line';

/**
 * Parses the `privateKey` option into an RSA private `KeyObject`, once.
 *
 * Accepts PKCS#1 and PKCS#8 PEM (encrypted PKCS#8 with `passphrase`), as a
 * string or Buffer, and a `KeyObject`. A string may carry CRLF line endings,
 * surrounding whitespace or quotes, or literal `\n` sequences, as keys pasted
 * into environment variables do. It may also be the whole PEM base64-encoded
 * on one line (a common way to store it in a CI secret), or the base64 body of
 * a PEM without its BEGIN and END lines. A Buffer that is not text is read as
 * DER (PKCS#8, then PKCS#1).
 *
 * Messages name the problem and the fix and never contain key material.
 */
export function loadPrivateKey(value: unknown, passphrase: string | undefined): LoadResult {
  if (value instanceof KeyObject) {
    return checkKeyObject(value);
  }

  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return isText(bytes) ? loadPemText(bytes.toString('utf8'), passphrase) : loadDer(bytes);
  }

  if (typeof value === 'string') {
    return loadPemText(value, passphrase);
  }

  return problem('must be a PEM string, a Buffer or a KeyObject');
}

function loadPemText(text: string, passphrase: string | undefined): LoadResult {
  const pem = normalizePemText(text);
  if (pem === '') {
    return problem('is empty; pass the contents of the private key file, not its path');
  }

  const blocks = [...pem.matchAll(PEM_BLOCK)].map((match) => ({
    label: match[1] ?? '',
    text: match[0],
  }));
  if (blocks.length === 0) {
    return loadBareBase64(pem) ?? problem(describeMissingPem(pem));
  }

  // A file holding a certificate and its key together is common, so prefer
  // the private key block wherever it sits.
  const keyBlock = blocks.find((block) => PRIVATE_KEY_LABELS.has(block.label));
  if (keyBlock === undefined) {
    return problem(describeWrongBlock(blocks[0]?.label ?? ''));
  }

  const encrypted =
    keyBlock.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(keyBlock.text);
  if (encrypted && (passphrase === undefined || passphrase === '')) {
    return problem('is encrypted; set the passphrase option to the password it was encrypted with');
  }

  let key: KeyObject;
  try {
    key = createPrivateKey({
      key: keyBlock.text,
      format: 'pem',
      passphrase: encrypted ? passphrase : undefined,
    });
  } catch (error) {
    return describeParseFailure(error, encrypted);
  }

  return checkKeyObject(key);
}

/** Undoes the usual damage of copying a PEM into an environment variable, YAML value or CI secret. */
export function normalizePemText(text: string): string {
  let pem = text.trim();

  // Surrounding quotes survive some .env loaders and copied JSON values.
  if (pem.length >= 2 && (pem[0] === '"' || pem[0] === "'") && pem.at(-1) === pem[0]) {
    pem = pem.slice(1, -1).trim();
  }

  // Literal backslash-n sequences, as written by JSON encoders and `export KEY="...\n..."`.
  pem = pem.replace(/\\r\\n|\\n|\\r/g, '\n').replace(/\r\n?/g, '\n');

  if (!pem.includes('-----BEGIN') && /^[A-Za-z0-9+/=_-]+$/.test(pem.replace(/\s+/g, ''))) {
    const decoded = Buffer.from(pem.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (decoded.includes('-----BEGIN')) {
      pem = decoded.trim().replace(/\r\n?/g, '\n');
    }
  }

  return pem
    .split('\n')
    .map((line) => line.trim())
    .join('\n');
}

/** Reads a PEM body pasted without its BEGIN and END lines: base64 of a DER private key. */
function loadBareBase64(text: string): LoadResult | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length < 64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    return undefined;
  }

  const loaded = loadDer(Buffer.from(compact, 'base64'));
  return 'key' in loaded ? loaded : undefined;
}

function loadDer(bytes: Buffer): LoadResult {
  for (const type of ['pkcs8', 'pkcs1'] as const) {
    try {
      return checkKeyObject(createPrivateKey({ key: bytes, format: 'der', type }));
    } catch {
      // Try the next encoding; the failure is reported once below.
    }
  }

  return problem(`${NOT_PEM} (the Buffer is neither PEM text nor a DER private key)`);
}

function checkKeyObject(key: KeyObject): LoadResult {
  if (key.type === 'public') {
    return problem(
      `is a public key; pass the private key of the pair (the private.key file), not the certificate or public key`,
    );
  }

  if (key.type !== 'private') {
    return problem(`is a secret (symmetric) key; pass an RSA private key`);
  }

  const keyType = key.asymmetricKeyType;
  if (keyType === 'ec') {
    return problem(
      `is an EC key; IMS signs the assertion with RS256, which needs an RSA private key of at least ${MIN_RSA_KEY_BITS} bits`,
    );
  }

  if (keyType !== 'rsa') {
    return problem(
      `is an ${keyType ?? 'unknown'} key; IMS signs the assertion with RS256, which needs an RSA private key of at least ${MIN_RSA_KEY_BITS} bits`,
    );
  }

  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_KEY_BITS) {
    return problem(
      `is a ${bits}-bit RSA key; IMS requires at least ${MIN_RSA_KEY_BITS} bits, so create a new key pair and upload its certificate`,
    );
  }

  return { key };
}

function describeMissingPem(pem: string): string {
  if (pem.includes('-----BEGIN')) {
    return 'is a damaged PEM: the -----BEGIN line has no matching -----END line; copy the whole file';
  }

  if (/^(\.{0,2}\/|[A-Za-z]:\\|~\/)|\.(pem|key)$/i.test(pem) && !pem.includes('\n')) {
    return 'looks like a file path; read the file and pass its contents, e.g. privateKey: readFileSync(path)';
  }

  return NOT_PEM;
}

function describeWrongBlock(label: string): string {
  if (label === 'PUBLIC KEY' || label === 'RSA PUBLIC KEY') {
    return 'is a public key; pass the private key of the pair (the private.key file)';
  }

  if (label.includes('CERTIFICATE REQUEST')) {
    return 'is a certificate signing request; pass the private key of the pair (the private.key file)';
  }

  if (label.includes('CERTIFICATE')) {
    return 'is a certificate; pass the private key that belongs to it (the private.key file), not certificate_pub.crt';
  }

  if (label === 'EC PRIVATE KEY') {
    return `is an EC key; IMS signs the assertion with RS256, which needs an RSA private key of at least ${MIN_RSA_KEY_BITS} bits`;
  }

  if (label === 'OPENSSH PRIVATE KEY') {
    return 'is in OpenSSH format; convert it to PKCS#8 PEM with "ssh-keygen -p -m PKCS8 -f <file>"';
  }

  return `is a PEM "${label}" block, not a private key; pass the credential's private.key file`;
}

function describeParseFailure(error: unknown, encrypted: boolean): LoadResult {
  const code = (error as { code?: unknown }).code;
  const reason = error instanceof Error ? error.message : '';

  // OpenSSL reports a wrong password as a decrypt failure or, for PKCS#8, as
  // an undecodable structure once the wrong key produced garbage.
  if (
    encrypted &&
    (code === 'ERR_OSSL_BAD_DECRYPT' || /bad decrypt|unsupported|DECODER/i.test(reason))
  ) {
    return {
      problem: {
        field: 'passphrase',
        message: 'is wrong: the private key could not be decrypted with it',
      },
    };
  }

  if (code === 'ERR_MISSING_PASSPHRASE') {
    return problem('is encrypted; set the passphrase option to the password it was encrypted with');
  }

  // Only the error code is kept: OpenSSL messages name no key bytes, but a
  // fixed text keeps that promise for every OpenSSL version.
  const suffix = typeof code === 'string' ? ` (${code})` : '';
  return problem(
    `could not be read: the PEM body is damaged or is not an RSA private key${suffix}`,
  );
}

function isText(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, 64);
  return sample.every(
    (byte) => byte === 0x09 || byte === 0x0a || byte === 0x0d || (byte >= 0x20 && byte < 0x7f),
  );
}

function problem(message: string): { problem: PrivateKeyProblem } {
  return { problem: { field: 'privateKey', message } };
}
