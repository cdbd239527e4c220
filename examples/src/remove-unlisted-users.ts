/**
 * The code under test for the downstream test suites
 * (`remove-unlisted-users.test.ts` with vitest, `node-test/` with node's
 * test runner): a small clean-up job of the kind an IT team writes. It
 * removes from the org every user whose email is not on an allow-list, for
 * example the list of current employees from the HR system.
 *
 * It shows two habits that the tests then check under failure:
 * - list everything first and act afterwards, so that a listing that fails
 *   part-way removes nobody instead of the users it had not reached yet;
 * - stop when the number of removals is suspiciously high, because an empty
 *   or truncated allow-list would otherwise empty the org.
 */
import { UmapiError } from '@umapi/auth-core';
import { type Connection, UserAction } from '@umapi/connection';

/** Options for {@link removeUnlistedUsers}. */
export interface RemoveUnlistedUsersOptions {
  /** Emails of the users to keep. Compared without regard to case. */
  keep: Iterable<string>;
  /** The job stops without removing anyone when more users than this would go. Default 50. */
  maxRemovals?: number;
  signal?: AbortSignal;
}

/** The outcome of {@link removeUnlistedUsers}. */
export interface RemoveUnlistedUsersReport {
  /** Users listed. */
  checked: number;
  /** Emails removed from the org (in test mode: accepted by UMAPI's check). */
  removed: string[];
  /** Removals UMAPI reported as failed, with its error code. */
  failed: Array<{ email: string; errorCode: string; message: string }>;
}

/** Thrown when the job would remove more users than `maxRemovals`. Nothing was removed. */
export class TooManyRemovalsError extends UmapiError {
  readonly wouldRemove: number;

  constructor(wouldRemove: number, maxRemovals: number) {
    super(
      `Removed nobody: ${wouldRemove} users are not on the allow-list, more than maxRemovals (${maxRemovals}). Check the allow-list, or raise maxRemovals`,
      'ERR_TOO_MANY_REMOVALS',
    );
    this.wouldRemove = wouldRemove;
  }
}

/**
 * Removes from the org every user not in `keep`.
 *
 * @throws The connection's errors when the listing fails (a `ListingError`
 *   whose `cause` is, for example, an `ImsError` or an `UnavailableError`).
 *   No user is removed then.
 * @throws TooManyRemovalsError when more than `maxRemovals` users would go.
 */
export async function removeUnlistedUsers(
  connection: Connection,
  options: RemoveUnlistedUsersOptions,
): Promise<RemoveUnlistedUsersReport> {
  const keep = new Set([...options.keep].map((email) => email.toLowerCase()));
  const maxRemovals = options.maxRemovals ?? 50;
  const signal = options.signal;

  let checked = 0;
  const unlisted: string[] = [];
  for await (const user of connection.users(signal === undefined ? {} : { signal })) {
    checked += 1;
    if (!keep.has(user.email.toLowerCase())) unlisted.push(user.email);
  }

  if (unlisted.length > maxRemovals) {
    throw new TooManyRemovalsError(unlisted.length, maxRemovals);
  }

  if (unlisted.length === 0) {
    return { checked, removed: [], failed: [] };
  }

  const actions = unlisted.map((email) => new UserAction({ email }).removeFromOrg());
  const result = await connection.execute(actions, {
    immediate: true,
    ...(signal === undefined ? {} : { signal }),
  });

  // Errors point at the index of the action in the array passed to execute().
  const failedIndexes = new Set(result.errors.map((error) => error.actionIndex));
  return {
    checked,
    removed: unlisted.filter((_, index) => !failedIndexes.has(index)),
    failed: result.errors.map((error) => ({
      email: unlisted[error.actionIndex] ?? error.user ?? '',
      errorCode: error.errorCode,
      message: error.message,
    })),
  };
}
