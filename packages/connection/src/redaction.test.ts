import { inspect } from 'node:util';
import type { FakeIms } from '@umapi/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { UserAction } from './actions/user-action.js';
import { Connection } from './connection.js';
import {
  HttpError,
  ListingError,
  RequestError,
  ResponseError,
  ServerError,
  UnavailableError,
} from './errors.js';
import type { ConnectionOptions } from './options.js';
import { REDACTED, redactJson, redactText } from './redact.js';
import {
  createTestAuthenticator,
  type RecordedRequest,
  type ScriptedAnswer,
  startFakeIms,
  startScriptedServer,
} from './test-server.js';

let ims: FakeIms;

beforeAll(async () => {
  ims = await startFakeIms();
});

afterAll(async () => {
  await ims.close();
});

/** The credential of the `Authorization` header a request carried. */
function tokenOf(request: RecordedRequest): string {
  return String(request.headers.authorization).replace(/^Bearer /, '');
}

/**
 * Starts a connection whose server answers every request with `answer`,
 * given the token the request carried, so the token is echoed back.
 */
async function setUp(
  answer: (token: string, request: RecordedRequest) => ScriptedAnswer,
  options: Partial<ConnectionOptions> = {},
) {
  const server = await startScriptedServer(ims);
  onTestFinished(() => server.close());
  const { auth } = await createTestAuthenticator(ims);
  const lines: string[] = [];
  const record = (level: string) => (message: string, details?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${JSON.stringify(details ?? {})}`);
  };
  const connection = new Connection({
    auth,
    endpoint: server.endpoint,
    rateLimits: false,
    maxRetries: 0,
    retryBaseDelayMs: 1,
    logger: {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    },
    ...options,
  });
  onTestFinished(() => connection.close());
  server.setDefault((request) => answer(tokenOf(request), request));
  const token = (await auth.getAccessToken()).token;
  return { connection, server, token, lines };
}

/** Everything a caller might print or serialize from an error, causes included. */
function render(error: unknown): string {
  const parts: string[] = [inspect(error, { depth: 10 })];
  for (let current = error; current instanceof Error; current = current.cause) {
    parts.push(current.message, String(current.stack), JSON.stringify(current));
    if (current instanceof HttpError) {
      parts.push(JSON.stringify(current.body), String(current.serverMessage));
    }
  }
  return parts.join('\n');
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

const orgPath = 'users/12345@AdobeOrg/0';

describe('redactText', () => {
  it('replaces a token raw and URL-encoded', () => {
    const token = 'ab+c/d=';
    const text = `raw ${token} encoded ${encodeURIComponent(token)}`;
    expect(redactText(text, [token])).toBe(`raw ${REDACTED} encoded ${REDACTED}`);
  });

  it('replaces any Bearer credential', () => {
    const text = 'Authorization: Bearer eyJ.other.token, next';
    expect(redactText(text, [])).toBe(`Authorization: Bearer ${REDACTED}, next`);
  });

  it('matches the Bearer scheme in any case', () => {
    expect(redactText('{"auth":"bearer xyz"}', [])).toBe(`{"auth":"bearer ${REDACTED}"}`);
  });

  it('ignores an empty secret', () => {
    expect(redactText('plain text', [''])).toBe('plain text');
  });
});

describe('redactJson', () => {
  it('replaces tokens in nested values and keys', () => {
    const body = { message: 'tok1 here', list: [{ tok1: 'x' }, 3, null, true] };
    expect(redactJson(body, ['tok1'])).toEqual({
      message: `${REDACTED} here`,
      list: [{ [REDACTED]: 'x' }, 3, null, true],
    });
  });

  it('leaves the input unchanged', () => {
    const body = { message: 'tok1' };
    redactJson(body, ['tok1']);
    expect(body.message).toBe('tok1');
  });
});

describe('errors built from responses', () => {
  it('redacts a 4xx body echoing the token', async () => {
    const { connection, token } = await setUp((echoed) => ({
      status: 403,
      body: { error_code: 'error.forbidden', message: `token ${echoed} is not allowed` },
    }));

    const error = await failure(connection.request(orgPath));

    expect(error).toBeInstanceOf(RequestError);
    const requestError = error as RequestError;
    expect(requestError.message).toContain(`token ${REDACTED} is not allowed`);
    expect(requestError.serverMessage).toBe(`token ${REDACTED} is not allowed`);
    expect(requestError.body).toEqual({
      error_code: 'error.forbidden',
      message: `token ${REDACTED} is not allowed`,
    });
    expect(render(error)).not.toContain(token);
  });

  it('redacts a 5xx page echoing the Authorization header', async () => {
    const { connection, token } = await setUp((echoed) => ({
      status: 500,
      headers: { 'content-type': 'text/html' },
      text: `<pre>Authorization: Bearer ${echoed}</pre>`,
    }));

    const error = await failure(connection.request(orgPath));

    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).message).toContain(`Bearer ${REDACTED}`);
    expect((error as ServerError).body).toBe(`<pre>Authorization: Bearer ${REDACTED}</pre>`);
    expect(render(error)).not.toContain(token);
  });

  it('redacts a JSON body spelling the token with escapes', async () => {
    const { connection, token } = await setUp((echoed) => ({
      status: 400,
      // The first character escaped, so the raw text does not contain the token.
      text: JSON.stringify({ message: echoed }).replace(
        echoed.charAt(0),
        `\\u${echoed.charCodeAt(0).toString(16).padStart(4, '0')}`,
      ),
    }));

    const error = await failure(connection.request(orgPath));

    expect(error).toBeInstanceOf(RequestError);
    expect((error as RequestError).serverMessage).toBe(REDACTED);
    expect(render(error)).not.toContain(token.slice(1));
    expect(render(error)).not.toContain(token);
  });

  it('redacts a 200 whose result is an error', async () => {
    const { connection, token } = await setUp((echoed) => ({
      status: 200,
      body: { result: 'error', message: `rejected ${echoed}` },
    }));

    const error = await failure(connection.request(orgPath));

    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).serverMessage).toBe(`rejected ${REDACTED}`);
    expect(render(error)).not.toContain(token);
  });

  it('redacts a result that is the token', async () => {
    const { connection, token } = await setUp((echoed) => ({
      status: 200,
      body: { result: echoed },
    }));

    const error = await failure(connection.request(orgPath));

    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).message).toContain(`result '${REDACTED}'`);
    expect(render(error)).not.toContain(token);
  });

  it('redacts a content type echoing the token', async () => {
    const { connection, token } = await setUp((echoed) => ({
      status: 200,
      headers: { 'content-type': `text/plain; echo=${echoed}` },
      text: 'not json',
    }));

    const error = await failure(connection.request(orgPath));

    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).message).toContain(`echo=${REDACTED}`);
    expect(render(error)).not.toContain(token);
  });

  it('keeps a successful body unchanged', async () => {
    const { connection, token } = await setUp((echoed) => ({
      status: 200,
      body: { result: 'success', note: echoed },
    }));

    const response = await connection.request(orgPath);

    expect(response.body).toEqual({ result: 'success', note: token });
  });

  it('redacts a second 401 echoing the token', async () => {
    const { connection, token } = await setUp((echoed) => ({
      status: 401,
      body: { error_code: '401013', message: `Oauth token is not valid: ${echoed}` },
    }));

    const error = await failure(connection.request(orgPath));

    expect(error).toBeInstanceOf(RequestError);
    expect((error as RequestError).status).toBe(401);
    expect(render(error)).not.toContain(token);
  });

  it('redacts a failed listing page', async () => {
    const { connection, token } = await setUp((echoed, request) =>
      request.url.endsWith('/0')
        ? { status: 200, body: { result: 'success', lastPage: false, users: [{ email: 'a@x' }] } }
        : { status: 500, body: { error_code: 'error.internal', message: `Bearer ${echoed}` } },
    );

    const read: unknown[] = [];
    const error = await failure(
      (async () => {
        for await (const user of connection.users()) {
          read.push(user);
        }
      })(),
    );

    expect(read).toHaveLength(1);
    expect(error).toBeInstanceOf(ListingError);
    expect((error as ListingError).message).toContain(`Bearer ${REDACTED}`);
    expect((error as ListingError).cause).toBeInstanceOf(ServerError);
    expect(render(error)).not.toContain(token);
  });

  it('redacts the last error when retries run out', async () => {
    const { connection, token, lines } = await setUp(
      (echoed) => ({
        status: 503,
        headers: { 'retry-after': '0' },
        body: { error_code: 'error.unavailable', message: `busy, token ${echoed}` },
      }),
      { maxRetries: 2 },
    );

    const error = await failure(connection.request(orgPath));

    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).attempts).toBe(3);
    expect((error as UnavailableError).cause).toBeInstanceOf(ServerError);
    expect(((error as UnavailableError).cause as ServerError).serverMessage).toBe(
      `busy, token ${REDACTED}`,
    );
    expect(render(error)).not.toContain(token);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(token);
  });

  it('redacts action errors echoing the token', async () => {
    const { connection, token } = await setUp((echoed) => ({
      status: 200,
      body: {
        result: 'error',
        completed: 0,
        notCompleted: 1,
        completedInTestMode: 0,
        errors: [{ index: 0, step: 0, errorCode: 'error.denied', message: `denied for ${echoed}` }],
      },
    }));

    const result = await connection.execute([
      new UserAction({ email: 'jane@example.com' }).addGroups(['Designers']),
    ]);

    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.message).toContain(`denied for ${REDACTED}`);
    expect(inspect(result, { depth: 10 })).not.toContain(token);
  });
});
