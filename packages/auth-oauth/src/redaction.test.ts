import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { type FakeIms, startFakeIms } from '@umapi/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthS2S } from './oauth-s2s.js';

let ims: FakeIms;

beforeAll(async () => {
  ims = await startFakeIms();
});

afterAll(async () => {
  await ims.close();
});

describe('OAuthS2S redaction', () => {
  it('shows only clientId, orgId and authHost', async () => {
    const credentials = await ims.createOAuthCredentials();
    const auth = new OAuthS2S({ ...credentials, orgId: 'ABC@AdobeOrg', authHost: ims.url });
    const { token } = await auth.getAccessToken();

    const shown = [inspect(auth, { showHidden: true, depth: 10 }), JSON.stringify(auth), String(Object.entries(auth))];

    expect(JSON.parse(JSON.stringify(auth))).toEqual({
      clientId: credentials.clientId,
      orgId: 'ABC@AdobeOrg',
      authHost: ims.url,
    });
    for (const text of shown) {
      expect(text).not.toContain(credentials.clientSecret);
      expect(text).not.toContain(token);
    }
  });

  it('keeps the secret out of errors', async () => {
    const credentials = await ims.createOAuthCredentials();
    const wrongSecret = `${credentials.clientSecret}-wrong`;
    const auth = new OAuthS2S({ ...credentials, clientSecret: wrongSecret, authHost: ims.url });

    const error = await auth.getAccessToken().catch((caught: unknown) => caught);

    const shown = [String(error), inspect(error, { showHidden: true, depth: 10 }), JSON.stringify(error)];
    for (const text of shown) {
      expect(text).not.toContain(wrongSecret);
      expect(text).not.toContain(credentials.clientSecret);
    }
  });

  it('keeps the secret out of configuration errors', () => {
    const secret = 'p8e-do-not-print-me ';

    const error = (() => {
      try {
        return new OAuthS2S({ clientId: ' spaced', clientSecret: secret, client_secret: secret } as never);
      } catch (caught) {
        return caught;
      }
    })();

    expect(String(error)).toContain('clientSecret');
    expect(inspect(error)).not.toContain('do-not-print-me');
  });

  // NODE_DEBUG is read once at process start, so the debug output is checked in
  // a child process that loads the built package.
  const built = existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)));
  it.skipIf(!built)('keeps the secret out of NODE_DEBUG output', async () => {
    const credentials = await ims.createOAuthCredentials();
    const script = `
      const { OAuthS2S } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
      const options = JSON.parse(process.env.TEST_OPTIONS);
      const auth = new OAuthS2S(options);
      const { token } = await auth.getAccessToken();
      await new OAuthS2S({ ...options, clientSecret: 'p8e-wrong' }).getAccessToken().catch(() => {});
      process.stdout.write(token);
    `;

    const child = await runChild(script, {
      NODE_DEBUG: 'umapi',
      TEST_OPTIONS: JSON.stringify({ ...credentials, authHost: ims.url }),
    });

    expect(child.status).toBe(0);
    expect(child.stderr).toContain('OAuthS2S');
    expect(child.stderr).not.toContain(credentials.clientSecret);
    expect(child.stderr).not.toContain('p8e-wrong');
    expect(child.stdout.length).toBeGreaterThan(10);
    expect(child.stderr).not.toContain(child.stdout);
  });
});

// The fake IMS runs in this process, so the child is awaited asynchronously:
// spawnSync would block the event loop that the fake needs to respond.
function runChild(
  script: string,
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
