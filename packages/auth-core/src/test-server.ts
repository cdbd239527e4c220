import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ImsTokenRequest } from './ims-client.js';
import { createTransport } from './transport.js';

/** A request a test server received, with its body read in full. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TestServer {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

type Handler = (request: ReceivedRequest, response: ServerResponse, index: number) => void;

/** Starts a node:http server on 127.0.0.1 port 0 that records every request. */
export async function startTestServer(handler: Handler): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received: ReceivedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      handler(received, response, requests.length - 1);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a JSON response. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** Awaits a promise that must reject and returns its error, failing the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }

  throw new Error('expected a rejection');
}

/**
 * Builds an OAuth token request to `origin` with a fast backoff, for tests
 * that check how `requestImsToken` handles what a server sends back.
 */
export function oauthTokenRequest(
  origin: string,
  clientSecret: string,
  overrides: Partial<ImsTokenRequest> = {},
): ImsTokenRequest {
  return {
    url: `${origin}/ims/token/v3`,
    form: {
      grant_type: 'client_credentials',
      client_id: 'client-id',
      client_secret: clientSecret,
      scope: 'openid',
    },
    expiresInUnit: 'seconds',
    transport: createTransport({ env: {} }),
    backoff: { baseDelayMs: 1, maxDelayMs: 2 },
    ...overrides,
  };
}
