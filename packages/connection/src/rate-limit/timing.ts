import {
  ConfigurationError,
  type ConfigurationProblem,
  MAX_TIMER_DELAY_MS,
} from '@umapi/auth-core';
import type { SchedulerTiming } from './class-scheduler.js';

/**
 * Timing of the rate-limit scheduler, the `rateLimitTiming` option of a
 * `Connection`.
 *
 * UMAPI counts its budgets per minute, so leave this out when talking to
 * UMAPI: a shorter window sends more requests per real minute than the
 * budget allows, and UMAPI answers them with 429. Tests and benchmarks set it to
 * match a fake UMAPI that compresses time, such as `@umapi/testing`'s
 * `startFakeUmapi({ rateLimits: true, timeScale })`, where one budget minute
 * lasts `60_000 / timeScale` real milliseconds.
 *
 * @example
 * // The fake UMAPI runs 30 times faster: one budget minute lasts 2 seconds.
 * const umapi = await startFakeUmapi({ ims, rateLimits: true, timeScale: 30 });
 * const connection = new Connection({ auth, endpoint: umapi.url, rateLimitTiming: { windowMs: 2_000 } });
 */
export interface RateLimitTiming {
  /** The budget window, in milliseconds. Default 60,000 (one minute, as UMAPI counts). */
  windowMs?: number;
  /**
   * Milliseconds added to each window, so that requests whose latency differs
   * by up to this much still never put more than the budget into one
   * server-side window. Default `windowMs / 30` (2 seconds per minute).
   */
  safetyMarginMs?: number;
}

/** The budget window UMAPI counts in, in milliseconds. */
export const DEFAULT_WINDOW_MS = 60_000;

/**
 * Lists the problems of a `rateLimitTiming` value, each naming its field.
 *
 * @param field - The option name used in the problems, `rateLimitTiming` by default.
 */
export function checkRateLimitTiming(
  value: unknown,
  field = 'rateLimitTiming',
): ConfigurationProblem[] {
  if (value === undefined) {
    return [];
  }

  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [
      {
        field,
        message: `expected an object such as { windowMs: 2000 }, got ${describeType(value)}`,
      },
    ];
  }

  const problems: ConfigurationProblem[] = [];
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== 'windowMs' && key !== 'safetyMarginMs') {
      problems.push({
        field: `${field}.${key}`,
        message: 'is not a timing option; use windowMs or safetyMarginMs',
      });
    }
  }

  const { windowMs, safetyMarginMs } = record;
  if (windowMs !== undefined && !isMilliseconds(windowMs, true)) {
    problems.push({
      field: `${field}.windowMs`,
      message: `must be a number of milliseconds greater than zero and at most ${MAX_TIMER_DELAY_MS}, got ${describeValue(windowMs)}`,
    });
  }

  if (safetyMarginMs !== undefined && !isMilliseconds(safetyMarginMs, false)) {
    problems.push({
      field: `${field}.safetyMarginMs`,
      message: `must be a number of milliseconds, zero or more and at most ${MAX_TIMER_DELAY_MS}, got ${describeValue(safetyMarginMs)}`,
    });
  }

  return problems;
}

/**
 * Validates a timing and fills in the defaults.
 *
 * @throws ConfigurationError listing every invalid field.
 */
export function resolveRateLimitTiming(timing: RateLimitTiming | undefined): SchedulerTiming {
  const problems = checkRateLimitTiming(timing);
  if (problems.length > 0) {
    throw new ConfigurationError(problems, { subject: 'rate-limit timing' });
  }

  const windowMs = timing?.windowMs ?? DEFAULT_WINDOW_MS;
  return { windowMs, safetyMarginMs: timing?.safetyMarginMs ?? windowMs / 30 };
}

function isMilliseconds(value: unknown, positive: boolean): boolean {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (positive ? value > 0 : value >= 0) &&
    value <= MAX_TIMER_DELAY_MS
  );
}

function describeType(value: unknown): string {
  if (value === null) {
    return 'null';
  }

  return Array.isArray(value) ? 'an array' : typeof value;
}

function describeValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : describeType(value);
}
