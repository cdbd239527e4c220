import { describe, expect, it } from 'vitest';
import { startFakeIms } from '../ims/fake-ims.js';
import type { FailNextOptions } from './faults.js';
import { oauthToken, postForm, useFakeIms, useFakeUmapi } from '../test-helpers.js';

async function tokenRequest(url: string): Promise<Response> {
  return postForm(`${url}/ims/token/v3`, {
    grant_type: 'client_credentials',
    client_id: 'x',
    client_secret: 'y',
  });
}

describe('failNext on the fake IMS', () => {
  it('answers the injected status with an IMS body', async () => {
    const ims = await useFakeIms();
    ims.failNext({ status: 503 });

    const response = await tokenRequest(ims.url);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: 'server_error',
      error_description: expect.any(String),
    });
    expect(response.headers.get('x-debug-id')).toBeTruthy();
    expect(ims.exchanges.at(-1)).toMatchObject({ outcome: 'fault', status: 503 });
  });

  it('sends a non-JSON body as HTML', async () => {
    const ims = await useFakeIms();
    ims.failNext({ status: 502, body: '<html><body>Bad Gateway</body></html>' });

    const response = await tokenRequest(ims.url);
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toBe('<html><body>Bad Gateway</body></html>');
  });

  it('sends a custom JSON body and Retry-After', async () => {
    const ims = await useFakeIms();
    ims.failNext({ status: 429, body: { error: 'too_many_requests' }, retryAfter: 7 });

    const response = await tokenRequest(ims.url);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toEqual({ error: 'too_many_requests' });
  });

  it('repeats a fault for times requests, then recovers', async () => {
    const ims = await useFakeIms();
    ims.failNext({ status: 500, times: 2 });

    expect((await tokenRequest(ims.url)).status).toBe(500);
    expect((await tokenRequest(ims.url)).status).toBe(500);
    expect((await tokenRequest(ims.url)).status).toBe(400);
  });

  it('queues faults in order', async () => {
    const ims = await useFakeIms();
    ims.failNext({ status: 500 });
    ims.failNext({ status: 504 });

    expect((await tokenRequest(ims.url)).status).toBe(500);
    expect((await tokenRequest(ims.url)).status).toBe(504);
  });

  it('drops the connection', async () => {
    const ims = await useFakeIms();
    ims.failNext({ drop: true });

    await expect(tokenRequest(ims.url)).rejects.toThrow(TypeError);
    expect(ims.exchanges.at(-1)).toMatchObject({ outcome: 'dropped', status: undefined });
    expect((await tokenRequest(ims.url)).status).toBe(400);
  });

  it('delays a normal answer', async () => {
    const ims = await useFakeIms();
    ims.failNext({ delayMs: 20 });

    const response = await tokenRequest(ims.url);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('delays past a client timeout', async () => {
    const ims = await useFakeIms();
    ims.failNext({ delayMs: 60_000 });

    const timedOut = fetch(`${ims.url}/ims/token/v3`, {
      method: 'POST',
      signal: AbortSignal.timeout(100),
    });
    await expect(timedOut).rejects.toMatchObject({ name: 'TimeoutError' });
    expect((await tokenRequest(ims.url)).status).toBe(400);
  });

  it('close() ends a delayed request', async () => {
    const ims = await startFakeIms();
    ims.failNext({ delayMs: 60_000 });

    const pending = tokenRequest(ims.url);
    while (ims.exchanges.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await ims.close();
    await expect(pending).rejects.toThrow(TypeError);
  });

  it('stalls a body mid-way', async () => {
    const ims = await useFakeIms();
    ims.failNext({ stallBodyMs: 60_000 });

    const controller = new AbortController();
    const response = await fetch(`${ims.url}/ims/token/v3`, {
      method: 'POST',
      signal: controller.signal,
    });
    expect(response.status).toBe(400);

    const reading = response.text();
    const timer = setTimeout(() => controller.abort(), 100);
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    clearTimeout(timer);
  });

  it('completes a briefly stalled body', async () => {
    const ims = await useFakeIms();
    ims.failNext({ status: 502, body: { error: 'bad_gateway' }, stallBodyMs: 20 });

    const response = await tokenRequest(ims.url);
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: 'bad_gateway' });
  });

  it('validates its options', async () => {
    const ims = await useFakeIms();
    expect(() => ims.failNext({ times: 0 })).toThrow(/times/);
    expect(() => ims.failNext({ delayMs: -1 })).toThrow(/delayMs/);
    expect(() => ims.failNext({ stallBodyMs: Number.NaN })).toThrow(/stallBodyMs/);
  });
});

