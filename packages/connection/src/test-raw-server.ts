import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** One HTTP request as the raw server parsed it. */
export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes a response, or a broken one, straight to the socket. The request
 * number counts from 0 over the server's life.
 */
export type RawResponder = (socket: Socket, request: RawRequest, index: number) => void;

export interface RawServer {
  url: string;
  endpoint: string;
  requests: RawRequest[];
  close(): Promise<void>;
}

/**
 * Starts a TCP server on 127.0.0.1 that parses each HTTP/1.1 request and
 * lets the test write any bytes back. That includes responses no `node:http`
 * server would send, such as a Content-Length longer than the body,
 * truncated chunks, a reset mid-body or a body that lies about its encoding.
 */
export async function startRawServer(respond: RawResponder): Promise<RawServer> {
  const requests: RawRequest[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);

    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const parsed = parseRequest(buffered);
        if (parsed === undefined) {
          return;
        }

        buffered = buffered.subarray(parsed.length);
        requests.push(parsed.request);
        respond(socket, parsed.request, requests.length - 1);
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    endpoint: `${url}/v2/usermanagement`,
    requests,
    close: async () => {
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes a complete JSON response and closes the connection after it. */
export function writeJson(socket: Socket, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} X\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  );
}

function parseRequest(buffer: Buffer): { request: RawRequest; length: number } | undefined {
  const headerEnd = buffer.indexOf('\r\n\r\n');
  if (headerEnd === -1) {
    return undefined;
  }

  const [requestLine = '', ...lines] = buffer
    .subarray(0, headerEnd)
    .toString('latin1')
    .split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }

  const bodyLength = Number(headers['content-length'] ?? 0);
  const length = headerEnd + 4 + bodyLength;
  if (buffer.length < length) {
    return undefined;
  }

  const [method = '', path = ''] = requestLine.split(' ');
  const body = buffer.subarray(headerEnd + 4, length).toString('utf8');
  return { request: { method, path, headers, body }, length };
}
