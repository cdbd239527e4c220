import { describe, expect, it } from 'vitest';
import { resolveTokenEndpoint } from './token-endpoint.js';

describe('resolveTokenEndpoint', () => {
  it.each([
    ['ims-na1.adobelogin.com', '/ims/token/v3', 'https://ims-na1.adobelogin.com/ims/token/v3'],
    ['IMS-NA1.adobelogin.com', 'ims/token/v3', 'https://ims-na1.adobelogin.com/ims/token/v3'],
    ['localhost:8443', '/ims/token/v2/', 'https://localhost:8443/ims/token/v2'],
    ['http://127.0.0.1:4000', '/ims/token/v3', 'http://127.0.0.1:4000/ims/token/v3'],
    ['https://ims.example.com/', '//ims/token/v3', 'https://ims.example.com/ims/token/v3'],
    ['https://[::1]:8443', '/ims/token/v3', 'https://[::1]:8443/ims/token/v3'],
  ])('resolves %s + %s', (authHost, authEndpoint, expected) => {
    expect(resolveTokenEndpoint(authHost, authEndpoint)).toEqual({
      origin: new URL(expected).origin,
      url: expected,
    });
  });

  it.each([
    ['ftp://ims.example.com', '/ims/token/v3', 'authHost', 'protocol ftp:'],
    ['https://user:pw@ims.example.com', '/ims/token/v3', 'authHost', 'user name or password'],
    ['https://ims.example.com/ims', '/ims/token/v3', 'authHost', 'without path'],
    ['https://ims.example.com?x=1', '/ims/token/v3', 'authHost', 'without path'],
    ['ims example.com', '/ims/token/v3', 'authHost', 'not a host name'],
    ['http://', '/ims/token/v3', 'authHost', 'not a valid URL'],
    ['ims.example.com', '/', 'authEndpoint', 'not a path'],
    ['ims.example.com', '/ims/token?x=1', 'authEndpoint', 'not a path'],
    ['ims.example.com', 'https://ims.example.com/ims/token/v3', 'authEndpoint', 'not a path'],
  ])('rejects %s + %s', (authHost, authEndpoint, field, message) => {
    const result = resolveTokenEndpoint(authHost, authEndpoint);

    expect(Array.isArray(result)).toBe(true);
    expect(result).toEqual([expect.objectContaining({ field, message: expect.stringContaining(message) })]);
  });
});
