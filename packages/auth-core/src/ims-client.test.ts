import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError, ImsError, NetworkError, TimeoutError } from './errors.js';
import { type ImsTokenRequest, requestImsToken } from './ims-client.js';
import { MAX_RETRY_AFTER_MS } from './retry.js';
import { rejection, sendJson, startTestServer, type TestServer } from './test-server.js';
import { createTransport } from './transport.js';

const secret = 'p8e-very-secret-client-secret';
const servers: TestServer[] = [];
const fastBackoff = { baseDelayMs: 1, maxDelayMs: 5 };

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(handler: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const started = await startTestServer(handler);
  servers.push(started);
  return started;
}

function tokenRequest(
  target: TestServer,
  overrides: Partial<ImsTokenRequest> = {},
): ImsTokenRequest {
  return {
    url: `${target.url}/ims/token/v3?trace=abc`,
    form: {
      grant_type: 'client_credentials',
      client_id: 'client-id',
      client_secret: secret,
      scope: 'openid',
    },
    expiresInUnit: 'seconds',
    transport: createTransport({ env: {} }),
    backoff: fastBackoff,
    ...overrides,
  };
}

function expectNoSecret(error: unknown): void {
  const texts = [
    inspect(error, { depth: 10, showHidden: true }),
    JSON.stringify(error),
    (error as Error).message,
    inspect((error as Error).cause, { depth: 10 }),
  ];
  for (const text of texts) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain('trace=abc');
  }
}

