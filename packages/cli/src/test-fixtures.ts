import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeIms, type FakeUmapi, type JwtCredentials, type OAuthCredentials, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { stringify } from 'yaml';

/** Fake servers, credentials of both kinds for one org, and a temporary folder for config files. */
export interface Fixtures {
  ims: FakeIms;
  umapi: FakeUmapi;
  jwt: JwtCredentials;
  oauth: OAuthCredentials;
  /** A temporary folder, removed by `close`. */
  folder: string;
  /** The JWT private key, written to `<folder>/keys/private.key`. */
  keyPath: string;
  /** Environment variables for an OAuth server-to-server run against the fakes. */
  oauthEnv: Record<string, string>;
  /** Writes a config file into the folder (a subfolder when the name has one) and returns its path. */
  writeConfig(name: string, content: unknown): Promise<string>;
  /** Every secret the tests hand to the CLI: none may appear in its output. */
  secrets(): string[];
  close(): Promise<void>;
}

/**
 * Users the fake UMAPI serves: 7 users over pages of 5. Groups fit on one
 * page, because Connection spaces group listing requests 12 s apart (UMAPI's
 * budget of 5 per minute) and a second page would slow the suite.
 */
export const USER_COUNT = 7;
export const PAGE_SIZE = 5;

/** Members of the `Designers` group, and users of the `example.org` domain, in the seeded org. */
export const DESIGNER_COUNT = 3;
export const EXAMPLE_ORG_COUNT = 2;

const SEED_USERS = [
  { email: 'ann@example.com', groups: ['Designers'] },
  { email: 'bob@example.com', groups: ['Designers', 'Writers'] },
  { email: 'cy@example.com', groups: [] },
  { email: 'dee@example.org', groups: ['Designers'] },
  { email: 'eve@example.org', groups: ['Writers'] },
  { email: 'fay@example.com', groups: [] },
  { email: 'gus@example.com', groups: [] },
];

/** Starts a fake IMS and UMAPI on 127.0.0.1 and writes a key file. */
export async function startFixtures(): Promise<Fixtures> {
  const ims = await startFakeIms();
  const jwt = await ims.createJwtCredentials();
  const oauth = await ims.createOAuthCredentials({ orgId: jwt.orgId });
  const umapi = await startFakeUmapi({ ims, orgId: jwt.orgId, users: SEED_USERS, groups: [{ groupName: 'Designers' }, { groupName: 'Writers' }, { groupName: 'Empty' }], pageSize: PAGE_SIZE });
  const folder = await mkdtemp(join(tmpdir(), 'umapi-cli-test-'));
  const keyPath = join(folder, 'keys', 'private.key');
  await mkdir(join(folder, 'keys'));
  await writeFile(keyPath, jwt.privateKey, { mode: 0o600 });

  return {
    ims,
    umapi,
    jwt,
    oauth,
    folder,
    keyPath,
    oauthEnv: {
      UMAPI_ORG_ID: oauth.orgId,
      UMAPI_CLIENT_ID: oauth.clientId,
      UMAPI_CLIENT_SECRET: oauth.clientSecret,
      UMAPI_HOST: umapi.url,
      UMAPI_IMS_HOST: ims.url,
    },
    async writeConfig(name, content) {
      const path = join(folder, name);
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, typeof content === 'string' ? content : stringify(content));
      return path;
    },
    secrets() {
      const keyLines = jwt.privateKey.split('\n').filter((line) => line.length > 40);
      return [jwt.clientSecret, oauth.clientSecret, ...keyLines];
    },
    async close() {
      await umapi.close();
      await ims.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
