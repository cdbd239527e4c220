/** Largest delay `setTimeout` accepts (2^31-1 ms); longer delays must be chained, not clamped to 1 ms. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Parses a `Retry-After` header (seconds or an HTTP date) into milliseconds, or undefined. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  // TODO: implemented by the auth-core work.
  void value;
  void now;
  throw new Error('not implemented');
}

/** Options for {@link computeBackoff}. */
export interface BackoffOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

/** Exponential backoff with full jitter for the given retry attempt (1 for the first retry). */
export function computeBackoff(attempt: number, options: BackoffOptions = {}): number {
  void attempt;
  void options;
  throw new Error('not implemented');
}

/** Waits `ms`, rejecting with the signal's reason when it aborts. Leaves no timer behind. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  void ms;
  void signal;
  throw new Error('not implemented');
}
