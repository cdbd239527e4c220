import { startFakeIms, startFakeUmapi } from '@umapi/testing';
import type { RawSettings } from './settings/setting.js';

/** Users the fake UMAPI starts with: a small org with a few account types and groups. */
const SEED_USERS = [
  { email: 'ada.lovelace@example.com', firstname: 'Ada', lastname: 'Lovelace', country: 'GB', groups: ['Engineering', 'Default All Apps configuration'] },
  { email: 'grace.hopper@example.com', firstname: 'Grace', lastname: 'Hopper', country: 'US', groups: ['Engineering'] },
  { email: 'alan.turing@example.com', firstname: 'Alan', lastname: 'Turing', country: 'GB', groups: ['Engineering', 'Support'] },
  { email: 'katherine.johnson@example.com', firstname: 'Katherine', lastname: 'Johnson', country: 'US', groups: ['Default All Apps configuration'] },
  { email: 'margaret.hamilton@example.com', firstname: 'Margaret', lastname: 'Hamilton', country: 'US', groups: ['Engineering'] },
  { email: 'tim.berners-lee@example.org', firstname: 'Tim', lastname: 'Berners-Lee', country: 'GB', type: 'enterpriseID' as const, groups: ['Marketing'] },
  { email: 'hedy.lamarr@example.org', firstname: 'Hedy', lastname: 'Lamarr', country: 'AT', type: 'enterpriseID' as const, groups: ['Marketing', 'Sales'] },
  { email: 'edsger.dijkstra@example.org', firstname: 'Edsger', lastname: 'Dijkstra', country: 'NL', groups: ['Support'] },
  { email: 'barbara.liskov@example.com', firstname: 'Barbara', lastname: 'Liskov', country: 'US', groups: ['Engineering', 'Default All Apps configuration'] },
  { email: 'linus.torvalds@example.org', firstname: 'Linus', lastname: 'Torvalds', country: 'FI', status: 'disabled' as const, groups: [] },
  { email: 'radia.perlman@example.com', firstname: 'Radia', lastname: 'Perlman', country: 'US', groups: ['Sales'] },
  { email: 'donald.knuth@example.com', firstname: 'Donald', lastname: 'Knuth', country: 'US', type: 'adobeID' as const, groups: ['Support'] },
];

const SEED_GROUPS = [
  { groupName: 'Engineering' },
  { groupName: 'Marketing' },
  { groupName: 'Sales' },
  { groupName: 'Support' },
  { groupName: 'Default All Apps configuration', type: 'PRODUCT_PROFILE' as const, productName: 'All Apps' },
];

// Small pages, so even the demo org shows paging at work.
const PAGE_SIZE = 5;

/** The fake IMS and fake UMAPI, started in this process, and settings that point at them. */
export interface FakeAdobe {
  settings: RawSettings;
  imsUrl: string;
  umapiUrl: string;
  orgId: string;
  userCount: number;
  groupCount: number;
  pageSize: number;
  close(): Promise<void>;
}

/**
 * Starts the fake IMS and fake UMAPI on 127.0.0.1 (random ports) and registers
 * a new JWT credential with a freshly generated RSA key pair, so a command run
 * against them goes through key loading, the JWT exchange, and paged queries.
 *
 * @param options - `pageSize`: records per page of listings, default 5.
 */
export async function startFakeAdobe({ pageSize = PAGE_SIZE }: { pageSize?: number } = {}): Promise<FakeAdobe> {
  const ims = await startFakeIms();

  try {
    const credentials = await ims.createJwtCredentials();
    const umapi = await startFakeUmapi({
      ims,
      orgId: credentials.orgId,
      users: SEED_USERS,
      groups: SEED_GROUPS,
      pageSize,
    });
    const source = 'fake Adobe servers';

    return {
      settings: {
        method: { value: 'jwt', source },
        orgId: { value: credentials.orgId, source },
        clientId: { value: credentials.clientId, source },
        clientSecret: { value: credentials.clientSecret, source },
        techAcctId: { value: credentials.techAcctId, source },
        privateKeyData: { value: credentials.privateKey, source: 'a key pair generated for this run' },
        authHost: { value: ims.url, source },
        host: { value: umapi.url, source },
      },
      imsUrl: ims.url,
      umapiUrl: umapi.url,
      orgId: credentials.orgId,
      userCount: SEED_USERS.length,
      groupCount: SEED_GROUPS.length,
      pageSize,
      async close() {
        await umapi.close();
        await ims.close();
      },
    };
  } catch (error) {
    await ims.close();
    throw error;
  }
}
