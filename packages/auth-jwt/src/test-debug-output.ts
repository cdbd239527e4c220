import { inspect } from 'node:util';
import { startFakeIms } from '@umapi/testing';
import { expect, it, vi } from 'vitest';
import { JWTAuth } from './jwt-auth.js';

// Run only by redaction.test.ts, in a process started with NODE_DEBUG=umapi.
it('logs the exchange without secrets', async () => {
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });

  const ims = await startFakeIms();
  try {
    const credentials = await ims.createJwtCredentials({ keyFormat: 'encrypted-pkcs8' });
    const auth = new JWTAuth(credentials);
    const { token } = await auth.getAccessToken();
    await new JWTAuth({ ...credentials, clientSecret: 'p8e-wrong-secret' })
      .getAccessToken()
      .catch(() => undefined);
    spy.mockRestore();

    const output = written.join('');
    expect(output).toMatch(/UMAPI \d+:/);
    expect(output).toContain(credentials.clientId);
    const keyLines = credentials.privateKey
      .split('\n')
      .filter((line) => line.length > 0 && !line.startsWith('-----'));
    for (const fragment of [
      credentials.clientSecret,
      credentials.passphrase!,
      token,
      'p8e-wrong-secret',
      ...keyLines,
    ]) {
      expect(output, inspect(fragment.slice(0, 4))).not.toContain(fragment);
    }
  } finally {
    spy.mockRestore();
    await ims.close();
  }
});
