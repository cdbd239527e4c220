import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { NetworkError, ProxyError } from './errors.js';
import { sanitizeCause } from './redact.js';
import { echoRequest, type RawServer, startRawServer } from './test-raw-server.js';
import { rejection } from './test-server.js';
import { createTransport, type Transport } from './transport.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.echoed-access-token.signature0123';
const PROXY_PASSWORD = 'proxy-Pass-word-4567';
const servers: RawServer[] = [];
const transports: Transport[] = [];

afterEach(async () => {
  await Promise.all(transports.splice(0).map((transport) => transport.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function echoServer(): Promise<RawServer> {
  const server = await startRawServer(echoRequest);
  servers.push(server);
  return server;
}

function transportFor(env: NodeJS.ProcessEnv = {}): Transport {
  const transport = createTransport({ env });
  transports.push(transport);
  return transport;
}

/** Collects every form in which an error chain can reach a log: inspect, JSON and each link's stack. */
function chainTexts(error: unknown): string[] {
  const texts = [inspect(error, { depth: 10, showHidden: true })];
  let link: unknown = error;
  for (let depth = 0; link !== undefined && depth < 10; depth += 1) {
    texts.push(inspect(link, { depth: 10, showHidden: true }));
    texts.push(JSON.stringify(link) ?? '');
    texts.push(String((link as Error).stack));
    link = (link as { cause?: unknown }).cause;
  }

  return texts;
}

function expectAbsent(error: unknown, secrets: readonly string[]): void {
  for (const text of chainTexts(error)) {
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
    }
  }
}

describe('transport errors from a non-HTTP reply', () => {
  it('keeps an echoed bearer token out of the chain', async () => {
    const echo = await echoServer();

    const error = await rejection(
      transportFor().fetch(`${echo.url}/v2/usermanagement/users/org/0`, {
        headers: { Authorization: `Bearer ${TOKEN}`, 'x-api-key': 'client-id' },
      }),
    );

    expect(error).toBeInstanceOf(NetworkError);
    expect(inspect(error.cause, { depth: 10, showHidden: true })).not.toContain(TOKEN);
    expectAbsent(error, [TOKEN, 'Bearer']);
  });

  it('keeps an echoed form body out of the chain', async () => {
    const echo = await echoServer();

    const error = await rejection(
      transportFor().fetch(`${echo.url}/ims/token/v3`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_secret=p8e-form-secret-890',
      }),
    );

    expect(error).toBeInstanceOf(NetworkError);
    expectAbsent(error, ['p8e-form-secret-890', 'client_secret']);
  });

  it('keeps the proxy password out of the chain', async () => {
    const proxy = await echoServer();
    const env = { HTTP_PROXY: `http://proxy-user:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}` };

    const error = await rejection(
      transportFor(env).fetch('http://ims.example.test/ims/token/v3', {
        headers: { Authorization: `Bearer ${TOKEN}` },
      }),
    );

    expect(error).toBeInstanceOf(NetworkError);
    expect(proxy.hits).toBe(1);
    const basic = Buffer.from(`proxy-user:${PROXY_PASSWORD}`).toString('base64');
    expectAbsent(error, [PROXY_PASSWORD, basic, TOKEN]);
  });
});

describe('sanitizeCause', () => {
  it('copies name, code and redacted message only', () => {
    const inner = Object.assign(new Error(`bad reply ${TOKEN}`), {
      name: 'HTTPParserError',
      code: 'HPE_INVALID_CONSTANT',
      data: `HTTP/1.1 Authorization: Bearer ${TOKEN}`,
    });
    const outer = new TypeError('fetch failed', { cause: inner });

    const copy = sanitizeCause(outer, [TOKEN]);

    expect(copy?.name).toBe('TypeError');
    expect(copy?.message).toBe('fetch failed');
    const cause = copy?.cause as Error & { code?: string };
    expect(cause.name).toBe('HTTPParserError');
    expect(cause.code).toBe('HPE_INVALID_CONSTANT');
    expect(cause.message).toBe('bad reply [REDACTED]');
    expect(Object.keys(cause)).not.toContain('data');
    expectAbsent(copy, [TOKEN]);
  });

  it('drops a code that is not code-shaped', () => {
    const error = Object.assign(new Error('x'), { code: `X ${TOKEN} y` });

    expect((sanitizeCause(error) as { code?: unknown }).code).toBeUndefined();
  });

  it('stops on a cyclic cause chain', () => {
    const error = new Error('loop');
    (error as { cause?: unknown }).cause = error;

    const copy = sanitizeCause(error);
    let depth = 0;
    for (let link: unknown = copy; link !== undefined; link = (link as Error).cause) {
      depth += 1;
    }

    expect(depth).toBeLessThanOrEqual(9);
  });

  it('copies the members of an AggregateError', () => {
    const members = [
      Object.assign(new Error('refused'), { code: 'ECONNREFUSED', address: '127.0.0.1' }),
    ];

    const copy = sanitizeCause(new AggregateError(members, 'all failed')) as AggregateError;

    expect(copy).toBeInstanceOf(AggregateError);
    expect((copy.errors[0] as { code?: string }).code).toBe('ECONNREFUSED');
    expect(Object.keys(copy.errors[0] as object)).not.toContain('address');
  });
});

describe('a proxy rejection', () => {
  it('is still reported as a ProxyError', async () => {
    const proxy = await startRawServer((socket) => {
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n');
    });
    servers.push(proxy);
    const env = { HTTPS_PROXY: `http://proxy-user:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}` };

    const error = await rejection(transportFor(env).fetch('https://ims.example.test/ims/token/v3'));

    expect(error).toBeInstanceOf(ProxyError);
    expect((error as ProxyError).status).toBe(407);
    expectAbsent(error, [PROXY_PASSWORD]);
  });
});

describe('a request error that is not a network failure', () => {
  it('keeps a quoted bearer token out of its message', async () => {
    const transport = createTransport({
      env: {},
      fetch: async (_input, init) => {
        new Headers(init?.headers).set('x-copy', `Bearer ${TOKEN}\r\nX-Evil: 1`);
        return new Response('');
      },
    });
    transports.push(transport);

    const error = await rejection(
      transport.fetch('http://127.0.0.1:1/', { headers: { Authorization: `Bearer ${TOKEN}` } }),
    );

    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('is an invalid header value');
    expectAbsent(error, [TOKEN]);
  });

  it('returns an error without a secret unchanged', async () => {
    const original = new TypeError('Invalid URL');
    const transport = createTransport({
      env: {},
      fetch: async () => {
        throw original;
      },
    });
    transports.push(transport);

    const error = await rejection(
      transport.fetch('http://127.0.0.1:1/', { headers: { Authorization: `Bearer ${TOKEN}` } }),
    );

    expect(error).toBe(original);
  });
});
