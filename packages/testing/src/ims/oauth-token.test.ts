import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postForm } from '../test-helpers.js';
import { type FakeIms, type OAuthCredentials, startFakeIms } from './fake-ims.js';

describe('OAuth server-to-server token endpoint', () => {
  let ims: FakeIms;
  let credentials: OAuthCredentials;

  beforeAll(async () => {
    ims = await startFakeIms();
    credentials = await ims.createOAuthCredentials();
  });
  afterAll(() => ims.close());

  const form = (extra: Record<string, string> = {}): Record<string, string> => ({
    grant_type: 'client_credentials',
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    scope: 'openid,AdobeID,user_management_sdk',
    ...extra,
  });

  for (const path of ['/ims/token/v3', '/ims/token/v2']) {
    for (const encoding of ['urlencoded', 'multipart'] as const) {
      it(`issues a token at ${path} (${encoding})`, async () => {
        const response = await postForm(`${ims.url}${path}`, form(), encoding);
        const body = (await response.json()) as Record<string, unknown>;

        expect(response.status).toBe(200);
        expect(body.token_type).toBe('bearer');
        expect(body.expires_in).toBe(86_400);
        expect(ims.verifyAccessToken(String(body.access_token))).toMatchObject({
          clientId: credentials.clientId,
          orgId: credentials.orgId,
          scopes: ['openid', 'AdobeID', 'user_management_sdk'],
        });
        expect(ims.exchanges.at(-1)).toMatchObject({
          endpoint: path,
          grant: 'client_credentials',
          clientAuthentication: 'form',
          outcome: 'issued',
        });
      });
    }
  }

  it('accepts HTTP Basic client authentication', async () => {
    const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString(
      'base64',
    );
    const response = await postForm(
      `${ims.url}/ims/token/v3`,
      { grant_type: 'client_credentials', scope: 'openid' },
      'urlencoded',
      { authorization: `Basic ${basic}` },
    );

    expect(response.status).toBe(200);
    expect(ims.exchanges.at(-1)).toMatchObject({
      clientId: credentials.clientId,
      clientAuthentication: 'basic',
    });
  });

  it('rejects Basic and form secrets together', async () => {
    const basic = Buffer.from(`${credentials.clientId}:wrong`).toString('base64');
    const response = await postForm(
      `${ims.url}/ims/token/v3`,
      form({}),
      'urlencoded',
      { authorization: `Basic ${basic}` },
    );

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('rejects a wrong secret in HTTP Basic', async () => {
    const basic = Buffer.from(`${credentials.clientId}:wrong`).toString('base64');
    const response = await postForm(
      `${ims.url}/ims/token/v3`,
      { grant_type: 'client_credentials' },
      'urlencoded',
      {
        authorization: `Basic ${basic}`,
      },
    );

    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('grants a requested subset of scopes', async () => {
    const response = await postForm(
      `${ims.url}/ims/token/v3`,
      form({ scope: 'openid user_management_sdk' }),
    );
    const body = (await response.json()) as { access_token: string };

    expect(ims.verifyAccessToken(body.access_token)?.scopes).toEqual([
      'openid',
      'user_management_sdk',
    ]);
  });

  it('grants every scope when none is requested', async () => {
    const fields = form();
    delete fields.scope;
    const body = (await (await postForm(`${ims.url}/ims/token/v3`, fields)).json()) as {
      access_token: string;
    };

    expect(ims.verifyAccessToken(body.access_token)?.scopes).toEqual([
      'openid',
      'AdobeID',
      'user_management_sdk',
    ]);
  });

  const rejections: Array<{
    name: string;
    fields: () => Record<string, string>;
    status: number;
    error: string;
  }> = [
    {
      name: 'missing grant_type',
      fields: () => omit(form(), 'grant_type'),
      status: 400,
      error: 'invalid_request',
    },
    {
      name: 'unsupported grant',
      fields: () => form({ grant_type: 'authorization_code' }),
      status: 400,
      error: 'unsupported_grant_type',
    },
    {
      name: 'missing client_id',
      fields: () => omit(form(), 'client_id'),
      status: 400,
      error: 'invalid_request',
    },
    {
      name: 'missing client_secret',
      fields: () => omit(form(), 'client_secret'),
      status: 400,
      error: 'invalid_request',
    },
    {
      name: 'unknown client id',
      fields: () => form({ client_id: '0'.repeat(32) }),
      status: 400,
      error: 'invalid_client',
    },
    {
      name: 'wrong secret',
      fields: () => form({ client_secret: 'p8e-wrong' }),
      status: 401,
      error: 'invalid_client',
    },
    {
      name: 'scope not granted',
      fields: () => form({ scope: 'openid,read_organizations' }),
      status: 400,
      error: 'invalid_scope',
    },
  ];

  for (const rejection of rejections) {
    it(`rejects ${rejection.name}`, async () => {
      const response = await postForm(`${ims.url}/ims/token/v3`, rejection.fields());
      const body = (await response.json()) as Record<string, unknown>;

      expect(response.status).toBe(rejection.status);
      expect(body.error).toBe(rejection.error);
      expect(typeof body.error_description).toBe('string');
      expect(ims.exchanges.at(-1)?.errorCode).toBe(rejection.error);
    });
  }

  it('serves 50 concurrent requests', async () => {
    const before = ims.exchanges.length;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        postForm(`${ims.url}/ims/token/v3`, form(), index % 2 === 0 ? 'urlencoded' : 'multipart'),
      ),
    );
    const tokens = await Promise.all(
      responses.map(
        async (response) => ((await response.json()) as { access_token: string }).access_token,
      ),
    );

    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(new Set(tokens).size).toBe(50);
    expect(ims.exchanges.length - before).toBe(50);
  });

  it('does not issue OAuth tokens to a JWT-only client', async () => {
    const jwtCredentials = await ims.createJwtCredentials();
    const response = await postForm(`${ims.url}/ims/token/v3`, {
      grant_type: 'client_credentials',
      client_id: jwtCredentials.clientId,
      client_secret: jwtCredentials.clientSecret,
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('rejects a token from another fake IMS', async () => {
    const other = await startFakeIms();
    try {
      const otherCredentials = await other.createOAuthCredentials();
      const response = await postForm(`${other.url}/ims/token/v3`, {
        grant_type: 'client_credentials',
        client_id: otherCredentials.clientId,
        client_secret: otherCredentials.clientSecret,
      });
      const { access_token: token } = (await response.json()) as { access_token: string };

      expect(other.verifyAccessToken(token)).not.toBeNull();
      expect(ims.verifyAccessToken(token)).toBeNull();
    } finally {
      await other.close();
    }
  });
});

function omit(fields: Record<string, string>, name: string): Record<string, string> {
  const copy = { ...fields };
  delete copy[name];
  return copy;
}
