import { DEFAULT_BUDGETS } from '@umapi/connection';
import { afterEach, describe, expect, it } from 'vitest';
import { type Client, createClient } from './client.js';
import { type FakeAdobe, startFakeAdobe } from './fake-adobe.js';
import { resolveSettings } from './settings/resolve.js';

let fake: FakeAdobe | undefined;
let client: Client | undefined;

afterEach(async () => {
  await client?.close();
  await fake?.close();
  client = undefined;
  fake = undefined;
});

describe('createClient rate limits', () => {
  it('turns them off for the embedded fakes', async () => {
    fake = await startFakeAdobe({ pageSize: 1 });
    const settings = await resolveSettings(fake.settings, { requireOrgId: true });
    client = createClient(settings, { connect: true, embeddedFake: true });
    const connection = client.connection!;

    // Checked before listing: with the default budget of 5 group requests per
    // minute, each page after the first would wait about 12 s.
    const before = await connection.status();
    expect(before.local.rateLimits.groups.requestsPerMinute).toBe(false);

    const names: string[] = [];
    for await (const group of connection.groups()) {
      names.push(group.groupName);
    }

    const { local } = await connection.status();
    expect(names).toHaveLength(fake.groupCount);
    expect(local.requestsSent).toBeGreaterThanOrEqual(fake.groupCount);
    expect(local.rateLimits.groups.waitMs).toBe(0);
  });

  it('keeps the default budgets for Adobe', async () => {
    const source = 'test';
    const settings = await resolveSettings(
      {
        clientId: { value: 'client-for-default-budgets', source },
        clientSecret: { value: 'client-secret', source },
        orgId: { value: '12345ABCDE@AdobeOrg', source },
      },
      { requireOrgId: true },
    );

    // Building the client sends nothing, and status() without `remote` reads local counters only.
    client = createClient(settings, { connect: true, embeddedFake: false });
    const { local } = await client.connection!.status();

    expect(settings.endpoint).toBe('https://usermanagement.adobe.io/v2/usermanagement');
    expect(local.requestsSent).toBe(0);
    expect(local.rateLimits.groups.requestsPerMinute).toBe(DEFAULT_BUDGETS.groups);
    expect(local.rateLimits.users.requestsPerMinute).toBe(DEFAULT_BUDGETS.users);
  });
});