describe('failNext option checks', () => {
  const fakes = [
    ['fake IMS', async () => useFakeIms()],
    ['fake UMAPI', async () => useFakeUmapi({ ims: await useFakeIms() })],
  ] as const;

  it.each(fakes)('suggests the closest key on the %s', async (_name, start) => {
    const fake = await start();

    const attempt = () => fake.failNext({ stauts: 500 } as unknown as FailNextOptions);

    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow('failNext({ stauts }) is not an option; did you mean status?');
  });

  it.each(fakes)('lists the options for a far-off key on the %s', async (_name, start) => {
    const fake = await start();

    expect(() => fake.failNext({ errorCode: 'x' } as unknown as FailNextOptions)).toThrow(
      /failNext\(\{ errorCode \}\) is not an option; the options are status, body, headers/,
    );
  });

  it.each(
    fakes.flatMap(([name, start]) =>
      [99, 100, 199, 600, 500.5, Number.NaN, '500'].map((status) => [name, start, status] as const),
    ),
  )('rejects status on the %s: %s', async (_name, start, status) => {
    const fake = await start();

    const attempt = () => fake.failNext({ status } as unknown as FailNextOptions);

    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(/failNext\(\{ status \}\) expects an integer HTTP status from 200 to 599/);
  });

  it.each(fakes)('accepts the status bounds on the %s', async (_name, start) => {
    const fake = await start();

    expect(() => fake.failNext({ status: 200 })).not.toThrow();
    expect(() => fake.failNext({ status: 599 })).not.toThrow();
  });

  it.each(
    fakes.flatMap(([name, start]) =>
      [-1, Number.NaN, Number.POSITIVE_INFINITY, '', '-5', '1.5', 'soon', 'Mon, 99 Foo 2026 00:00:00 GMT', true].map(
        (retryAfter) => [name, start, retryAfter] as const,
      ),
    ),
  )('rejects retryAfter on the %s: %s', async (_name, start, retryAfter) => {
    const fake = await start();

    const attempt = () => fake.failNext({ retryAfter } as unknown as FailNextOptions);

    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(/failNext\(\{ retryAfter \}\) expects seconds >= 0 or an HTTP date/);
  });

  it.each(fakes)('accepts valid retryAfter forms on the %s', async (_name, start) => {
    const fake = await start();

    expect(() => fake.failNext({ retryAfter: 0 })).not.toThrow();
    expect(() => fake.failNext({ retryAfter: 600 })).not.toThrow();
    expect(() => fake.failNext({ retryAfter: '120' })).not.toThrow();
    expect(() => fake.failNext({ retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT' })).not.toThrow();
  });

  it.each(
    fakes.flatMap(([name, start]) =>
      [{ status: 502 }, { body: 'gone' }].map((extra) => [name, start, extra] as const),
    ),
  )('rejects drop with a response on the %s: %j', async (_name, start, extra) => {
    const fake = await start();

    const attempt = () => fake.failNext({ drop: true, ...extra });

    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(/failNext\(\{ drop \}\) closes the connection .* cannot be combined with (status|body)/);
  });

  it.each(fakes)('accepts drop with a delay on the %s', async (_name, start) => {
    const fake = await start();

    expect(() => fake.failNext({ drop: true, delayMs: 10, times: 2 })).not.toThrow();
  });

  it.each(
    fakes.flatMap(([name, start]) =>
      (['delayMs', 'stallBodyMs'] as const).flatMap((key) =>
        [2 ** 31, 1e12, Number.POSITIVE_INFINITY, Number.NaN, -1, '10'].map((value) => [key, name, value, start] as const),
      ),
    ),
  )('rejects %s on the %s: %s', async (key, _name, value, start) => {
    const fake = await start();

    const attempt = () => fake.failNext({ [key]: value } as unknown as FailNextOptions);

    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(`failNext({ ${key} }) expects finite milliseconds from 0 to 2147483647`);
  });

  it.each(fakes)('accepts the longest timer delay on the %s', async (_name, start) => {
    const fake = await start();

    expect(() => fake.failNext({ delayMs: 2 ** 31 - 1 })).not.toThrow();
    expect(() => fake.failNext({ stallBodyMs: 2 ** 31 - 1 })).not.toThrow();
  });

  it.each(fakes)('rejects a BigInt body on the %s', async (_name, start) => {
    const fake = await start();

    const attempt = () => fake.failNext({ status: 500, body: { count: 10n } });

    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(/^failNext\(\{ body \}\) cannot be serialised as JSON \(Do not know how to serialize a BigInt\)/);
  });

  it.each(fakes)('rejects a circular body on the %s', async (_name, start) => {
    const fake = await start();
    const body: Record<string, unknown> = { error: 'loop' };
    body.self = body;

    const attempt = () => fake.failNext({ status: 500, body });

    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(/^failNext\(\{ body \}\) cannot be serialised as JSON \(Converting circular structure to JSON\)/);
  });

  it.each(fakes)('rejects a function body on the %s', async (_name, start) => {
    const fake = await start();

    expect(() => fake.failNext({ body: () => 'x' })).toThrow('failNext({ body }) cannot be serialised as JSON (a function)');
  });

  it.each(
    fakes.flatMap(([name, start]) =>
      ['a\r\nx-injected: 1', 'line\nbreak', 'nul\u0000', 'bell\u0007'].map((value) => [name, value, start] as const),
    ),
  )('rejects a header value on the %s: %j', async (_name, value, start) => {
    const fake = await start();

    const attempt = () => fake.failNext({ status: 502, headers: { 'x-proxy': value } });

    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow('failNext({ headers }) has a control character such as CR or LF in the value of x-proxy');
  });

  it.each(fakes)('rejects an invalid header name on the %s', async (_name, start) => {
    const fake = await start();

    expect(() => fake.failNext({ headers: { 'bad name': 'x' } })).toThrow('failNext({ headers }) has an invalid header name "bad name"');
    expect(() => fake.failNext({ headers: { 'x-count': 3 } } as unknown as FailNextOptions)).toThrow(
      'failNext({ headers }) expects a string value for x-count, got number',
    );
  });

  it('responds 500 for a body changed after failNext', async () => {
    const ims = await useFakeIms();
    const body: Record<string, unknown> = { error: 'bad_gateway' };
    ims.failNext({ status: 502, body });
    body.count = 1n;

    const response = await tokenRequest(ims.url);

    expect(response.status).toBe(500);
  });

  it('sends a header value with a tab', async () => {
    const ims = await useFakeIms();
    ims.failNext({ status: 502, headers: { 'x-proxy': 'edge\t1' } });

    const response = await tokenRequest(ims.url);

    expect(response.status).toBe(502);
    expect(response.headers.get('x-proxy')).toBe('edge\t1');
  });

  it('queues nothing after a rejected fault', async () => {
    const ims = await useFakeIms();

    expect(() => ims.failNext({ stauts: 500 } as unknown as FailNextOptions)).toThrow(TypeError);
    expect(() => ims.failNext({ drop: true, status: 500 })).toThrow(TypeError);
    expect(() => ims.failNext({ status: 500, body: { count: 1n } })).toThrow(TypeError);
    expect(() => ims.failNext({ delayMs: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => ims.failNext({ status: 500, headers: { 'x-a': 'b\r\nc' } })).toThrow(TypeError);

    expect((await tokenRequest(ims.url)).status).toBe(400);
  });
});

describe('failNext on the fake UMAPI', () => {
  it('throttles with UMAPI body and Retry-After', async () => {
    const ims = await useFakeIms();
    const umapi = await useFakeUmapi({ ims });
    const { clientId, token } = await oauthToken(ims);
    umapi.failNext({ status: 429, retryAfter: 30 });

    const response = await fetch(`${umapi.url}/users/${umapi.orgId}/0`, {
      headers: { authorization: `Bearer ${token}`, 'x-api-key': clientId },
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(await response.json()).toEqual({ error_code: '429050', message: 'Too many requests' });
    expect(umapi.requests.at(-1)?.status).toBe(429);
  });

  it('drops, delays and recovers', async () => {
    const ims = await useFakeIms();
    const umapi = await useFakeUmapi({ ims });
    umapi.failNext({ drop: true, delayMs: 10 });
    umapi.failNext({ status: 503, body: 'Service Unavailable' });

    await expect(fetch(`${umapi.origin}/status`)).rejects.toThrow(TypeError);
    const unavailable = await fetch(`${umapi.origin}/status`);
    expect(unavailable.status).toBe(503);
    expect(await unavailable.text()).toBe('Service Unavailable');
    expect((await fetch(`${umapi.origin}/status`)).status).toBe(200);
  });
});
