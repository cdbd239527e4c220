import { ConfigurationError, debug } from '@umapi/auth-core';
import type { SchedulerTiming } from './class-scheduler.js';
import {
  type Budgets,
  ENDPOINT_CLASSES,
  lowerBudget,
  type RateLimitOptions,
  resolveBudgets,
} from './options.js';
import { type RateLimiter, SchedulingRateLimiter } from './rate-limiter.js';

/** Timing overrides for {@link getRateLimiter}; benchmarks use them to compress time. */
export interface RateLimiterTiming {
  /** The budget window in milliseconds. Default 60,000. */
  windowMs?: number;
  /** Milliseconds added to the window as a margin for latency differences. Default `windowMs / 30`. */
  safetyMarginMs?: number;
}

const DEFAULT_WINDOW_MS = 60_000;

// UMAPI counts budgets per client ID, so every Connection in the process that
// uses one client ID must draw from one limiter.
const limiters = new Map<string, SchedulingRateLimiter>();

/**
 * Returns the rate limiter shared by every caller that uses this client ID in
 * this process, creating it on the first call.
 *
 * When a later call passes options that differ from the limiter's budgets,
 * each class keeps the lower of the two budgets, and `false` (not scheduled)
 * counts as the highest. The server enforces one budget per client ID, and
 * the lower one is the one that avoids 429s. Such a change is written
 * to the debug log (`NODE_DEBUG=umapi`). Omitted options change nothing.
 * Timing is fixed by the first call.
 *
 * @param clientId - The client ID (API key) the requests are sent with.
 * @param options - Budgets in requests per minute per class, or `false` to turn scheduling off.
 * @param timing - Window and margin overrides, for benchmarks that compress time.
 * @throws ConfigurationError when the client ID is empty or an option is invalid.
 *
 * @example
 * const limiter = getRateLimiter(auth.clientId, { users: 20 });
 * await limiter.acquire('users', signal);
 */
export function getRateLimiter(
  clientId: string,
  options?: RateLimitOptions,
  timing?: RateLimiterTiming,
): RateLimiter {
  if (typeof clientId !== 'string' || clientId.length === 0) {
    throw new ConfigurationError([
      { field: 'clientId', message: 'must be a non-empty string to share a rate limiter' },
    ]);
  }

  const requested = resolveBudgets(options);
  const existing = limiters.get(clientId);

  if (existing === undefined) {
    const limiter = new SchedulingRateLimiter(requested, resolveTiming(timing));
    limiters.set(clientId, limiter);
    return limiter;
  }

  if (options !== undefined) {
    adjustBudgets(existing, requested, clientId);
  }

  return existing;
}

function adjustBudgets(limiter: SchedulingRateLimiter, requested: Budgets, clientId: string): void {
  const current = limiter.budgets();
  const merged = { ...current };
  for (const endpointClass of ENDPOINT_CLASSES) {
    merged[endpointClass] = lowerBudget(current[endpointClass], requested[endpointClass]);
  }

  const changed = ENDPOINT_CLASSES.filter(
    (endpointClass) => merged[endpointClass] !== current[endpointClass],
  );
  if (changed.length > 0) {
    limiter.setBudgets(merged);
  }

  const ignored = ENDPOINT_CLASSES.filter(
    (endpointClass) =>
      requested[endpointClass] !== merged[endpointClass] && !changed.includes(endpointClass),
  );
  if (changed.length > 0 || ignored.length > 0) {
    // Only a prefix of the client ID: enough to tell two apart in a log.
    debug(
      'rate limit: client %s… shared by another connection with other budgets; lowered %s, kept the lower existing budget for %s',
      clientId.slice(0, 6),
      changed.join(', ') || 'none',
      ignored.join(', ') || 'none',
    );
  }
}

function resolveTiming(timing: RateLimiterTiming | undefined): SchedulerTiming {
  const windowMs = timing?.windowMs ?? DEFAULT_WINDOW_MS;
  const safetyMarginMs = timing?.safetyMarginMs ?? windowMs / 30;

  const problems = [];
  if (!Number.isFinite(windowMs) || windowMs <= 0) {
    problems.push({
      field: 'windowMs',
      message: `must be a positive number of milliseconds, got ${String(windowMs)}`,
    });
  }

  if (!Number.isFinite(safetyMarginMs) || safetyMarginMs < 0) {
    problems.push({
      field: 'safetyMarginMs',
      message: `must be zero or a positive number of milliseconds, got ${String(safetyMarginMs)}`,
    });
  }

  if (problems.length > 0) {
    throw new ConfigurationError(problems, { subject: 'rate-limiter timing' });
  }

  return { windowMs, safetyMarginMs };
}

/** Forgets every shared limiter. For tests only; not exported from the package. */
export function clearRateLimiters(): void {
  limiters.clear();
}
