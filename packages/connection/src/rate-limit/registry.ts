import { ConfigurationError, debug } from '@umapi/auth-core';
import type { SchedulerTiming } from './class-scheduler.js';
import {
  type Budgets,
  DEFAULT_BUDGETS,
  ENDPOINT_CLASSES,
  lowerBudget,
  type RateLimitOptions,
  resolveBudgets,
} from './options.js';
import { type RateLimiter, SchedulingRateLimiter } from './rate-limiter.js';
import { type RateLimitTiming, resolveRateLimitTiming } from './timing.js';

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
 * to the debug log (`NODE_DEBUG=umapi`). Omitted options change nothing, and
 * when the shared budgets then differ from the defaults, the debug log names them.
 *
 * The first call fixes the timing. A later call may leave `timing` out, or
 * pass one that resolves to the same window and margin.
 *
 * @param clientId - The client ID (API key) the requests are sent with.
 * @param options - Budgets in requests per minute per class, or `false` to turn scheduling off.
 * @param timing - Window and margin, for tests and benchmarks against a fake UMAPI that compresses time.
 * @throws ConfigurationError when the client ID is empty, an option is invalid, or
 *   `timing` differs from the timing of the limiter this client ID already shares.
 *
 * @example
 * const limiter = getRateLimiter(auth.clientId, { users: 20 });
 * await limiter.acquire('users', signal);
 */
export function getRateLimiter(
  clientId: string,
  options?: RateLimitOptions,
  timing?: RateLimitTiming,
): RateLimiter {
  if (typeof clientId !== 'string' || clientId.length === 0) {
    throw new ConfigurationError([
      { field: 'clientId', message: 'must be a non-empty string to share a rate limiter' },
    ]);
  }

  const requested = resolveBudgets(options);
  const requestedTiming = resolveRateLimitTiming(timing);
  const existing = limiters.get(clientId);

  if (existing === undefined) {
    const limiter = new SchedulingRateLimiter(requested, requestedTiming);
    limiters.set(clientId, limiter);
    return limiter;
  }

  // Budgets can be merged by taking the lower one, but two windows cannot:
  // a limiter with the wrong window would overrun the budget or crawl.
  if (timing !== undefined && !sameTiming(existing.timing, requestedTiming)) {
    throw new ConfigurationError(
      [
        {
          field: 'rateLimitTiming',
          message: `differs from the timing already used for this client ID in this process (windowMs ${existing.timing.windowMs}, safetyMarginMs ${existing.timing.safetyMarginMs}); pass the same timing to every connection that shares the client ID, or leave it out`,
        },
      ],
      { subject: 'rate-limit timing' },
    );
  }

  if (options !== undefined) {
    adjustBudgets(existing, requested, clientId);
  } else {
    reportInheritedBudgets(existing, clientId);
  }

  return existing;
}

/**
 * Writes a debug line when a caller that passed no budgets gets shared budgets
 * other than the defaults, such as a class turned off by the first connection.
 */
function reportInheritedBudgets(limiter: SchedulingRateLimiter, clientId: string): void {
  const current = limiter.budgets();
  const differing = ENDPOINT_CLASSES.filter(
    (endpointClass) => current[endpointClass] !== DEFAULT_BUDGETS[endpointClass],
  );
  if (differing.length === 0) {
    return;
  }

  debug(
    'rate limit: client %s… shared with an earlier connection, so a connection without rateLimits uses its budgets: %s',
    clientId.slice(0, 6),
    differing
      .map((endpointClass) => `${endpointClass} ${describeBudget(current[endpointClass])}`)
      .join(', '),
  );
}

function describeBudget(budget: number | false): string {
  return budget === false ? 'not scheduled' : `${budget}/min`;
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

function sameTiming(a: SchedulerTiming, b: SchedulerTiming): boolean {
  return a.windowMs === b.windowMs && a.safetyMarginMs === b.safetyMarginMs;
}

/** Forgets every shared limiter. For tests only; not exported from the package. */
export function clearRateLimiters(): void {
  limiters.clear();
}
