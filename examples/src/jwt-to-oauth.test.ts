// Rehearses the move from JWT to OAuth server-to-server (docs/jwt-to-oauth.md)
// against the fakes: Adobe keeps the client ID when it converts a credential,
// so the code change is to swap JWTAuth for OAuthS2S and drop the JWT options.
import { ConfigurationError } from '@umapi/auth-core';
import { JWTAuth } from '@umapi/auth-jwt';
import { OAuthS2S } from '@umapi/auth-oauth';
import { Connection } from '@umapi/connection';
import { type FakeIms, type FakeUmapi, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';

let ims: FakeIms;
let umapi: FakeUmapi;

beforeAll(async () => {
  ims = await startFakeIms();
  umapi = await startFakeUmapi({ ims, users: [{ email: 'ada@example.com' }] });
});

afterAll(async () => {
  await umapi?.close();
  await ims?.close();
});

async function firstUser(connection: Connection): Promise<string | undefined> {
  onTestFinished(() => connection.close());
  for await (const user of connection.users()) return user.email;
  return undefined;
}

describe('moving from JWT to OAuth server-to-server', () => {
  it('keeps the client ID across the switch', async () => {
    const jwtCredentials = await ims.createJwtCredentials();
    const before = await firstUser(
      new Connection({ auth: new JWTAuth(jwtCredentials), endpoint: umapi.url }),
    );

    // What Adobe does when it converts the credential: same client ID and secret.
    ims.registerOAuthClient({
      clientId: jwtCredentials.clientId,
      clientSecret: jwtCredentials.clientSecret,
      orgId: jwtCredentials.orgId,
    });

    // The code change: OAuthS2S with the options that remain.
    const { techAcctId: _techAcctId, privateKey: _privateKey, ...remaining } = jwtCredentials;
    const auth = new OAuthS2S(remaining);
    const after = await firstUser(new Connection({ auth, endpoint: umapi.url }));

    expect(before).toBe('ada@example.com');
    expect(after).toBe('ada@example.com');
    const grants = ims.exchanges
      .filter((exchange) => exchange.clientId === jwtCredentials.clientId)
      .map((exchange) => [exchange.grant, exchange.endpoint]);
    expect(grants).toEqual([
      ['jwt', '/ims/exchange/jwt/'],
      ['client_credentials', '/ims/token/v3'],
    ]);
    const apiKeys = new Set(umapi.requests.map((request) => request.headers['x-api-key']));
    expect(apiKeys).toEqual(new Set([jwtCredentials.clientId]));
  });

  it('rejects JWT options left in the OAuthS2S options', async () => {
    const jwtCredentials = await ims.createJwtCredentials();

    const error = (() => {
      try {
        return new OAuthS2S(jwtCredentials);
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(ConfigurationError);
    const fields = (error as ConfigurationError).problems.map((problem) => problem.field);
    expect(fields).toEqual(expect.arrayContaining(['techAcctId', 'privateKey']));
    expect(String(error)).not.toContain(jwtCredentials.privateKey);
    expect(String(error)).not.toContain(jwtCredentials.clientSecret);
  });

  it('fails for a client that was never converted', async () => {
    const jwtCredentials = await ims.createJwtCredentials();
    const { techAcctId: _techAcctId, privateKey: _privateKey, ...remaining } = jwtCredentials;

    const error = await new OAuthS2S(remaining).getAccessToken().catch((caught: unknown) => caught);

    expect((error as { code?: string }).code).toBe('invalid_client');
  });
});
