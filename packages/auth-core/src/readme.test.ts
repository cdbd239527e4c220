import { afterEach, expect, it } from 'vitest';
import { createAuthenticator, createTransport, isAuthenticator, requestImsToken } from './index.js';
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
