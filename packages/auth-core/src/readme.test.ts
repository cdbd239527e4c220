import { afterEach, expect, it } from 'vitest';
import {
  buildEndpointUrl,
  ConfigurationError,
  createAuthenticator,
  createTransport,
  isAuthenticator,
  OptionChecker,
  parseAuthHost,
  requestImsToken,
} from './index.js';
import { sendJson, startTestServer, type TestServer } from './test-server.js';

let ims: TestServer | undefined;

afterEach(async () => {
  await ims?.close();
});

// The README's example, with the IMS URL and credentials pointed at a local server.
it('runs the README example', async () => {
  ims = await startTestServer((_request, response) =>
    sendJson(response, 200, { access_token: 'readme-token', expires_in: 86_400 }),
  );
  const env = {
    UMAPI_CLIENT_ID: 'client-id',
    UMAPI_CLIENT_SECRET: 'client-secret',
    UMAPI_ORG_ID: 'org@AdobeOrg',
  };
  const imsUrl = `${ims.url}/ims/token/v3`;

  const transport = createTransport();

  const auth = createAuthenticator({
    clientId: env.UMAPI_CLIENT_ID,
    orgId: env.UMAPI_ORG_ID,
    fetchToken: async (signal) => {
      const { token, expiresAt } = await requestImsToken({
        url: imsUrl,
        form: {
          grant_type: 'client_credentials',
          client_id: env.UMAPI_CLIENT_ID,
          client_secret: env.UMAPI_CLIENT_SECRET,
          scope: 'openid,AdobeID,user_management_sdk',
        },
        expiresInUnit: 'seconds',
        transport,
        signal,
      });
      return { token, expiresAt };
    },
  });

  const { token } = await auth.getAccessToken();

  expect(token).toBe('readme-token');
  expect(isAuthenticator(auth)).toBe(true);
  expect(new URLSearchParams(ims.requests[0]?.body).get('scope')).toBe(
    'openid,AdobeID,user_management_sdk',
  );
});

// The README's "Checking options" example, copied as written.
function resolveMyAuthOptions(options: Record<string, unknown>) {
  const check = new OptionChecker(options);
  check.checkNames({
    known: ['clientId', 'clientSecret', 'authHost', 'timeout'],
    renames: { client_id: 'clientId', client_secret: 'clientSecret', ims_host: 'authHost' },
  });

  const clientId = check.requireString('clientId');
  const clientSecret = check.requireString('clientSecret', { secret: true });
  const timeout = check.duration('timeout', { min: 0, minExclusive: true }) ?? 30_000;

  const host = parseAuthHost(check.optionalString('authHost') ?? 'ims-na1.adobelogin.com');
  if ('problem' in host) {
    check.report('authHost', host.problem);
  }

  check.throwIfProblems('MyAuth options'); // ConfigurationError listing every problem
  const url = 'origin' in host ? buildEndpointUrl(host.origin, '/ims/token/v3') : '';
  return { clientId: clientId!, clientSecret: clientSecret!, timeout, url };
}

it('runs the README option-checking example', () => {
  expect(resolveMyAuthOptions({ clientId: 'id', clientSecret: 'secret', authHost: 'http://127.0.0.1:4000' })).toEqual({
    clientId: 'id',
    clientSecret: 'secret',
    timeout: 30_000,
    url: 'http://127.0.0.1:4000/ims/token/v3',
  });

  let thrown: unknown;
  try {
    resolveMyAuthOptions({ client_id: 'id', clientSecret: 'a secret', authHost: 'ftp://ims', timeout: 0 });
  } catch (error) {
    thrown = error;
  }

  expect(thrown).toBeInstanceOf(ConfigurationError);
  expect((thrown as ConfigurationError).problems.map((problem) => problem.field)).toEqual([
    'client_id',
    'clientId',
    'clientSecret',
    'timeout',
    'authHost',
  ]);
  expect((thrown as ConfigurationError).message).not.toContain('a secret');
});
