import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadPrivateKey, normalizePemText } from './private-key.js';
import { encryptPkcs8, encryptWithOpenssl, getTestKeyPair } from './test-keys.js';

const keys = getTestKeyPair();
const passphrase = 'correct horse battery staple';
const opensslDes3 = encryptWithOpenssl(keys.pkcs1, passphrase);

function base64Body(pem: string): string {
  return pem.split('\n').slice(1, -2).join('');
}

function expectSameKey(loaded: ReturnType<typeof loadPrivateKey>): void {
  if (!('key' in loaded)) {
    throw new Error(`expected a key, got: ${loaded.problem.field} ${loaded.problem.message}`);
  }

  expect(loaded.key.type).toBe('private');
  expect(loaded.key.export({ format: 'pem', type: 'pkcs8' })).toBe(keys.pkcs8);
}

describe('loadPrivateKey accepts', () => {
  const cases: Array<{ name: string; value: () => unknown; passphrase?: string }> = [
    { name: 'PKCS#1 PEM', value: () => keys.pkcs1 },
    { name: 'PKCS#8 PEM', value: () => keys.pkcs8 },
    {
      name: 'encrypted PKCS#8 with passphrase',
      value: () => encryptPkcs8(keys.privateKey, passphrase),
      passphrase,
    },
    { name: 'a KeyObject', value: () => keys.privateKey },
    { name: 'a Buffer of PEM', value: () => Buffer.from(keys.pkcs1) },
    { name: 'a Uint8Array of PEM', value: () => new TextEncoder().encode(keys.pkcs8) },
    {
      name: 'DER PKCS#8 in a Buffer',
      value: () => keys.privateKey.export({ format: 'der', type: 'pkcs8' }),
    },
    {
      name: 'DER PKCS#1 in a Buffer',
      value: () => keys.privateKey.export({ format: 'der', type: 'pkcs1' }),
    },
    { name: 'CRLF line endings', value: () => keys.pkcs1.replaceAll('\n', '\r\n') },
    { name: 'literal \\n sequences', value: () => keys.pkcs1.trim().replaceAll('\n', '\\n') },
    { name: 'literal \\r\\n sequences', value: () => keys.pkcs8.trim().replaceAll('\n', '\\r\\n') },
    {
      name: 'whole PEM base64-encoded on one line',
      value: () => Buffer.from(keys.pkcs1).toString('base64'),
    },
    {
      name: 'base64 PEM with a trailing newline',
      value: () => `${Buffer.from(keys.pkcs8).toString('base64')}\n`,
    },
    { name: 'a PEM body without BEGIN and END lines', value: () => base64Body(keys.pkcs8) },
    { name: 'a PKCS#1 body on one line', value: () => base64Body(keys.pkcs1) },
    { name: 'surrounding whitespace', value: () => `\n\n   ${keys.pkcs1}  \t\n` },
    { name: 'indented lines', value: () => keys.pkcs8.replaceAll('\n', '\n    ') },
    {
      name: 'surrounding double quotes',
      value: () => `"${keys.pkcs1.trim().replaceAll('\n', '\\n')}"`,
    },
    {
      name: 'a certificate before the key',
      value: () => `-----BEGIN CERTIFICATE-----\nTUlJ\n-----END CERTIFICATE-----\n${keys.pkcs1}`,
    },
    {
      name: 'unencrypted key with an unused passphrase',
      value: () => keys.pkcs8,
      passphrase: 'unused',
    },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => {
      expectSameKey(loadPrivateKey(testCase.value(), testCase.passphrase));
    });
  }

  it.runIf(opensslDes3 !== undefined)(
    'openssl pkcs8 -topk8 -v2 des3 output with passphrase',
    () => {
      expect(opensslDes3).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
      expectSameKey(loadPrivateKey(opensslDes3, passphrase));
    },
  );
});

