import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { generate } from 'selfsigned';
import { describe, expect, it } from 'vitest';
import { postForm, signAssertion, useFakeIms } from '../test-helpers.js';

describe('createJwtCredentials', () => {
  it('returns JWTAuth options with Adobe-shaped IDs', async () => {
    const ims = await useFakeIms();
    const credentials = await ims.createJwtCredentials();

    expect(Object.keys(credentials).sort()).toEqual(
      ['authHost', 'clientId', 'clientSecret', 'orgId', 'privateKey', 'techAcctId'].sort(),
    );
    expect(credentials.orgId).toMatch(/^[0-9A-F]{24}@AdobeOrg$/);
    expect(credentials.techAcctId).toMatch(/^[0-9A-F]{24}@techacct\.adobe\.com$/);
    expect(credentials.clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(credentials.orgId).toBe(ims.orgId);
    expect(credentials.authHost).toBe(ims.url);
  });

  it('keeps secrets out of the fake', async () => {
    const ims = await useFakeIms();
    const credentials = await ims.createJwtCredentials();
    await postForm(`${ims.url}/ims/exchange/jwt/`, {
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      jwt_token: await signAssertion(ims, credentials),
    });

    for (const dump of [inspect(ims, { depth: 10 }), JSON.stringify(ims)]) {
      expect(dump).toContain(credentials.clientId);
      expect(dump).not.toContain(credentials.clientSecret);
      expect(dump).not.toContain('PRIVATE KEY');
    }
  });

  it('hands out PKCS#1 PEM by default', async () => {
    const ims = await useFakeIms();
    const { privateKey } = await ims.createJwtCredentials();

    expect(privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(createPrivateKey(privateKey).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('hands out PKCS#8 on request', async () => {
    const ims = await useFakeIms();
    const credentials = await ims.createJwtCredentials({ keyFormat: 'pkcs8' });

    expect(credentials.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(credentials.passphrase).toBeUndefined();
  });

  it('hands out encrypted PKCS#8 with its passphrase', async () => {
    const ims = await useFakeIms();
    const credentials = await ims.createJwtCredentials({
      keyFormat: 'encrypted-pkcs8',
      passphrase: 'open sesame',
    });

    expect(credentials.privateKey).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    expect(credentials.passphrase).toBe('open sesame');
    expect(() => createPrivateKey(credentials.privateKey)).toThrow();

    const response = await postForm(`${ims.url}/ims/exchange/jwt/`, {
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      jwt_token: await signAssertion(ims, credentials),
    });
    expect(response.status).toBe(200);
  });

  it('rejects an unknown key format', async () => {
    const ims = await useFakeIms();
    await expect(ims.createJwtCredentials({ keyFormat: 'der' as 'pkcs1' })).rejects.toThrow(
      /keyFormat/,
    );
  });

  it('grants and returns the requested metascopes', async () => {
    const ims = await useFakeIms();
    const credentials = await ims.createJwtCredentials({
      metascopes: ['ent_user_sdk', 'ent_reporting_sdk'],
    });
    expect(credentials.metascopes).toEqual(['ent_user_sdk', 'ent_reporting_sdk']);

    const response = await postForm(`${ims.url}/ims/exchange/jwt/`, {
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      jwt_token: await signAssertion(ims, credentials, { metascopes: ['ent_reporting_sdk'] }),
    });
    expect(response.status).toBe(200);
  });
});

describe('registerJwtClient', () => {
  it('accepts a certificate the test supplies', async () => {
    const ims = await useFakeIms();
    const pems = await generate([{ name: 'commonName', value: 'integration' }], {
      keySize: 2048,
      algorithm: 'sha256',
    });
    const credentials = {
      orgId: ims.orgId,
      clientId: 'a'.repeat(32),
      clientSecret: 'p8e-secret',
      techAcctId: `${'B'.repeat(24)}@techacct.adobe.com`,
      privateKey: pems.private,
      authHost: ims.url,
    };
    ims.registerJwtClient({ ...credentials, certificate: pems.cert });

    const response = await postForm(`${ims.url}/ims/exchange/jwt/`, {
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      jwt_token: await signAssertion(ims, credentials),
    });
    expect(response.status).toBe(200);
  });

  it('accepts a public key PEM', async () => {
    const ims = await useFakeIms();
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const credentials = {
      orgId: ims.orgId,
      clientId: 'c'.repeat(32),
      clientSecret: 'p8e-secret',
      techAcctId: `${'D'.repeat(24)}@techacct.adobe.com`,
      privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      authHost: ims.url,
    };
    ims.registerJwtClient({
      ...credentials,
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });

    const response = await postForm(`${ims.url}/ims/exchange/jwt/`, {
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      jwt_token: await signAssertion(ims, credentials),
    });
    expect(response.status).toBe(200);
  });

  it('rejects a non-RSA key and missing fields', async () => {
    const ims = await useFakeIms();
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const base = { clientId: 'e'.repeat(32), clientSecret: 's', orgId: ims.orgId, techAcctId: 't' };

    expect(() => ims.registerJwtClient({ ...base, publicKey })).toThrow(/RSA/);
    expect(() => ims.registerJwtClient({ ...base, clientSecret: '' })).toThrow(/clientSecret/);
    expect(() => ims.registerJwtClient(base)).toThrow(/publicKey/);
    expect(() => ims.registerJwtClient({ ...base, publicKey, certificate: 'x' })).toThrow(
      /not both/,
    );
  });
});

describe('createOAuthCredentials', () => {
  it('returns OAuthS2S options', async () => {
    const ims = await useFakeIms();
    const credentials = await ims.createOAuthCredentials();

    expect(Object.keys(credentials).sort()).toEqual([
      'authHost',
      'clientId',
      'clientSecret',
      'orgId',
    ]);
    expect(credentials.clientSecret).toMatch(/^p8e-/);
    expect(credentials.authHost).toBe(ims.url);
  });

  it('grants and returns custom scopes', async () => {
    const ims = await useFakeIms();
    const credentials = await ims.createOAuthCredentials({
      scopes: ['openid', 'read_organizations'],
    });
    expect(credentials.scopes).toEqual(['openid', 'read_organizations']);

    const response = await postForm(`${ims.url}/ims/token/v3`, {
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      scope: 'read_organizations',
    });
    expect(response.status).toBe(200);
  });

  it('registers an explicit client with registerOAuthClient', async () => {
    const ims = await useFakeIms();
    ims.registerOAuthClient({ clientId: 'my-client', clientSecret: 'my-secret', orgId: ims.orgId });
    const token = await ims.issueAccessToken({ clientId: 'my-client', lifetimeMs: 5_000 });

    expect(ims.verifyAccessToken(token)).toMatchObject({ clientId: 'my-client', orgId: ims.orgId });
    await expect(ims.issueAccessToken({ clientId: 'nobody' })).rejects.toThrow(/not registered/);
  });
});
