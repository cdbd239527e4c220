import {
  type Authenticator,
  ConfigurationError,
  createAuthenticator,
  MAX_TIMER_DELAY_MS,
} from '@umapi/auth-core';
import { describe, expect, it } from 'vitest';
import { resolveConnectionOptions } from './options.js';

const ORG_ID = '0123456789ABCDEF01234567@AdobeOrg';
const SECRET = 'shh-secret-value-0123';

/** Builds a hand-written authenticator: a plain object that meets the Authenticator contract. */
function handWritten(orgId?: string): Authenticator {
  return {
    clientId: 'client-1',
    ...(orgId === undefined ? {} : { orgId }),
    getAccessToken: async () => ({ token: 'not-used', expiresAt: Date.now() + 60_000 }),
  };
}

function problemsOf(options: Record<string, unknown>): { field: string; message: string }[] {
  try {
    resolveConnectionOptions({ auth: handWritten(ORG_ID), ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    const configurationError = error as ConfigurationError;
    expect(configurationError.message).toMatch(/^Invalid Connection options:/);
    expect(configurationError.message).not.toContain(SECRET);
    return [...configurationError.problems];
  }

  throw new Error('expected a ConfigurationError');
}

describe('Connection org ID', () => {
  it.each([
    ['a misspelt suffix', `${ORG_ID}g`],
    ['no suffix', '0123456789ABCDEF01234567'],
    ['a word', 'bogus'],
    ['a number as text', '12345'],
  ])('rejects an orgId option with %s', (_name, orgId) => {
    expect(problemsOf({ orgId })).toEqual([
      {
        field: 'orgId',
        message: expect.stringContaining('must end with @AdobeOrg, like 12345ABCDE@AdobeOrg'),
      },
    ]);
  });

  it.each([
    ['', 'is empty'],
    [42, 'must be a string, not a number'],
  ])('rejects the orgId option %j', (orgId, message) => {
    expect(problemsOf({ orgId })).toEqual([{ field: 'orgId', message }]);
  });

  it('trims the orgId option', () => {
    const resolved = resolveConnectionOptions({ auth: handWritten(), orgId: ` ${ORG_ID}\n` });

    expect(resolved.orgId).toBe(ORG_ID);
  });

  it.each([
    ['a misspelt suffix', `${ORG_ID}g`, 'must end with @AdobeOrg'],
    ['no suffix', '12345', 'must end with @AdobeOrg'],
    ['only whitespace', '  ', 'is empty'],
  ])('rejects auth.orgId with %s', (_name, orgId, message) => {
    const problems = problemsOf({ auth: handWritten(orgId) });

    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe('auth.orgId');
    expect(problems[0]?.message).toContain(message);
    expect(problems[0]?.message).toContain(
      'takes the org ID from its authenticator because no orgId option was given',
    );
  });

  it('rejects auth.orgId of a createAuthenticator authenticator', () => {
    const auth = createAuthenticator({
      clientId: 'client-1',
      orgId: '12345',
      fetchToken: async () => ({ token: 'not-used', expiresAt: Date.now() + 60_000 }),
    });

    expect(problemsOf({ auth })).toEqual([
      { field: 'auth.orgId', message: expect.stringContaining('must end with @AdobeOrg') },
    ]);
  });

  it('takes and trims auth.orgId', () => {
    const resolved = resolveConnectionOptions({ auth: handWritten(` ${ORG_ID} `) });

    expect(resolved.orgId).toBe(ORG_ID);
  });

  it('prefers a valid orgId option to auth.orgId', () => {
    const resolved = resolveConnectionOptions({ auth: handWritten('bogus'), orgId: ORG_ID });

    expect(resolved.orgId).toBe(ORG_ID);
  });

  it('reports a missing org ID', () => {
    expect(problemsOf({ auth: handWritten() })).toEqual([
      {
        field: 'orgId',
        message: expect.stringMatching(/^is missing, and the authenticator has no orgId either/),
      },
    ]);
  });
});

describe('Connection timeout', () => {
  it.each([
    [120, 'did you mean 120000 (120 seconds)?'],
    [1, 'did you mean 1000 (1 seconds)?'],
    [999, 'did you mean 999000 (999 seconds)?'],
    [30.5, 'did you mean 30500 (30.5 seconds)?'],
  ])('takes %j for seconds', (timeout, hint) => {
    const [problem] = problemsOf({ timeout });

    expect(problem?.field).toBe('timeout');
    expect(problem?.message).toContain(`must be at least 1000 milliseconds, not ${timeout}`);
    expect(problem?.message).toContain('The unit is milliseconds');
    expect(problem?.message).toContain(hint);
  });

  it('gives no seconds hint below one', () => {
    const [problem] = problemsOf({ timeout: 0.5 });

    expect(problem?.message).toContain('must be at least 1000 milliseconds, not 0.5');
    expect(problem?.message).not.toContain('did you mean');
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, MAX_TIMER_DELAY_MS + 1, '120', SECRET])(
    'rejects %j',
    (timeout) => {
      expect(problemsOf({ timeout })).toEqual([
        {
          field: 'timeout',
          message: expect.stringContaining('must be a number of milliseconds, at least 1000'),
        },
      ]);
    },
  );

  it.each([1_000, 120_000, MAX_TIMER_DELAY_MS])('accepts %j', (timeout) => {
    expect(resolveConnectionOptions({ auth: handWritten(ORG_ID), timeout }).timeout).toBe(timeout);
  });
});

describe('Connection option names', () => {
  // Every keyword of the Python umapi-client 3.x Connection that is spelt
  // differently here, and the names people write for the unit-suffixed options.
  it.each([
    ['org_id', 'orgId'],
    ['test_mode', 'testMode'],
    ['max_retries', 'maxRetries'],
    ['ssl_verify', 'sslVerify'],
    ['user_agent', 'userAgent'],
    ['user_management_endpoint', 'endpoint'],
    ['endpoint_url', 'endpoint'],
    ['retryBaseDelay', 'retryBaseDelayMs'],
    ['maxRetryWait', 'maxRetryWaitMs'],
    ['timeoutMs', 'timeout'],
    ['orgID', 'orgId'],
  ])('names %s as %s', (name, replacement) => {
    expect(problemsOf({ [name]: 1 })).toEqual([
      { field: name, message: `is not an option; use ${replacement} instead` },
    ]);
  });

  it.each([
    ['auth_host', /^is not an option; set authHost on the authenticator/],
    ['ims_host', /^is not an option; set authHost on the authenticator/],
    ['authHost', /^is not an option; set authHost on the authenticator/],
    ['auth_endpoint', /^is not an option; set authEndpoint on the authenticator/],
    ['ims_endpoint_jwt', /^is not an option; set authEndpoint on the authenticator/],
    ['timeout_seconds', /^is not an option; use timeout instead, in milliseconds/],
    ['retry_max_attempts', /^is not an option; use maxRetries instead/],
    ['retry_first_delay', /^is not an option; use retryBaseDelayMs instead, in milliseconds/],
    ['retry_random_delay', /^is not an option; remove it, because backoff jitter is built in/],
    ['throttle_actions', /^is not an option; remove it/],
    ['throttle_commands', /^is not an option; remove it/],
    ['auth_dict', /^is not an option; use 'auth' with an authenticator object/],
    ['client_secret', /^is not an option; credentials belong to the authenticator/],
    ['priv_key_data', /^is not an option; credentials belong to the authenticator/],
  ])('explains %s', (name, message) => {
    const problems = problemsOf({ [name]: SECRET });

    expect(problems).toEqual([{ field: name, message: expect.stringMatching(message) }]);
  });

  it.each([
    ['maxRetrys', 'maxRetries'],
    ['testmode', 'testMode'],
    ['ssl_Verify', 'sslVerify'],
  ])('suggests the option closest to %s', (name, suggestion) => {
    expect(problemsOf({ [name]: true })).toEqual([
      { field: name, message: `is not an option; did you mean ${suggestion}?` },
    ]);
  });

  it('lists the options for a name with no close match', () => {
    expect(problemsOf({ retry: 3 })).toEqual([
      {
        field: 'retry',
        message: expect.stringMatching(
          /^is not an option; valid options are auth, orgId, endpoint/,
        ),
      },
    ]);
  });

  it('ignores options set to undefined', () => {
    const resolved = resolveConnectionOptions({
      auth: handWritten(ORG_ID),
      timeout: undefined,
      org_id: undefined,
    });

    expect(resolved.timeout).toBe(120_000);
  });

  it('reports a Python configuration at once', () => {
    const problems = problemsOf({ org_id: ORG_ID, test_mode: true, timeout: 120, max_retries: 3 });

    expect(problems.map((problem) => problem.field)).toEqual([
      'org_id',
      'test_mode',
      'max_retries',
      'timeout',
    ]);
  });
});

describe('Connection numeric options', () => {
  it('accepts an infinite maxRetryWaitMs', () => {
    const resolved = resolveConnectionOptions({
      auth: handWritten(ORG_ID),
      maxRetryWaitMs: Number.POSITIVE_INFINITY,
    });

    expect(resolved.maxRetryWaitMs).toBe(Number.POSITIVE_INFINITY);
  });

  it.each([
    [
      { maxRetryWaitMs: -1 },
      'maxRetryWaitMs',
      'must be a number of milliseconds, zero or more, not -1',
    ],
    [{ maxRetryWaitMs: Number.NaN }, 'maxRetryWaitMs', 'must be a number of milliseconds'],
    [{ retryBaseDelayMs: -1 }, 'retryBaseDelayMs', 'must be a number of milliseconds'],
    [{ maxRetries: -1 }, 'maxRetries', 'must be a whole number from 0 to 100, not -1'],
    [
      { maxRetries: '3' },
      'maxRetries',
      'must be a whole number from 0 to 100, not a string of 1 characters',
    ],
    [{ testMode: 'true' }, 'testMode', 'must be true or false'],
    [{ sslVerify: 0 }, 'sslVerify', 'must be true or false, not 0'],
    [{ fetch: 'fetch' }, 'fetch', 'must be a function'],
    [{ ca: 42 }, 'ca', 'PEM string'],
    [{ logger: 'console' }, 'logger', 'must be an object with any of debug, info, warn and error'],
    [{ userAgent: 'a\nb' }, 'userAgent', 'must be a single-line string'],
    [{ userAgent: 'sync/1\r\nX-Evil: 1' }, 'userAgent', 'control character (CR, U+000D) at index 6'],
    [{ userAgent: 'sync\u0000/1' }, 'userAgent', 'control character (NUL, U+0000) at index 4'],
    [{ userAgent: 'sync\u0007/1' }, 'userAgent', 'control character (U+0007) at index 4'],
    [{ userAgent: 'sync\u007f/1' }, 'userAgent', 'control character (U+007F) at index 4'],
    [{ userAgent: 'sync/1 \u2013 beta' }, 'userAgent', 'outside Latin-1 (U+2013) at index 7'],
    [{ userAgent: 'sync/1 ' }, 'userAgent', 'starts or ends with whitespace'],
  ])('rejects %j', (options, field, message) => {
    expect(problemsOf(options)).toEqual([{ field, message: expect.stringContaining(message) }]);
  });

  it('accepts a userAgent with inner spaces and Latin-1', () => {
    const resolved = resolveConnectionOptions({
      auth: handWritten(ORG_ID),
      userAgent: 'my sync/1.2 (caf\u00e9)',
    });

    expect(resolved.userAgent).toBe('my sync/1.2 (caf\u00e9)');
  });
});

describe('Connection auth.clientId', () => {
  function withClientId(clientId: string): Authenticator {
    return { ...handWritten(ORG_ID), clientId };
  }

  it.each([
    ['a CR LF and a header', 'cid\r\nX-Evil: 1', 'control character (CR, U+000D) at index 3'],
    ['a trailing LF', 'cid\n', 'control character (LF, U+000A) at index 3'],
    ['a NUL', 'c\u0000id', 'control character (NUL, U+0000) at index 1'],
    ['a tab at the end', 'cid\t', 'starts or ends with whitespace'],
    ['another control character', 'c\u001bid', 'control character (U+001B) at index 1'],
    ['a character outside Latin-1', 'c\u0130d', 'outside Latin-1 (U+0130) at index 1'],
    ['a leading space', ' cid', 'starts or ends with whitespace'],
  ])('rejects a client ID with %s', (_name, clientId, message) => {
    let caught: unknown;
    try {
      resolveConnectionOptions({ auth: withClientId(clientId) });
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ConfigurationError);
    const problems = (caught as ConfigurationError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe('auth.clientId');
    expect(problems[0]?.message).toContain(message);
    expect(problems[0]?.message).toContain('x-api-key header');
  });

  it('accepts a client ID that fits a header', () => {
    const resolved = resolveConnectionOptions({ auth: withClientId('0123abcd-ef_89.Client') });

    expect(resolved.auth.clientId).toBe('0123abcd-ef_89.Client');
  });
});

describe('Connection endpoint and rateLimits secrets', () => {
  const PEM = [
    '-----BEGIN PRIVATE KEY-----',
    ...Array.from({ length: 25 }, (_, index) => `MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC${index}`),
    '-----END PRIVATE KEY-----',
  ].join('\n');
  const LONG_SECRET = 'p8e-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd';

  it('rejects a multi-line endpoint unquoted', () => {
    const problems = problemsOf({ endpoint: PEM });

    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe('endpoint');
    expect(problems[0]?.message).toContain('must not contain control characters');
    expect(problems[0]?.message).not.toContain('MIIEvQ');
    expect(problems[0]?.message).not.toContain('PRIVATE KEY');
  });

  it('rejects a URL with a line break inside', () => {
    const problems = problemsOf({ endpoint: 'https://example.test/v2/\nusermanagement' });

    expect(problems).toEqual([
      { field: 'endpoint', message: expect.stringContaining('found U+000A at character 25') },
    ]);
  });

  it.each([
    ['a long non-URL', LONG_SECRET],
    ['a long URL without a path', `https://${LONG_SECRET}.example.test`],
    ['a long URL with another scheme', `${LONG_SECRET.replaceAll('-', '')}:x`],
  ])('does not quote %s', (_name, endpoint) => {
    const problems = problemsOf({ endpoint });

    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe('endpoint');
    expect(problems[0]?.message).not.toContain('AbCdEfGh');
  });

  it('quotes a short endpoint typo', () => {
    expect(problemsOf({ endpoint: 'usermanagement' })).toEqual([
      { field: 'endpoint', message: expect.stringContaining('(got "usermanagement")') },
    ]);
  });

  it('trims an endpoint pasted with a newline', () => {
    const resolved = resolveConnectionOptions({
      auth: handWritten(ORG_ID),
      endpoint: 'https://example.test/v2/usermanagement/\n',
    });

    expect(resolved.endpoint).toBe('https://example.test/v2/usermanagement');
  });

  it('does not name a secret rateLimits key', () => {
    const problems = problemsOf({ rateLimits: { [LONG_SECRET]: 5 } });

    expect(problems).toEqual([
      {
        field: 'rateLimits',
        message: expect.stringMatching(
          /^has a key of 44 characters that is not an endpoint class, not shown/,
        ),
      },
    ]);
    expect(JSON.stringify(problems)).not.toContain('AbCdEfGh');
  });

  it('suggests the class closest to a rateLimits key', () => {
    expect(problemsOf({ rateLimits: { user: 5 } })).toEqual([
      { field: 'rateLimits.user', message: 'is not an endpoint class; did you mean users?' },
    ]);
  });
});
