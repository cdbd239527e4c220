import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { rootCertificates } from 'node:tls';
import { inspect } from 'node:util';
import { fetch as undiciFetch } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { CertificateError, ConfigurationError, NetworkError, ProxyError } from './errors.js';
import { rejection, startTestServer, type TestServer } from './test-server.js';
import {
  generateCertificates,
  PROXIED_HOST,
  type RunningServer,
  startConnectProxy,
  startHttpsServer,
  type TestCertificates,
} from './test-tls.js';
import {
  createTransport,
  SSL_VERIFY_WARNING_CODE,
  type Transport,
  tlsOptionsFor,
} from './transport.js';

let certificates: TestCertificates;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  certificates = await generateCertificates();
});

afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

afterAll(() => {
  vi.restoreAllMocks();
});

function track<T extends RunningServer | TestServer>(server: T): T {
  cleanups.push(() => server.close());
  return server;
}

function transportOf(options: Parameters<typeof createTransport>[0]): Transport {
  const transport = createTransport(options);
  cleanups.push(() => transport.close());
  return transport;
}

async function okServer(): Promise<TestServer> {
  return track(
    await startTestServer((_request, response) => response.writeHead(200).end('plain ok')),
  );
}

async function closedPort(): Promise<number> {
  const server = await startTestServer(() => undefined);
  await server.close();
  return server.port;
}

describe('createTransport without options', () => {
  it('fetches through the global fetch', async () => {
    const target = await okServer();
    const transport = transportOf({ env: {} });

    const response = await transport.fetch(`${target.url}/path`);

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('plain ok');
  });

  it.each([
    ['global fetch', false],
    ['undici agent', true],
  ])('maps a refused connection to NetworkError via %s', async (_name, useAgent) => {
    const port = await closedPort();
    const options = useAgent ? { env: {}, ca: certificates.caCert } : { env: {} };
    const transport = transportOf(options);

    const error = await rejection(transport.fetch(`http://127.0.0.1:${port}/x?key=secret-query`));

    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({
      code: 'ERR_UMAPI_NETWORK',
      systemCode: 'ECONNREFUSED',
      host: `127.0.0.1:${port}`,
    });
    expect(error.message).toContain('connection refused');
    expect(error.message).not.toContain('secret-query');
  });
});

