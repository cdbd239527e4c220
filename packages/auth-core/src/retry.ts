/** Largest delay `setTimeout` accepts (2^31-1 ms); longer delays must be chained, not clamped to 1 ms. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Longest delay {@link parseRetryAfter} returns: 365 days in milliseconds.
 *
 * A server that asks for a longer wait gets this one instead. The bound keeps
 * every derived value usable: `Date.now() + delay` stays a valid `Date`, and a
 * pause built from it stays a finite number that timers can chain through.
 */
export const MAX_RETRY_AFTER_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * Parses a `Retry-After` header into a delay in milliseconds.
 *
 * The header is either delta-seconds (`120`) or an HTTP date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`). A date in the past gives 0, because the
 * server allows a retry now.
 *
 * @param value - The header value, as `headers.get('retry-after')` returns it.
 * @param now - The current time in epoch milliseconds. Default `Date.now()`.
 * @returns The delay in milliseconds, at most {@link MAX_RETRY_AFTER_MS}, or
 *   `undefined` when the header is missing, negative or unreadable. A longer
 *   wait (`99999999999999999999`, a date in the year 9999) is clamped to
 *   {@link MAX_RETRY_AFTER_MS}, not rejected: the server did ask to wait, and
 *   the caller decides whether a wait that long is acceptable.
 *
 * @example
 * parseRetryAfter('2'); // 2000
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }

  const text = value.trim();
  if (text.length === 0) {
    return undefined;
  }

  // Delta-seconds is a non-negative integer. Decimals are tolerated because
  // some servers send them, but a sign, an exponent or hex is not a delay.
  if (/^\d+(\.\d+)?$/.test(text)) {
    const seconds = Number(text);
    // Digits alone can still overflow to Infinity ('9' repeated 400 times).
    if (!Number.isFinite(seconds)) {
      return MAX_RETRY_AFTER_MS;
    }

    return Math.min(MAX_RETRY_AFTER_MS, Math.ceil(seconds * 1000));
  }

  // Only a date-looking string is passed to Date.parse, which otherwise
  // accepts odd inputs such as '-1' or '2024'.
  if (!/[a-z]/i.test(text) || /^[+-]/.test(text)) {
    return undefined;
  }

  const date = Date.parse(text);
  if (Number.isNaN(date)) {
    return undefined;
  }

  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date - now));
}

/** Options for {@link computeBackoff}. */
export interface BackoffOptions {
  /** Delay before the first retry, in milliseconds, before jitter. Default 500. */
  baseDelayMs?: number;
  /** Upper bound of any delay, in milliseconds. Default 30,000. */
  maxDelayMs?: number;
  /** Source of randomness in `[0, 1)`. Default `Math.random`; tests pass a fixed one. */
  random?: () => number;
}

const defaultBackoff = { baseDelayMs: 500, maxDelayMs: 30_000 } as const;

/**
 * Computes the delay before a retry: exponential backoff with full jitter.
 *
 * The ceiling doubles with each attempt (`baseDelayMs * 2^(attempt-1)`),
 * is capped at `maxDelayMs`, and the delay is drawn uniformly from
 * `[0, ceiling]`, so that many clients failing together spread out.
 *
 * @param attempt - The retry number, 1 for the first retry.
 * @returns The delay in milliseconds, an integer in `[0, maxDelayMs]`.
 * @throws RangeError when `attempt` is not a positive integer or an option is negative.
 *
 * @example
 * await sleep(computeBackoff(attempt), signal);
 */
export function computeBackoff(attempt: number, options: BackoffOptions = {}): number {
  const baseDelayMs = options.baseDelayMs ?? defaultBackoff.baseDelayMs;
  const maxDelayMs = options.maxDelayMs ?? defaultBackoff.maxDelayMs;
  const random = options.random ?? Math.random;

  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be a positive integer, got ${String(attempt)}`);
  }

  if (!Number.isFinite(baseDelayMs) || baseDelayMs < 0) {
    throw new RangeError(
      `baseDelayMs must be a non-negative number of milliseconds, got ${String(baseDelayMs)}`,
    );
  }

  if (!Number.isFinite(maxDelayMs) || maxDelayMs < 0) {
    throw new RangeError(
      `maxDelayMs must be a non-negative number of milliseconds, got ${String(maxDelayMs)}`,
    );
  }

  // 2 ** attempt overflows to Infinity for huge attempts; Math.min handles it.
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  const fraction = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling * fraction);
}

/**
 * Waits `ms` milliseconds.
 *
 * Delays longer than {@link MAX_TIMER_DELAY_MS} are waited in several timers,
 * because `setTimeout` would fire such a delay after 1 ms. The timer is
 * cleared when the signal aborts, so an aborted wait leaves no timer behind.
 *
 * @param ms - The delay in milliseconds. Zero or negative waits one macrotask.
 * @param signal - Ends the wait early.
 * @throws The signal's `reason` when it aborts, also when it was aborted before the call.
 * @throws RangeError when `ms` is NaN or infinite.
 *
 * @example
 * await sleep(1000, AbortSignal.timeout(5000));
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) {
    return Promise.reject(signal.reason);
  }

  if (!Number.isFinite(ms)) {
    return Promise.reject(
      new RangeError(`sleep needs a finite number of milliseconds, got ${String(ms)}`),
    );
  }

  return new Promise<void>((resolve, reject) => {
    let remaining = Math.max(0, ms);
    let timer: ReturnType<typeof setTimeout> | undefined;

    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };

    const schedule = () => {
      const step = Math.min(remaining, MAX_TIMER_DELAY_MS);
      remaining -= step;
      timer = setTimeout(() => {
        if (remaining > 0) {
          schedule();
          return;
        }

        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, step);
    };

    signal?.addEventListener('abort', onAbort, { once: true });
    schedule();
  });
}
