import { describe, expect, it } from 'vitest';
import type { ConfigurationProblem } from './errors.js';
import { NoProxyMatcher, readProxyEnvironment, selectProxy } from './proxy-env.js';

describe('NoProxyMatcher', () => {
  it.each([
    ['', 'https://ims.example.com/', false],
    ['*', 'https://ims.example.com/', true],
    ['example.com', 'https://example.com/', true],
    ['example.com', 'https://ims.example.com/', true],
    ['example.com', 'https://notexample.com/', false],
    ['.example.com', 'https://ims.example.com/', true],
    ['*.example.com', 'https://ims.example.com/', true],
    ['EXAMPLE.com', 'https://Ims.Example.COM/', true],
    ['example.com:443', 'https://example.com/', true],
    ['example.com:8443', 'https://example.com/', false],
    ['example.com:80', 'http://example.com/', true],
    ['localhost', 'http://localhost:4000/', true],
    ['127.0.0.1', 'http://127.0.0.1:4000/', true],
    ['127.0.0.1', 'http://127.0.0.2:4000/', false],
    ['127.0.0.0/8', 'http://127.1.2.3:4000/', true],
    ['10.0.0.0/8', 'http://127.0.0.1:4000/', false],
    ['127.0.0.1:4000', 'http://127.0.0.1:4000/', true],
    ['127.0.0.1:4001', 'http://127.0.0.1:4000/', false],
    ['::1', 'http://[::1]:4000/', true],
    ['[::1]', 'http://[::1]:4000/', true],
    ['[::1]:4000', 'http://[::1]:4000/', true],
    ['[::1]:4001', 'http://[::1]:4000/', false],
    ['fd00::/8', 'http://[fd12::1]/', true],
    ['localhost, 127.0.0.1 ,::1', 'http://[::1]/', true],
    ['localhost\n127.0.0.1', 'http://127.0.0.1/', true],
    ['127.0.0.1/99', 'http://127.0.0.1/', false],
  ])('NO_PROXY %j for %s gives %s', (list, url, expected) => {
    expect(new NoProxyMatcher(list).matches(new URL(url))).toBe(expected);
  });
});

describe('readProxyEnvironment', () => {
  it('prefers the lower-case variable', () => {
    const problems: ConfigurationProblem[] = [];
    const proxies = readProxyEnvironment(
      { https_proxy: 'http://lower.example:3128', HTTPS_PROXY: 'http://upper.example:3128' },
      problems,
    );

    expect(proxies.https?.hostname).toBe('lower.example');
    expect(problems).toEqual([]);
  });

  it('keeps credentials out of the proxy URI', () => {
    const proxies = readProxyEnvironment(
      { HTTPS_PROXY: 'http://us%3Aer:p%40ss@proxy.example' },
      [],
    );

    expect(proxies.https).toMatchObject({
      uri: 'http://proxy.example',
      hostname: 'proxy.example',
      port: '80',
    });
    expect(proxies.https?.authorization).toBe(
      `Basic ${Buffer.from('us:er:p@ss').toString('base64')}`,
    );
  });

  it('uses the scheme default port', () => {
    expect(readProxyEnvironment({ HTTP_PROXY: 'https://proxy.example' }, []).http?.port).toBe(
      '443',
    );
  });

  it('selects the proxy by the request scheme', () => {
    const proxies = readProxyEnvironment(
      { HTTP_PROXY: 'http://plain.example:1', NO_PROXY: 'skip.example' },
      [],
    );

    expect(selectProxy(proxies, new URL('http://ims.example/'))?.hostname).toBe('plain.example');
    expect(selectProxy(proxies, new URL('https://ims.example/'))).toBeUndefined();
    expect(selectProxy(proxies, new URL('http://skip.example/'))).toBeUndefined();
  });

  it('ignores empty variables', () => {
    const proxies = readProxyEnvironment({ HTTPS_PROXY: '  ', http_proxy: '' }, []);

    expect(proxies.https).toBeUndefined();
    expect(proxies.http).toBeUndefined();
  });
});

describe('selectProxy loopback', () => {
  const proxies = readProxyEnvironment(
    { HTTP_PROXY: 'http://proxy.example:3128', HTTPS_PROXY: 'http://proxy.example:3128' },
    [],
  );

  it.each([
    'http://localhost:4000/',
    'https://LOCALHOST/',
    'http://localhost.:4000/',
    'http://127.0.0.1:4000/',
    'https://127.255.0.9/',
    'http://[::1]:4000/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://[::ffff:127.0.0.1]/',
  ])('connects directly to %s', (url) => {
    expect(selectProxy(proxies, new URL(url))).toBeUndefined();
  });

  it.each([
    'http://ims.example.test/',
    'http://128.0.0.1/',
    'http://app.localhost/',
    'http://localhost.example/',
    'http://[::2]/',
    'http://[::ffff:10.0.0.1]/',
  ])('uses the proxy for %s', (url) => {
    expect(selectProxy(proxies, new URL(url))?.hostname).toBe('proxy.example');
  });

  it('ignores NO_PROXY for loopback but applies it to other hosts', () => {
    const withList = readProxyEnvironment(
      { HTTP_PROXY: 'http://proxy.example:3128', NO_PROXY: 'ims.example.test:8080' },
      [],
    );

    expect(selectProxy(withList, new URL('http://127.0.0.1:8080/'))).toBeUndefined();
    expect(selectProxy(withList, new URL('http://ims.example.test:8080/'))).toBeUndefined();
    expect(selectProxy(withList, new URL('http://ims.example.test:9090/'))?.variable).toBe(
      'HTTP_PROXY',
    );
  });
});
