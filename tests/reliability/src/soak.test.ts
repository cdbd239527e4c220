import { expect, it } from 'vitest';
import { lastJsonLine, runChild } from './run-child.js';

interface SoakSummary {
  calls: number;
  elapsedMs: number;
  failures: string[];
  failureCount: number;
  faults: { retryAfter: number; unavailable: number; dropped: number; slow: number };
  createdUsers: number;
  stateProblems: string[];
  repeatedDeliveries: number;
  exchanges: number;
  rotationMs: number;
  retries: number;
}

// 20,000 calls with 16 in flight take about 35 s on two cores. The child
// gets three minutes before it counts as hanging.
const DEADLINE_MS = 180_000;

it('soak survives faults and token rotation', { timeout: DEADLINE_MS + 10_000 }, async () => {
  const child = await runChild('soak.mjs', { deadlineMs: DEADLINE_MS });

  // A handle left open (a timer, a socket, an agent) keeps the child alive
  // past the deadline, because the script never calls process.exit().
  expect(child.timedOut, child.stderr).toBe(false);
  expect(child.code, child.stderr).toBe(0);

  const summary = lastJsonLine<SoakSummary>(child.stdout);
  expect(summary.calls).toBe(20_000);

  // Faults were injected at about 5% of calls, so retries really ran.
  const injected = Object.values(summary.faults).reduce((sum, count) => sum + count, 0);
  expect(injected).toBeGreaterThan(500);
  expect(summary.retries).toBeGreaterThanOrEqual(injected);

  // Every fault was one a retry can save, so no call may fail.
  expect(summary.failures).toEqual([]);
  expect(summary.failureCount).toBe(0);

  // Each created user exists once, in its group once.
  expect(summary.createdUsers).toBeGreaterThan(1_000);
  expect(summary.stateProblems).toEqual([]);

  // An action reaches UMAPI a second time only through a retry.
  expect(summary.repeatedDeliveries).toBeLessThanOrEqual(summary.retries);

  // Tokens rotated many times, with one exchange per rotation and no herd.
  const rotations = Math.ceil(summary.elapsedMs / summary.rotationMs);
  expect(summary.exchanges).toBeGreaterThanOrEqual(5);
  expect(summary.exchanges).toBeLessThanOrEqual(rotations + 3);
});
