import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { setDebugSink } from './debug.js';
import { ImsError, NetworkError } from './errors.js';
import { type ImsTokenRequest, requestImsToken } from './ims-client.js';
import { echoRequest, type RawServer, startRawServer } from './test-raw-server.js';
import {
  oauthTokenRequest,
  rejection,
  sendJson,
  startTestServer,
  type TestServer,
} from './test-server.js';

const SECRET = 'p8e-Echoed-Client-Secret-0123456789';
const servers: Array<TestServer | RawServer> = [];
const debugLines: string[] = [];

afterEach(async () => {
  setDebugSink(undefined);
  debugLines.length = 0;
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function tokenRequest(url: string, overrides: Partial<ImsTokenRequest> = {}): ImsTokenRequest {
  return oauthTokenRequest(url, SECRET, { maxRetries: 0, ...overrides });
}

/** Collects every form in which an error chain can reach a log: inspect, JSON and each link's stack. */
function chainTexts(error: unknown): string[] {
  const texts = [inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error) ?? ''];
  let link: unknown = error;
  for (let depth = 0; link !== undefined && depth < 10; depth += 1) {
    texts.push(inspect(link, { depth: 10, showHidden: true }));
    texts.push(JSON.stringify(link) ?? '');
    texts.push(String((link as Error).stack));
    link = (link as { cause?: unknown }).cause;
  }

  return texts;
}

function expectAbsent(texts: readonly string[], secret: string): void {
  for (const text of texts) {
    expect(text).not.toContain(secret);
  }
}

async function jsonServer(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<TestServer> {
  const server = await startTestServer((_request, response) =>
    sendJson(response, status, body, headers),
  );
  servers.push(server);
  return server;
}

describe('requestImsToken with an echoing IMS', () => {
  it('rejects a secret echoed as the error code', async () => {
    setDebugSink((line) => debugLines.push(line));
    const ims = await jsonServer(400, { error: SECRET, error_description: 'bad' });

    const error = (await rejection(requestImsToken(tokenRequest(ims.url)))) as ImsError;

    expect(error).toBeInstanceOf(ImsError);
    expect(error.code).toBe('unexpected_response');
    expect(error.message).toContain('a JSON body whose error field is not an error code');
    expect(error.description).toContain('[REDACTED]');
    expectAbsent([...chainTexts(error), ...debugLines], SECRET);
  });

  it.each([
    ['with spaces', 'invalid client, see the logs'],
    ['too long', `e${'x'.repeat(64)}`],
    ['with a line break', 'invalid\nclient'],
  ])('reports an error code %s as unexpected_response', async (_name, code) => {
    const ims = await jsonServer(400, { error: code });

    const error = (await rejection(requestImsToken(tokenRequest(ims.url)))) as ImsError;

    expect(error.code).toBe('unexpected_response');
    expect(error.status).toBe(400);
  });

  it('keeps a code-shaped error code', async () => {
    const ims = await jsonServer(
      401,
      { error: 'invalid_client', error_description: 'no' },
      { 'x-request-id': 'abc-123:4' },
    );

    const error = (await rejection(requestImsToken(tokenRequest(ims.url)))) as ImsError;

    expect(error.code).toBe('invalid_client');
    expect(error.requestId).toBe('abc-123:4');
  });

  it.each(['x-request-id', 'x-debug-id'])(
    'drops a %s header that echoes the secret',
    async (header) => {
      setDebugSink((line) => debugLines.push(line));
      const ims = await jsonServer(400, { error: 'invalid_client' }, { [header]: `rid-${SECRET}` });

      const error = (await rejection(requestImsToken(tokenRequest(ims.url)))) as ImsError;

      expect(error.code).toBe('invalid_client');
      expect(error.requestId).toBeUndefined();
      expectAbsent([...chainTexts(error), ...debugLines], SECRET);
    },
  );

  it('drops a request id that is not id-shaped', async () => {
    const ims = await jsonServer(400, { error: 'invalid_client' }, { 'x-request-id': 'a b c' });

    const error = (await rejection(requestImsToken(tokenRequest(ims.url)))) as ImsError;

    expect(error.requestId).toBeUndefined();
  });

  it('keeps retried 5xx echoes out of debug lines', async () => {
    setDebugSink((line) => debugLines.push(line));
    const ims = await jsonServer(
      503,
      { error: `${SECRET}`, message: SECRET },
      { 'x-request-id': SECRET },
    );

    const error = await rejection(requestImsToken(tokenRequest(ims.url, { maxRetries: 2 })));

    expect(ims.requests).toHaveLength(3);
    expect(debugLines.some((line) => line.includes('retrying'))).toBe(true);
    expectAbsent([...chainTexts(error), ...debugLines], SECRET);
  });

  it('keeps a secret in a redirect path out of the message', async () => {
    const ims = await startTestServer((_request, response) => {
      response.writeHead(302, { location: `/login/${encodeURIComponent(SECRET)}?x=1` });
      response.end();
    });
    servers.push(ims);

    const error = await rejection(requestImsToken(tokenRequest(ims.url)));

    expect(error.message).toContain('/login/[REDACTED]');
    expectAbsent(chainTexts(error), SECRET);
  });
});

describe('requestImsToken with a non-HTTP reply', () => {
  it('keeps the echoed request out of the cause chain', async () => {
    const echo = await startRawServer(echoRequest);
    servers.push(echo);

    const error = await rejection(requestImsToken(tokenRequest(echo.url)));

    expect(error).toBeInstanceOf(NetworkError);
    expect(error.cause).toBeInstanceOf(Error);
    expect(inspect(error.cause, { depth: 10, showHidden: true })).not.toContain(SECRET);
    expectAbsent(chainTexts(error), SECRET);
    expectAbsent(chainTexts(error), 'client_secret');
  });

  it('keeps the parser error name without its data', async () => {
    const echo = await startRawServer(echoRequest);
    servers.push(echo);

    const error = await rejection(requestImsToken(tokenRequest(echo.url)));
    const names: string[] = [];
    for (
      let link = error.cause as Error | undefined;
      link !== undefined;
      link = link.cause as Error | undefined
    ) {
      names.push(link.name);
      expect(Object.keys(link)).not.toContain('data');
    }

    expect(names).toContain('HTTPParserError');
  });
});
