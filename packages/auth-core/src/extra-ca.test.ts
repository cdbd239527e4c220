import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extraCaCertificates } from './extra-ca.js';

const directory = mkdtempSync(join(tmpdir(), 'umapi-extra-ca-'));
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function writeFile(name: string, text: string): string {
  const file = join(directory, name);
  writeFileSync(file, text);
  return file;
}

describe('extraCaCertificates', () => {
  it('uses the listing Node.js gives', () => {
    const listed = extraCaCertificates({}, () => [PEM, PEM]);

    expect(listed).toEqual([PEM, PEM]);
  });

  it('reads the file where Node.js cannot list', () => {
    const file = writeFile('extra.pem', PEM);

    expect(extraCaCertificates({ NODE_EXTRA_CA_CERTS: file }, undefined)).toEqual([PEM]);
  });

  it.each([
    ['unset', {}],
    ['empty', { NODE_EXTRA_CA_CERTS: '' }],
    ['a missing file', { NODE_EXTRA_CA_CERTS: join(directory, 'missing.pem') }],
  ])('returns nothing when the variable is %s', (_name, env: NodeJS.ProcessEnv) => {
    expect(extraCaCertificates(env, undefined)).toEqual([]);
  });

  it('returns nothing for a file without certificates', () => {
    const file = writeFile('empty.pem', 'not a certificate');

    expect(extraCaCertificates({ NODE_EXTRA_CA_CERTS: file }, undefined)).toEqual([]);
  });
});
