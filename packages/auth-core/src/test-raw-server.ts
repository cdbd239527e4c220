import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A raw TCP server on 127.0.0.1 port 0, for replies no HTTP server library would send. */
export interface RawServer {
  url: string;
  port: number;
  /** How many connections sent data, which is how many requests were attempted. */
  hits: number;
  close(): Promise<void>;
}

/**
 * Starts a TCP server that calls `onRequest` with the socket and the first
 * chunk of each connection, so a test can reply with any bytes it likes.
 */
export async function startRawServer(
  onRequest: (socket: Socket, received: Buffer, index: number) => void,
): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const state = { hits: 0 };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.once('data', (chunk: Buffer) => {
      state.hits += 1;
      onRequest(socket, chunk, state.hits - 1);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get hits() {
      return state.hits;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) {
          socket.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

/**
 * Waits for the whole request (headers and a `Content-Length` body) and sends
 * its bytes back as the reply, which is not HTTP: an HTTP client's parser
 * fails on them and keeps what it received.
 */
export function echoRequest(socket: Socket, received: Buffer): void {
  let buffer = received;
  const replyWhenComplete = () => {
    const text = buffer.toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) {
      return;
    }

    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text)?.[1] ?? 0);
    if (buffer.length >= end + 4 + length) {
      socket.off('data', onData);
      socket.end(buffer);
    }
  };
  const onData = (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    replyWhenComplete();
  };

  socket.on('data', onData);
  replyWhenComplete();
}
