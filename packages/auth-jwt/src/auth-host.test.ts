import { describe, expect, it } from 'vitest';
import { buildEndpointUrl, resolveAuthOrigin } from './auth-host.js';

describe('resolveAuthOrigin', () => {
  const accepted: Array<[string, string]> = [
    ['ims-na1.adobelogin.com', 'https://ims-na1.adobelogin.com'],
    ['IMS-NA1.adobelogin.com', 'https://ims-na1.adobelogin.com'],
    ['  ims-na1.adobelogin.com\n', 'https://ims-na1.adobelogin.com'],
    ['ims.example.test:8443', 'https://ims.example.test:8443'],
    ['https://ims-na1.adobelogin.com', 'https://ims-na1.adobelogin.com'],
    ['https://ims-na1.adobelogin.com/', 'https://ims-na1.adobelogin.com'],
    ['http://127.0.0.1:4000', 'http://127.0.0.1:4000'],
    ['https://[::1]:4000/', 'https://[::1]:4000'],
  ];

  for (const [value, origin] of accepted) {
    it(`accepts ${JSON.stringify(value)}`, () => {
      expect(resolveAuthOrigin(value)).toEqual({ origin });
    });
  }

  const rejected: Array<[string, RegExp]> = [
    ['', /must be a host name/],
    ['ims host.com', /whitespace/],
    ['https://ims-na1.adobelogin.com/ims/exchange/jwt', /without a path or query.*authEndpoint/],
    ['ims-na1.adobelogin.com/ims', /without a path/],
    ['https://ims-na1.adobelogin.com/?a=b', /without a path or query/],
    ['https://ims-na1.adobelogin.com/#top', /without a path or query/],
    ['https://user:pass@ims-na1.adobelogin.com', /user name or password/],
    ['ftp://ims-na1.adobelogin.com', /https: or http:/],
    ['https://', /not a valid host name/],
  ];

  for (const [value, message] of rejected) {
    it(`rejects ${JSON.stringify(value)}`, () => {
      const result = resolveAuthOrigin(value);
      expect(result).toEqual({ problem: expect.stringMatching(message) });
    });
  }

  it('keeps credentials out of the message', () => {
    const result = resolveAuthOrigin('https://user:hunter2@ims.example.test');
    expect(result).toHaveProperty('problem');
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });
});

describe('buildEndpointUrl', () => {
  it.each([
    ['/ims/exchange/jwt/', 'http://127.0.0.1:4000/ims/exchange/jwt/'],
    ['ims/exchange/jwt', 'http://127.0.0.1:4000/ims/exchange/jwt/'],
    ['//ims/exchange/jwt//', 'http://127.0.0.1:4000/ims/exchange/jwt/'],
  ])('joins %s', (path, url) => {
    expect(buildEndpointUrl('http://127.0.0.1:4000', path)).toBe(url);
  });
});
