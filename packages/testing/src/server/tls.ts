import { generate } from 'selfsigned';

/** A server certificate and the CA certificate that signed it, all PEM. */
export interface TlsMaterial {
  /** The CA certificate to trust, as a client's `ca` option takes it. */
  ca: string;
  /** The server certificate for 127.0.0.1, ::1 and localhost. */
  cert: string;
  /** The server's private key. */
  key: string;
}

const LOOPBACK_NAMES = [
  { type: 2 as const, value: 'localhost' },
  { type: 7 as const, ip: '127.0.0.1' },
  { type: 7 as const, ip: '::1' },
];

/**
 * Generates a one-day CA and a server certificate it signs. A separate CA
 * (rather than one self-signed leaf) is what a corporate TLS-inspecting proxy
 * presents, so a client's `ca` option is tested the way users need it. EC P-256
 * keys keep generation in the low milliseconds.
 */
export async function createTlsMaterial(): Promise<TlsMaterial> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 24 * 60 * 60 * 1000);

  const ca = await generate([{ name: 'commonName', value: '@umapi/testing fake CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      {
        name: 'keyUsage',
        keyCertSign: true,
        cRLSign: true,
        digitalSignature: true,
        critical: true,
      },
    ],
  });

  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: LOOPBACK_NAMES },
    ],
  });

  return { ca: ca.cert, cert: server.cert, key: server.private };
}
