import { ClassScheduler, type ClassStats, type SchedulerTiming } from './class-scheduler.js';
import { type Budgets, ENDPOINT_CLASSES, type EndpointClass } from './options.js';

/**
 * A client-side scheduler that keeps UMAPI requests inside the per-client
 * budgets, one budget per endpoint class.
 */
export interface RateLimiter {
  /**
   * Waits until a request of the class may be sent. Call it once per attempt,
   * right before the request goes out.
   *
   * @param maxPauseMs - The longest 429 pause, in milliseconds, the caller waits through. Default: no bound.
   * @throws The signal's `reason` when the signal aborts during the wait (no timer is left behind).
   * @throws PauseTooLongError when a 429 pause of the class, in effect or starting during
   *   the wait, ends more than `maxPauseMs` from now.
   */
  acquire(endpointClass: EndpointClass, signal?: AbortSignal, maxPauseMs?: number): Promise<void>;
  /**
   * Reports a 429: the whole class pauses for `retryAfterMs` milliseconds and its
   * rate is halved (once per burst of 429s), then recovers with {@link RateLimiter.onSuccess}.
   */
  onThrottled(endpointClass: EndpointClass, retryAfterMs: number): void;
  /** Reports a successful request; a stepped-down rate grows back by one request per minute for each minute's worth of successes. */
  onSuccess(endpointClass: EndpointClass): void;
  /** Counters per class: requests granted, time waited, 429s, current rate. */
  stats(): Record<EndpointClass, ClassStats>;
  /**
   * Milliseconds until the class's 429 pause ends, 0 when it is not paused.
   * Lets a caller fail fast instead of waiting for a pause longer than it accepts.
   */
  pauseRemainingMs?(endpointClass: EndpointClass): number;
}

/** The limiter behind {@link getRateLimiter}, with the budget adjustments the registry needs. */
export class SchedulingRateLimiter implements RateLimiter {
  private readonly schedulers: Record<EndpointClass, ClassScheduler>;
  /** The window and margin every class uses, fixed at creation. */
  readonly timing: Readonly<SchedulerTiming>;

  constructor(budgets: Budgets, timing: SchedulerTiming) {
    this.timing = Object.freeze({ ...timing });
    this.schedulers = {
      users: new ClassScheduler('users', budgets.users, timing),
      groups: new ClassScheduler('groups', budgets.groups, timing),
      groupUsers: new ClassScheduler('groupUsers', budgets.groupUsers, timing),
      actions: new ClassScheduler('actions', budgets.actions, timing),
    };
  }

  acquire(endpointClass: EndpointClass, signal?: AbortSignal, maxPauseMs?: number): Promise<void> {
    return this.scheduler(endpointClass).acquire(signal, maxPauseMs);
  }

  onThrottled(endpointClass: EndpointClass, retryAfterMs: number): void {
    this.scheduler(endpointClass).onThrottled(retryAfterMs);
  }

  onSuccess(endpointClass: EndpointClass): void {
    this.scheduler(endpointClass).onSuccess();
  }

  pauseRemainingMs(endpointClass: EndpointClass): number {
    return this.scheduler(endpointClass).pauseRemainingMs();
  }

  stats(): Record<EndpointClass, ClassStats> {
    return {
      users: this.schedulers.users.stats(),
      groups: this.schedulers.groups.stats(),
      groupUsers: this.schedulers.groupUsers.stats(),
      actions: this.schedulers.actions.stats(),
    };
  }

  /** Returns the budget of every class. */
  budgets(): Budgets {
    return {
      users: this.schedulers.users.getBudget(),
      groups: this.schedulers.groups.getBudget(),
      groupUsers: this.schedulers.groupUsers.getBudget(),
      actions: this.schedulers.actions.getBudget(),
    };
  }

  /** Sets the budget of every class; waiters are rescheduled at once. */
  setBudgets(budgets: Budgets): void {
    for (const endpointClass of ENDPOINT_CLASSES) {
      this.schedulers[endpointClass].setBudget(budgets[endpointClass]);
    }
  }

  private scheduler(endpointClass: EndpointClass): ClassScheduler {
    // Object.hasOwn rejects inherited names such as 'toString' as well as unknown ones.
    const scheduler = Object.hasOwn(this.schedulers, endpointClass)
      ? this.schedulers[endpointClass]
      : undefined;
    if (scheduler === undefined) {
      throw new TypeError(
        `Unknown endpoint class '${String(endpointClass)}'; use one of ${ENDPOINT_CLASSES.join(', ')}`,
      );
    }

    return scheduler;
  }
}