describe('requestImsToken request', () => {
  it('POSTs the form with the expected headers', async () => {
    const ims = await server((_request, response) =>
      sendJson(response, 200, { access_token: 'at', expires_in: 86_400, token_type: 'bearer' }),
    );

    await requestImsToken(tokenRequest(ims, { headers: { 'X-Extra': 'yes' } }));

    const [received] = ims.requests;
    expect(received?.method).toBe('POST');
    expect(received?.url).toBe('/ims/token/v3?trace=abc');
    expect(received?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(received?.headers['cache-control']).toBe('no-cache');
    expect(received?.headers.accept).toBe('application/json');
    expect(received?.headers['x-extra']).toBe('yes');
    expect(Object.fromEntries(new URLSearchParams(received?.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'client-id',
      client_secret: secret,
      scope: 'openid',
    });
  });

  it('converts expires_in in seconds and milliseconds', async () => {
    const ims = await server((_request, response) =>
      sendJson(
        response,
        200,
        { access_token: 'at', expires_in: 86_400 },
        { date: 'Thu, 01 Jan 2026 00:00:00 GMT' },
      ),
    );

    const before = Date.now();
    const seconds = await requestImsToken(tokenRequest(ims, { expiresInUnit: 'seconds' }));
    const milliseconds = await requestImsToken(
      tokenRequest(ims, { expiresInUnit: 'milliseconds' }),
    );
    const after = Date.now();

    expect(seconds.expiresAt).toBeGreaterThanOrEqual(before + 86_400_000);
    expect(seconds.expiresAt).toBeLessThanOrEqual(after + 86_400_000);
    expect(milliseconds.expiresAt).toBeGreaterThanOrEqual(before + 86_400);
    expect(milliseconds.expiresAt).toBeLessThanOrEqual(after + 86_400);
    expect(seconds.token).toBe('at');
    expect(seconds.tokenType).toBe('bearer');
    expect(seconds.serverDate).toBe(Date.UTC(2026, 0, 1));
  });
});

describe('requestImsToken retries', () => {
  it('retries a 5xx and then succeeds', async () => {
    const ims = await server((_request, response, index) => {
      if (index < 2) {
        response.writeHead(index === 0 ? 503 : 500).end();
        return;
      }
      sendJson(response, 200, { access_token: 'at', expires_in: 3600 });
    });

    const result = await requestImsToken(tokenRequest(ims));

    expect(result.token).toBe('at');
    expect(ims.requests).toHaveLength(3);
  });

  it('gives up after maxRetries with the last error', async () => {
    const ims = await server((_request, response) =>
      sendJson(response, 502, { error: 'bad_gateway', error_description: 'upstream down' }),
    );

    const error = await rejection(requestImsToken(tokenRequest(ims, { maxRetries: 3 })));

    expect(error).toBeInstanceOf(ImsError);
    expect((error as ImsError).status).toBe(502);
    expect(ims.requests).toHaveLength(4);
  });

  it('retries a 429 after Retry-After seconds', async () => {
    const ims = await server((_request, response, index) => {
      if (index === 0) {
        sendJson(response, 429, { error: 'too_many_requests' }, { 'retry-after': '1' });
        return;
      }
      sendJson(response, 200, { access_token: 'at', expires_in: 3600 });
    });

    const result = await requestImsToken(tokenRequest(ims));

    expect(result.token).toBe('at');
    expect(ims.requests).toHaveLength(2);
  });

  it('retries a 429 after a Retry-After date in the past', async () => {
    const ims = await server((_request, response, index) => {
      if (index === 0) {
        sendJson(
          response,
          429,
          { error: 'too_many_requests' },
          { 'retry-after': new Date(Date.now() - 60_000).toUTCString() },
        );
        return;
      }
      sendJson(response, 200, { access_token: 'at', expires_in: 3600 });
    });

    expect((await requestImsToken(tokenRequest(ims))).token).toBe('at');
    expect(ims.requests).toHaveLength(2);
  });

  it.each([
    ['seconds', () => '7200', 7_200_000],
    ['an HTTP date', () => new Date(Date.now() + 7_200_000).toUTCString(), 7_200_000],
  ])(
    'fails at once when Retry-After in %s exceeds maxRetryWaitMs',
    async (_name, header, expected) => {
      const ims = await server((_request, response) =>
        sendJson(response, 429, { error: 'too_many_requests' }, { 'retry-after': header() }),
      );

      const error = await rejection(requestImsToken(tokenRequest(ims)));

      expect(error).toBeInstanceOf(ImsError);
      expect((error as ImsError).code).toBe('too_many_requests');
      expect((error as ImsError).retryAfterMs).toBeGreaterThan(expected - 5000);
      expect((error as ImsError).retryAfterMs).toBeLessThanOrEqual(expected);
      expect(ims.requests).toHaveLength(1);
    },
  );

  it('reports a Retry-After beyond the Date range as 365 days, without retrying', async () => {
    const ims = await server((_request, response) =>
      sendJson(
        response,
        429,
        { error: 'too_many_requests' },
        { 'retry-after': '99999999999999999999' },
      ),
    );

    const error = await rejection(requestImsToken(tokenRequest(ims)));

    expect(error).toBeInstanceOf(ImsError);
    expect((error as ImsError).retryAfterMs).toBe(MAX_RETRY_AFTER_MS);
    expect(String((error as ImsError).message)).not.toMatch(/Invalid time value/);
    expect(ims.requests).toHaveLength(1);
  });

  it.each([
    [400, 'invalid_request'],
    [401, 'invalid_client'],
    [403, 'unauthorized_client'],
  ])('does not retry HTTP %d', async (status, code) => {
    const ims = await server((_request, response) =>
      sendJson(
        response,
        status,
        { error: code, error_description: 'rejected' },
        { 'x-debug-id': 'debug-123', date: 'Thu, 01 Jan 2026 00:00:00 GMT' },
      ),
    );

    const error = await rejection(requestImsToken(tokenRequest(ims)));

    expect(error).toBeInstanceOf(ImsError);
    expect(error).toMatchObject({
      name: 'ImsError',
      status,
      code,
      description: 'rejected',
      requestId: 'debug-123',
      serverDate: Date.UTC(2026, 0, 1),
    });
    expect(error.message).toContain('(request id debug-123)');
    expect((error as ImsError).endpoint).toBe(`${ims.url}/ims/token/v3`);
    expect(ims.requests).toHaveLength(1);
  });

  it('times out a slow server on each attempt', async () => {
    const ims = await server(() => {
      // Never responds, so the client's per-attempt timeout must end the wait.
    });

    const error = await rejection(
      requestImsToken(tokenRequest(ims, { timeoutMs: 500, maxRetries: 1 })),
    );

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({
      code: 'ERR_UMAPI_TIMEOUT',
      timeoutMs: 500,
      host: `127.0.0.1:${ims.port}`,
    });
    expect(ims.requests).toHaveLength(2);
  });

  it('retries a refused connection and reports a NetworkError', async () => {
    const closed = await startTestServer(() => undefined);
    const url = closed.url;
    await closed.close();

    const error = await rejection(
      requestImsToken({ ...tokenRequest(closed), url: `${url}/ims/token/v3`, maxRetries: 1 }),
    );

    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).systemCode).toBe('ECONNREFUSED');
    expectNoSecret(error);
  });

  it('stops retrying when aborted mid-retry', async () => {
    const controller = new AbortController();
    const reason = new Error('caller aborted');
    const ims = await server((_request, response) => {
      sendJson(response, 503, { error: 'unavailable' }, { 'retry-after': '30' });
      setTimeout(() => controller.abort(reason), 50);
    });

    const error = await rejection(
      requestImsToken(tokenRequest(ims, { signal: controller.signal })),
    );

    expect(error).toBe(reason);
    expect(ims.requests).toHaveLength(1);
  });

  it('sends nothing with an already-aborted signal', async () => {
    const ims = await server((_request, response) =>
      sendJson(response, 200, { access_token: 'at', expires_in: 1 }),
    );
    const reason = new Error('aborted before');

    const error = await rejection(
      requestImsToken(tokenRequest(ims, { signal: AbortSignal.abort(reason) })),
    );

    expect(error).toBe(reason);
    expect(ims.requests).toHaveLength(0);
  });

  it('does not follow a redirect', async () => {
    const ims = await server((_request, response) => {
      response.writeHead(307, { location: 'http://127.0.0.1:1/elsewhere?secret=1' }).end();
    });

    const error = await rejection(requestImsToken(tokenRequest(ims)));

    expect(error).toBeInstanceOf(ImsError);
    expect(error.message).toContain('redirected');
    expect(error.message).not.toContain('secret=1');
    expect(ims.requests).toHaveLength(1);
  });
});

