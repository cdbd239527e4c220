import { createTransport, isUmapiError, requestImsToken, type Transport } from '@umapi/auth-core';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { propertyRuns } from './property-runs.js';
import {
  type ScriptedAnswer,
  type ScriptedServer,
  startScriptedServer,
} from './scripted-server.js';

const CLIENT_SECRET = 'p8e-PROPERTY-CLIENT-SECRET-7f3a9c';

let server: ScriptedServer;
let transport: Transport;

beforeAll(async () => {
  server = await startScriptedServer();
  transport = createTransport();
});

afterAll(async () => {
  await transport.close();
  await server.close();
});

// Header values a server can actually send: visible ASCII and tabs.
const headerValue = fc.string({ maxLength: 40 }).filter((value) => /^[\x20-\x7e\t]*$/.test(value));

const numberish = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1e308, Number.MAX_SAFE_INTEGER),
  fc.string({ maxLength: 12 }),
  fc.constant(null),
  fc.boolean(),
);

// Bodies shaped like a token response, with every field possibly wrong.
const tokenLike = fc
  .record(
    {
      access_token: fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.integer(),
        fc.constant(null),
        fc.object(),
      ),
      expires_in: numberish,
      token_type: fc.oneof(fc.constantFrom('bearer', 'Bearer', ''), fc.integer()),
      error: fc.oneof(fc.constantFrom('invalid_client', 'invalid_token', ''), fc.integer()),
      error_description: fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.constant(`wrong client_secret ${CLIENT_SECRET}`),
        fc.integer(),
      ),
    },
    { requiredKeys: [] },
  )
  .map((body) => JSON.stringify(body));

const body = fc.oneof(
  tokenLike,
  fc.json(),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
  fc.constantFrom('', '<html>Bad Gateway</html>', '{"access_token":', 'null', '[]'),
);

const answer: fc.Arbitrary<ScriptedAnswer> = fc.record({
  // 1xx statuses cannot be sent as a final answer; 304 and 204 carry no body.
  status: fc.oneof(
    fc.constantFrom(200, 201, 204, 301, 302, 400, 401, 403, 429, 500, 503),
    fc.integer({ min: 200, max: 599 }),
  ),
  headers: fc.record(
    {
      'content-type': fc.oneof(
        fc.constantFrom('application/json', 'text/html', 'text/plain;charset=utf-8'),
        headerValue,
      ),
      'retry-after': headerValue,
      date: fc.oneof(
        headerValue,
        fc.date({ noInvalidDate: true }).map((date) => date.toUTCString()),
      ),
      location: fc.constant('/ims/elsewhere'),
      'x-debug-id': headerValue,
    },
    { requiredKeys: [] },
  ),
  body,
});

it('requestImsToken returns a token or a typed error', async () => {
  await fc.assert(
    fc.asyncProperty(
      answer,
      fc.constantFrom('milliseconds', 'seconds') as fc.Arbitrary<'milliseconds' | 'seconds'>,
      async (scripted, unit) => {
        server.reset(() => scripted);
        const startedAt = Date.now();

        let result: Awaited<ReturnType<typeof requestImsToken>> | undefined;
        let failure: unknown;
        try {
          result = await requestImsToken({
            url: `${server.origin}/ims/token/v3`,
            form: {
              grant_type: 'client_credentials',
              client_id: 'property-client',
              client_secret: CLIENT_SECRET,
            },
            expiresInUnit: unit,
            transport,
            maxRetries: 0,
            timeoutMs: 5_000,
          });
        } catch (error) {
          failure = error;
        }

        if (failure === undefined) {
          expect(scripted.status).toBeGreaterThanOrEqual(200);
          expect(scripted.status).toBeLessThan(300);
          expect(typeof result?.token).toBe('string');
          expect(result?.token).toMatch(/^[\x21-\x7e]+$/);
          expect(Number.isInteger(result?.expiresAt)).toBe(true);
          expect(result?.expiresAt).toBeGreaterThan(startedAt);
        } else {
          expect(isUmapiError(failure), String(failure)).toBe(true);
          expect((failure as Error).message).not.toContain(CLIENT_SECRET);
        }

        // A redirect is never followed, because it would resend the credentials.
        // Fetch itself repeats a request once after 421 Misdirected Request.
        expect(server.paths.every((path) => path === '/ims/token/v3')).toBe(true);
        expect(server.requestCount).toBe(scripted.status === 421 ? 2 : 1);
      },
    ),
    { numRuns: propertyRuns(300) },
  );
});
