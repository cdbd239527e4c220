import fc from 'fast-check';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { clearRateLimiters, getRateLimiter } from './registry.js';

const MINUTE = 60_000;

type Operation =
  | { kind: 'acquire'; count: number }
  | { kind: 'wait'; ms: number }
  | { kind: 'throttle'; retryAfterMs: number }
  | { kind: 'success'; count: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('acquire' as const), count: fc.integer({ min: 1, max: 15 }) }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 90_000 }) }),
  fc.record({
    kind: fc.constant('throttle' as const),
    retryAfterMs: fc.integer({ min: 0, max: 120_000 }),
  }),
  fc.record({ kind: fc.constant('success' as const), count: fc.integer({ min: 1, max: 30 }) }),
);

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-05T10:00:00Z') });
});

afterEach(() => {
  clearRateLimiters();
  vi.useRealTimers();
});

it('never exceeds the budget or grants during a pause', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 30 }),
      fc.array(operation, { maxLength: 25 }),
      async (budget, operations) => {
        run += 1;
        const limiter = getRateLimiter(`client-property-${run}`, { actions: budget });
        const grants: number[] = [];
        const pauses: [number, number][] = [];
        const pending: Promise<void>[] = [];

        for (const step of operations) {
          if (step.kind === 'acquire') {
            for (let index = 0; index < step.count; index += 1) {
              pending.push(limiter.acquire('actions').then(() => void grants.push(Date.now())));
            }
          } else if (step.kind === 'wait') {
            await vi.advanceTimersByTimeAsync(step.ms);
          } else if (step.kind === 'throttle') {
            pauses.push([Date.now(), Date.now() + step.retryAfterMs]);
            limiter.onThrottled('actions', step.retryAfterMs);
          } else {
            for (let index = 0; index < step.count; index += 1) {
              limiter.onSuccess('actions');
            }
          }
        }

        // Let every waiter through, then check the whole history.
        while (vi.getTimerCount() > 0) {
          await vi.advanceTimersToNextTimerAsync();
        }
        await Promise.all(pending);

        expect(grants).toHaveLength(pending.length);
        for (const end of grants) {
          const inWindow = grants.filter((time) => time > end - MINUTE && time <= end).length;
          expect(inWindow).toBeLessThanOrEqual(budget);
        }

        for (const [from, until] of pauses) {
          const inPause = grants.filter((time) => time > from && time < until);
          expect(inPause).toEqual([]);
        }

        const stats = limiter.stats().actions;
        expect(stats.requests).toBe(pending.length);
        expect(stats.requestsPerMinute).toBeLessThanOrEqual(budget);
        expect(stats.requestsPerMinute).toBeGreaterThanOrEqual(1);
      },
    ),
    { numRuns: 60 },
  );
});
