import { type FakeIms, type FakeUmapi, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createTestSender, TestHttpError } from '../actions/test-action-sender.js';
import { clearRateLimiters, getRateLimiter } from './registry.js';

const MINUTE = 60_000;

let ims: FakeIms;
let umapi: FakeUmapi;

beforeEach(async () => {
  // Only Date and setTimeout are faked, so real socket I/O still runs and
  // takes no time on the shared clock of the limiter and the fake UMAPI.
  vi.useFakeTimers({
    now: new Date('2026-01-05T10:00:00Z'),
    toFake: ['Date', 'setTimeout', 'clearTimeout'],
  });
  ims = await startFakeIms();
  umapi = await startFakeUmapi({ ims, users: 0, rateLimits: true, now: () => Date.now() });
});

afterEach(async () => {
  clearRateLimiters();
  await umapi.close();
  await ims.close();
  vi.useRealTimers();
});

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

it('keeps a budget-enforcing UMAPI from throttling', async () => {
  const send = await createTestSender(ims, umapi);
  const limiter = getRateLimiter('client-fake-umapi');
  const statuses: number[] = [];
  const sentAt: number[] = [];
  let waitingForSlot = false;
  let finished = false;

  const run = (async () => {
    for (let index = 0; index < 40; index += 1) {
      waitingForSlot = true;
      await limiter.acquire('actions');
      waitingForSlot = false;
      sentAt.push(Date.now());
      const entry = { user: `budget${index}@example.com`, do: [{ remove: 'all' as const }] };
      const status = await send([entry], {}).then(
        () => 200,
        (error: unknown) => (error instanceof TestHttpError ? error.status : 0),
      );
      statuses.push(status);
    }
    finished = true;
  })();

  // Time moves only while the client waits for a slot, never during a request.
  while (!finished) {
    if (waitingForSlot && vi.getTimerCount() > 0) {
      await vi.advanceTimersToNextTimerAsync();
    } else {
      await nextTurn();
    }
  }
  await run;

  expect(statuses.filter((status) => status === 429)).toHaveLength(0);
  expect(statuses.every((status) => status === 200)).toBe(true);
  expect(umapi.rateLimitStats()?.actions.throttled).toBe(0);

  const minutes = (sentAt.at(-1)! - sentAt[0]!) / MINUTE;
  expect((sentAt.length - 1) / minutes).toBeGreaterThanOrEqual(0.95 * 10);
});

it('gets throttled by the same UMAPI without the scheduler', async () => {
  const send = await createTestSender(ims, umapi);
  const statuses: number[] = [];

  for (let index = 0; index < 12; index += 1) {
    const entry = { user: `burst${index}@example.com`, do: [{ remove: 'all' as const }] };
    statuses.push(
      await send([entry], {}).then(
        () => 200,
        (error: unknown) => (error instanceof TestHttpError ? error.status : 0),
      ),
    );
  }

  expect(statuses.filter((status) => status === 429)).toHaveLength(2);
});
