import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createTlsMaterial } from './tls.js';

/** Options shared by both fakes for the listening socket. */
export interface ListenOptions {
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** Port to bind. Default `0`, a free port the system picks. */
  port?: number;
  /**
   * Serve HTTPS with a certificate for 127.0.0.1, ::1 and localhost, signed by
   * a CA generated for this server and exposed as `ca`. Default `false`.
   */
  https?: boolean;
}

/** A listening server with its origin and a `close` that ends every connection. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>` or `https://...`. */
  origin: string;
  port: number;
  /** The CA certificate (PEM) when serving HTTPS. */
  ca: string | undefined;
  /** Runs `callback` when the server closes, before sockets are torn down. */
  onClose(callback: () => void): void;
  close(): Promise<void>;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** Starts a node:http or node:https server for `handler` and resolves once it listens. */
export async function listen(options: ListenOptions, handler: Handler): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const tls = options.https ? await createTlsMaterial() : undefined;
  const server = tls
    ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler)
    : createHttpServer(handler);

  // Tracking sockets lets close() end keep-alive and in-flight connections,
  // which server.close() alone waits for, keeping the port busy.
  const sockets = new Set<Socket>();
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A client that resets a TLS handshake must not crash the test process.
  server.on('tlsClientError', () => {});
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  const closeCallbacks: Array<() => void> = [];
  let closing: Promise<void> | undefined;

  return {
    origin: `${tls ? 'https' : 'http'}://${hostForUrl}:${port}`,
    port,
    ca: tls?.ca,
    onClose: (callback) => closeCallbacks.push(callback),
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const callback of closeCallbacks) callback();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
