import { describe, expect, it } from 'vitest';
import { buildEndpointUrl, parseAuthHost, parseEndpointPath } from './auth-host.js';

describe('parseAuthHost', () => {
  const accepted: Array<[string, string]> = [
    ['ims-na1.adobelogin.com', 'https://ims-na1.adobelogin.com'],
    ['IMS-NA1.adobelogin.com', 'https://ims-na1.adobelogin.com'],
    ['  ims-na1.adobelogin.com\n', 'https://ims-na1.adobelogin.com'],
    ['ims.example.test:8443', 'https://ims.example.test:8443'],
    ['localhost:8443', 'https://localhost:8443'],
    ['https://ims-na1.adobelogin.com', 'https://ims-na1.adobelogin.com'],
    ['https://ims-na1.adobelogin.com/', 'https://ims-na1.adobelogin.com'],
    ['http://127.0.0.1:4000', 'http://127.0.0.1:4000'],
    ['https://[::1]:4000/', 'https://[::1]:4000'],
    ['https://[::1]:8443', 'https://[::1]:8443'],
  ];

  for (const [value, origin] of accepted) {
    it(`accepts ${JSON.stringify(value)}`, () => {
      expect(parseAuthHost(value)).toEqual({ origin, path: '' });
    });
  }

  const rejected: Array<[string, RegExp]> = [
    ['', /must be a host name such as ims-na1\.adobelogin\.com/],
    ['ims host.com', /not a host name because it contains whitespace/],
    ['https://ims-na1.adobelogin.com/ims/exchange/jwt', /without a path or query.*authEndpoint/],
    ['ims-na1.adobelogin.com/ims', /without a path/],
    ['https://ims.example.com/ims', /without a path/],
    ['https://ims-na1.adobelogin.com/?a=b', /without a path or query/],
    ['https://ims.example.com?x=1', /without a path or query/],
    ['https://ims-na1.adobelogin.com/#top', /without a path or query/],
    ['https://user:pass@ims-na1.adobelogin.com', /user name or password/],
    ['user:pass@ims-na1.adobelogin.com', /user name or password/],
    ['ftp://ims-na1.adobelogin.com', /protocol ftp: is not supported; use https: or http:/],
    ['https://', /not a valid host name or origin URL/],
    ['http://', /not a valid host name or origin URL/],
    ['ims_host.example.com', /"ims_host\.example\.com" is not a host name; give a host such as/],
    ['-ims.example.com', /is not a host name/],
  ];

  for (const [value, message] of rejected) {
    it(`rejects ${JSON.stringify(value)}`, () => {
      expect(parseAuthHost(value)).toEqual({ problem: expect.stringMatching(message) });
    });
  }

  it('keeps credentials out of the message', () => {
    for (const value of ['https://user:hunter2@ims.example.test', 'user:hunter2@ims.example.test', 'https://user:hunter2@']) {
      const result = parseAuthHost(value);
      expect(result).toHaveProperty('problem');
      expect(JSON.stringify(result)).not.toContain('hunter2');
    }
  });

  it('names the given example host and path option', () => {
    const result = parseAuthHost('https://example.test/v2?x=1', {
      exampleHost: 'usermanagement.adobe.io',
      pathOption: 'server.endpoint',
    });
    expect(result).toEqual({ problem: expect.stringContaining('set the path with server.endpoint') });
    expect(parseAuthHost('')).toEqual({ problem: expect.not.stringContaining('usermanagement') });
    expect(parseAuthHost('', { exampleHost: 'usermanagement.adobe.io' })).toEqual({
      problem: expect.stringContaining('usermanagement.adobe.io'),
    });
  });

  describe('with allowPath', () => {
    it.each([
      ['https://umapi.example.test/v2/usermanagement/', 'https://umapi.example.test', '/v2/usermanagement'],
      ['http://127.0.0.1:4000//v2', 'http://127.0.0.1:4000', '/v2'],
      ['http://127.0.0.1:4000/', 'http://127.0.0.1:4000', ''],
      ['umapi.example.test', 'https://umapi.example.test', ''],
    ])('returns the path of %s', (value, origin, path) => {
      expect(parseAuthHost(value, { allowPath: true })).toEqual({ origin, path });
    });

    it.each([
      ['umapi.example.test/v2', /origin URL with a path/],
      ['https://umapi.example.test/v2?x=1', /without a query/],
      ['https://umapi.example.test/v2#top', /without a query/],
    ])('rejects %s', (value, message) => {
      expect(parseAuthHost(value, { allowPath: true })).toEqual({ problem: expect.stringMatching(message) });
    });
  });
});

