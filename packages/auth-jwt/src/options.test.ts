import { ConfigurationError } from '@umapi/auth-core';
import { describe, expect, it } from 'vitest';
import { JWT_AUTH_DEFAULTS, resolveJwtAuthOptions } from './options.js';
import { getTestKeyPair } from './test-keys.js';

const keys = getTestKeyPair();
const secret = 'p8e-very-secret-value';
const valid = {
  orgId: '12345ABCDE@AdobeOrg',
  clientId: 'client-1',
  clientSecret: secret,
  techAcctId: 'ABCDE@techacct.adobe.com',
  privateKey: keys.pkcs1,
  authHost: 'http://127.0.0.1:4000',
};

function problemsOf(options: unknown): Array<{ field: string; message: string }> {
  try {
    resolveJwtAuthOptions(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return [...(error as ConfigurationError).problems];
  }

  throw new Error('expected a ConfigurationError');
}

describe('JWTAuth timeout', () => {
  it.each([
    [120, 'did you mean 120000 (120 seconds)?'],
    [30, 'did you mean 30000 (30 seconds)?'],
  ])('takes %j for seconds, as Connection does', (timeout, hint) => {
    expect(problemsOf({ ...valid, timeout })).toEqual([
      {
        field: 'timeout',
        message: `must be at least 1000 milliseconds, not ${timeout}. The unit is milliseconds, not seconds as in Python's umapi-client; ${hint}`,
      },
    ]);
  });

  it.each([0, 999.5, 2 ** 31])('rejects %j', (timeout) => {
    expect(problemsOf({ ...valid, timeout })).toEqual([
      { field: 'timeout', message: expect.stringContaining('at least 1000') },
    ]);
  });

  it('accepts one second', () => {
    expect(resolveJwtAuthOptions({ ...valid, timeout: 1_000 }).timeout).toBe(1_000);
  });
});

describe('resolveJwtAuthOptions', () => {
  it('applies defaults', () => {
    const settings = resolveJwtAuthOptions({ ...valid, authHost: undefined });
    expect(settings.authOrigin).toBe('https://ims-na1.adobelogin.com');
    expect(settings.authEndpoint).toBe(JWT_AUTH_DEFAULTS.authEndpoint);
    expect(settings.metascopes).toEqual(['ent_user_sdk']);
    expect(settings.jwtLifetimeMs).toBe(300_000);
    expect(settings.sslVerify).toBe(true);
    expect(settings.timeout).toBe(30_000);
    expect(settings.refreshWindowMs).toBe(300_000);
    expect(settings.expiryMarginMs).toBe(30_000);
    expect(settings.privateKey.asymmetricKeyType).toBe('rsa');
  });

  it('trims IDs pasted with a newline', () => {
    const settings = resolveJwtAuthOptions({
      ...valid,
      clientId: 'client-1\n',
      orgId: ' 12345ABCDE@AdobeOrg ',
    });
    expect(settings.clientId).toBe('client-1');
    expect(settings.orgId).toBe('12345ABCDE@AdobeOrg');
  });

  it('trims a client secret ending in a newline', () => {
    expect(resolveJwtAuthOptions({ ...valid, clientSecret: `${secret}\r\n` }).clientSecret).toBe(secret);
  });

  it.each(['clientId', 'orgId', 'techAcctId', 'clientSecret'])('rejects a line break inside %s', (field) => {
    const value = `${(valid as Record<string, string>)[field]}\r\nX-Evil: 1`;
    const problems = problemsOf({ ...valid, [field]: value });

    expect(problems).toEqual([{ field, message: expect.stringContaining('control characters') }]);
    expect(JSON.stringify(problems)).not.toContain('X-Evil');
  });

  it.each(['orgId', 'techAcctId'])('never quotes a PEM pasted into %s', (field) => {
    const problems = problemsOf({ ...valid, [field]: keys.pkcs1 });
    const body = keys.pkcs1.split('\n')[1] ?? '';

    expect(problems.map((problem) => problem.field)).toEqual([field]);
    expect(JSON.stringify(problems)).not.toContain(body.slice(0, 20));
    expect(JSON.stringify(problems)).not.toContain('PRIVATE KEY');
  });

  it('lists every missing option', () => {
    const problems = problemsOf({});
    expect(problems.map((problem) => problem.field)).toEqual([
      'orgId',
      'clientId',
      'clientSecret',
      'techAcctId',
      'privateKey',
    ]);
    expect(problems.every((problem) => /is missing/.test(problem.message))).toBe(true);
  });

  it('lists every bad field at once', () => {
    const problems = problemsOf({
      ...valid,
      orgId: '12345ABCDE',
      clientId: '',
      clientSecret: 42,
      techAcctId: 'has space',
      metascopes: 'ent_user_sdk',
      sslVerify: 'false',
      authHost: 'https://ims.example.test/path',
      authEndpoint: '/ims/exchange/jwt?x=1',
      jwtLifetimeMs: 0,
      timeout: -1,
      refreshWindowMs: Number.NaN,
      expiryMarginMs: -1,
      fetch: 'fetch',
      ca: 7,
      passphrase: 12,
    });
    const fields = problems.map((problem) => problem.field);
    expect(fields).toEqual([
      'orgId',
      'clientId',
      'clientSecret',
      'techAcctId',
      'passphrase',
      'metascopes',
      'sslVerify',
      'authHost',
      'authEndpoint',
      'jwtLifetimeMs',
      'timeout',
      'refreshWindowMs',
      'expiryMarginMs',
      'fetch',
      'ca',
    ]);
  });

  it('keeps a given expiry margin', () => {
    const settings = resolveJwtAuthOptions({ ...valid, expiryMarginMs: 1_000, refreshWindowMs: 5_000 });
    expect(settings.expiryMarginMs).toBe(1_000);
    expect(settings.refreshWindowMs).toBe(5_000);
  });

  it('accepts a zero expiry margin', () => {
    expect(resolveJwtAuthOptions({ ...valid, expiryMarginMs: 0 }).expiryMarginMs).toBe(0);
  });

  it.each([
    [{ expiryMarginMs: -1 }, 'zero or more'],
    [{ expiryMarginMs: '30s' }, 'milliseconds'],
    [{ expiryMarginMs: Number.POSITIVE_INFINITY }, 'milliseconds'],
    [{ expiryMarginMs: 5_000, refreshWindowMs: 5_000 }, 'smaller than refreshWindowMs (5000 ms)'],
    [{ expiryMarginMs: 60_000, refreshWindowMs: 10_000 }, 'smaller than refreshWindowMs'],
  ])('rejects expiry margin %j', (override, message) => {
    expect(problemsOf({ ...valid, ...override })).toEqual([
      { field: 'expiryMarginMs', message: expect.stringContaining(message) },
    ]);
  });

  it('rejects an org ID without @AdobeOrg', () => {
    const [problem] = problemsOf({ ...valid, orgId: '12345ABCDE' });
    expect(problem).toEqual({
      field: 'orgId',
      message: expect.stringMatching(/must end with @AdobeOrg/),
    });
  });

  it('rejects an org ID with nothing before @AdobeOrg', () => {
    const [problem] = problemsOf({ ...valid, orgId: '@AdobeOrg' });
    expect(problem).toEqual({
      field: 'orgId',
      message: expect.stringMatching(/no ID before @AdobeOrg/),
    });
  });

  it('rejects empty and odd metascopes', () => {
    expect(problemsOf({ ...valid, metascopes: [] })[0]?.message).toMatch(/at least one metascope/);
    expect(problemsOf({ ...valid, metascopes: ['ent_user_sdk', ''] })[0]?.message).toMatch(
      /only non-empty names/,
    );
    expect(problemsOf({ ...valid, metascopes: ['https://ims/s/ent_user_sdk'] })[0]?.field).toBe(
      'metascopes',
    );
  });

  it('rejects a full URL as authEndpoint', () => {
    const [problem] = problemsOf({
      ...valid,
      authEndpoint: 'https://ims.example.test/ims/exchange/jwt/',
    });
    expect(problem?.message).toMatch(/put the host in authHost/);
  });

  it('rejects a non-object', () => {
    expect(problemsOf(undefined)).toEqual([
      { field: 'options', message: 'must be an object of JWTAuth options' },
    ]);
    expect(problemsOf('org@AdobeOrg')[0]?.field).toBe('options');
  });

  const pythonNames: Array<[string, RegExp]> = [
    ['org_id', /is not an option; use orgId instead/],
    ['client_id', /use clientId/],
    ['api_key', /use clientId/],
    ['client_secret', /use clientSecret/],
    ['tech_acct_id', /use techAcctId/],
    ['priv_key_data', /use privateKey/],
    ['priv_key_pass', /use passphrase/],
    ['priv_key_path', /read the file and pass its contents as privateKey/],
    ['ims_host', /use authHost/],
    ['auth_host', /use authHost/],
    ['ims_endpoint_jwt', /use authEndpoint/],
    ['auth_endpoint', /use authEndpoint/],
    ['ssl_verify', /use sslVerify/],
  ];

  for (const [name, message] of pythonNames) {
    it(`names the option to use for ${name}`, () => {
      const problems = problemsOf({ ...valid, [name]: 'x' });
      expect(problems).toEqual([{ field: name, message: expect.stringMatching(message) }]);
    });
  }

  it('reports every Python-style key of a config', () => {
    const problems = problemsOf({
      org_id: 'a',
      client_id: 'b',
      client_secret: 'c',
      tech_acct_id: 'd',
      priv_key_data: 'e',
    });
    const fields = problems.map((problem) => problem.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'org_id',
        'client_id',
        'client_secret',
        'tech_acct_id',
        'priv_key_data',
        'orgId',
        'privateKey',
      ]),
    );
  });

  it.each([
    ['orgID', 'orgId'],
    ['clientSecrett', 'clientSecret'],
    ['techAccountId', 'techAcctId'],
    ['metascope', 'metascopes'],
    ['jwt_lifetime_ms', 'jwtLifetimeMs'],
  ])('suggests the closest name for %s', (name, closest) => {
    const [problem] = problemsOf({ ...valid, [name]: 'x' });
    expect(problem).toEqual({ field: name, message: `is not an option; did you mean ${closest}?` });
  });

  it('lists valid names for a far-off option', () => {
    const [problem] = problemsOf({ ...valid, somethingElseEntirely: 1 });
    expect(problem?.message).toMatch(/valid options are orgId, clientId/);
  });

  it('never echoes the secret or key', () => {
    const problems = problemsOf({
      ...valid,
      clientSecret: `${secret} with space`,
      privateKey: keys.pkcs1.slice(0, 200),
      orgId: 'x',
    });
    const text = JSON.stringify(problems);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(keys.pkcs1.split('\n')[1]);
  });
});
