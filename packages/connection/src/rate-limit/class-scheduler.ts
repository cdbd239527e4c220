import { debug, MAX_RETRY_AFTER_MS, MAX_TIMER_DELAY_MS } from '@umapi/auth-core';

/** Timing of a scheduler; tests and benchmarks shorten the window to compress time. */
export interface SchedulerTiming {
  /** The server's budget window in milliseconds. Default 60,000 (one minute). */
  windowMs: number;
  /**
   * Extra milliseconds added to the window, so that requests whose latency
   * differs by up to this much still never put more than the budget into one
   * server-side window. Default `windowMs / 30` (2 s per minute, which keeps
   * the achieved rate near 96.8% of the budget).
   */
  safetyMarginMs: number;
}

/** Counters of one endpoint class. */
export interface ClassStats {
  /** Requests granted a slot. */
  requests: number;
  /** Total time callers spent waiting for a slot, in milliseconds, summed over callers. */
  waitMs: number;
  /** 429 responses reported through `onThrottled`. */
  throttled: number;
  /** The current rate in requests per minute (lower than the budget after a 429), or `false` when not scheduled. */
  requestsPerMinute: number | false;
}

/**
 * The rejection of a wait for a slot when the class is paused by a 429 for
 * longer than the waiter accepts. The retry loop turns it into an `UnavailableError`.
 */
export class PauseTooLongError extends Error {
  /** Milliseconds until the pause ends, measured when the wait was rejected. */
  readonly pauseMs: number;

  constructor(className: string, pauseMs: number, maxPauseMs: number) {
    super(
      `${className} requests are paused for ${pauseMs} ms, longer than the ${maxPauseMs} ms this wait accepts`,
    );
    this.name = 'PauseTooLongError';
    this.pauseMs = pauseMs;
  }
}

interface Waiter {
  enqueuedAt: number;
  /** The longest 429 pause this waiter sleeps through. A longer one rejects it. */
  maxPauseMs: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

// After a 429 the rate is multiplied by this factor. It then grows back by one
// request per minute for every minute's worth of successful requests.
const STEP_DOWN_FACTOR = 0.5;

// A bucket of a fifth of the budget lets a short job start at once, while a long
// one is spread evenly. The sliding log below enforces the hard limit.
const BURST_FRACTION = 0.2;

const EPSILON = 1e-9;

/**
 * Schedules the requests of one endpoint class inside a per-minute budget.
 *
 * Two rules apply together, and a request waits until both allow it:
 * - a sliding log: no more than `floor(rate)` grants in any window of
 *   `windowMs + safetyMarginMs`, so that a server counting a
 *   sliding (or fixed) window of `windowMs` never receives more than the budget;
 * - a token bucket refilled at `rate` per window with room for a fifth of it,
 *   which spreads a long run evenly instead of sending the budget in a burst
 *   and then idling for a minute.
 *
 * Waiters are served first in, first out. The class keeps at most one timer,
 * and only while someone waits.
 */
export class ClassScheduler {
  readonly name: string;
  private budget: number | false;
  private rate: number;
  private readonly spanMs: number;
  private tokens: number;
  private lastRefillAt: number;
  private pausedUntil = 0;
  private grantsSinceStepDown = 0;
  // Grant times, oldest first, trimmed to those inside the current span.
  private readonly grants: number[] = [];
  private readonly waiters: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly counters = { requests: 0, waitMs: 0, throttled: 0 };

  constructor(name: string, budget: number | false, timing: SchedulerTiming) {
    this.name = name;
    this.budget = budget;
    this.rate = budget === false ? 0 : budget;
    this.spanMs = Math.round(timing.windowMs + timing.safetyMarginMs);
    this.tokens = this.capacity();
    this.lastRefillAt = Date.now();
  }

  /** Returns the configured budget in requests per minute, or `false`. */
  getBudget(): number | false {
    return this.budget;
  }

  /** Changes the budget; the current rate is capped at the new budget, or reset to it when the class was off. */
  setBudget(budget: number | false): void {
    if (budget === this.budget) {
      return;
    }

    const wasOff = this.budget === false;
    this.budget = budget;
    if (budget !== false) {
      this.rate = wasOff ? budget : Math.min(this.rate, budget);
      this.tokens = Math.min(this.tokens, this.capacity());
    }

    this.pump();
  }

  /**
   * Waits for a slot. Rejects with `signal.reason` when the signal aborts, leaving no timer.
   *
   * @param maxPauseMs - The longest 429 pause, in milliseconds, to wait through. When a pause
   *   in effect, or one that starts or is extended during the wait, ends further away than
   *   this, the wait rejects at once with {@link PauseTooLongError}. Default: no bound.
   */
  acquire(signal?: AbortSignal, maxPauseMs = Number.POSITIVE_INFINITY): Promise<void> {
    if (signal?.aborted) {
      return Promise.reject(signal.reason);
    }

    const pauseMs = this.pauseRemainingMs();
    if (pauseMs > maxPauseMs) {
      return Promise.reject(new PauseTooLongError(this.name, pauseMs, maxPauseMs));
    }

    const now = Date.now();
    if (this.waiters.length === 0 && this.delayUntilGrant(now) <= 0) {
      this.grant(now);
      return Promise.resolve();
    }

    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        enqueuedAt: now,
        maxPauseMs,
        resolve,
        reject,
        signal,
        onAbort: undefined,
      };

      if (signal) {
        waiter.onAbort = () => this.abandon(waiter, signal.reason);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }

