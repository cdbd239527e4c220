import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setDebugSink } from './debug.js';
import { ConfigurationError } from './errors.js';
import { BACKGROUND_RETRY_DELAY_MS, createAuthenticator } from './token-cache.js';
import { MAX_TOKEN_LIFETIME_MS } from './token-lifetime.js';
import type { AccessToken } from './types.js';

const start = Date.UTC(2026, 0, 1);
const hour = 3_600_000;
const window = 5 * 60_000;
const margin = 30_000;

/** Creates a promise settled by hand, to control the order in which exchanges finish. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks run without advancing fake time. */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i += 1) {
    await Promise.resolve();
  }
}

function counterFetch(lifetimeMs = hour) {
  let count = 0;
  const fetchToken = vi.fn(async (_signal?: AbortSignal): Promise<AccessToken> => {
    count += 1;
    return { token: `token-${count}`, expiresAt: Date.now() + lifetimeMs };
  });
  return fetchToken;
}

beforeEach(() => {
  vi.useFakeTimers({ now: start });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createAuthenticator lifecycle', () => {
  it('returns a cached token while fresh', async () => {
    const fetchToken = counterFetch();
    const auth = createAuthenticator({ clientId: 'client', fetchToken });

    const first = await auth.getAccessToken();
    vi.setSystemTime(start + hour - window - 1);
    const second = await auth.getAccessToken();

    expect(first.token).toBe('token-1');
    expect(second.token).toBe('token-1');
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it('refreshes in background exactly at expiresAt - refreshWindowMs', async () => {
    const fetchToken = counterFetch();
    const auth = createAuthenticator({ clientId: 'client', fetchToken });
    await auth.getAccessToken();

    vi.setSystemTime(start + hour - window);
    const inWindow = await auth.getAccessToken();
    expect(inWindow.token).toBe('token-1');
    expect(fetchToken).toHaveBeenCalledTimes(2);

    await flush();
    const after = await auth.getAccessToken();
    expect(after.token).toBe('token-2');
  });

  it('starts one background refresh while one runs', async () => {
    const pending = deferred<AccessToken>();
    const fetchToken = vi
      .fn<(signal?: AbortSignal) => Promise<AccessToken>>()
      .mockResolvedValueOnce({ token: 'token-1', expiresAt: start + hour })
      .mockReturnValueOnce(pending.promise);
    const auth = createAuthenticator({ clientId: 'client', fetchToken });
    await auth.getAccessToken();

    vi.setSystemTime(start + hour - window + 1000);
    const results = await Promise.all(Array.from({ length: 50 }, () => auth.getAccessToken()));

    expect(results.every((result) => result.token === 'token-1')).toBe(true);
    expect(fetchToken).toHaveBeenCalledTimes(2);
    pending.resolve({ token: 'token-2', expiresAt: start + 2 * hour });
    await flush();
    expect((await auth.getAccessToken()).token).toBe('token-2');
  });

  it('waits for a new token exactly at expiresAt - expiryMarginMs', async () => {
    const pending = deferred<AccessToken>();
    const fetchToken = vi
      .fn<(signal?: AbortSignal) => Promise<AccessToken>>()
      .mockResolvedValueOnce({ token: 'token-1', expiresAt: start + hour })
      .mockReturnValueOnce(pending.promise);
    const auth = createAuthenticator({ clientId: 'client', fetchToken });
    await auth.getAccessToken();

    vi.setSystemTime(start + hour - margin - 1);
    expect((await auth.getAccessToken()).token).toBe('token-1');

    vi.setSystemTime(start + hour - margin);
    let settled = false;
    const waiter = auth.getAccessToken().finally(() => {
      settled = true;
    });
    await flush();
    expect(settled).toBe(false);

    pending.resolve({ token: 'token-2', expiresAt: start + 2 * hour });
    expect((await waiter).token).toBe('token-2');
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('waits for a new token at and after expiresAt', async () => {
    const fetchToken = counterFetch();
    const auth = createAuthenticator({ clientId: 'client', fetchToken });
    await auth.getAccessToken();

    vi.setSystemTime(start + hour);
    expect((await auth.getAccessToken()).token).toBe('token-2');

    vi.setSystemTime(start + hour + hour + 1);
    expect((await auth.getAccessToken()).token).toBe('token-3');
  });

  it('follows the clock when it jumps back and forward', async () => {
    const fetchToken = counterFetch();
    const auth = createAuthenticator({ clientId: 'client', fetchToken });
    await auth.getAccessToken();

    // A clock set back makes the token look younger; it is still valid.
    vi.setSystemTime(start - 10 * hour);
    expect((await auth.getAccessToken()).token).toBe('token-1');
    expect(fetchToken).toHaveBeenCalledTimes(1);

    // A clock set forward past expiry makes callers wait for a new token.
    vi.setSystemTime(start + 5 * hour);
    expect((await auth.getAccessToken()).token).toBe('token-2');
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('uses custom refreshWindowMs and expiryMarginMs', async () => {
    const fetchToken = counterFetch(10_000);
    const auth = createAuthenticator({
      clientId: 'client',
      fetchToken,
      refreshWindowMs: 4000,
      expiryMarginMs: 1000,
    });
    await auth.getAccessToken();

    vi.setSystemTime(start + 5999);
    await auth.getAccessToken();
    expect(fetchToken).toHaveBeenCalledTimes(1);

    vi.setSystemTime(start + 6000);
    await auth.getAccessToken();
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('skips the cache with forceRefresh', async () => {
    const fetchToken = counterFetch();
    const auth = createAuthenticator({ clientId: 'client', fetchToken });
    await auth.getAccessToken();

    const forced = await auth.getAccessToken({ forceRefresh: true });

    expect(forced.token).toBe('token-2');
    expect((await auth.getAccessToken()).token).toBe('token-2');
  });

  it('drops the token on invalidate', async () => {
    const fetchToken = counterFetch();
    const auth = createAuthenticator({ clientId: 'client', fetchToken });
    await auth.getAccessToken();

    auth.invalidate();

    expect((await auth.getAccessToken()).token).toBe('token-2');
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('does not cache an exchange that started before invalidate', async () => {
    const old = deferred<AccessToken>();
    const fetchToken = vi
      .fn<(signal?: AbortSignal) => Promise<AccessToken>>()
      .mockReturnValueOnce(old.promise)
      .mockResolvedValueOnce({ token: 'after-invalidate', expiresAt: start + hour });
    const auth = createAuthenticator({ clientId: 'client', fetchToken });

    const oldWaiter = auth.getAccessToken();
    auth.invalidate();
    old.resolve({ token: 'before-invalidate', expiresAt: start + hour });

    expect((await oldWaiter).token).toBe('before-invalidate');
    expect((await auth.getAccessToken()).token).toBe('after-invalidate');
  });

  it('hands out copies that callers cannot change', async () => {
    const auth = createAuthenticator({ clientId: 'client', fetchToken: counterFetch() });
    const first = await auth.getAccessToken();
    first.token = 'changed';

    expect((await auth.getAccessToken()).token).toBe('token-1');
  });
});

describe('createAuthenticator concurrency', () => {
  it('calls fetchToken once for 1,000 concurrent callers', async () => {
    const pending = deferred<AccessToken>();
    const fetchToken = vi.fn(() => pending.promise);
    const auth = createAuthenticator({ clientId: 'client', fetchToken });

    const calls = Array.from({ length: 1000 }, () => auth.getAccessToken());
    pending.resolve({ token: 'shared', expiresAt: start + hour });
    const results = await Promise.all(calls);

    expect(fetchToken).toHaveBeenCalledTimes(1);
    expect(new Set(results.map((result) => result.token))).toEqual(new Set(['shared']));
  });

  it('delivers a failure to every waiter and retries on the next call', async () => {
    const failure = new Error('IMS unavailable');
    const fetchToken = vi
      .fn<(signal?: AbortSignal) => Promise<AccessToken>>()
      .mockRejectedValueOnce(failure)
      .mockResolvedValueOnce({ token: 'second', expiresAt: start + hour });
    const auth = createAuthenticator({ clientId: 'client', fetchToken });

    const results = await Promise.allSettled(
      Array.from({ length: 100 }, () => auth.getAccessToken()),
    );

    expect(
      results.every((result) => result.status === 'rejected' && result.reason === failure),
    ).toBe(true);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    expect((await auth.getAccessToken()).token).toBe('second');
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('never lets an older exchange overwrite a newer token', async () => {
    const older = deferred<AccessToken>();
    const newer = deferred<AccessToken>();
    const fetchToken = vi
      .fn<(signal?: AbortSignal) => Promise<AccessToken>>()
      .mockReturnValueOnce(older.promise)
      .mockReturnValueOnce(newer.promise);
    const auth = createAuthenticator({ clientId: 'client', fetchToken });

    const first = auth.getAccessToken();
    const second = auth.getAccessToken({ forceRefresh: true });
    // forceRefresh joins the running exchange, so force a second one via invalidate.
    auth.invalidate();
    const third = auth.getAccessToken();

    newer.resolve({ token: 'newer', expiresAt: start + 2 * hour });
    expect((await third).token).toBe('newer');
    older.resolve({ token: 'older', expiresAt: start + hour });
    expect((await first).token).toBe('older');
    expect((await second).token).toBe('older');

    expect((await auth.getAccessToken()).token).toBe('newer');
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });
});

describe('createAuthenticator background refresh', () => {
  it('redacts tokens from a logged refresh failure', async () => {
    const oldToken = 'cached-Access-Token-0123456789';
    const lines: string[] = [];
    setDebugSink((line) => lines.push(line));
    const failure = Object.assign(new Error(`refresh failed; old token ${oldToken}`), {
      code: `X_${oldToken}`,
      name: `Error ${oldToken}`,
      body: `raw ${oldToken}`,
    });
    const fetchToken = vi
      .fn<(signal?: AbortSignal) => Promise<AccessToken>>()
      .mockResolvedValueOnce({ token: oldToken, expiresAt: start + hour })
      .mockRejectedValueOnce(failure);
    const auth = createAuthenticator({ clientId: 'client', fetchToken });

    try {
      await auth.getAccessToken();
      vi.setSystemTime(start + hour - window);
      await auth.getAccessToken();
      await flush();
    } finally {
      setDebugSink(undefined);
    }

    const failed = lines.filter((line) => line.includes('failed'));
    expect(failed).toHaveLength(2);
    for (const line of failed) {
      expect(line).toContain('Error: refresh failed; old token [REDACTED]');
      expect(line).not.toContain(oldToken);
    }
  });

  it('redacts a refused new token from a logged failure', async () => {
    const newToken = 'new-Token-With Space-0123456789';
    const lines: string[] = [];
    setDebugSink((line) => lines.push(line));
    const auth = createAuthenticator({
      clientId: 'client',
      fetchToken: async () => ({ token: newToken, expiresAt: start + hour }),
    });

    try {
      await expect(auth.getAccessToken()).rejects.toThrow(/invalid token/);
    } finally {
      setDebugSink(undefined);
    }

    expect(lines.some((line) => line.includes('failed'))).toBe(true);
    expect(lines.join('\n')).not.toContain(newToken);
  });

  it('does not throw a background failure and throttles retries', async () => {
    const fetchToken = vi
      .fn<(signal?: AbortSignal) => Promise<AccessToken>>()
      .mockResolvedValueOnce({ token: 'token-1', expiresAt: start + hour })
      .mockRejectedValueOnce(new Error('IMS down'))
      .mockResolvedValueOnce({ token: 'token-2', expiresAt: start + 2 * hour });
    const auth = createAuthenticator({ clientId: 'client', fetchToken });
    await auth.getAccessToken();

    const inWindow = start + hour - window;
    vi.setSystemTime(inWindow);
    expect((await auth.getAccessToken()).token).toBe('token-1');
    await flush();
    expect(fetchToken).toHaveBeenCalledTimes(2);

    vi.setSystemTime(inWindow + BACKGROUND_RETRY_DELAY_MS - 1);
    expect((await auth.getAccessToken()).token).toBe('token-1');
    await flush();
    expect(fetchToken).toHaveBeenCalledTimes(2);

    vi.setSystemTime(inWindow + BACKGROUND_RETRY_DELAY_MS);
    expect((await auth.getAccessToken()).token).toBe('token-1');
    await flush();
    expect(fetchToken).toHaveBeenCalledTimes(3);
    expect((await auth.getAccessToken()).token).toBe('token-2');
  });

  it('delivers a background failure to callers who joined it', async () => {
    const background = deferred<AccessToken>();
    const fetchToken = vi
      .fn<(signal?: AbortSignal) => Promise<AccessToken>>()
      .mockResolvedValueOnce({ token: 'token-1', expiresAt: start + hour })
      .mockReturnValueOnce(background.promise);
    const auth = createAuthenticator({ clientId: 'client', fetchToken });
    await auth.getAccessToken();

    vi.setSystemTime(start + hour - window);
    await auth.getAccessToken();
    vi.setSystemTime(start + hour - margin);
    const waiter = auth.getAccessToken();
    const failure = new Error('IMS down');
    background.reject(failure);

    await expect(waiter).rejects.toBe(failure);
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });
});

describe('createAuthenticator abort', () => {
  it('ends one waiter and keeps the exchange for the others', async () => {
    const pending = deferred<AccessToken>();
    let exchangeSignal: AbortSignal | undefined;
    const fetchToken = vi.fn((signal?: AbortSignal) => {
      exchangeSignal = signal;
      return pending.promise;
    });
    const auth = createAuthenticator({ clientId: 'client', fetchToken });
    const controller = new AbortController();
    const reason = new Error('caller gave up');

    const aborted = auth.getAccessToken({ signal: controller.signal });
    const others = [
      auth.getAccessToken(),
      auth.getAccessToken({ signal: new AbortController().signal }),
    ];
    controller.abort(reason);

    await expect(aborted).rejects.toBe(reason);
    expect(exchangeSignal?.aborted).toBe(false);
    pending.resolve({ token: 'shared', expiresAt: start + hour });
    const results = await Promise.all(others);
    expect(results.map((result) => result.token)).toEqual(['shared', 'shared']);
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it('aborts the exchange when every waiter aborts', async () => {
    let exchangeSignal: AbortSignal | undefined;
    const fetchToken = vi.fn(
      (signal?: AbortSignal) =>
        new Promise<AccessToken>((_resolve, reject) => {
          exchangeSignal = signal;
          signal?.addEventListener('abort', () => reject(signal.reason));
        }),
    );
    const auth = createAuthenticator({ clientId: 'client', fetchToken });
    const first = new AbortController();
    const second = new AbortController();

    const calls = [
      auth.getAccessToken({ signal: first.signal }),
      auth.getAccessToken({ signal: second.signal }),
    ];
    first.abort();
    expect(exchangeSignal?.aborted).toBe(false);
    second.abort();

    const results = await Promise.allSettled(calls);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(exchangeSignal?.aborted).toBe(true);
    expect((exchangeSignal as AbortSignal).reason).toMatchObject({ name: 'AbortError' });

    // The abandoned exchange is not joined: the next call starts a new one.
    fetchToken.mockResolvedValueOnce({ token: 'next', expiresAt: start + hour });
    expect((await auth.getAccessToken()).token).toBe('next');
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('rejects an already-aborted signal without an exchange', async () => {
    const fetchToken = counterFetch();
    const auth = createAuthenticator({ clientId: 'client', fetchToken });
    const reason = new Error('already aborted');

    await expect(auth.getAccessToken({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(fetchToken).not.toHaveBeenCalled();
  });

  it('leaves no timer behind after settling', async () => {
    const fetchToken = counterFetch();
    const auth = createAuthenticator({ clientId: 'client', fetchToken });
    const controller = new AbortController();

    await auth.getAccessToken({ signal: controller.signal });
    vi.setSystemTime(start + hour - window);
    await auth.getAccessToken();
    await flush();
    const aborted = auth.getAccessToken({ signal: AbortSignal.abort() });
    await expect(aborted).rejects.toThrow();

    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('createAuthenticator validation', () => {
  it('lists every invalid option at once', () => {
    const error = captureError(() =>
      createAuthenticator({
        clientId: '',
        orgId: 42 as unknown as string,
        fetchToken: 'nope' as unknown as () => Promise<AccessToken>,
        refreshWindowMs: -1,
        expiryMarginMs: Number.NaN,
      }),
    );

    expect(error).toBeInstanceOf(ConfigurationError);
    const fields = (error as ConfigurationError).problems.map((problem) => problem.field);
    expect(fields).toEqual([
      'clientId',
      'orgId',
      'fetchToken',
      'refreshWindowMs',
      'expiryMarginMs',
    ]);
    expect((error as ConfigurationError).code).toBe('ERR_UMAPI_CONFIGURATION');
  });

  it.each([
    ['client_id', /use clientId instead/],
    ['refreshWindow', /use refreshWindowMs instead/],
    ['fetchTokn', /fetchToken/],
  ])('rejects the unknown option %s', (name, expected) => {
    const options = {
      clientId: 'client',
      fetchToken: async () => ({ token: 't', expiresAt: start + hour }),
      [name]: 1,
    };
    const error = captureError(() =>
      createAuthenticator(options as Parameters<typeof createAuthenticator>[0]),
    );

    expect(error).toBeInstanceOf(ConfigurationError);
    const problems = (error as ConfigurationError).problems;
    expect(problems.map((problem) => problem.field)).toEqual([name]);
    expect(problems[0]?.message).toMatch(expected);
  });

  it('rejects a missing options object', () => {
    expect(() =>
      createAuthenticator(undefined as unknown as Parameters<typeof createAuthenticator>[0]),
    ).toThrow(ConfigurationError);
  });

  it.each([
    ['null', null, /must resolve to an object/],
    ['empty token', { token: '', expiresAt: start + hour }, /token must be a non-empty string/],
    ['numeric token', { token: 42, expiresAt: start + hour }, /token must be a non-empty string/],
    [
      'string expiresAt',
      { token: 'secret-token', expiresAt: '123' },
      /expiresAt must be a finite number/,
    ],
    [
      'infinite expiresAt',
      { token: 'secret-token', expiresAt: Number.POSITIVE_INFINITY },
      /expiresAt must be a finite/,
    ],
    [
      'a token with a trailing newline',
      { token: 'secret-token\n', expiresAt: start + hour },
      /cannot be sent as a bearer token/,
    ],
    [
      'a token with a space',
      { token: 'secret token', expiresAt: start + hour },
      /spaces or characters other than visible ASCII/,
    ],
    [
      'expiresAt in epoch seconds',
      { token: 'secret-token', expiresAt: Math.floor(start / 1000) + 3600 },
      /expiresAt \d+ \(1970-.*is not later than now.*must be epoch milliseconds/,
    ],
    [
      'expiresAt equal to now',
      { token: 'secret-token', expiresAt: start },
      /is not later than now/,
    ],
    [
      'expiresAt in epoch microseconds',
      { token: 'secret-token', expiresAt: (start + hour) * 1000 },
      /more than 365 days after now.*must be epoch milliseconds/,
    ],
    [
      'expiresAt a day over a year ahead',
      { token: 'secret-token', expiresAt: start + MAX_TOKEN_LIFETIME_MS + 1 },
      /more than 365 days after now/,
    ],
  ])('rejects a token from fetchToken: %s', async (_name, value, message) => {
    const auth = createAuthenticator({
      clientId: 'client',
      fetchToken: async () => value as unknown as AccessToken,
    });

    const error = await auth.getAccessToken().catch((caught: unknown) => caught);

    expect((error as Error).message).toMatch(message);
    expect((error as { code?: string }).code).toBe('ERR_UMAPI_INVALID_TOKEN');
    expect(inspect(error)).not.toContain('secret-token');
  });
});

describe('createAuthenticator expiry bounds', () => {
  it('caches no token with a past expiresAt', async () => {
    const fetchToken = vi.fn(async () => ({ token: 'secret-token', expiresAt: start / 1000 }));
    const auth = createAuthenticator({ clientId: 'client', fetchToken });

    const first = await auth.getAccessToken().catch((caught: unknown) => caught);
    const second = await auth.getAccessToken().catch((caught: unknown) => caught);

    expect((first as { code?: string }).code).toBe('ERR_UMAPI_INVALID_TOKEN');
    expect((second as { code?: string }).code).toBe('ERR_UMAPI_INVALID_TOKEN');
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('accepts a lifetime of exactly the maximum', async () => {
    const auth = createAuthenticator({
      clientId: 'client',
      fetchToken: async () => ({ token: 'year-token', expiresAt: start + MAX_TOKEN_LIFETIME_MS }),
    });

    const token = await auth.getAccessToken();

    expect(token.expiresAt).toBe(start + MAX_TOKEN_LIFETIME_MS);
  });

  it('accepts a token inside the expiry margin', async () => {
    const auth = createAuthenticator({
      clientId: 'client',
      fetchToken: async () => ({ token: 'short-token', expiresAt: start + 1 }),
    });

    const token = await auth.getAccessToken();

    expect(token.token).toBe('short-token');
  });
});

describe('createAuthenticator redaction', () => {
  it('shows no token in inspect or JSON', async () => {
    const auth = createAuthenticator({
      clientId: 'client',
      orgId: 'org@AdobeOrg',
      fetchToken: async () => ({ token: 'very-secret-token', expiresAt: start + hour }),
    });
    await auth.getAccessToken();

    const shown = [
      inspect(auth, { showHidden: true, depth: 10 }),
      JSON.stringify(auth),
      String(Object.keys(auth)),
    ];

    for (const text of shown) {
      expect(text).not.toContain('very-secret-token');
    }
    expect(JSON.parse(JSON.stringify(auth))).toEqual({ clientId: 'client', orgId: 'org@AdobeOrg' });
    expect(inspect(auth)).toContain('client');
  });
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }

  throw new Error('expected an error');
}
