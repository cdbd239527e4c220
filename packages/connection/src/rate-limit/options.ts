import { ConfigurationError, type ConfigurationProblem } from '@umapi/auth-core';

/**
 * A group of UMAPI requests that share one per-client budget.
 *
 * - `users`: `GET users/{orgId}/{page}`, the user listing.
 * - `groupUsers`: `GET users/{orgId}/{page}/{group}`, the members of one group.
 * - `groups`: `GET groups/{orgId}/{page}`, the group listing.
 * - `actions`: `POST action/{orgId}`, user actions.
 */
export type EndpointClass = 'users' | 'groups' | 'groupUsers' | 'actions';

/**
 * Request budgets in requests per minute, per endpoint class.
 *
 * `false` turns the scheduler off for every class; a class set to `false`
 * is not scheduled. A class left out keeps its default.
 */
export type RateLimitOptions = false | Partial<Record<EndpointClass, number | false>>;

/** Budget of each class: requests per minute, or `false` when the class is not scheduled. */
export type Budgets = Record<EndpointClass, number | false>;

/** Every endpoint class, in a fixed order for stats and messages. */
export const ENDPOINT_CLASSES: readonly EndpointClass[] = [
  'users',
  'groups',
  'groupUsers',
  'actions',
];

/**
 * UMAPI's documented per-client budgets in requests per minute: user
 * listing 25, group listing 5, members of a group 5, actions 10.
 */
export const DEFAULT_BUDGETS: Readonly<Budgets> = Object.freeze({
  users: 25,
  groups: 5,
  groupUsers: 5,
  actions: 10,
});

/**
 * Validates rate-limit options and merges them over the defaults.
 *
 * @param options - The caller's options; `undefined` gives the defaults.
 * @param field - The option name used in error messages, `rateLimits` by default.
 * @throws ConfigurationError listing every unknown class and invalid budget.
 */
export function resolveBudgets(
  options: RateLimitOptions | undefined,
  field = 'rateLimits',
): Budgets {
  if (options === undefined) {
    return { ...DEFAULT_BUDGETS };
  }

  if (options === false) {
    return { users: false, groups: false, groupUsers: false, actions: false };
  }

  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigurationError(
      [
        {
          field,
          message: `must be false or an object such as { users: 25, actions: 10 }, got ${describe(options)}`,
        },
      ],
      { subject: 'rate-limit options' },
    );
  }

  const problems: ConfigurationProblem[] = [];
  const budgets: Budgets = { ...DEFAULT_BUDGETS };

  for (const [key, value] of Object.entries(options)) {
    if (!ENDPOINT_CLASSES.includes(key as EndpointClass)) {
      problems.push({
        field: `${field}.${key}`,
        message: `is not an endpoint class; use one of ${ENDPOINT_CLASSES.join(', ')}`,
      });
      continue;
    }

    // An explicit undefined keeps the default, as if the key were absent.
    if (value === undefined) {
      continue;
    }

    if (value !== false && !(Number.isInteger(value) && (value as number) > 0)) {
      problems.push({
        field: `${field}.${key}`,
        message: `must be a positive whole number of requests per minute, or false to turn it off; got ${describe(value)}`,
      });
      continue;
    }

    budgets[key as EndpointClass] = value as number | false;
  }

  if (problems.length > 0) {
    throw new ConfigurationError(problems, { subject: 'rate-limit options' });
  }

  return budgets;
}

/** Returns the lower of two budgets, where `false` (not scheduled) is the highest. */
export function lowerBudget(a: number | false, b: number | false): number | false {
  if (a === false) {
    return b;
  }

  if (b === false) {
    return a;
  }

  return Math.min(a, b);
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return `'${value}'`;
  }

  if (
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value === null ||
    value === undefined
  ) {
    return String(value);
  }

  return Array.isArray(value) ? 'an array' : typeof value;
}
