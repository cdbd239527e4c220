import { createServer } from 'node:net';
import { beforeAll, describe, it } from 'vitest';
import { assertBuilt, runCli } from './test-cli.js';

/** A port on 127.0.0.1 that nothing listens on, so a proxy there refuses connections. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new Error('expected a TCP address');
  }

  return address.port;
}

beforeAll(() => {
  assertBuilt();
});

describe.concurrent('umapi with proxy variables', () => {
  it('reaches the fakes on loopback despite a proxy', async ({ expect }) => {
    const proxy = `http://127.0.0.1:${await closedPort()}`;

    const result = await runCli(['check', '--fake'], {
      env: { HTTP_PROXY: proxy, HTTPS_PROXY: proxy, NO_PROXY: 'other.example' },
    });

    expect(result.stdout).toContain('All checks passed.');
    expect(result.exitCode).toBe(0);
  });

  it('names HTTP_PROXY when that proxy failed', async ({ expect }) => {
    // The name never resolves: the request stops at the refused proxy connection.
    const host = 'http://ims.example.test:8080';

    const result = await runCli(['users'], {
      env: {
        UMAPI_ORG_ID: '12345@AdobeOrg',
        UMAPI_CLIENT_ID: 'client',
        UMAPI_CLIENT_SECRET: 'secret-value',
        UMAPI_HOST: host,
        UMAPI_IMS_HOST: host,
        HTTP_PROXY: `http://127.0.0.1:${await closedPort()}`,
      },
    });

    expect(result.stderr).toContain('from HTTP_PROXY');
    expect(result.stderr).toContain('hint: the request went through the proxy set by HTTP_PROXY');
    expect(result.stderr).not.toContain('HTTPS_PROXY');
    expect(result.exitCode).toBe(1);
  });
});
