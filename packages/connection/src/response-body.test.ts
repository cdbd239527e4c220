import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { inspect } from 'node:util';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { type Authenticator, NetworkError } from '@umapi/auth-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { UserAction } from './actions/index.js';
import { MAX_RESPONSE_BYTES } from './body.js';
import { Connection } from './connection.js';
import { ListingError, ResponseError, UnavailableError } from './errors.js';
import type { ConnectionOptions } from './options.js';
import { type RawRequest, startRawServer, writeJson } from './test-raw-server.js';

const ORG_ID = '0123456789ABCDEF01234567@AdobeOrg';
const TOKEN = 'tok-SECRET-body-test-0123456789';

/** Builds a hand-written authenticator whose token the tests look for in error output. */
function tokenAuth(): Authenticator {
  return {
    clientId: 'body-test-client',
    orgId: ORG_ID,
    getAccessToken: async () => ({ token: TOKEN, expiresAt: Date.now() + 3_600_000 }),
  };
}

function connect(endpoint: string, options: Partial<ConnectionOptions> = {}): Connection {
  const connection = new Connection({
    auth: tokenAuth(),
    endpoint,
    rateLimits: false,
    retryBaseDelayMs: 1,
    ...options,
  });
  onTestFinished(() => connection.close());
  return connection;
}

/** Lists every error in a cause chain, the error itself first. */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 10; ) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** Returns a correct UMAPI body for the request: a user, a last listing page or an action result. */
function goodBody(request: RawRequest): unknown {
  if (request.method === 'POST') {
    return { result: 'success', completed: 1, notCompleted: 0, completedInTestMode: 0 };
  }

  if (request.path.includes('/organizations/')) {
    return { result: 'success', user: { email: 'jane@example.com' } };
  }

  return { result: 'success', lastPage: true, users: [{ email: 'jane@example.com' }] };
}

type BrokenResponse = (socket: Socket, request: RawRequest) => void;

// Each mode sends the status line and headers, then a body that cannot be read
// to its end. The invalid chunk size echoes the request's Authorization
// header, as a misbehaving proxy might, to check that no raw bytes of the
// response stay in the error.
const brokenBodies: [string, BrokenResponse, RegExp][] = [
  [
    'a Content-Length longer than the body',
    (socket, request) => {
      const text = JSON.stringify(goodBody(request));
      socket.end(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${text.length + 50}\r\n\r\n${text}`,
      );
    },
    /closed the connection before the whole body arrived \(UND_ERR_SOCKET\)/,
  ],
  [
    'truncated chunked data',
    (socket, request) => {
      const text = JSON.stringify(goodBody(request));
      socket.end(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n${text.length.toString(16)}\r\n${text.slice(0, 10)}`,
      );
    },
    /closed the connection before the whole body arrived/,
  ],
  [
    'an invalid chunk size',
    (socket, request) => {
      socket.end(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nZZZ\r\necho: ${request.headers.authorization}\r\n0\r\n\r\n`,
      );
    },
    /breaks HTTP\/1\.1 framing, such as with an invalid chunk size/,
  ],
  [
    'a reset mid-body',
    (socket, request) => {
      const text = JSON.stringify(goodBody(request));
      socket.write(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${text.length}\r\n\r\n${text.slice(0, 5)}`,
        () => setTimeout(() => socket.resetAndDestroy(), 20),
      );
    },
    // The reset may arrive before the headers are parsed on a loaded machine,
    // which the transport reports as a connection reset instead.
    /connection (was )?reset/,
  ],
  [
    'a gzip Content-Encoding on a plain body',
    (socket, request) => {
      const text = JSON.stringify(goodBody(request));
      socket.end(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: ${text.length}\r\n\r\n${text}`,
      );
    },
    /does not decode as its Content-Encoding says \(Z_DATA_ERROR\)/,
  ],
  [
    'a br Content-Encoding on a plain body',
    (socket, request) => {
      const text = JSON.stringify(goodBody(request));
      socket.end(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: br\r\ncontent-length: ${text.length}\r\n\r\n${text}`,
      );
    },
    /does not decode as its Content-Encoding says/,
  ],
];

