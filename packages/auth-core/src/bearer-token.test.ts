import { describe, expect, it } from 'vitest';
import { isSendableToken } from './bearer-token.js';

describe('isSendableToken', () => {
  it.each([
    'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
    'a',
    '~!#$%&*+-./0123456789=?@^_`|',
  ])('accepts %j', (token) => {
    expect(isSendableToken(token)).toBe(true);
  });

  it.each([
    '',
    ' ',
    'two words',
    'trailing\n',
    'tab\there',
    'crlf\r\nX-Injected: 1',
    'caf\u00e9',
    'nul\u0000',
    'del\u007f',
  ])('rejects %j', (token) => {
    expect(isSendableToken(token)).toBe(false);
  });
});