describe('createTransport certificates', () => {
  it.each([
    ['global fetch', false],
    ['undici agent', true],
  ])('reports a self-signed server with its code via %s', async (_name, useAgent) => {
    const server = track(await startHttpsServer(certificates.selfSigned));
    const transport = transportOf(
      useAgent ? { env: { HTTPS_PROXY: 'http://127.0.0.1:1', NO_PROXY: '*' } } : { env: {} },
    );

    const error = await rejection(transport.fetch(`https://127.0.0.1:${server.port}/`));

    expect(error).toBeInstanceOf(CertificateError);
    expect(error).toMatchObject({
      name: 'CertificateError',
      code: 'ERR_UMAPI_CERTIFICATE',
      systemCode: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      host: `127.0.0.1:${server.port}`,
    });
    expect(error.message).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('reports an untrusted root in the chain', async () => {
    const server = track(
      await startHttpsServer({
        key: certificates.leaf.key,
        cert: `${certificates.leaf.cert}\n${certificates.caCert}`,
      }),
    );
    const transport = transportOf({ env: {} });

    const error = await rejection(transport.fetch(`https://127.0.0.1:${server.port}/`));

    expect(error).toBeInstanceOf(CertificateError);
    expect((error as CertificateError).systemCode).toBe('SELF_SIGNED_CERT_IN_CHAIN');
  });

  it.each([
    ['a string', () => certificates.caCert],
    ['a Buffer', () => Buffer.from(certificates.caCert)],
    ['an array', () => [certificates.caCert]],
  ])('trusts an extra CA given as %s', async (_name, ca) => {
    const server = track(await startHttpsServer(certificates.leaf));
    const transport = transportOf({ env: {}, ca: ca() });

    const response = await transport.fetch(`https://127.0.0.1:${server.port}/`);

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
  });

  it.each([
    ['wrongName', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ['expired', 'CERT_HAS_EXPIRED'],
  ] as const)('reports a %s certificate even with the CA trusted', async (which, code) => {
    const server = track(await startHttpsServer(certificates[which]));
    const transport = transportOf({ env: {}, ca: certificates.caCert });

    const error = await rejection(transport.fetch(`https://127.0.0.1:${server.port}/`));

    expect(error).toBeInstanceOf(CertificateError);
    expect((error as CertificateError).systemCode).toBe(code);
  });

  it('keeps NODE_EXTRA_CA_CERTS roots beside ca', () => {
    const options = tlsOptionsFor(true, [certificates.caCert], [certificates.selfSigned.cert]);

    expect(options.ca).toHaveLength(rootCertificates.length + 2);
    expect(options.ca?.at(-2)).toBe(certificates.selfSigned.cert);
    expect(options.ca?.at(-1)).toBe(certificates.caCert);
  });

  // Node.js 22.15 and later read NODE_EXTRA_CA_CERTS once, at start-up, so
  // setting it here only works where the transport reads the file itself.
  it.skipIf(typeof (tls as { getCACertificates?: unknown }).getCACertificates === 'function')(
    'trusts NODE_EXTRA_CA_CERTS together with ca',
    async () => {
      const directory = mkdtempSync(join(tmpdir(), 'umapi-extra-ca-'));
      onTestFinished(() => rmSync(directory, { recursive: true, force: true }));
      const file = join(directory, 'extra.pem');
      writeFileSync(file, certificates.caCert);
      vi.stubEnv('NODE_EXTRA_CA_CERTS', file);
      onTestFinished(() => {
        vi.unstubAllEnvs();
      });
      const server = track(await startHttpsServer(certificates.leaf));
      const transport = transportOf({ env: {}, ca: certificates.selfSigned.cert });

      const response = await transport.fetch(`https://127.0.0.1:${server.port}/`);

      expect(response.status).toBe(200);
    },
  );

  it('adds extra CAs to the default roots', () => {
    const options = tlsOptionsFor(true, [certificates.caCert], []);

    expect(options.ca).toHaveLength(rootCertificates.length + 1);
    expect(options.ca?.slice(0, rootCertificates.length)).toEqual([...rootCertificates]);
    expect(options.ca?.at(-1)).toBe(certificates.caCert);
    expect(tlsOptionsFor(false, undefined)).toEqual({ rejectUnauthorized: false });
  });

  it('skips verification with sslVerify false and warns once per host', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const server = track(await startHttpsServer(certificates.selfSigned));
    const transport = transportOf({ env: {}, sslVerify: false });

    const first = await transport.fetch(`https://127.0.0.1:${server.port}/a`);
    await transport.fetch(`https://127.0.0.1:${server.port}/b`);
    expect(first.status).toBe(200);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain(`127.0.0.1:${server.port}`);
    expect(warn.mock.calls[0]?.[1]).toMatchObject({ code: SSL_VERIFY_WARNING_CODE });

    await transport.fetch(`https://localhost:${server.port}/c`);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[1]?.[0])).toContain(`localhost:${server.port}`);

    const other = transportOf({ env: {}, sslVerify: false });
    await other.fetch(`https://127.0.0.1:${server.port}/d`);
    expect(warn).toHaveBeenCalledTimes(3);
  });

  it('does not warn for plain HTTP with sslVerify false', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const target = await okServer();
    const transport = transportOf({ env: {}, sslVerify: false });

    await transport.fetch(target.url);

    expect(warn).not.toHaveBeenCalled();
  });
});

