import { expect, it } from 'vitest';
import { startFakeIms, startFakeUmapi } from '../src/index.js';

const ROUNDS = 50;

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function summarize(samplesMs: number[]): string {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (fraction: number): string =>
    sorted[Math.floor(fraction * (sorted.length - 1))]!.toFixed(2);
  return `median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms over ${sorted.length} rounds`;
}

it('starts and stops a fake IMS', async () => {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const ims = await startFakeIms();
    await ims.close();
    samples.push(performance.now() - started);
  }
  console.log(`fake IMS start + close (HTTP): ${summarize(samples)}`);
  expect(samples).toHaveLength(ROUNDS);
});

it('starts and stops a fake IMS over HTTPS', async () => {
  const samples: number[] = [];
  for (let round = 0; round < 10; round++) {
    const started = performance.now();
    const ims = await startFakeIms({ https: true });
    await ims.close();
    samples.push(performance.now() - started);
  }
  console.log(`fake IMS start + close (HTTPS, new certificates): ${summarize(samples)}`);
  expect(samples).toHaveLength(10);
});

it('starts a fake UMAPI with 100,000 users and lists them', async () => {
  const ims = await startFakeIms();
  const credentials = await ims.createOAuthCredentials();
  const token = await ims.issueAccessToken({ clientId: credentials.clientId });

  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const umapi = await startFakeUmapi({ ims, users: 100_000, pageSize: 2000 });
  const startMs = performance.now() - started;

  const listStarted = performance.now();
  let users = 0;
  for (let page = 0; ; page++) {
    const response = await fetch(`${umapi.url}/users/${umapi.orgId}/${page}`, {
      headers: { authorization: `Bearer ${token}`, 'x-api-key': credentials.clientId },
    });
    const body = (await response.json()) as { users: unknown[]; lastPage: boolean };
    users += body.users.length;
    if (body.lastPage) break;
  }
  const listMs = performance.now() - listStarted;
  collectGarbage();
  const retainedMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;

  console.log(
    `fake UMAPI with 100,000 users: start ${startMs.toFixed(2)} ms, ` +
      `list 50 pages ${listMs.toFixed(0)} ms, heap retained after listing ${retainedMb.toFixed(1)} MiB`,
  );
  expect(users).toBe(100_000);

  await umapi.close();
  await ims.close();
});
