import { describe, expect, it } from 'vitest';
import { buildAssertionClaims } from './claims.js';

describe('buildAssertionClaims', () => {
  const base = {
    origin: 'https://ims-na1.adobelogin.com',
    orgId: '12345@AdobeOrg',
    techAcctId: 'ABCDE@techacct.adobe.com',
    clientId: 'client-1',
    metascopes: ['ent_user_sdk'],
    nowMs: 1_700_000_000_999,
    lifetimeMs: 300_000,
  };

  it('sets issuer, subject and audience', () => {
    const claims = buildAssertionClaims(base);
    expect(claims.iss).toBe('12345@AdobeOrg');
    expect(claims.sub).toBe('ABCDE@techacct.adobe.com');
    expect(claims.aud).toBe('https://ims-na1.adobelogin.com/c/client-1');
  });

  it('sets times in seconds, rounded down', () => {
    const claims = buildAssertionClaims(base);
    expect(claims.iat).toBe(1_700_000_000);
    expect(claims.exp).toBe(1_700_000_300);
  });

  it('adds one claim per metascope', () => {
    const claims = buildAssertionClaims({
      ...base,
      origin: 'http://127.0.0.1:4000',
      metascopes: ['ent_user_sdk', 'ent_analytics_bulk_ingest_sdk'],
    });
    expect(claims['http://127.0.0.1:4000/s/ent_user_sdk']).toBe(true);
    expect(claims['http://127.0.0.1:4000/s/ent_analytics_bulk_ingest_sdk']).toBe(true);
    expect(Object.keys(claims)).toHaveLength(7);
  });
});