describe('createTransport proxy', () => {
  it.each([
    ['HTTP_PROXY', 'http'],
    ['http_proxy', 'http'],
    ['HTTPS_PROXY', 'https'],
    ['https_proxy', 'https'],
  ] as const)('sends requests through %s', async (variable, scheme) => {
    const proxy = track(await startConnectProxy());
    const port =
      scheme === 'http'
        ? (await okServer()).port
        : track(await startHttpsServer(certificates.leaf)).port;
    const transport = transportOf({
      env: { [variable]: `http://user:pa%40ss@127.0.0.1:${proxy.port}` },
      ...(scheme === 'https' ? { ca: certificates.caCert } : {}),
    });

    const response = await transport.fetch(`${scheme}://${PROXIED_HOST}:${port}/via-proxy`);

    expect(response.status).toBe(200);
    expect(proxy.tunnels).toEqual([`${PROXIED_HOST}:${port}`]);
    expect(proxy.credentials).toEqual(['user:pa@ss']);
  });

  it('reaches an HTTPS target through an https:// proxy', async () => {
    const proxy = track(await startConnectProxy({ tls: certificates.leaf }));
    const server = track(await startHttpsServer(certificates.leaf));
    const transport = transportOf({ env: { HTTPS_PROXY: proxy.url }, ca: certificates.caCert });

    const response = await transport.fetch(`https://${PROXIED_HOST}:${server.port}/`);

    expect(response.status).toBe(200);
    expect(proxy.tunnels).toEqual([`${PROXIED_HOST}:${server.port}`]);
  });

  it('accepts a proxy without a scheme', async () => {
    const proxy = track(await startConnectProxy());
    const target = await okServer();
    const transport = transportOf({ env: { HTTP_PROXY: `127.0.0.1:${proxy.port}` } });

    await transport.fetch(`http://${PROXIED_HOST}:${target.port}/`);

    expect(proxy.tunnels).toEqual([`${PROXIED_HOST}:${target.port}`]);
  });

  it.each([
    ['HTTP_PROXY', 'http://127.0.0.1:PORT/', undefined],
    ['HTTP_PROXY', 'http://127.0.0.1:PORT/', 'other.example'],
    ['HTTPS_PROXY', 'https://127.0.0.1:PORT/', undefined],
    ['HTTPS_PROXY', 'https://localhost:PORT/', ''],
  ])('bypasses %s for loopback %s with NO_PROXY %j', async (variable, url, noProxy) => {
    const proxy = track(await startConnectProxy());
    const port = url.startsWith('https')
      ? track(await startHttpsServer(certificates.leaf)).port
      : (await okServer()).port;
    const transport = transportOf({
      env: {
        [variable]: proxy.url,
        ...(noProxy === undefined ? {} : { NO_PROXY: noProxy }),
      },
      ca: certificates.caCert,
    });

    const response = await transport.fetch(url.replace('PORT', String(port)));

    expect(response.status).toBe(200);
    expect(proxy.tunnels).toEqual([]);
  });

  it('uses the proxy when NO_PROXY names another port', async () => {
    const proxy = track(await startConnectProxy());
    const target = await okServer();
    const transport = transportOf({
      env: { HTTP_PROXY: proxy.url, NO_PROXY: `${PROXIED_HOST}:1` },
    });

    await transport.fetch(`http://${PROXIED_HOST}:${target.port}/`);

    expect(proxy.tunnels).toEqual([`${PROXIED_HOST}:${target.port}`]);
  });

  it('reports 407 as ProxyError without the password', async () => {
    const proxy = track(await startConnectProxy({ requireCredentials: 'user:right' }));
    const target = await okServer();
    const transport = transportOf({
      env: { HTTP_PROXY: `http://user:wrong-password@127.0.0.1:${proxy.port}` },
    });

    const error = await rejection(transport.fetch(`http://${PROXIED_HOST}:${target.port}/`));

    expect(error).toBeInstanceOf(ProxyError);
    expect(error).toMatchObject({
      name: 'ProxyError',
      code: 'ERR_UMAPI_PROXY',
      status: 407,
      proxyHost: '127.0.0.1',
      proxyPort: String(proxy.port),
      proxyVariable: 'HTTP_PROXY',
      host: `${PROXIED_HOST}:${target.port}`,
    });
    expect(error.message).toContain(`127.0.0.1:${proxy.port}`);
    expect(error.message).toContain('407');
    for (const text of [
      error.message,
      inspect(error, { depth: 10, showHidden: true }),
      JSON.stringify(error),
      String(error.stack),
    ]) {
      expect(text).not.toContain('wrong-password');
    }
    expect(target.requests).toHaveLength(0);
  });

  it('reports a rejected CONNECT as ProxyError', async () => {
    const proxy = track(await startConnectProxy({ rejectStatus: 403 }));
    const target = await okServer();
    const transport = transportOf({ env: { HTTP_PROXY: proxy.url } });

    const error = await rejection(transport.fetch(`http://${PROXIED_HOST}:${target.port}/`));

    expect(error).toBeInstanceOf(ProxyError);
    expect(error).toMatchObject({
      status: 403,
      proxyHost: '127.0.0.1',
      proxyPort: String(proxy.port),
    });
    expect(error.message).toContain('HTTP 403');
  });

  it('reports an unreachable proxy as ProxyError', async () => {
    const proxyPort = await closedPort();
    const target = await okServer();
    const transport = transportOf({
      env: { HTTP_PROXY: `http://user:hidden@127.0.0.1:${proxyPort}` },
    });

    const error = await rejection(transport.fetch(`http://${PROXIED_HOST}:${target.port}/`));

    expect(error).toBeInstanceOf(ProxyError);
    expect(error).toMatchObject({
      systemCode: 'ECONNREFUSED',
      proxyPort: String(proxyPort),
      status: undefined,
    });
    expect(inspect(error)).not.toContain('hidden');
  });

  it('rejects a proxy URL it cannot use without echoing the password', () => {
    const error = (() => {
      try {
        createTransport({ env: { HTTPS_PROXY: 'socks5://user:hidden@proxy.example:1080' } });
      } catch (caught) {
        return caught as ConfigurationError;
      }
      throw new Error('expected an error');
    })();

    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.problems[0]?.field).toBe('HTTPS_PROXY');
    expect(error.message).not.toContain('hidden');
  });
});

