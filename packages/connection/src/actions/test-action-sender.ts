import type { FakeIms, FakeUmapi } from '@umapi/testing';
import type { ActionSender } from './executor.js';

/** Error thrown by {@link createTestSender} for a response status other than 200. */
export class TestHttpError extends Error {
  readonly code: string;
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, body: unknown) {
    super(`action request answered HTTP ${status}`);
    this.code = `TEST_HTTP_${status}`;
    this.status = status;
    this.body = body;
  }
}

/**
 * Creates a minimal action sender over fetch for tests of the executor
 * against the fake UMAPI: one attempt, no retries, a token issued directly
 * by the fake IMS.
 */
export async function createTestSender(
  ims: FakeIms,
  umapi: FakeUmapi,
  options: { testOnly?: boolean } = {},
): Promise<ActionSender> {
  const credentials = await ims.createOAuthCredentials({ orgId: umapi.orgId });
  const token = await ims.issueAccessToken({ clientId: credentials.clientId });
  const query = options.testOnly ? '?testOnly=true' : '';
  const url = `${umapi.url}/action/${encodeURIComponent(umapi.orgId)}${query}`;

  return async (body, sendOptions) => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      'x-api-key': credentials.clientId,
      accept: 'application/json',
      'content-type': 'application/json',
    };
    if (sendOptions.pragma !== undefined) {
      headers.pragma = sendOptions.pragma;
    }

    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: sendOptions.signal,
    });
    const parsed: unknown = await response.json().catch(() => undefined);
    if (response.status !== 200) {
      throw new TestHttpError(response.status, parsed);
    }

    return parsed;
  };
}
