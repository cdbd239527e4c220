import { ConfigurationError } from '@umapi/auth-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCOPES, resolveOptions } from './options.js';

const SECRET = 'p8e-Secret-Value-0123456789';
const valid = { clientId: 'client-1', clientSecret: SECRET };

function problemsOf(input: unknown): { field: string; message: string }[] {
  try {
    resolveOptions(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    const configurationError = error as ConfigurationError;
    expect(configurationError.code).toBe('ERR_UMAPI_CONFIGURATION');
    expect(configurationError.message).not.toContain(SECRET);
    return [...configurationError.problems];
  }

  throw new Error('expected a ConfigurationError');
}

describe('OAuthS2S timeout', () => {
  it.each([
    [120, 'did you mean 120000 (120 seconds)?'],
    [30, 'did you mean 30000 (30 seconds)?'],
  ])('takes %j for seconds, as Connection does', (timeout, hint) => {
    const [problem, ...rest] = problemsOf({ ...valid, timeout });

    expect(rest).toEqual([]);
    expect(problem?.field).toBe('timeout');
    expect(problem?.message).toBe(
      `must be at least 1000 milliseconds, not ${timeout}. The unit is milliseconds, not seconds as in Python's umapi-client; ${hint}`,
    );
  });

  it('accepts one second', () => {
    expect(resolveOptions({ ...valid, timeout: 1_000 }).timeoutMs).toBe(1_000);
  });
});

describe('resolveOptions', () => {
  it('applies defaults', () => {
    const resolved = resolveOptions(valid);

    expect(resolved.scopes).toEqual(['openid', 'AdobeID', 'user_management_sdk']);
    expect(resolved.scopes).toBe(DEFAULT_SCOPES);
    expect(resolved.endpoint.url).toBe('https://ims-na1.adobelogin.com/ims/token/v3');
    expect(resolved.timeoutMs).toBe(30_000);
    expect(resolved.refreshWindowMs).toBeUndefined();
    expect(resolved.expiryMarginMs).toBeUndefined();
    expect(resolved.orgId).toBeUndefined();
  });

  it('keeps given values', () => {
    const resolved = resolveOptions({
      ...valid,
      orgId: 'ABC@AdobeOrg',
      scopes: ['openid', 'user_management_sdk', 'openid'],
      authHost: 'http://127.0.0.1:4000',
      authEndpoint: '/ims/token/v2',
      timeout: 5_000,
      refreshWindowMs: 60_000,
      expiryMarginMs: 1_000,
      sslVerify: false,
    });

    expect(resolved.orgId).toBe('ABC@AdobeOrg');
    expect(resolved.scopes).toEqual(['openid', 'user_management_sdk']);
    expect(resolved.endpoint.url).toBe('http://127.0.0.1:4000/ims/token/v2');
    expect(resolved.timeoutMs).toBe(5_000);
    expect(resolved.refreshWindowMs).toBe(60_000);
    expect(resolved.expiryMarginMs).toBe(1_000);
    expect(resolved.transport).toEqual({ sslVerify: false });
  });

  it('trims whitespace around the IDs and the secret', () => {
    const resolved = resolveOptions({ clientId: ' client-1\n', clientSecret: `${SECRET}\r\n` });

    expect(resolved.clientId).toBe('client-1');
    expect(resolved.clientSecret).toBe(SECRET);
  });

  it('trims whitespace around orgId', () => {
    expect(resolveOptions({ ...valid, orgId: ' 12345ABCDE@AdobeOrg\n' }).orgId).toBe('12345ABCDE@AdobeOrg');
  });

  it('accepts expiryMarginMs without refreshWindowMs', () => {
    const resolved = resolveOptions({ ...valid, expiryMarginMs: 0 });

    expect(resolved.expiryMarginMs).toBe(0);
    expect(resolved.refreshWindowMs).toBeUndefined();
  });

  it('treats undefined options as absent', () => {
    const resolved = resolveOptions({ ...valid, authHost: undefined, scopes: undefined, client_id: undefined });

    expect(resolved.endpoint.origin).toBe('https://ims-na1.adobelogin.com');
    expect(resolved.scopes).toBe(DEFAULT_SCOPES);
  });

  it.each([
    [undefined, 'options'],
    [null, 'options'],
    ['client-1', 'options'],
    [['client-1'], 'options'],
  ])('rejects %j as the options object', (input, field) => {
    expect(problemsOf(input)).toEqual([expect.objectContaining({ field })]);
  });

  it('lists every missing field at once', () => {
    expect(problemsOf({})).toEqual([
      { field: 'clientId', message: 'is missing' },
      { field: 'clientSecret', message: 'is missing' },
    ]);
  });

  it.each([
    [{ clientId: 42 }, 'clientId', 'must be a string, not a number'],
    [{ clientId: 'client 1' }, 'clientId', 'must not contain whitespace (found a space at character 7)'],
    [{ clientId: 'cid\r\nX-Evil: 1' }, 'clientId', 'control characters such as line breaks, tabs or NUL (found U+000D at character 4)'],
    [{ clientId: 'cid\u0000' }, 'clientId', 'control characters'],
    [{ clientSecret: `${SECRET}\nx` }, 'clientSecret', 'control characters'],
    [{ clientSecret: `${SECRET} x` }, 'clientSecret', 'must not contain whitespace'],
    [{ orgId: '12345ABCDE@AdobeOrg\r\nX: 1' }, 'orgId', 'control characters'],
    [{ clientSecret: Buffer.from(SECRET) }, 'clientSecret', 'must be a string, not an object'],
    [{ orgId: '' }, 'orgId', 'is empty'],
    [{ orgId: 42 }, 'orgId', 'must be a string, not a number'],
    [{ orgId: '0123456789ABCDEF01234567@AdobeOrgg' }, 'orgId', 'must end with @AdobeOrg'],
    [{ orgId: '0123456789ABCDEF01234567' }, 'orgId', 'must end with @AdobeOrg'],
    [{ orgId: 'bogus' }, 'orgId', 'must end with @AdobeOrg'],
    [{ orgId: '12345' }, 'orgId', 'must end with @AdobeOrg'],
    [{ scopes: 'openid,AdobeID' }, 'scopes', 'non-empty array'],
    [{ scopes: [] }, 'scopes', 'non-empty array'],
    [{ scopes: ['openid', 'Adobe ID'] }, 'scopes', 'entry 2 is not a scope name'],
    [{ scopes: ['openid,AdobeID', 'a b'] }, 'scopes', '"openid,AdobeID", entry 2 are not a scope name'],
    [{ scopes: ['openid,AdobeID'] }, 'scopes', 'no spaces or commas'],
    [{ authHost: 'ftp://ims.example.com' }, 'authHost', 'protocol ftp:'],
    [{ authEndpoint: '?' }, 'authEndpoint', 'not a path'],
    [{ timeout: 0 }, 'timeout', 'at least 1000'],
    [{ timeout: 2 ** 31 }, 'timeout', 'at most 2147483647'],
    [{ timeout: '30s' }, 'timeout', 'milliseconds'],
    [{ timeout: Number.POSITIVE_INFINITY }, 'timeout', 'milliseconds'],
    [{ refreshWindowMs: -1 }, 'refreshWindowMs', 'zero or more'],
    [{ expiryMarginMs: -1 }, 'expiryMarginMs', 'zero or more'],
    [{ expiryMarginMs: '5s' }, 'expiryMarginMs', 'milliseconds'],
    [{ expiryMarginMs: Number.NaN }, 'expiryMarginMs', 'milliseconds'],
    [{ expiryMarginMs: 5_000, refreshWindowMs: 5_000 }, 'expiryMarginMs', 'smaller than refreshWindowMs (5000 ms)'],
    [{ expiryMarginMs: 10_000, refreshWindowMs: 5_000 }, 'expiryMarginMs', 'smaller than refreshWindowMs'],
    [{ sslVerify: 'false' }, 'sslVerify', 'true or false'],
    [{ ca: 42 }, 'ca', 'PEM string'],
    [{ fetch: 'fetch' }, 'fetch', 'must be a function'],
  ])('rejects %j', (override, field, message) => {
    expect(problemsOf({ ...valid, ...override })).toEqual([
      { field, message: expect.stringContaining(message) },
    ]);
  });

  it.each([
    ['client_id', 'clientId'],
    ['client_secret', 'clientSecret'],
    ['org_id', 'orgId'],
    ['ims_host', 'authHost'],
    ['ims_endpoint', 'authEndpoint'],
    ['ssl_verify', 'sslVerify'],
    ['scope', 'scopes'],
    ['api_key', 'clientId'],
  ])('names %s as %s', (pythonName, name) => {
    expect(problemsOf({ ...valid, [pythonName]: 'x' })).toEqual([
      { field: pythonName, message: `is not an option; use ${name} instead` },
    ]);
  });

  it('rejects a Python-style configuration with every field named', () => {
    const problems = problemsOf({ client_id: 'client-1', client_secret: SECRET, org_id: 'ABC@AdobeOrg' });

    expect(problems.map((problem) => problem.field)).toEqual([
      'client_id',
      'client_secret',
      'org_id',
      'clientId',
      'clientSecret',
    ]);
  });

  it.each([
    ['a secret in scopes', { scopes: [`${SECRET} z`] }],
    ['a secret in the authEndpoint query', { authEndpoint: `/ims?x=${SECRET}` }],
    ['a secret in the authHost query', { authHost: `http://127.0.0.1:1/?k=${SECRET}` }],
    ['a secret as an option name', { [SECRET]: true }],
    ['a secret with a line break', { clientSecret: `${SECRET.slice(0, 10)}\n${SECRET.slice(10)}` }],
    ['a PEM as orgId', { orgId: `-----BEGIN PRIVATE KEY-----\n${SECRET}\n-----END PRIVATE KEY-----` }],
  ])('never quotes %s', (_name, override) => {
    let message = '';
    try {
      resolveOptions({ ...valid, ...override });
    } catch (error) {
      message = `${(error as Error).message}\n${JSON.stringify(error)}`;
    }

    expect(message).toMatch(/^Invalid OAuthS2S options/);
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain(SECRET.slice(10));
  });

  it('rejects an unknown option', () => {
    expect(problemsOf({ ...valid, privateKey: 'x' })).toEqual([
      { field: 'privateKey', message: expect.stringContaining('valid options are clientId, clientSecret') },
    ]);
  });
});
