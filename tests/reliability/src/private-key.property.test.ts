import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { ConfigurationError } from '@umapi/auth-core';
import { JWTAuth } from '@umapi/auth-jwt';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { propertyRuns } from './property-runs.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PKCS1 = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
const PKCS8 = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const DER = privateKey.export({ type: 'pkcs8', format: 'der' });

// Every full base64 line of the real keys: none may appear in an error.
const keyLines = [PKCS1, PKCS8].flatMap((pem) =>
  pem.split('\n').filter((line) => /^[A-Za-z0-9+/=]{64}$/.test(line)),
);

const baseOptions = {
  orgId: '0123456789ABCDEF01234567@AdobeOrg',
  clientId: 'property-client',
  clientSecret: 'p8e-PROPERTY-SECRET',
  techAcctId: '0123456789ABCDEF01234567@techacct.adobe.com',
  // Never contacted: construction parses the key and sends nothing.
  authHost: 'http://127.0.0.1:9',
};

function replaceAt(text: string, index: number, insert: string, removeCount: number): string {
  const at = index % (text.length + 1);
  return text.slice(0, at) + insert + text.slice(at + removeCount);
}

const pem = fc.constantFrom(PKCS1, PKCS8);

const mutatedPem = fc.oneof(
  // A few characters replaced.
  fc
    .tuple(
      pem,
      fc.array(fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 3 })), {
        minLength: 1,
        maxLength: 4,
      }),
    )
    .map(([text, edits]) =>
      edits.reduce(
        (current, [index, insert]) => replaceAt(current, index, insert, insert.length),
        text,
      ),
    ),
  // Cut short.
  fc.tuple(pem, fc.nat()).map(([text, length]) => text.slice(0, length % text.length)),
  // Whitespace, CRLF, literal \n and quotes, as keys pasted into environment variables have.
  fc
    .tuple(pem, fc.constantFrom('\r\n', '\\n', ' ', '\t', '"', "'"))
    .map(([text, separator]) => text.split('\n').join(separator)),
  // The whole PEM, mutated, base64-encoded on one line.
  fc
    .tuple(pem, fc.nat(), fc.string({ maxLength: 3 }))
    .map(([text, index, insert]) =>
      Buffer.from(replaceAt(text, index, insert, 1)).toString('base64'),
    ),
  // Real labels around random base64.
  fc
    .tuple(
      fc.constantFrom(
        'RSA PRIVATE KEY',
        'PRIVATE KEY',
        'ENCRYPTED PRIVATE KEY',
        'PUBLIC KEY',
        'CERTIFICATE',
        'EC PRIVATE KEY',
      ),
      fc.uint8Array({ maxLength: 600 }),
    )
    .map(
      ([label, bytes]) =>
        `-----BEGIN ${label}-----\n${Buffer.from(bytes).toString('base64')}\n-----END ${label}-----\n`,
    ),
);

const mutatedDer = fc.oneof(
  fc.nat({ max: DER.length }).map((length) => DER.subarray(0, length)),
  fc
    .tuple(fc.nat({ max: DER.length - 1 }), fc.integer({ min: 0, max: 255 }))
    .map(([index, byte]) => {
      const copy = Buffer.from(DER);
      copy[index] = byte;
      return copy;
    }),
);

const anyKey = fc.oneof(
  mutatedPem,
  mutatedPem.map((text) => Buffer.from(text)),
  mutatedDer,
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)),
  fc.uint8Array({ maxLength: 100 }),
  fc.anything(),
);

it('JWTAuth accepts a key or throws ConfigurationError', () => {
  fc.assert(
    fc.property(
      anyKey,
      fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      (key, passphrase) => {
        let auth: JWTAuth | undefined;
        let failure: unknown;
        try {
          auth = new JWTAuth({
            ...baseOptions,
            privateKey: key as string,
            ...(passphrase === undefined ? {} : { passphrase }),
          });
        } catch (error) {
          failure = error;
        }

        const text =
          failure === undefined
            ? `${inspect(auth)} ${JSON.stringify(auth)}`
            : `${String(failure)} ${inspect(failure, { depth: 10 })} ${JSON.stringify(failure)}`;
        if (failure !== undefined) {
          expect(failure, String(failure)).toBeInstanceOf(ConfigurationError);
        }

        for (const line of keyLines) {
          expect(text).not.toContain(line);
        }
      },
    ),
    { numRuns: propertyRuns(400) },
  );
});
