import { type FakeIms, type FakeUmapi, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Connection } from '../src/connection.js';
import { createTestAuthenticator } from '../src/test-server.js';

// Lists 100,000 users in 500 pages from the fake UMAPI on 127.0.0.1, through
// Connection and through a plain fetch loop over the same pages, in the same run.
const USER_COUNT = 100_000;
const PAGE_SIZE = 200;
const ROUNDS = 5;

let ims: FakeIms;
let umapi: FakeUmapi;

beforeAll(async () => {
  ims = await startFakeIms();
  umapi = await startFakeUmapi({ ims, users: USER_COUNT, pageSize: PAGE_SIZE });
});

afterAll(async () => {
  await umapi.close();
  await ims.close();
});

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

it('lists 100,000 users', async () => {
  const { auth } = await createTestAuthenticator(ims, umapi.orgId);
  const connection = new Connection({ auth, endpoint: umapi.url, rateLimits: false });
  const { token } = await auth.getAccessToken();

  async function rawLoop(): Promise<{ users: number; pages: number; bodyBytes: number }> {
    let users = 0;
    let bodyBytes = 0;
    for (let page = 0; ; page += 1) {
      const response = await fetch(
        `${umapi.url}/users/${encodeURIComponent(umapi.orgId)}/${page}`,
        {
          headers: {
            Authorization: `Bearer ${token}`,
            'x-api-key': auth.clientId,
            Accept: 'application/json',
          },
        },
      );
      const text = await response.text();
      bodyBytes += text.length;
      const body = JSON.parse(text) as { users: unknown[]; lastPage: boolean };
      users += body.users.length;
      if (body.lastPage) {
        return { users, pages: page + 1, bodyBytes };
      }
    }
  }

  async function connectionLoop(): Promise<number> {
    let users = 0;
    for await (const _user of connection.users()) {
      users += 1;
    }
    return users;
  }

  // A separate, untimed pass: the heap is collected every 25 pages, so the
  // reading is what the iteration retains, not garbage waiting for collection.
  async function retainedHeapGrowth(): Promise<number> {
    collectGarbage();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let users = 0;
    for await (const _user of connection.users()) {
      users += 1;
      if (users % (PAGE_SIZE * 25) === 0) {
        collectGarbage();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
    }
    return peak - baseline;
  }

  const raw: number[] = [];
  const client: number[] = [];
  let pages = 0;
  let bodyBytes = 0;

  for (let round = 0; round < ROUNDS; round += 1) {
    let started = performance.now();
    const rawResult = await rawLoop();
    raw.push(performance.now() - started);
    pages = rawResult.pages;
    bodyBytes = rawResult.bodyBytes;
    expect(rawResult.users).toBe(USER_COUNT);

    started = performance.now();
    const clientUsers = await connectionLoop();
    client.push(performance.now() - started);
    expect(clientUsers).toBe(USER_COUNT);
  }

  const heapGrowth = await retainedHeapGrowth();

  const bestRaw = Math.min(...raw);
  const bestClient = Math.min(...client);
  const megabytes = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const lines = [
    `users listed:                ${USER_COUNT} in ${pages} pages of ${PAGE_SIZE}, best of ${ROUNDS} rounds`,
    `raw fetch loop:              ${bestRaw.toFixed(0)} ms, ${((pages / bestRaw) * 1000).toFixed(0)} requests/s`,
    `Connection.users():          ${bestClient.toFixed(0)} ms, ${((pages / bestClient) * 1000).toFixed(0)} requests/s`,
    `Connection / raw throughput: ${(bestRaw / bestClient).toFixed(2)}`,
    `retained heap growth while iterating: ${(heapGrowth / 1024).toFixed(0)} KiB (all pages together: ${megabytes(bodyBytes)} MiB of JSON text)`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);

  await connection.close();
});
