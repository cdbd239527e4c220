import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthenticator } from '@umapi/auth-core';
import { type FakeIms, startFakeIms } from '@umapi/testing';

/** One request the scripted server received. */
export interface RecordedRequest {
  method: string;
  /** Path and query string. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A scripted response. `drop` closes the socket without a response; `delayMs` waits before responding. */
export interface ScriptedAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Raw body text, sent as it is. */
  text?: string;
  drop?: boolean;
  delayMs?: number;
  /** Sends the headers and half the body, then waits this long before the rest. */
  stallBodyMs?: number;
}

export type Handler = (request: RecordedRequest) => ScriptedAnswer;

/**
 * A UMAPI stand-in on 127.0.0.1 with responses scripted per test: queued
 * responses first, then the default handler. Tokens are checked against the
 * fake IMS, so a stale token gets a real 401.
 */
export interface ScriptedServer {
  url: string;
  endpoint: string;
  requests: RecordedRequest[];
  queue(...answers: ScriptedAnswer[]): void;
  setDefault(handler: Handler): void;
  close(): Promise<void>;
}

export async function startScriptedServer(ims?: FakeIms): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const queued: ScriptedAnswer[] = [];
  let fallback: Handler = () => ({ status: 200, body: { result: 'success' } });
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: RecordedRequest = {
        method: incoming.method ?? 'GET',
        url: incoming.url ?? '/',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);

      const answer = queued.shift() ?? checkToken(ims, request) ?? fallback(request);
      const send = () => {
        if (answer.drop === true) {
          incoming.socket.destroy();
          return;
        }

        const text = answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
        response.writeHead(answer.status ?? 200, {
          'content-type': 'application/json',
          ...answer.headers,
        });
        if (answer.stallBodyMs === undefined) {
          response.end(text);
          return;
        }

        response.write(text.slice(0, text.length / 2));
        const timer = setTimeout(() => {
          timers.delete(timer);
          response.end(text.slice(text.length / 2));
        }, answer.stallBodyMs);
        timers.add(timer);
      };

      if (answer.delayMs === undefined) {
        send();
      } else {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, answer.delayMs);
        timers.add(timer);
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
    queue: (...answers) => queued.push(...answers),
    setDefault: (handler) => {
      fallback = handler;
    },
    close: async () => {
      for (const timer of timers) {
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function checkToken(
  ims: FakeIms | undefined,
  request: RecordedRequest,
): ScriptedAnswer | undefined {
  if (ims === undefined || request.url === '/status') {
    return undefined;
  }

  const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  const info = token === undefined ? null : ims.verifyAccessToken(token);
  if (info === null || info.clientId !== request.headers['x-api-key']) {
    return { status: 401, body: { error_code: '401013', message: 'Oauth token is not valid' } };
  }

  return undefined;
}

/**
 * Builds an authenticator by hand, as a user without JWTAuth or OAuthS2S
 * would: the shared token cache around a client-credentials request to the
 * fake IMS. Counts the token exchanges.
 */
export async function createTestAuthenticator(ims: FakeIms, orgId?: string) {
  const credentials = await ims.createOAuthCredentials(orgId === undefined ? {} : { orgId });
  const exchanges = { count: 0 };
  const auth = createAuthenticator({
    clientId: credentials.clientId,
    orgId: credentials.orgId,
    async fetchToken(signal) {
      exchanges.count += 1;
      const response = await fetch(`${ims.url}/ims/token/v3`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: credentials.clientId,
          client_secret: credentials.clientSecret,
          scope: 'openid,AdobeID,user_management_sdk',
        }),
        signal,
      });
      const body = (await response.json()) as { access_token: string; expires_in: number };
      return { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
    },
  });
  return { auth, credentials, exchanges };
}

export { startFakeIms };