describe('parseEndpointPath', () => {
  const options = { examplePath: '/ims/token/v3' };

  it.each([
    ['/ims/exchange/jwt/', '/ims/exchange/jwt/'],
    ['ims/token/v3', 'ims/token/v3'],
    [' /ims/token/v2/\n', '/ims/token/v2/'],
    ['//ims/token/v3', '//ims/token/v3'],
  ])('accepts %j', (value, path) => {
    expect(parseEndpointPath(value, options)).toEqual({ path });
  });

  it.each([
    ['/', /not a path; give a path of letters, digits and "\/" such as \/ims\/token\/v3/],
    ['', /not a path/],
    ['?', /not a path/],
    ['/ims/token?x=1', /without query or fragment/],
    ['/ims/exchange/jwt?x=1', /not a path/],
    ['/ims/token#top', /not a path/],
    ['/ims/../admin', /not a path/],
    ['/ims/to ken', /not a path/],
  ])('rejects %j', (value, message) => {
    expect(parseEndpointPath(value, options)).toEqual({ problem: expect.stringMatching(message) });
  });

  it('rejects a whole URL and names the host option', () => {
    const result = parseEndpointPath('https://user:hunter2@ims.example.test/ims/token/v3', {
      ...options,
      hostOption: 'UMAPI_IMS_HOST',
    });
    expect(result).toEqual({ problem: expect.stringMatching(/not a path but a URL; put the host in UMAPI_IMS_HOST/) });
    expect(JSON.stringify(result)).not.toContain('hunter2');
    expect(parseEndpointPath('https://ims.example.test/ims/exchange/jwt/', options)).toEqual({
      problem: expect.stringMatching(/put the host in authHost/),
    });
  });

  it('quotes a path without its query', () => {
    const result = parseEndpointPath('/ims/token?client_secret=hunter22', options);
    expect(result).toEqual({
      problem: expect.stringMatching(/^"\/ims\/token" followed by a query or fragment is not a path/),
    });
    expect(JSON.stringify(result)).not.toContain('hunter22');
  });

  it('never quotes a long or multi-line path', () => {
    for (const value of [`/${'a'.repeat(60)}%`, '/ims\n-----BEGIN PRIVATE KEY-----\nMIIE']) {
      const result = parseEndpointPath(value, options);
      expect(result).toEqual({ problem: expect.stringMatching(/^the value is not a path/) });
    }
  });
});

describe('buildEndpointUrl', () => {
  it.each([
    ['/ims/exchange/jwt/', 'http://127.0.0.1:4000/ims/exchange/jwt/'],
    ['ims/exchange/jwt', 'http://127.0.0.1:4000/ims/exchange/jwt/'],
    ['//ims/exchange/jwt//', 'http://127.0.0.1:4000/ims/exchange/jwt/'],
    ['', 'http://127.0.0.1:4000/'],
  ])('joins %j with a trailing slash', (path, url) => {
    expect(buildEndpointUrl('http://127.0.0.1:4000', path, { trailingSlash: true })).toBe(url);
  });

  it.each([
    ['/ims/token/v3', 'https://ims.example.com/ims/token/v3'],
    ['ims/token/v3', 'https://ims.example.com/ims/token/v3'],
    ['/ims/token/v2/', 'https://ims.example.com/ims/token/v2'],
    ['//ims/token/v3', 'https://ims.example.com/ims/token/v3'],
    ['', 'https://ims.example.com'],
  ])('joins %j without a trailing slash', (path, url) => {
    expect(buildEndpointUrl('https://ims.example.com', path)).toBe(url);
  });
});

describe('host and path together', () => {
  function resolve(authHost: string, authEndpoint: string) {
    const host = parseAuthHost(authHost);
    const path = parseEndpointPath(authEndpoint, { examplePath: '/ims/token/v3' });
    const problems = [
      ...('problem' in host ? [{ field: 'authHost', message: host.problem }] : []),
      ...('problem' in path ? [{ field: 'authEndpoint', message: path.problem }] : []),
    ];
    if ('problem' in host || 'problem' in path) {
      return problems;
    }

    return { origin: host.origin, url: buildEndpointUrl(host.origin, path.path) };
  }

  it.each([
    ['ims-na1.adobelogin.com', '/ims/token/v3', 'https://ims-na1.adobelogin.com/ims/token/v3'],
    ['IMS-NA1.adobelogin.com', 'ims/token/v3', 'https://ims-na1.adobelogin.com/ims/token/v3'],
    ['localhost:8443', '/ims/token/v2/', 'https://localhost:8443/ims/token/v2'],
    ['http://127.0.0.1:4000', '/ims/token/v3', 'http://127.0.0.1:4000/ims/token/v3'],
    ['https://ims.example.com/', '//ims/token/v3', 'https://ims.example.com/ims/token/v3'],
    ['https://[::1]:8443', '/ims/token/v3', 'https://[::1]:8443/ims/token/v3'],
  ])('resolves %s + %s', (authHost, authEndpoint, expected) => {
    expect(resolve(authHost, authEndpoint)).toEqual({ origin: new URL(expected).origin, url: expected });
  });

  it.each([
    ['ftp://ims.example.com', '/ims/token/v3', 'authHost', 'protocol ftp:'],
    ['https://user:pw@ims.example.com', '/ims/token/v3', 'authHost', 'user name or password'],
    ['https://ims.example.com/ims', '/ims/token/v3', 'authHost', 'without a path'],
    ['https://ims.example.com?x=1', '/ims/token/v3', 'authHost', 'without a path'],
    ['ims example.com', '/ims/token/v3', 'authHost', 'not a host name'],
    ['http://', '/ims/token/v3', 'authHost', 'not a valid host name or origin URL'],
    ['ims.example.com', '/', 'authEndpoint', 'not a path'],
    ['ims.example.com', '/ims/token?x=1', 'authEndpoint', 'not a path'],
    ['ims.example.com', 'https://ims.example.com/ims/token/v3', 'authEndpoint', 'not a path'],
  ])('rejects %s + %s', (authHost, authEndpoint, field, message) => {
    expect(resolve(authHost, authEndpoint)).toEqual([{ field, message: expect.stringContaining(message) }]);
  });
});
