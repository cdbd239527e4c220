import { afterEach, describe, expect, it } from 'vitest';
import { redactUrl, setDebugSink } from './debug.js';
import { requestImsToken } from './ims-client.js';
import { sendJson, startTestServer } from './test-server.js';
import { createAuthenticator } from './token-cache.js';
import { createTransport } from './transport.js';

const secret = 'debug-test-client-secret';

afterEach(() => {
  setDebugSink(undefined);
});

describe('debug output', () => {
  it('logs each IMS attempt and retry without secrets', async () => {
    const ims = await startTestServer((_request, response, index) => {
      if (index === 0) {
        sendJson(response, 503, { error: 'unavailable' });
        return;
      }
      sendJson(response, 200, {
        access_token: 'debug-test-access-token',
        expires_in: 3600,
      });
    });
    const lines: string[] = [];
    setDebugSink((line) => lines.push(line));

    try {
      const auth = createAuthenticator({
        clientId: 'client-id',
        fetchToken: (signal) =>
          requestImsToken({
            url: `${ims.url}/ims/token/v3?query=hidden`,
            form: { client_id: 'client-id', client_secret: secret },
            expiresInUnit: 'seconds',
            transport: createTransport({ env: {} }),
            backoff: { baseDelayMs: 1, maxDelayMs: 2 },
            ...(signal === undefined ? {} : { signal }),
          }),
      });
      await auth.getAccessToken();
    } finally {
      await ims.close();
    }

    const output = lines.join('\n');
    expect(output).toContain(`${ims.url}/ims/token/v3, attempt 1`);
    expect(output).toContain('returned HTTP 503 on attempt 1');
    expect(output).toMatch(/retrying in \d+ ms/);
    expect(output).toContain('attempt 2');
    expect(output).toContain('token refresh 1 for client client-id succeeded');
    expect(output).not.toContain(secret);
    expect(output).not.toContain('debug-test-access-token');
    expect(output).not.toContain('query=hidden');
  });

  it('redacts user info, query and fragment from URLs', () => {
    expect(redactUrl('http://user:pw@proxy.example:3128/path?token=x#frag')).toBe(
      'http://proxy.example:3128/path',
    );
    expect(redactUrl('not a url')).toBe('<invalid URL>');
  });
});
