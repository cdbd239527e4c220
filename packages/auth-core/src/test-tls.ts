import { createServer as createHttpServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { generate } from 'selfsigned';

/** Certificates for TLS tests, generated at run time. */
export interface TestCertificates {
  /** A root CA certificate (PEM) that signs `leaf`, `wrongName` and `expired`. */
  caCert: string;
  leaf: { key: string; cert: string };
  /** Signed by the CA, but for `example.test` only. */
  wrongName: { key: string; cert: string };
  /** Signed by the CA, valid last year only. */
  expired: { key: string; cert: string };
  /** Signs itself. */
  selfSigned: { key: string; cert: string };
}

/** Host name that proxy tests request; the test proxy tunnels it to 127.0.0.1. */
export const PROXIED_HOST = 'ims.example.test';

const localNames = [
  { type: 2 as const, value: 'localhost' },
  { type: 2 as const, value: PROXIED_HOST },
  { type: 7 as const, ip: '127.0.0.1' },
];

export async function generateCertificates(): Promise<TestCertificates> {
  const base = { keyType: 'ec' as const, algorithm: 'sha256' };
  const ca = await generate([{ name: 'commonName', value: 'umapi test root' }], {
    ...base,
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
  const signer = { key: ca.private, cert: ca.cert };
  const serverExtensions = (names: typeof localNames) => [
    { name: 'basicConstraints' as const, cA: false },
    { name: 'keyUsage' as const, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage' as const, serverAuth: true },
    { name: 'subjectAltName' as const, altNames: names },
  ];

  const leaf = await generate([{ name: 'commonName', value: 'localhost' }], {
    ...base,
    ca: signer,
    extensions: serverExtensions(localNames),
  });
  const wrongName = await generate([{ name: 'commonName', value: 'example.test' }], {
    ...base,
    ca: signer,
    extensions: serverExtensions([
      { type: 2, value: 'example.test' },
    ] as unknown as typeof localNames),
  });
  const yearMs = 365 * 24 * 3_600_000;
  const expired = await generate([{ name: 'commonName', value: 'localhost' }], {
    ...base,
    ca: signer,
    notBeforeDate: new Date(Date.now() - 2 * yearMs),
    notAfterDate: new Date(Date.now() - yearMs),
    extensions: serverExtensions(localNames),
  });
  const selfSigned = await generate([{ name: 'commonName', value: 'localhost' }], {
    ...base,
    extensions: serverExtensions(localNames),
  });

  return {
    caCert: ca.cert,
    leaf: { key: leaf.private, cert: leaf.cert },
    wrongName: { key: wrongName.private, cert: wrongName.cert },
    expired: { key: expired.private, cert: expired.cert },
    selfSigned: { key: selfSigned.private, cert: selfSigned.cert },
  };
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** Starts an HTTPS server on 127.0.0.1 port 0 that responds to every request with `ok`. */
export async function startHttpsServer(options: {
  key: string;
  cert: string;
}): Promise<RunningServer> {
  const server = createHttpsServer(options, (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  return listen(server);
}

/** A CONNECT proxy on 127.0.0.1, recording each tunnel it opened. */
export interface TestProxy extends RunningServer {
  url: string;
  /** `host:port` targets of the CONNECT requests it received. */
  tunnels: string[];
  /** Decoded `Proxy-Authorization` credentials (`user:password`) it received. */
  credentials: string[];
}

/**
 * Starts a CONNECT proxy, over TLS when `tls` is given. It tunnels every
 * CONNECT target to 127.0.0.1 on the requested port, so tests can request a
 * non-loopback name such as {@link PROXIED_HOST} (loopback bypasses proxies)
 * and still reach a local server without a DNS lookup. With
 * `requireCredentials`, a request without those `user:password` credentials
 * gets 407 Proxy Authentication Required. With `rejectStatus`, every CONNECT
 * gets that status.
 */
export async function startConnectProxy(
  options: {
    requireCredentials?: string;
    rejectStatus?: number;
    tls?: { key: string; cert: string };
  } = {},
): Promise<TestProxy> {
  const tunnels: string[] = [];
  const credentials: string[] = [];
  const sockets = new Set<Socket>();
  const rejectPlainRequest = (_request: unknown, response: ServerResponse) => {
    response.writeHead(405).end('only CONNECT');
  };
  const server: Server =
    options.tls === undefined
      ? createHttpServer(rejectPlainRequest)
      : createHttpsServer(options.tls, rejectPlainRequest);

  server.on('connect', (request, clientSocket: Socket, head: Buffer) => {
    sockets.add(clientSocket);
    const header = request.headers['proxy-authorization'];
    const given =
      typeof header === 'string' && header.startsWith('Basic ')
        ? Buffer.from(header.slice(6), 'base64').toString('utf8')
        : undefined;
    if (given !== undefined) {
      credentials.push(given);
    }

    if (options.rejectStatus !== undefined) {
      clientSocket.end(`HTTP/1.1 ${options.rejectStatus} Rejected\r\nContent-Length: 0\r\n\r\n`);
      return;
    }

    if (options.requireCredentials !== undefined && given !== options.requireCredentials) {
      clientSocket.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }

    const target = request.url ?? '';
    tunnels.push(target);
    const port = Number(target.slice(target.lastIndexOf(':') + 1));
    const upstream = connect(port, '127.0.0.1', () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => clientSocket.destroy());
    clientSocket.on('error', () => upstream.destroy());
  });

  const running = await listen(server, () => {
    for (const socket of sockets) {
      socket.destroy();
    }
  });
  const scheme = options.tls === undefined ? 'http' : 'https';
  return { ...running, url: `${scheme}://127.0.0.1:${running.port}`, tunnels, credentials };
}

async function listen(server: Server, beforeClose?: () => void): Promise<RunningServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        beforeClose?.();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
