import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NetworkError } from './errors.js';
import { type ImsTokenRequest, requestImsToken } from './ims-client.js';
import { type RawServer, startRawServer } from './test-raw-server.js';
import { oauthTokenRequest, rejection } from './test-server.js';

const SECRET = 'p8e-Body-Test-Client-Secret-0123';
const GOOD_BODY = JSON.stringify({
  access_token: 'at-123',
  expires_in: 3600,
  token_type: 'bearer',
});
const servers: RawServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function tokenRequest(url: string, overrides: Partial<ImsTokenRequest> = {}): ImsTokenRequest {
  return oauthTokenRequest(url, SECRET, { maxRetries: 1, ...overrides });
}

function head(headers: string): string {
  return `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n${headers}\r\n`;
}

/** Replies that break off or spoil the body after valid headers. */
const brokenReplies: Record<string, (socket: Socket) => void> = {
  'a Content-Length larger than the body': (socket) => {
    socket.end(`${head('content-length: 100\r\n')}{"access_token":`);
  },
  'truncated chunked data': (socket) => {
    socket.end(`${head('transfer-encoding: chunked\r\n')}40\r\n{"access_token":"at`);
  },
  'an invalid chunk size': (socket) => {
    socket.end(`${head('transfer-encoding: chunked\r\n')}zz\r\n{}\r\n0\r\n\r\n`);
  },
  'a reset mid-body': (socket) => {
    socket.write(`${head('content-length: 100\r\n')}{"access_token":`, () =>
      socket.resetAndDestroy(),
    );
  },
  'a gzip body that does not decode': (socket) => {
    const body = Buffer.from('this is not gzip data at all');
    socket.end(
      Buffer.concat([
        Buffer.from(head(`content-encoding: gzip\r\ncontent-length: ${body.length}\r\n`)),
        body,
      ]),
    );
  },
};

describe('requestImsToken with a broken response body', () => {
  it.each(Object.entries(brokenReplies))(
    'retries %s and reports a NetworkError',
    async (_name, reply) => {
      const ims = await startRawServer((socket) => reply(socket));
      servers.push(ims);

      const error = await rejection(requestImsToken(tokenRequest(ims.url)));

      expect(error).toBeInstanceOf(NetworkError);
      expect(error.message).toMatch(/^Response body from 127\.0\.0\.1:\d+ was cut off or invalid/);
      expect(ims.hits).toBe(2);
      expect(JSON.stringify(error)).not.toContain(SECRET);
    },
  );

  it('returns the token when the retry succeeds', async () => {
    const ims = await startRawServer((socket, _received, index) => {
      if (index === 0) {
        socket.end(`${head('content-length: 100\r\n')}{"access_token":`);
        return;
      }

      socket.end(`${head(`content-length: ${Buffer.byteLength(GOOD_BODY)}\r\n`)}${GOOD_BODY}`);
    });
    servers.push(ims);

    const token = await requestImsToken(tokenRequest(ims.url));

    expect(token.token).toBe('at-123');
    expect(ims.hits).toBe(2);
  });

  it('does not retry with maxRetries 0', async () => {
    const ims = await startRawServer((socket) => socket.end(`${head('content-length: 100\r\n')}{`));
    servers.push(ims);

    const error = await rejection(requestImsToken(tokenRequest(ims.url, { maxRetries: 0 })));

    expect(error).toBeInstanceOf(NetworkError);
    expect(ims.hits).toBe(1);
  });
});