/** Checks the error of an attempt whose body was cut off: typed, described, and free of raw response bytes. */
function expectCutOffBody(error: unknown, message: RegExp): void {
  expect(error).toBeInstanceOf(NetworkError);
  expect((error as NetworkError).code).toBe('ERR_UMAPI_NETWORK');
  expect((error as NetworkError).host).toMatch(/^127\.0\.0\.1:\d+$/);
  expect((error as Error).message).toMatch(message);
  for (const link of causeChain(error)) {
    expect(link).not.toHaveProperty('data');
  }
}

describe('body cut off after the headers', () => {
  it.each(brokenBodies)('retries user() after %s', async (_name, broken) => {
    const server = await startRawServer((socket, request, index) => {
      if (index === 0) {
        broken(socket, request);
      } else {
        writeJson(socket, 200, goodBody(request));
      }
    });
    onTestFinished(() => server.close());
    const connection = connect(server.endpoint);

    const user = await connection.user('jane@example.com');

    expect(user).toEqual({ email: 'jane@example.com' });
    expect(server.requests).toHaveLength(2);
  });

  it.each(brokenBodies)(
    'gives user() a NetworkError cause after %s',
    async (_name, broken, message) => {
      const server = await startRawServer((socket, request) => broken(socket, request));
      onTestFinished(() => server.close());
      const connection = connect(server.endpoint, { maxRetries: 1 });

      const error = await connection.user('jane@example.com').catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(UnavailableError);
      expect((error as UnavailableError).attempts).toBe(2);
      expectCutOffBody((error as Error).cause, message);
      expect(inspect(error, { depth: 20, showHidden: true })).not.toContain(TOKEN);
      expect(server.requests).toHaveLength(2);
    },
  );

  it.each(brokenBodies)('retries a listing page after %s', async (_name, broken) => {
    const server = await startRawServer((socket, request, index) => {
      if (index === 0) {
        broken(socket, request);
      } else {
        writeJson(socket, 200, goodBody(request));
      }
    });
    onTestFinished(() => server.close());
    const connection = connect(server.endpoint);

    const emails: unknown[] = [];
    for await (const user of connection.users()) {
      emails.push(user.email);
    }

    expect(emails).toEqual(['jane@example.com']);
    expect(server.requests).toHaveLength(2);
  });

  it.each(brokenBodies)(
    'fails a listing with a NetworkError cause after %s',
    async (_name, broken, message) => {
      const server = await startRawServer((socket, request) => broken(socket, request));
      onTestFinished(() => server.close());
      const connection = connect(server.endpoint, { maxRetries: 0 });

      let error: unknown;
      try {
        for await (const _user of connection.users()) {
          // A broken first page yields nothing.
        }
      } catch (caught) {
        error = caught;
      }

      expect(error).toBeInstanceOf(ListingError);
      const unavailable = (error as ListingError).cause;
      expect(unavailable).toBeInstanceOf(UnavailableError);
      expectCutOffBody((unavailable as Error).cause, message);
      expect(inspect(error, { depth: 20, showHidden: true })).not.toContain(TOKEN);
    },
  );

  it.each(brokenBodies)(
    'reports an execute() batch with a NetworkError cause after %s',
    async (_name, broken, message) => {
      const server = await startRawServer((socket, request) => broken(socket, request));
      onTestFinished(() => server.close());
      const connection = connect(server.endpoint, { maxRetries: 1 });

      const result = await connection.execute([
        new UserAction({ email: 'jane@example.com' }).addGroups(['Designers']),
      ]);

      expect(result.completed).toBe(0);
      expect(result.errors).toHaveLength(1);
      const cause = result.errors[0]?.cause;
      expect(cause).toBeInstanceOf(UnavailableError);
      expect((cause as UnavailableError).attempts).toBe(2);
      expectCutOffBody((cause as Error).cause, message);
      expect(inspect(result, { depth: 20, showHidden: true })).not.toContain(TOKEN);
      expect(server.requests).toHaveLength(2);
    },
  );

  it('keeps no raw bytes of a reply that is not HTTP', async () => {
    const server = await startRawServer((socket, request) => {
      socket.end(`SSH-2.0-echo ${request.headers.authorization}\r\n\r\n`);
    });
    onTestFinished(() => server.close());
    const connection = connect(server.endpoint, { maxRetries: 0 });

    const error = await connection.user('jane@example.com').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).cause).toBeInstanceOf(NetworkError);
    for (const link of causeChain(error)) {
      expect(link).not.toHaveProperty('data');
    }
    expect(inspect(error, { depth: 20, showHidden: true })).not.toContain(TOKEN);
  });
});

