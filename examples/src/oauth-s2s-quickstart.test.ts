// Runs the OAuth server-to-server quickstart against the fake IMS and fake UMAPI.
import { ImsError } from '@umapi/auth-core';
import { ListingError } from '@umapi/connection';
import { type FakeIms, type FakeUmapi, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './oauth-s2s-quickstart.js';

let ims: FakeIms;
let umapi: FakeUmapi;

beforeAll(async () => {
  ims = await startFakeIms();
  umapi = await startFakeUmapi({
    ims,
    users: [{ email: 'ada@example.com', groups: ['Engineering'] }, { email: 'grace@example.com' }],
  });
});

afterAll(async () => {
  await umapi?.close();
  await ims?.close();
});

describe('OAuth server-to-server quickstart', () => {
  it('lists users and sends a test-mode action', async () => {
    const credentials = await ims.createOAuthCredentials();
    const lines: string[] = [];

    const { users, result } = await main({
      ...credentials,
      endpoint: umapi.url,
      user: 'grace@example.com',
      group: 'Support',
      log: (line) => lines.push(line),
    });

    expect(users.map((user) => user.email).sort()).toEqual([
      'ada@example.com',
      'grace@example.com',
    ]);
    expect(result.completed).toBe(1);
    expect(result.errors).toEqual([]);
    expect(lines).toContain('ada@example.com\tEngineering');
    expect(lines).toContain('test-mode action: 1 completed, 0 failed');

    const exchanges = ims.exchanges.filter(
      (exchange) => exchange.clientId === credentials.clientId,
    );
    expect(exchanges.map((exchange) => exchange.grant)).toEqual(['client_credentials']);

    // Test mode: UMAPI checked the action and changed nothing.
    const action = umapi.requests.find((request) => request.method === 'POST');
    expect(action?.query.testOnly).toBe('true');
    expect(umapi.getUser('grace@example.com')?.groups).toEqual([]);
  });

  it('reports a test-mode action on an unknown user', async () => {
    const credentials = await ims.createOAuthCredentials();

    const { result } = await main({
      ...credentials,
      endpoint: umapi.url,
      user: 'nobody@example.com',
      group: 'Support',
      log: () => {},
    });

    expect(result.completed).toBe(0);
    expect(result.errors.map((error) => error.actionIndex)).toEqual([0]);
  });

  it('fails with ImsError for a wrong client secret', async () => {
    const credentials = await ims.createOAuthCredentials();

    const error = await main({
      ...credentials,
      clientSecret: 'not-the-secret',
      endpoint: umapi.url,
      user: 'grace@example.com',
      group: 'Support',
      log: () => {},
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ListingError);
    expect((error as ListingError).cause).toBeInstanceOf(ImsError);
    expect(((error as ListingError).cause as ImsError).code).toBe('invalid_client');
    expect(String(error)).not.toContain('not-the-secret');
  });
});
