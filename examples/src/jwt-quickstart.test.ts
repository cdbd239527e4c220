// Runs the service-account (JWT) quickstart against the fake IMS and fake UMAPI.
import { ConfigurationError } from '@umapi/auth-core';
import { type FakeIms, type FakeUmapi, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './jwt-quickstart.js';

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

describe('JWT quickstart', () => {
  it('lists users and sends a test-mode action', async () => {
    // A new RSA key pair, registered with the fake IMS, as the Developer Console hands it out.
    const credentials = await ims.createJwtCredentials();
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
    expect(lines).toContain('test-mode action: 1 completed, 0 failed');

    const exchanges = ims.exchanges.filter(
      (exchange) => exchange.clientId === credentials.clientId,
    );
    expect(exchanges.map((exchange) => exchange.grant)).toEqual(['jwt']);
    expect(umapi.requests.find((request) => request.method === 'POST')?.query.testOnly).toBe(
      'true',
    );
    expect(umapi.getUser('grace@example.com')?.groups).toEqual([]);
  });

  it('accepts an encrypted PKCS#8 key with its passphrase', async () => {
    const credentials = await ims.createJwtCredentials({ keyFormat: 'encrypted-pkcs8' });

    const { result } = await main({
      ...credentials,
      endpoint: umapi.url,
      user: 'ada@example.com',
      group: 'Support',
      log: () => {},
    });

    expect(result.completed).toBe(1);
  });

  it('rejects a key without its passphrase before sending anything', async () => {
    const { passphrase: _passphrase, ...credentials } = await ims.createJwtCredentials({
      keyFormat: 'encrypted-pkcs8',
    });
    const exchangesBefore = ims.exchanges.length;

    const error = await main({
      ...credentials,
      endpoint: umapi.url,
      user: 'ada@example.com',
      group: 'Support',
      log: () => {},
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigurationError);
    const problem = (error as ConfigurationError).problems.find(
      (entry) => entry.field === 'privateKey',
    );
    expect(problem?.message).toMatch(/passphrase/);
    expect(ims.exchanges.length).toBe(exchangesBefore);
  });
});
