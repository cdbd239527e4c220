import { getEventListeners } from 'node:events';
import { type FakeIms, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Connection } from './connection.js';
import { createTestAuthenticator } from './test-server.js';

let ims: FakeIms;

beforeAll(async () => {
  ims = await startFakeIms();
});

afterAll(async () => {
  await ims.close();
});

async function setUp() {
  const { auth, credentials } = await createTestAuthenticator(ims);
  const umapi = await startFakeUmapi({ ims, orgId: credentials.orgId, users: 30, pageSize: 3 });
  onTestFinished(() => umapi.close());
  const connection = new Connection({
    auth,
    endpoint: umapi.url,
    rateLimits: false,
    retryBaseDelayMs: 1,
  });
  onTestFinished(() => connection.close());
  return { connection, umapi };
}

/** Collects the process warnings emitted while `run` runs. */
async function warningsDuring(run: () => Promise<unknown>): Promise<Error[]> {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  try {
    await run();
    // Node.js emits process warnings on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  return warnings;
}

describe('one caller signal shared by many calls', () => {
  it('emits no warning for 50 concurrent calls', async () => {
    const { connection } = await setUp();
    const controller = new AbortController();

    const warnings = await warningsDuring(() =>
      Promise.all(
        Array.from({ length: 50 }, () =>
          connection.user('user000000@example.com', { signal: controller.signal }),
        ),
      ),
    );

    expect(warnings.map((warning) => warning.name)).toEqual([]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('keeps one listener while calls are in flight', async () => {
    const { connection, umapi } = await setUp();
    const controller = new AbortController();
    umapi.failNext({ delayMs: 200, times: 20 });

    const calls = Array.from({ length: 20 }, () =>
      connection.user('user000000@example.com', { signal: controller.signal }),
    );
    await new Promise((resolve) => setImmediate(resolve));

    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    await Promise.all(calls);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('aborts every call in flight', async () => {
    const { connection, umapi } = await setUp();
    const controller = new AbortController();
    umapi.failNext({ delayMs: 5_000, times: 20 });
    const reason = new Error('stopped by the caller');

    const calls = Array.from({ length: 20 }, () =>
      connection.user('user000000@example.com', { signal: controller.signal }).catch((e) => e),
    );
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(reason);
    const outcomes = await Promise.all(calls);

    expect(outcomes.every((outcome) => outcome === reason)).toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('links a signal again after its calls ended', async () => {
    const { connection, umapi } = await setUp();
    const controller = new AbortController();
    await connection.user('user000000@example.com', { signal: controller.signal });
    umapi.failNext({ delayMs: 5_000 });
    const reason = new Error('stopped by the caller');

    const call = connection.user('user000000@example.com', { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(reason);

    await expect(call).rejects.toBe(reason);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
