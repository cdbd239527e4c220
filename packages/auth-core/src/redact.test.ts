import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from './redact.js';

const SECRET = 'p8e-S3cr3t+Val/ue"=X\\';

describe('redactSecrets', () => {
  it.each([
    ['as given', SECRET],
    ['URL-encoded', encodeURIComponent(SECRET)],
    ['form-encoded', new URLSearchParams({ v: SECRET }).toString().slice(2)],
    ['escaped in JSON', JSON.stringify(SECRET).slice(1, -1)],
    [
      'escaped in JSON with escaped slashes',
      JSON.stringify(SECRET).slice(1, -1).replaceAll('/', '\\/'),
    ],
  ])('blanks out the secret %s', (_form, echoed) => {
    const text = `{"error":"unknown client ${echoed}"}`;

    const redacted = redactSecrets(text, [SECRET]);

    expect(redacted).toBe(`{"error":"unknown client ${REDACTED}"}`);
  });

  it('leaves secrets under 4 characters alone', () => {
    expect(redactSecrets('the cat sat', ['at'])).toBe('the cat sat');
  });
});
