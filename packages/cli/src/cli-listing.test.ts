import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeIms, type FakeUmapi, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { stringify } from 'yaml';
import { assertBuilt, runCli } from './test-cli.js';

const USER_COUNT = 30;
const PAGE_SIZE = 10;

let ims: FakeIms;
let umapi: FakeUmapi;
let front: Server;
let folder: string;
let configPath: string;

/**
 * Starts a server in front of the fake UMAPI that answers every request for
 * page 1 of the users listing with HTTP 500 and forwards all others, so the
 * listing fails after page 0 whatever the retries.
 */
async function startFailingFront(target: string): Promise<Server> {
  const server = createServer((incoming, outgoing) => {
    if (/\/users\/[^/]+\/1$/.test(incoming.url ?? '')) {
      outgoing.writeHead(500, { 'content-type': 'application/json' }).end('{"result":"error.internal"}');
      return;
    }

    const forwarded = httpRequest(`${target}${incoming.url}`, { method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

beforeAll(async () => {
  assertBuilt();
  ims = await startFakeIms();
  const oauth = await ims.createOAuthCredentials();
  const users = Array.from({ length: USER_COUNT }, (_, index) => ({ email: `user${String(index).padStart(2, '0')}@example.com` }));
  umapi = await startFakeUmapi({ ims, orgId: oauth.orgId, users, pageSize: PAGE_SIZE });
  front = await startFailingFront(new URL(umapi.url).origin);

  folder = await mkdtemp(join(tmpdir(), 'umapi-cli-listing-'));
  configPath = join(folder, 'connector-umapi.yml');
  const { port } = front.address() as AddressInfo;
  await writeFile(
    configPath,
    stringify({
      server: { host: `http://127.0.0.1:${port}`, ims_host: ims.url, retries: 0 },
      enterprise: { org_id: oauth.orgId, client_id: oauth.clientId, client_secret: oauth.clientSecret },
    }),
  );
});

afterAll(async () => {
  front?.closeAllConnections();
  await new Promise<void>((resolve) => (front ? front.close(() => resolve()) : resolve()));
  await umapi?.close();
  await ims?.close();
  await rm(folder, { recursive: true, force: true });
});

describe.concurrent('umapi listing that fails on page 1', () => {
  it('prints page 0 as CSV', async ({ expect }) => {
    const result = await runCli(['users', '--format', 'csv', '--config', configPath]);

    const lines = result.stdout.trim().split('\r\n');
    expect(lines[0]).toBe('firstname,lastname,email,country,groups,type,username,domain,status');
    expect(lines).toHaveLength(1 + PAGE_SIZE);
    expect(result.stdout).toContain('user09@example.com');
    expect(result.stdout).not.toContain('user10@example.com');
    expect(result.stderr).toContain('listing users failed at page 1 after 10 items');
    expect(result.exitCode).toBe(1);
  });

  it('leaves the JSON array open', async ({ expect }) => {
    const result = await runCli(['users', '--json', '--config', configPath]);

    expect(result.stdout.startsWith('[')).toBe(true);
    expect(result.stdout).toContain('user09@example.com');
    expect(result.stdout.trimEnd().endsWith(']')).toBe(false);
    expect(() => JSON.parse(result.stdout)).toThrow(SyntaxError);
    expect(JSON.parse(`${result.stdout}]`)).toHaveLength(PAGE_SIZE);
    expect(result.stderr).toContain('failed at page 1 after 10 items');
    expect(result.exitCode).toBe(1);
  });

  it('prints page 0 as a table', async ({ expect }) => {
    const result = await runCli(['users', '--config', configPath]);

    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^EMAIL\s+NAME/);
    expect(lines).toHaveLength(1 + PAGE_SIZE);
    expect(result.exitCode).toBe(1);
  });
});