describe('requestImsToken responses', () => {
  it.each([
    ['no access_token', { expires_in: 3600 }, /no access_token/],
    ['empty access_token', { access_token: '', expires_in: 3600 }, /no access_token/],
    ['numeric access_token', { access_token: 42, expires_in: 3600 }, /no access_token/],
    ['expires_in as string', { access_token: 'at-value', expires_in: '3600' }, /expires_in/],
    ['expires_in zero', { access_token: 'at-value', expires_in: 0 }, /expires_in/],
    ['expires_in negative', { access_token: 'at-value', expires_in: -5 }, /expires_in/],
    ['expires_in missing', { access_token: 'at-value' }, /expires_in/],
    [
      'expires_in under a millisecond',
      { access_token: 'at-value', expires_in: 5e-324 },
      /expires_in 5e-324, read as seconds, a lifetime under 1 millisecond/,
    ],
    ['an access_token of spaces', { access_token: '  ', expires_in: 3600 }, /visible ASCII/],
    [
      'an access_token with a line break',
      { access_token: 'at-value\r\nX-Injected: 1', expires_in: 3600 },
      /cannot be sent as a bearer token/,
    ],
    ['a JSON array', [], /not a JSON object/],
    [
      'expires_in in milliseconds at a seconds endpoint',
      { access_token: 'at-value', expires_in: 86_399_999 },
      /expires_in 86399999, read as seconds.*the unit looks wrong/,
    ],
  ])('rejects a 200 with %s', async (_name, body, message) => {
    const ims = await server((_request, response) => sendJson(response, 200, body));

    const error = await rejection(requestImsToken(tokenRequest(ims)));

    expect(error).toBeInstanceOf(ImsError);
    expect((error as ImsError).code).toBe('unexpected_response');
    expect(error.message).toMatch(message);
    expect(inspect(error)).not.toContain('at-value');
    expect(ims.requests).toHaveLength(1);
  });

  it('rejects a lifetime over 365 days at a milliseconds endpoint', async () => {
    const ims = await server((_request, response) =>
      sendJson(response, 200, { access_token: 'at-value', expires_in: 86_399_999_000 }),
    );

    const error = await rejection(
      requestImsToken(tokenRequest(ims, { expiresInUnit: 'milliseconds' })),
    );

    expect(error).toBeInstanceOf(ImsError);
    expect((error as ImsError).code).toBe('unexpected_response');
    expect(error.message).toMatch(/read as milliseconds.*the unit looks wrong/);
  });

  it('accepts a lifetime of exactly 365 days', async () => {
    const ims = await server((_request, response) =>
      sendJson(response, 200, { access_token: 'at-value', expires_in: 365 * 86_400 }),
    );

    const token = await requestImsToken(tokenRequest(ims));

    expect(token.token).toBe('at-value');
  });

  it('rejects malformed JSON in a 200', async () => {
    const ims = await server((_request, response) => {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"access_token": "at-value", ');
    });

    const error = await rejection(requestImsToken(tokenRequest(ims)));

    expect(error).toMatchObject({ name: 'ImsError', code: 'unexpected_response', status: 200 });
    expect(error.message).toContain('not a JSON object');
    expect(error.message).not.toContain('at-value');
  });

  it('reports an HTML error page truncated', async () => {
    const page = `<html><head><style>body{}</style></head><body><h1>Proxy Error</h1><p>${'x'.repeat(1000)}</p></body></html>`;
    const ims = await server((_request, response) => {
      response.writeHead(403, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    });

    const error = await rejection(requestImsToken(tokenRequest(ims)));

    expect(error).toBeInstanceOf(ImsError);
    expect((error as ImsError).code).toBe('unexpected_response');
    expect(error.message).toContain('non-JSON body (text/html)');
    expect(error.message).toContain('Proxy Error');
    expect(error.message).not.toContain('<h1>');
    expect((error as ImsError).description?.length).toBeLessThanOrEqual(201);
    expect(error.message.length).toBeLessThan(500);
  });

  it('stops reading an oversized body', async () => {
    const chunk = `<p>${'y'.repeat(64 * 1024)}</p>`;
    const ims = await server((_request, response, index) => {
      response.writeHead(index === 0 ? 502 : 200, { 'content-type': 'text/html' });
      // 2 MiB in chunks: more than the client reads.
      for (let i = 0; i < 32; i += 1) {
        response.write(chunk);
      }
      response.end();
    });

    const error = await rejection(requestImsToken(tokenRequest(ims, { maxRetries: 1 })));

    expect(error).toBeInstanceOf(ImsError);
    expect(error).toMatchObject({ status: 200, code: 'unexpected_response' });
    expect(error.message).toContain('larger than 1048576 bytes');
    expect(ims.requests).toHaveLength(2);
  });

  it('reads the request id from x-request-id', async () => {
    const ims = await server((_request, response) =>
      sendJson(response, 400, { error: 'invalid_scope' }, { 'x-request-id': 'request-456' }),
    );

    const error = await rejection(requestImsToken(tokenRequest(ims)));

    expect((error as ImsError).requestId).toBe('request-456');
    expect((error as ImsError).description).toBeUndefined();
  });

  it('reports malformed JSON in an error response', async () => {
    const ims = await server((_request, response) => {
      response.writeHead(400, { 'content-type': 'application/json' }).end('{"error": ');
    });

    const error = await rejection(requestImsToken(tokenRequest(ims)));

    expect(error).toMatchObject({
      code: 'unexpected_response',
      status: 400,
      description: '{"error":',
    });
  });

  it('blanks out a secret the server echoes', async () => {
    const ims = await server((request, response) => {
      sendJson(response, 401, {
        error: 'invalid_client',
        error_description: `bad request body ${request.body}`,
      });
    });

    const error = await rejection(requestImsToken(tokenRequest(ims)));

    expect(error).toBeInstanceOf(ImsError);
    expect(error.message).toContain('[REDACTED]');
    expectNoSecret(error);
  });

  it('keeps secrets out of error output', async () => {
    const ims = await server((_request, response) =>
      sendJson(response, 401, { error: 'invalid_client', error_description: 'invalid client' }),
    );

    const error = await rejection(requestImsToken(tokenRequest(ims)));

    expectNoSecret(error);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      code: 'invalid_client',
      status: 401,
    });
  });
});

describe('requestImsToken validation', () => {
  it('lists every invalid field', async () => {
    const error = await rejection(
      requestImsToken({
        url: 'not a url',
        form: { client_secret: 42 as unknown as string },
        expiresInUnit: 'minutes' as 'seconds',
        transport: {} as ImsTokenRequest['transport'],
        timeoutMs: 0,
        maxRetries: -1,
      }),
    );

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems.map((problem) => problem.field)).toEqual([
      'url',
      'form',
      'expiresInUnit',
      'transport',
      'timeoutMs',
      'maxRetries',
    ]);
    expect(inspect(error)).not.toContain('42');
  });
});
