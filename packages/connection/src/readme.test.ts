import { OAuthS2S } from '@umapi/auth-oauth';
import { startFakeIms, startFakeUmapi } from '@umapi/testing';
import { expect, it, onTestFinished } from 'vitest';
import { Connection } from './index.js';

// The README's quick start, run against the fakes so the example stays correct.
it('runs the README quick start', async () => {
  const ims = await startFakeIms();
  onTestFinished(() => ims.close());
  const umapi = await startFakeUmapi({ ims, users: 30, pageSize: 10 });
  onTestFinished(() => umapi.close());
  const { clientId, clientSecret, orgId, authHost } = await ims.createOAuthCredentials({
    orgId: umapi.orgId,
  });

  const auth = new OAuthS2S({ clientId, clientSecret, orgId, authHost });
  const connection = new Connection({ auth, endpoint: umapi.url, rateLimits: false });
  onTestFinished(() => connection.close());

  const emails: string[] = [];
  for await (const user of connection.users({ domain: 'example.com' })) {
    emails.push(user.email);
  }
  const first = await connection.user(emails[0] ?? '');
  const { local, server } = await connection.status({ remote: true });

  expect(emails.length).toBeGreaterThan(0);
  expect(first?.email).toBe(emails[0]);
  expect(local.multipleQueryCount).toBeGreaterThan(0);
  expect(local.singleQueryCount).toBe(1);
  expect(server.status).not.toMatch(/^(Unreachable|Unexpected|Never)/);
});