describe('response body size cap', () => {
  /** Starts a node:http server that responds 200 with a JSON body that never ends. */
  async function startEndlessServer() {
    const responses: ServerResponse[] = [];
    const closed: Promise<void>[] = [];
    const server = createServer((_request, response) => {
      responses.push(response);
      closed.push(new Promise((resolve) => response.on('close', () => resolve())));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"result":"success","users":[');
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const writeMore = () => {
        while (!response.destroyed && response.write(chunk)) {
          // Writes until the socket buffer is full, then waits for drain.
        }
        if (!response.destroyed) {
          response.once('drain', writeMore);
        }
      };
      writeMore();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    const { port } = server.address() as AddressInfo;
    return { endpoint: `http://127.0.0.1:${port}/v2/usermanagement`, responses, closed };
  }

  it('rejects an endless 200 body at the cap', async () => {
    const server = await startEndlessServer();
    const connection = connect(server.endpoint);

    const error = await connection.request('users/x/0').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).code).toBe('ERR_UMAPI_RESPONSE');
    expect((error as ResponseError).status).toBe(200);
    expect((error as ResponseError).path).toBe('users/x/0');
    expect((error as Error).message).toContain('GET users/x/0');
    expect((error as Error).message).toContain('32 MiB limit');
    expect((error as ResponseError).requestId).toMatch(/_\d+$/);
    // Not retried, and the client closed the connection instead of reading on.
    expect(server.responses).toHaveLength(1);
    await server.closed[0];
  });

  it('fails a listing page over the cap', async () => {
    const server = await startEndlessServer();
    const connection = connect(server.endpoint);

    let error: unknown;
    try {
      for await (const _user of connection.users()) {
        // The first page never completes.
      }
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ListingError);
    expect((error as ListingError).cause).toBeInstanceOf(ResponseError);
    expect((error as Error).message).toContain('32 MiB limit');
    expect(server.responses).toHaveLength(1);
  });

  it('reports a status body over the cap', async () => {
    const server = await startEndlessServer();
    const connection = connect(server.endpoint);

    const status = await connection.status({ remote: true });

    expect(status.server.status).toMatch(
      /^Unexpected response at .+: the body is larger than 33554432 bytes$/,
    );
    expect(server.responses).toHaveLength(1);
    await server.closed[0];
  });

  it('rejects a Content-Length over the cap before reading', async () => {
    const server = await startRawServer((socket) => {
      socket.write(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${MAX_RESPONSE_BYTES + 1}\r\n\r\n{"result":`,
      );
    });
    onTestFinished(() => server.close());
    const connection = connect(server.endpoint);

    const error = await connection.request('groups/x/0').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ResponseError);
    expect((error as Error).message).toContain('GET groups/x/0');
    expect((error as Error).message).toContain('32 MiB limit');
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['gzip', gzipSync],
    ['br', brotliCompressSync],
  ] as const)('counts the decoded size of a %s body', async (encoding, compress) => {
    // About 40 KB on the wire, 33 MiB once decoded.
    const compressed = compress(Buffer.alloc(MAX_RESPONSE_BYTES + 1024 * 1024, 0x20));
    const server = await startRawServer((socket) => {
      socket.end(
        Buffer.concat([
          Buffer.from(
            `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: ${encoding}\r\ncontent-length: ${compressed.length}\r\n\r\n`,
          ),
          compressed,
        ]),
      );
    });
    onTestFinished(() => server.close());
    const connection = connect(server.endpoint);

    const error = await connection.request('groups/x/0').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ResponseError);
    expect((error as Error).message).toContain('32 MiB limit');
    expect(server.requests).toHaveLength(1);
  });

  it('reads a body just under the cap', async () => {
    const padding = ' '.repeat(MAX_RESPONSE_BYTES - 100);
    const text = `{"result":"success","groups":[],"lastPage":true}${padding}`;
    const server = await startRawServer((socket) => {
      socket.end(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${text.length}\r\n\r\n${text}`,
      );
    });
    onTestFinished(() => server.close());
    const connection = connect(server.endpoint);

    const response = await connection.request('groups/x/0');

    expect(response.body).toEqual({ result: 'success', groups: [], lastPage: true });
  });
});
