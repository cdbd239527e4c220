import { describe, expect, it } from 'vitest';
import { oauthToken, useFakeIms, useFakeUmapi } from '../test-helpers.js';
import type { FakeUmapiOptions } from './fake-umapi.js';

async function setUp(options: Omit<FakeUmapiOptions, 'ims'>) {
  const ims = await useFakeIms();
  const umapi = await useFakeUmapi({ ims, users: 3, ...options });
  const clients = [await oauthToken(ims), await oauthToken(ims)];

  const call = async (
    path: string,
    client = 0,
    method = 'GET',
  ): Promise<{ status: number; retryAfter: string | null; body: unknown }> => {
    const { clientId, token } = clients[client]!;
    const response = await fetch(`${umapi.url}${path.replace('{org}', umapi.orgId)}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'x-api-key': clientId,
        'content-type': 'application/json',
      },
      body:
        method === 'POST'
          ? JSON.stringify([{ user: 'user000000@example.com', do: [{ update: {} }] }])
          : undefined,
    });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: await response.json(),
    };
  };
  return { umapi, clients, call };
}

describe('fake UMAPI request budgets', () => {
  it('does not throttle without rateLimits', async () => {
    const { umapi, call } = await setUp({});
    for (let index = 0; index < 30; index++)
      expect((await call('/groups/{org}/0')).status).toBe(200);
    expect(umapi.rateLimitStats()).toBeUndefined();
  });

  it('enforces a sliding one-minute window', async () => {
    let realNow = Date.parse('2030-01-01T00:00:00Z');
    const { call } = await setUp({ rateLimits: { users: 3 }, now: () => realNow });

    // Three requests at 0 s, 10 s and 20 s use up the budget.
    for (let index = 0; index < 3; index++) {
      if (index > 0) realNow += 10_000;
      expect((await call('/users/{org}/0')).status).toBe(200);
    }

    realNow += 10_000;
    const throttled = await call('/users/{org}/0');
    expect(throttled.status).toBe(429);
    expect(throttled.retryAfter).toBe('30');
    expect(throttled.body).toEqual({ error_code: '429050', message: 'Too many requests' });

    realNow += 30_000;
    expect((await call('/users/{org}/0')).status).toBe(200);

    realNow += 1_000;
    const again = await call('/users/{org}/0');
    expect(again.status).toBe(429);
    expect(again.retryAfter).toBe('9');
  });

  it('keeps separate budgets per client ID', async () => {
    const { umapi, clients, call } = await setUp({ rateLimits: { users: 2 } });

    expect((await call('/users/{org}/0', 0)).status).toBe(200);
    expect((await call('/users/{org}/0', 0)).status).toBe(200);
    expect((await call('/users/{org}/0', 0)).status).toBe(429);
    expect((await call('/users/{org}/0', 1)).status).toBe(200);

    expect(umapi.rateLimitStats(clients[0]!.clientId)?.users).toEqual({
      limit: 2,
      served: 2,
      throttled: 1,
    });
    expect(umapi.rateLimitStats(clients[1]!.clientId)?.users).toEqual({
      limit: 2,
      served: 1,
      throttled: 0,
    });
    expect(umapi.rateLimitStats()?.users).toEqual({ limit: 2, served: 3, throttled: 1 });
  });

  it('applies UMAPI defaults per request class', async () => {
    const { umapi, call } = await setUp({ rateLimits: true });

    for (let index = 0; index < 5; index++)
      expect((await call('/groups/{org}/0')).status).toBe(200);
    expect((await call('/groups/{org}/0')).status).toBe(429);
    for (let index = 0; index < 5; index++)
      expect((await call('/users/{org}/0/Sales')).status).toBe(200);
    expect((await call('/users/{org}/0/Sales')).status).toBe(429);
    for (let index = 0; index < 10; index++)
      expect((await call('/action/{org}', 0, 'POST')).status).toBe(200);
    expect((await call('/action/{org}', 0, 'POST')).status).toBe(429);
    for (let index = 0; index < 25; index++)
      expect((await call('/users/{org}/0')).status).toBe(200);
    expect((await call('/users/{org}/0')).status).toBe(429);

    expect(umapi.rateLimitStats()).toEqual({
      users: { limit: 25, served: 25, throttled: 1 },
      groupUsers: { limit: 5, served: 5, throttled: 1 },
      groups: { limit: 5, served: 5, throttled: 1 },
      actions: { limit: 10, served: 10, throttled: 1 },
    });
  });

  it('leaves single-user lookups and status unbudgeted', async () => {
    const { call } = await setUp({
      rateLimits: { users: 1, groupUsers: 1, groups: 1, actions: 1 },
    });
    for (let index = 0; index < 5; index++) {
      expect((await call('/organizations/{org}/users/user000001@example.org')).status).toBe(200);
    }
  });

  it('compresses the window with timeScale', async () => {
    let realNow = 1_000_000;
    const { umapi, call } = await setUp({
      rateLimits: { groups: 1 },
      timeScale: 60,
      now: () => realNow,
    });

    expect((await call('/groups/{org}/0')).status).toBe(200);
    realNow += 500;
    expect(umapi.now() - 1_000_000).toBe(30_000);

    const throttled = await call('/groups/{org}/0');
    expect(throttled.status).toBe(429);
    // 30 s of budget time is 0.5 real seconds, rounded up to the 1-second minimum.
    expect(throttled.retryAfter).toBe('1');

    realNow += 500;
    expect((await call('/groups/{org}/0')).status).toBe(200);
  });

  it('reports Retry-After in real seconds', async () => {
    let realNow = 1_000_000;
    const { call } = await setUp({ rateLimits: { groups: 1 }, timeScale: 2, now: () => realNow });

    expect((await call('/groups/{org}/0')).status).toBe(200);
    realNow += 5_000;
    const throttled = await call('/groups/{org}/0');
    expect(throttled.status).toBe(429);
    // 60 - 10 = 50 s of budget time left, at two budget seconds per real second.
    expect(throttled.retryAfter).toBe('25');
  });

  it('moves the window with advance()', async () => {
    const { umapi, call } = await setUp({ rateLimits: { actions: 1 } });

    expect((await call('/action/{org}', 0, 'POST')).status).toBe(200);
    expect((await call('/action/{org}', 0, 'POST')).status).toBe(429);
    umapi.advance(60_000);
    expect((await call('/action/{org}', 0, 'POST')).status).toBe(200);
  });

  it('validates rateLimits', async () => {
    const ims = await useFakeIms();
    await expect(useFakeUmapi({ ims, rateLimits: { users: 0 } })).rejects.toThrow(
      /rateLimits\.users/,
    );
    await expect(useFakeUmapi({ ims, rateLimits: { user: 5 } as never })).rejects.toThrow(
      /rateLimits\.user /,
    );
  });
});
