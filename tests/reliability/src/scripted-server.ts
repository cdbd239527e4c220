import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A response the scripted server sends: status, headers and a body of bytes or text. */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** A loopback HTTP server whose answers the test decides per request. */
export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** How many requests arrived since the last `reset()`. */
  readonly requestCount: number;
  /** Paths of the requests since the last `reset()`, oldest first. */
  readonly paths: string[];
  /** Sets the function that answers each request, and clears the counters. */
  reset(answer: (request: IncomingMessage, index: number) => ScriptedAnswer): void;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 and a free port. */
export async function startScriptedServer(): Promise<ScriptedServer> {
  let answer: (request: IncomingMessage, index: number) => ScriptedAnswer = () => ({
    status: 500,
  });
  let paths: string[] = [];

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const index = paths.length;
    paths.push(request.url ?? '');
    request.resume();
    request.on('end', () => {
      const scripted = answer(request, index);
      response.writeHead(scripted.status, scripted.headers);
      response.end(scripted.body);
    });
  });
  server.keepAliveTimeout = 1_000;

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    get requestCount() {
      return paths.length;
    },
    get paths() {
      return paths;
    },
    reset(next) {
      answer = next;
      paths = [];
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
