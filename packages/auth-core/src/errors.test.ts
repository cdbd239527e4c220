import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  CertificateError,
  ConfigurationError,
  ImsError,
  isUmapiError,
  NetworkError,
  ProxyError,
  TimeoutError,
  UmapiError,
} from './errors.js';

const secret = 'super-secret-value';

describe('error family', () => {
  it.each([
    ['UmapiError', () => new UmapiError('failed', 'ERR_X'), 'ERR_X'],
    [
      'ConfigurationError',
      () => new ConfigurationError([{ field: 'clientId', message: 'is required' }]),
      'ERR_UMAPI_CONFIGURATION',
    ],
    [
      'ImsError',
      () =>
        new ImsError('failed', {
          status: 401,
          imsCode: 'invalid_client',
          endpoint: 'https://ims.example/x',
        }),
      'invalid_client',
    ],
    ['NetworkError', () => new NetworkError('failed', { host: 'h' }), 'ERR_UMAPI_NETWORK'],
    [
      'CertificateError',
      () => new CertificateError('failed', { host: 'h', systemCode: 'CERT_HAS_EXPIRED' }),
      'ERR_UMAPI_CERTIFICATE',
    ],
    [
      'ProxyError',
      () => new ProxyError('failed', { host: 'h', proxyHost: 'p', proxyPort: '1' }),
      'ERR_UMAPI_PROXY',
    ],
    [
      'TimeoutError',
      () => new TimeoutError('failed', { timeoutMs: 1, host: 'h' }),
      'ERR_UMAPI_TIMEOUT',
    ],
  ])('%s has its name, code and brand', (name, build, code) => {
    const error = build();

    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(isUmapiError(error)).toBe(true);
    expect(error).toBeInstanceOf(Error);
  });

  it('recognises an error from another copy by its brand', () => {
    const foreign = Object.defineProperty(new Error('x'), Symbol.for('@umapi/error'), {
      value: true,
    });

    expect(isUmapiError(foreign)).toBe(true);
    expect(isUmapiError(new Error('x'))).toBe(false);
    expect(isUmapiError(null)).toBe(false);
  });

  it('lists every configuration problem in the message', () => {
    const error = new ConfigurationError(
      [
        { field: 'clientId', message: 'is required' },
        { field: 'privateKey', message: 'is not a PEM key' },
      ],
      { subject: 'JWTAuth options' },
    );

    expect(error.message).toBe(
      'Invalid JWTAuth options:\n  - clientId: is required\n  - privateKey: is not a PEM key',
    );
  });

  it('keeps a secret in a cause out of inspect and JSON', () => {
    const cause = Object.assign(new Error('request failed'), {
      request: { body: `client_secret=${secret}` },
    });
    const error = new ImsError('IMS failed', {
      status: 500,
      imsCode: 'server_error',
      endpoint: 'https://ims.example/x',
      cause,
    });

    const shown = [inspect(error, { depth: 10 }), JSON.stringify(error), error.message];

    for (const text of shown) {
      expect(text).not.toContain(secret);
    }
    expect(inspect(error)).toContain('[cause]: Error: request failed');
    expect(inspect(error)).toContain('status: 500');
  });
});