      this.waiters.push(waiter);
      this.pump();
    });
  }

  /** Pauses the class for `retryAfterMs` and steps its rate down once per run of 429s. */
  onThrottled(retryAfterMs: number): void {
    this.counters.throttled += 1;
    if (this.budget === false) {
      return;
    }

    const now = Date.now();
    // The pause is shared by every connection with this client ID, so a bad
    // value would outlive the call that reported it: NaN, Infinity and waits
    // beyond the Date range are bounded here, not only by parseRetryAfter.
    const pauseMs =
      Number.isFinite(retryAfterMs) && retryAfterMs > 0
        ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS)
        : 0;
    this.pausedUntil = Math.max(this.pausedUntil, now + pauseMs);
    this.rejectImpatientWaiters(now);

    // Requests sent together often come back 429 together; only the first of
    // them steps the rate down, so one throttling event halves it once.
    if (this.grantsSinceStepDown > 0) {
      this.rate = Math.max(1, this.rate * STEP_DOWN_FACTOR);
      this.grantsSinceStepDown = 0;
      debug(
        'rate limit: %s throttled, pausing %d ms, rate now %d/min',
        this.name,
        pauseMs,
        this.rate,
      );
    }

    // One request may go as soon as the pause ends; the rest follow at the new rate.
    this.tokens = 1;
    this.lastRefillAt = this.pausedUntil;
    this.pump();
  }

  /** Raises a stepped-down rate by one request per minute for every minute's worth of successes. */
  onSuccess(): void {
    if (this.budget === false || this.rate >= this.budget) {
      return;
    }

    this.rate = Math.min(this.budget, this.rate + 1 / this.rate);
    this.pump();
  }

  /** Milliseconds until a pause from a 429 ends, or 0 when the class is not paused. */
  pauseRemainingMs(): number {
    if (this.budget === false) {
      return 0;
    }

    return Math.max(0, this.pausedUntil - Date.now());
  }

  /** Returns a copy of the class's counters and its current rate. */
  stats(): ClassStats {
    return {
      requests: this.counters.requests,
      waitMs: this.counters.waitMs,
      throttled: this.counters.throttled,
      requestsPerMinute: this.budget === false ? false : Math.round(this.rate * 100) / 100,
    };
  }

  private limit(): number {
    return Math.max(1, Math.floor(this.rate));
  }

  private capacity(): number {
    return Math.max(1, Math.floor(this.limit() * BURST_FRACTION));
  }

  private refill(now: number): void {
    const elapsed = now - this.lastRefillAt;
    if (elapsed <= 0) {
      return;
    }

    this.tokens = Math.min(this.capacity(), this.tokens + (elapsed * this.rate) / this.spanMs);
    this.lastRefillAt = now;
  }

  /** Milliseconds until the next grant is allowed; 0 or less means now. */
  private delayUntilGrant(now: number): number {
    if (this.budget === false) {
      return 0;
    }

    if (now < this.pausedUntil) {
      return this.pausedUntil - now;
    }

    this.refill(now);
    this.trimGrants(now);

    const bucketDelay =
      this.tokens >= 1 - EPSILON ? 0 : Math.ceil(((1 - this.tokens) * this.spanMs) / this.rate);

    const limit = this.limit();
    if (this.grants.length < limit) {
      return bucketDelay;
    }

    // The grant that must leave the span before one more fits in it.
    const freeAt = this.grants[this.grants.length - limit]! + this.spanMs;
    const logDelay = freeAt - now;
    if (logDelay > bucketDelay) {
      // The log binds, not the bucket. Tokens saved until the log frees up
      // would come out as a burst, so the bucket gets exactly one at that time.
      this.tokens = 1;
      this.lastRefillAt = freeAt;
      return logDelay;
    }

    return bucketDelay;
  }

  private trimGrants(now: number): void {
    while (this.grants.length > 0 && this.grants[0]! <= now - this.spanMs) {
      this.grants.shift();
    }
  }

  private grant(now: number): void {
    this.counters.requests += 1;
    if (this.budget === false) {
      return;
    }

    this.grants.push(now);
    this.tokens = Math.max(0, this.tokens - 1);
    this.grantsSinceStepDown += 1;
  }

  /** Grants every waiter that fits now, then sets one timer for the next. */
  private pump(): void {
    this.clearTimer();

    while (this.waiters.length > 0) {
      const now = Date.now();
      const delay = this.delayUntilGrant(now);

      if (delay > 0) {
        // Delays beyond the timer limit are waited in steps: the callback
        // re-evaluates and sets the next timer.
        this.timer = setTimeout(
          () => {
            this.timer = undefined;
            this.pump();
          },
          Math.min(delay, MAX_TIMER_DELAY_MS),
        );
        return;
      }

      const waiter = this.waiters.shift()!;
      this.release(waiter, now);
      this.grant(now);
      waiter.resolve();
    }
  }

  /**
   * Rejects the waiters whose bound the current pause exceeds. Connections
   * that share this scheduler may each accept a different pause, so the
   * others keep their place in the queue.
   */
  private rejectImpatientWaiters(now: number): void {
    const pauseMs = this.pausedUntil - now;
    const impatient = this.waiters.filter((waiter) => pauseMs > waiter.maxPauseMs);
    for (const waiter of impatient) {
      this.abandon(waiter, new PauseTooLongError(this.name, pauseMs, waiter.maxPauseMs));
    }
  }

  private abandon(waiter: Waiter, reason: unknown): void {
    const index = this.waiters.indexOf(waiter);
    if (index === -1) {
      return;
    }

    this.waiters.splice(index, 1);
    this.release(waiter, Date.now());
    waiter.reject(reason);

    if (this.waiters.length === 0) {
      this.clearTimer();
    }
  }

  private release(waiter: Waiter, now: number): void {
    this.counters.waitMs += Math.max(0, now - waiter.enqueuedAt);
    if (waiter.signal && waiter.onAbort) {
      waiter.signal.removeEventListener('abort', waiter.onAbort);
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