describe('createTransport abort', () => {
  it.each([
    ['global fetch', {}],
    ['undici agent', { sslVerify: false }],
  ])('passes the signal reason through unchanged via %s', async (_name, extra) => {
    const silent = track(await startTestServer(() => undefined));
    const transport = transportOf({ env: {}, ...extra });
    const controller = new AbortController();
    const reason = new Error('caller aborted');

    const pending = transport.fetch(silent.url, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);

    expect(await rejection(pending)).toBe(reason);
  });

  it('passes an AbortError through unchanged', async () => {
    const silent = track(await startTestServer(() => undefined));
    const transport = transportOf({ env: {}, sslVerify: false });

    const error = await rejection(transport.fetch(silent.url, { signal: AbortSignal.timeout(20) }));

    expect(error.name).toBe('TimeoutError');
    expect(error).not.toBeInstanceOf(NetworkError);
  });
});

describe('createTransport custom fetch', () => {
  it('uses the given fetch and maps its network errors', async () => {
    const target = await okServer();
    const port = await closedPort();
    const calls: string[] = [];
    const customFetch = ((input: string | URL, init?: RequestInit) => {
      calls.push(String(input));
      return undiciFetch(input, init as Parameters<typeof undiciFetch>[1]);
    }) as unknown as typeof globalThis.fetch;
    const transport = transportOf({
      env: { HTTP_PROXY: 'http://127.0.0.1:1' },
      fetch: customFetch,
    });

    expect((await transport.fetch(target.url)).status).toBe(200);
    const error = await rejection(transport.fetch(`http://127.0.0.1:${port}/`));

    expect(calls).toEqual([target.url, `http://127.0.0.1:${port}/`]);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).systemCode).toBe('ECONNREFUSED');
  });
});

describe('createTransport requests', () => {
  it('accepts a global Request on the undici path', async () => {
    const target = track(
      await startTestServer((request, response) =>
        response.writeHead(200).end(`${request.method} ${request.body}`),
      ),
    );
    const transport = transportOf({ env: {}, sslVerify: false });

    const response = await transport.fetch(
      new Request(`${target.url}/echo`, { method: 'POST', body: 'payload' }),
    );

    expect(await response.text()).toBe('POST payload');
    expect(target.requests[0]?.headers['content-type']).toBe('text/plain;charset=UTF-8');
  });
});

describe('createTransport validation', () => {
  it('lists every invalid option', () => {
    let error: unknown;
    try {
      createTransport({
        sslVerify: 'no' as unknown as boolean,
        ca: ['not a certificate', 42 as unknown as string],
        env: { HTTP_PROXY: 'http://[bad' },
      });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems.map((problem) => problem.field)).toEqual([
      'sslVerify',
      'ca[0]',
      'ca[1]',
      'HTTP_PROXY',
    ]);
  });

  it('rejects a custom fetch combined with TLS options', () => {
    expect(() => createTransport({ fetch: globalThis.fetch, sslVerify: false, env: {} })).toThrow(
      /fetch/,
    );
    expect(() =>
      createTransport({ fetch: globalThis.fetch, ca: certificates.caCert, env: {} }),
    ).toThrow(ConfigurationError);
  });
});
