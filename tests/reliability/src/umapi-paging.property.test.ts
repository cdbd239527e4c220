import { isUmapiError } from '@umapi/auth-core';
import { Connection } from '@umapi/connection';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { propertyRuns } from './property-runs.js';
import {
  type ScriptedAnswer,
  type ScriptedServer,
  startScriptedServer,
} from './scripted-server.js';

const ORG_ID = '0123456789ABCDEF01234567@AdobeOrg';

let server: ScriptedServer;
let connection: Connection;

beforeAll(async () => {
  server = await startScriptedServer();
  const auth = {
    clientId: 'paging-client',
    orgId: ORG_ID,
    getAccessToken: async () => ({ token: 'paging-token', expiresAt: Date.now() + 3_600_000 }),
  };
  connection = new Connection({
    auth,
    endpoint: `${server.origin}/v2/usermanagement`,
    rateLimits: false,
    maxRetries: 0,
    timeout: 5_000,
  });
});

afterAll(async () => {
  await connection.close();
  await server.close();
});

const headerValue = fc.oneof(
  fc.nat({ max: 20 }).map(String),
  fc.constantFrom('-1', '1e3', 'NaN', '', ' 2 ', '0x10', '99999999999999999999'),
  fc.string({ maxLength: 12 }).filter((value) => /^[\x20-\x7e\t]*$/.test(value)),
);

const user = fc.record(
  {
    id: fc.string({ maxLength: 8 }),
    email: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 8 }), fc.integer()),
    groups: fc.oneof(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), fc.constant(null)),
  },
  { requiredKeys: [] },
);

const pageBody = fc.oneof(
  fc
    .record(
      {
        lastPage: fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 1, 0, null)),
        result: fc.oneof(fc.constantFrom('success', 'error', 'partial', ''), fc.integer()),
        users: fc.oneof(
          fc.array(user, { maxLength: 4 }),
          fc.constantFrom(null, 'users', {}),
          fc.array(fc.anything(), { maxLength: 3 }),
        ),
        message: fc.string({ maxLength: 20 }),
      },
      { requiredKeys: [] },
    )
    .map((body) => JSON.stringify(body)),
  fc.json(),
  fc.constantFrom('', 'not json', '<html></html>', '{"lastPage":true,"users":', '[]', 'null'),
);

const page: fc.Arbitrary<ScriptedAnswer & { bodyText: string }> = fc
  .record({
    status: fc.oneof(
      fc.constant(200),
      fc.constant(200),
      fc.constantFrom(204, 400, 401, 403, 404, 429, 500, 502, 503),
    ),
    headers: fc.record(
      {
        'x-total-count': headerValue,
        'x-page-count': headerValue,
        'x-current-page': headerValue,
        'x-page-size': headerValue,
        'content-type': fc.constantFrom(
          'application/json',
          'text/plain',
          'application/json; charset=utf-8',
        ),
        'retry-after': headerValue,
      },
      { requiredKeys: [] },
    ),
    bodyText: pageBody,
  })
  .map((answer) => ({ ...answer, body: answer.status === 204 ? '' : answer.bodyText }));

function isLastPage(answer: ScriptedAnswer): boolean {
  try {
    return answer.status === 200 && JSON.parse(String(answer.body)).lastPage === true;
  } catch {
    return false;
  }
}

it('users() ends on lastPage or with a typed error', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(page, { minLength: 1, maxLength: 4 }), async (pages) => {
      // Past the scripted pages the server answers 404, which ends a listing
      // with an error after the first page.
      const notFound: ScriptedAnswer = {
        status: 404,
        headers: { 'content-type': 'application/json' },
        body: '{"result":"error.org.not_found"}',
      };
      server.reset((_request, index) => pages[index] ?? notFound);

      let listed = 0;
      let failure: unknown;
      try {
        for await (const _user of connection.users()) {
          listed += 1;
          if (listed > 100) {
            throw new Error('more users than the server sent');
          }
        }
      } catch (error) {
        failure = error;
      }

      if (failure !== undefined) {
        expect(isUmapiError(failure), String(failure)).toBe(true);
        return;
      }

      // A listing that ends without an error ended on a page that said it
      // was the last, or found no match at all on page 0.
      const answered = server.paths.map((_path, index) => pages[index] ?? notFound);
      const last = answered.at(-1) as ScriptedAnswer;
      // Page 0 may have been asked twice: after a 401 the connection retries once with a new token.
      const onlyFirstPage = server.paths.every((path) => path.endsWith('/0'));
      const noMatch = onlyFirstPage && last.status === 404;
      expect(isLastPage(last) || noMatch).toBe(true);
      if (noMatch) {
        expect(listed).toBe(0);
      }
    }),
    { numRuns: propertyRuns(300) },
  );
});