describe('loadPrivateKey rejects', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed25519 = generateKeyPairSync('ed25519');
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const encrypted = encryptPkcs8(keys.privateKey, passphrase);
  const pkcs1Lines = keys.pkcs1.trim().split('\n');

  const cases: Array<{
    name: string;
    value: () => unknown;
    passphrase?: string;
    field?: 'privateKey' | 'passphrase';
    message: RegExp;
  }> = [
    {
      name: 'a public key PEM',
      value: () => keys.publicKey.export({ format: 'pem', type: 'spki' }),
      message: /public key/,
    },
    {
      name: 'a PKCS#1 public key PEM',
      value: () => keys.publicKey.export({ format: 'pem', type: 'pkcs1' }),
      message: /public key/,
    },
    { name: 'a public KeyObject', value: () => keys.publicKey, message: /public key/ },
    {
      name: 'a certificate',
      value: () =>
        `-----BEGIN CERTIFICATE-----\n${base64Body(keys.pkcs8)}\n-----END CERTIFICATE-----\n`,
      message: /is a certificate; pass the private key/,
    },
    {
      name: 'a certificate request',
      value: () => `-----BEGIN CERTIFICATE REQUEST-----\nTUlJ\n-----END CERTIFICATE REQUEST-----\n`,
      message: /certificate signing request/,
    },
    {
      name: 'an EC key in PKCS#8',
      value: () => ec.privateKey.export({ format: 'pem', type: 'pkcs8' }),
      message: /EC key.*RS256/,
    },
    {
      name: 'an EC key in SEC1',
      value: () => ec.privateKey.export({ format: 'pem', type: 'sec1' }),
      message: /EC key.*RS256/,
    },
    { name: 'an EC KeyObject', value: () => ec.privateKey, message: /EC key/ },
    {
      name: 'an Ed25519 key',
      value: () => ed25519.privateKey.export({ format: 'pem', type: 'pkcs8' }),
      message: /ed25519 key.*RSA/,
    },
    { name: 'an Ed25519 KeyObject', value: () => ed25519.privateKey, message: /ed25519 key/ },
    {
      name: 'a secret KeyObject',
      value: () => createSecretKey(Buffer.alloc(32)),
      message: /secret \(symmetric\) key/,
    },
    {
      name: 'a 1024-bit RSA key',
      value: () => small.privateKey.export({ format: 'pem', type: 'pkcs1' }),
      message: /1024-bit RSA key.*at least 2048/,
    },
    { name: 'a 1024-bit RSA KeyObject', value: () => small.privateKey, message: /1024-bit/ },
    {
      name: 'an encrypted key without passphrase',
      value: () => encrypted,
      message: /is encrypted; set the passphrase/,
    },
    {
      name: 'an encrypted key with empty passphrase',
      value: () => encrypted,
      passphrase: '',
      message: /is encrypted/,
    },
    {
      name: 'a wrong passphrase',
      value: () => encrypted,
      passphrase: 'wrong',
      field: 'passphrase',
      message: /is wrong/,
    },
    {
      name: 'text that is not PEM',
      value: () => 'hello world',
      message: /is not a PEM private key/,
    },
    { name: 'an empty string', value: () => '   ', message: /is empty/ },
    {
      name: 'a file path',
      value: () => './secrets/private.key',
      message: /file path; read the file/,
    },
    {
      name: 'a PEM without END line',
      value: () => pkcs1Lines.slice(0, -1).join('\n'),
      message: /no matching -----END/,
    },
    {
      name: 'a PEM with a damaged body',
      value: () => [pkcs1Lines[0], 'AAAA', pkcs1Lines.at(-1)].join('\n'),
      message: /could not be read/,
    },
    {
      name: 'an OpenSSH key',
      value: () => '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----',
      message: /OpenSSH format/,
    },
    { name: 'a number', value: () => 42, message: /PEM string, a Buffer or a KeyObject/ },
    {
      name: 'binary that is not DER',
      value: () => Buffer.from([0x30, 0x82, 0x00, 0x01, 0xff]),
      message: /neither PEM text nor a DER/,
    },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => {
      const loaded = loadPrivateKey(testCase.value(), testCase.passphrase);
      if (!('problem' in loaded)) {
        throw new Error('expected a rejection');
      }

      expect(loaded.problem.field).toBe(testCase.field ?? 'privateKey');
      expect(loaded.problem.message).toMatch(testCase.message);
      for (const line of [...pkcs1Lines.slice(1, -1), ...base64Body(keys.pkcs8).match(/.{16}/g)!]) {
        expect(loaded.problem.message).not.toContain(line.slice(0, 16));
      }
    });
  }

  it.runIf(opensslDes3 !== undefined)('openssl des3 output with a wrong passphrase', () => {
    const loaded = loadPrivateKey(opensslDes3, 'wrong');
    expect(loaded).toHaveProperty('problem');
    expect((loaded as { problem: unknown }).problem).toEqual({
      field: 'passphrase',
      message: expect.stringMatching(/is wrong/),
    });
  });
});

describe('normalizePemText', () => {
  it('leaves a clean PEM unchanged', () => {
    expect(normalizePemText(keys.pkcs1)).toBe(keys.pkcs1.trim());
  });

  it('keeps text that only looks like base64', () => {
    expect(normalizePemText('aGVsbG8=')).toBe('aGVsbG8=');
  });
});
