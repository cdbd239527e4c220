/**
 * Request classes with separate per-client budgets at UMAPI: user listing
 * (`GET /users/{org}/{page}`), user-group listing (`GET /users/{org}/{page}/{group}`),
 * group listing (`GET /groups/...`) and actions (`POST /action/...`).
 */
export type BudgetClass = 'users' | 'groupUsers' | 'groups' | 'actions';

/** Requests per minute per client ID, by class. */
export type RateLimits = Record<BudgetClass, number>;

/** UMAPI's documented per-client budgets in requests per minute. */
export const DEFAULT_RATE_LIMITS: RateLimits = { users: 25, groupUsers: 5, groups: 5, actions: 10 };

/** The budget window: one minute of the fake's (possibly compressed) clock. */
export const BUDGET_WINDOW_MS = 60_000;

/** Counts for one class, over all client IDs or for one. */
export interface BudgetClassStats {
  /** Requests per minute allowed. */
  limit: number;
  /** Requests admitted. */
  served: number;
  /** Requests rejected with 429 by the budget. */
  throttled: number;
}

/** The verdict for one request. */
export type BudgetDecision =
  | { allowed: true }
  | {
      allowed: false;
      /** Time until a slot frees, in milliseconds of the fake's clock. */
      waitMs: number;
    };

interface ClientBudget {
  /** Admission times (fake clock, epoch ms) inside the current window, oldest first. */
  admitted: number[];
  served: number;
  throttled: number;
}

/**
 * Sliding-window request budgets per client ID and class. A request is
 * admitted when fewer than `limit` requests of its class from its client ID
 * were admitted in the last {@link BUDGET_WINDOW_MS}; throttled requests do
 * not use up the budget.
 */
export class RequestBudgets {
  readonly #limits: RateLimits;
  readonly #budgets = new Map<string, ClientBudget>();

  constructor(limits: RateLimits) {
    this.#limits = limits;
  }

  admit(clientId: string, budgetClass: BudgetClass, nowMs: number): BudgetDecision {
    const budget = this.#budget(clientId, budgetClass);
    const windowStart = nowMs - BUDGET_WINDOW_MS;
    while (budget.admitted.length > 0 && budget.admitted[0]! <= windowStart)
      budget.admitted.shift();

    if (budget.admitted.length < this.#limits[budgetClass]) {
      budget.admitted.push(nowMs);
      budget.served += 1;
      return { allowed: true };
    }

    budget.throttled += 1;
    return { allowed: false, waitMs: budget.admitted[0]! + BUDGET_WINDOW_MS - nowMs };
  }

  /** Served and throttled counts per class, for one client ID or summed over all. */
  stats(clientId?: string): Record<BudgetClass, BudgetClassStats> {
    const result = {} as Record<BudgetClass, BudgetClassStats>;
    for (const budgetClass of Object.keys(this.#limits) as BudgetClass[]) {
      result[budgetClass] = { limit: this.#limits[budgetClass], served: 0, throttled: 0 };
    }

    for (const [key, budget] of this.#budgets) {
      const [owner, budgetClass] = splitKey(key);
      if (clientId !== undefined && owner !== clientId) continue;
      result[budgetClass].served += budget.served;
      result[budgetClass].throttled += budget.throttled;
    }
    return result;
  }

  #budget(clientId: string, budgetClass: BudgetClass): ClientBudget {
    const key = `${budgetClass}\u0000${clientId}`;
    let budget = this.#budgets.get(key);
    if (!budget) {
      budget = { admitted: [], served: 0, throttled: 0 };
      this.#budgets.set(key, budget);
    }
    return budget;
  }
}

function splitKey(key: string): [string, BudgetClass] {
  const separator = key.indexOf('\u0000');
  return [key.slice(separator + 1), key.slice(0, separator) as BudgetClass];
}

/** Resolves the `rateLimits` option: `true` for UMAPI's defaults, an object to override some classes. */
export function resolveRateLimits(
  option: boolean | Partial<RateLimits> | undefined,
): RateLimits | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return { ...DEFAULT_RATE_LIMITS };

  const limits = { ...DEFAULT_RATE_LIMITS };
  for (const [name, value] of Object.entries(option)) {
    if (!(name in DEFAULT_RATE_LIMITS)) {
      throw new TypeError(
        `rateLimits.${name} is not a request class. Use users, groupUsers, groups or actions.`,
      );
    }
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) {
      throw new TypeError(
        `rateLimits.${name} must be a positive integer of requests per minute, got ${String(value)}.`,
      );
    }
    limits[name as BudgetClass] = value;
  }
  return limits;
}
