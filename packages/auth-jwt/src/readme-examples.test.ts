import { readFileSync } from 'node:fs';
import { startFakeIms } from '@umapi/testing';
import { expect, it } from 'vitest';
import { JWTAuth } from './index.js';

// The README's examples, kept here so the type-check and the tests cover them.

it('runs the README fake IMS example', async () => {
  const ims = await startFakeIms();
  const auth = new JWTAuth(await ims.createJwtCredentials()); // authHost is ims.url
  const { token } = await auth.getAccessToken();
  await ims.close();

  expect(token).not.toBe('');
});

it('type-checks the README quick example', () => {
  // Only built, never called: it would contact the default IMS host.
  const build = () =>
    new JWTAuth({
      orgId: process.env.UMAPI_ORG_ID!,
      clientId: process.env.UMAPI_CLIENT_ID!,
      clientSecret: process.env.UMAPI_CLIENT_SECRET!,
      techAcctId: process.env.UMAPI_TECH_ACCT_ID!,
      privateKey: readFileSync('private.key'),
    });

  expect(typeof build).toBe('function');
});
