import type { ConfigurationProblem } from '@umapi/auth-core';
import { debug } from '@umapi/auth-core';
import { ActionValidationError } from './errors.js';
import { parseActionResponse } from './response.js';
import { type ActionPiece, splitAction } from './split.js';
import {
  type ActionJson,
  UMAPI_LIMITS,
  type UserActionJson,
  type UserGroupActionJson,
} from './types.js';
import { UserAction } from './user-action.js';
import { UserGroupAction } from './user-group-action.js';
import { checkActionJson, isPlainObject } from './validate.js';
import { checkUserGroupActionJson } from './validate-user-group.js';

/** An action `execute()` accepts: from a builder, or in UMAPI's wire form. */
export type Action = UserAction | UserActionJson | UserGroupAction | UserGroupActionJson;

/** The `Pragma` marker that marks the start or end of a sync run for UMAPI. */
export type SyncMarker = 'umapi-sync-start' | 'umapi-sync-end';

/** A failure of one step (or of the whole request) reported against the caller's action. */
export interface ActionError {
  /** Index of the action in the array passed to the `execute()` call that submitted it. */
  actionIndex: number;
  /** Index of the failed step in the caller's action, when UMAPI named one. */
  step?: number;
  /** The action's `requestID`, as UMAPI echoed it or as the action set it. */
  requestID?: string;
  /** The user ID of a user action, as UMAPI echoed it or as the action set it. */
  user?: string;
  /** The group name of a user group action, as sent in the failed entry (after any rename in earlier entries). */
  usergroup?: string;
  /**
   * UMAPI's error code (such as `error.user.nonexistent`), or the client's code when
   * the request itself failed. `ABORT_ERR` when the caller's signal aborted the
   * request, whatever the abort reason; UMAPI may still have applied that request.
   */
  errorCode: string;
  /** UMAPI's message, or the client's message when the request failed or its response was unreadable. */
  message: string;
  /** The caller's action, the same object that was passed in. */
  action: Action;
  /** The error thrown by the request, when the request failed as a whole; the signal's reason when the caller aborted it. */
  cause?: unknown;
}

/** A warning UMAPI returned for a step, such as a deprecated command, mapped like {@link ActionError}. */
export interface ActionWarning {
  /** Index of the action in the array passed to the `execute()` call that submitted it. */
  actionIndex: number;
  /** Index of the step in the caller's action, when UMAPI named one. */
  step?: number;
  /** The action's `requestID`, when UMAPI echoed it. */
  requestID?: string;
  /** The user ID, when UMAPI echoed it. */
  user?: string;
  /** The group name of a user group action, as sent in the entry. */
  usergroup?: string;
  /** UMAPI's warning code. */
  warningCode: string;
  /** UMAPI's warning message. */
  message: string;
  /** The caller's action, the same object that was passed in. */
  action: Action;
}

/** Outcome of one `execute()` or `executeQueued()` call. */
export interface ExecuteResult {
  /** Actions still waiting in the queue after the call. */
  queued: number;
  /**
   * Actions whose last entry was sent during the call, whatever the response. An action
   * is not counted when one of its requests failed before it went out, such as on the
   * token exchange. Such an action is in `errors` with a message saying it was not sent.
   */
  sent: number;
  /** Sent actions with no error in any entry. In test mode these are the actions that passed the check. */
  completed: number;
  /** Every error reported during the call, against the caller's actions. */
  errors: ActionError[];
  /** Every warning UMAPI returned during the call. */
  warnings?: ActionWarning[];
}

/** Options the executor passes to {@link ActionSender}. */
export interface ActionSendOptions {
  signal?: AbortSignal;
  /** Sent as the `Pragma` header when set. */
  pragma?: SyncMarker;
}

/**
 * Sends one action request (`POST action/{orgId}`) and resolves to the parsed
 * response body. Retries belong here: the executor never sends a request twice.
 * When its request failed before any attempt went out, the sender throws
 * {@link ActionRequestNotSent}. Any other failure counts as possibly received by UMAPI.
 */
export type ActionSender = (body: ActionJson[], options: ActionSendOptions) => Promise<unknown>;

/**
 * Thrown by an {@link ActionSender} whose request failed before any attempt
 * went out, such as during the token exchange or the wait for a budget slot.
 * The executor then keeps the request's actions out of `sent`.
 */
export class ActionRequestNotSent extends Error {
  /** @param reason - The failure itself, reported as the action errors' `cause`. */
  constructor(readonly reason: unknown) {
    super('The action request failed before it was sent', { cause: reason });
    this.name = 'ActionRequestNotSent';
  }
}

/** Options of {@link createActionExecutor}. */
export interface ActionExecutorOptions {
  send: ActionSender;
  /**
   * Returns the error to stop with once the owner is closed, or undefined
   * while it is open. A closed executor rejects new calls with it and sends
   * no further batch, leaving the unsent actions queued.
   */
  closedError?(): Error | undefined;
}

/** Options of `execute()`. */
export interface ExecuteOptions {
  /**
   * Send every queued action now, even if fewer than 10 are waiting. Default
   * false here, so a bare executor only sends full batches.
   * `Connection.execute()` passes true unless its caller sets false.
   */
  immediate?: boolean;
  /**
   * Stops the call. A request already handed to fetch is reported in `errors` with
   * `errorCode` `ABORT_ERR` and the signal's reason as `cause`. Actions not yet sent,
   * including those of a request stopped during its token exchange or budget wait, stay queued.
   */
  signal?: AbortSignal;
}

/** Queues user and user group actions and sends them in batches that fit UMAPI's limits. */
export interface ActionExecutor {
  /**
   * Checks and queues actions, then sends full batches of 10 entries, or
   * every queued entry when `immediate` is true (default false).
   *
   * A request that fails as a whole does not reject the call: its actions
   * are reported in `errors` with the failure as `cause`.
   *
   * @throws ActionValidationError when any action is invalid; nothing is then queued or sent.
   * @throws The signal's `reason` when the signal was aborted before the call.
   */
  execute(actions: readonly Action[], options?: ExecuteOptions): Promise<ExecuteResult>;
  /** Sends every queued action. */
  executeQueued(options?: { signal?: AbortSignal }): Promise<ExecuteResult>;
  /**
   * Makes the next request carry `Pragma: umapi-sync-start`: the next action
   * request, or whichever request first calls `takeSyncMarker()`.
   */
  startSync(): void;
  /**
   * Makes the next request carry `Pragma: umapi-sync-end`, or the one after
   * it when a start marker is still pending.
   */
  endSync(): void;
  /**
   * Returns the pending marker and clears it, for a request that is not an
   * action request. Adobe's Python client sends the markers on the next
   * request of any kind, so a sync that ends with an empty queue still
   * reports its end on the next listing or lookup.
   */
  takeSyncMarker(): SyncMarker | undefined;
  /** Totals since the executor was created: actions queued now, sent and completed. */
  counters(): { queued: number; sent: number; completed: number };
}

interface Submission {
  actionIndex: number;
  action: Action;
  piecesLeft: number;
  failed: boolean;
  /** Set when an entry of the action failed before its request went out. */
  unsent: boolean;
}

interface QueuedPiece extends ActionPiece {
  owner: Submission;
  /**
   * The users or groups the entry acts on, lower case: the user ID with its
   * domain (and the email address), or every name the group has in the entry.
   * An entry never shares a request with another entry that acts on, or
   * names, one of these.
   */
  subjectKeys: string[];
  /**
   * Names the entry uses without acting on them, in lower case: the groups of
   * a user entry's add and remove steps, or the users of a group entry's.
   * An entry never shares a request with an entry that acts on one of these.
   */
  memberKeys: string[];
}

interface CallResult {
  sent: number;
  completed: number;
  requests: number;
  errors: ActionError[];
  warnings: ActionWarning[];
}

/**
 * Creates the executor behind `Connection.execute()`.
 *
 * Batching rules:
 * - a request contains at most 10 entries, an entry at most 10 steps and an
 *   add or remove step at most 10 groups, users or product profiles. Larger
 *   actions are split into several entries for the same user or group, in order;
 * - two entries for the same user or group never go in one request, because
 *   UMAPI does not promise to run the entries of one request in order. Nor do
 *   a group entry and a user entry where one adds or removes what the other
 *   acts on: a user that a group entry adds, or a group that a user entry adds
 *   the user to. Other dependencies are the caller's to separate;
 * - every error is reported against the caller's action and step;
 * - a request that throws (for example `UnavailableError` after its retries)
 *   marks its actions as failed, and the following requests are still sent.
 *
 * Calls run one after another, so two overlapping `execute()` calls cannot
 * interleave their requests.
 */
export function createActionExecutor(options: ActionExecutorOptions): ActionExecutor {
  const send = options.send;
  const queue: QueuedPiece[] = [];
  const totals = { sent: 0, completed: 0 };
  const markers = { start: false, end: false };
  let tail: Promise<unknown> = Promise.resolve();

  function serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  }

  function takeSyncMarker(): SyncMarker | undefined {
    // As in Adobe's Python client: a pending start goes first, the end on the request after it.
    if (markers.start) {
      markers.start = false;
      return 'umapi-sync-start';
    }

    if (markers.end) {
      markers.end = false;
      return 'umapi-sync-end';
    }

    return undefined;
  }

  function queuedActions(): number {
    return new Set(queue.map((piece) => piece.owner)).size;
  }

  // Stops at the first entry that depends on one already in the batch, so
  // entries still go out in the caller's order.
  function takeBatch(): QueuedPiece[] {
    const batch: QueuedPiece[] = [];
    const subjects = new Set<string>();
    const members = new Set<string>();
    while (queue.length > 0 && batch.length < UMAPI_LIMITS.entriesPerRequest) {
      const next = queue[0]!;
      const dependent =
        next.subjectKeys.some((key) => subjects.has(key) || members.has(key)) ||
        next.memberKeys.some((key) => subjects.has(key));
      if (dependent) {
        break;
      }

      for (const key of next.subjectKeys) {
        subjects.add(key);
      }
      for (const key of next.memberKeys) {
        members.add(key);
      }
      batch.push(queue.shift()!);
    }

    return batch;
  }

  async function sendBatch(
    batch: QueuedPiece[],
    call: CallResult,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    call.requests += 1;
    const label = describeRequest(call.requests, batch);
    const pragma = takeSyncMarker();

    try {
      const body = await send(
        batch.map((piece) => piece.entry),
        { signal, pragma },
      );
      recordResponse(batch, parseActionResponse(body, batch.length, label), call);
    } catch (thrown) {
      const notSent = thrown instanceof ActionRequestNotSent;
      const error = notSent ? thrown.reason : thrown;
      debug('actions: %s failed%s: %s', label, notSent ? ' before it was sent' : '', messageOf(error));

      // Nothing went out, so the batch and its sync marker wait for a later
      // executeQueued(), as the batches after it do.
      if (notSent) {
        restoreSyncMarker(pragma);
        if (abortedByCaller(error, signal) || options.closedError?.() !== undefined) {
          queue.unshift(...batch);
          call.requests -= 1;
          return;
        }
      }

      reportFailedRequest(batch, call, { label, error, notSent, signal });
    }

    for (const piece of batch) {
      piece.owner.piecesLeft -= 1;
      if (piece.owner.piecesLeft === 0 && !piece.owner.unsent) {
        call.sent += 1;
        if (!piece.owner.failed) {
          call.completed += 1;
        }
      }
    }
  }

  function restoreSyncMarker(pragma: SyncMarker | undefined): void {
    if (pragma === 'umapi-sync-start') {
      markers.start = true;
    } else if (pragma === 'umapi-sync-end') {
      markers.end = true;
    }
  }

  /** Reports every entry of a request that failed as a whole, against the caller's actions. */
  function reportFailedRequest(
    batch: QueuedPiece[],
    call: CallResult,
    request: { label: string; error: unknown; notSent: boolean; signal: AbortSignal | undefined },
  ): void {
    const { label, error, notSent, signal } = request;
    let failure: Pick<ActionError, 'errorCode' | 'message' | 'cause'>;
    if (abortedByCaller(error, signal)) {
      failure = {
        errorCode: ACTION_ABORTED_CODE,
        message: `${label} was aborted by the caller's signal (${messageOf(signal?.reason)}). If it was already sent, UMAPI may have applied it, so read the users' state again before you retry it`,
        cause: signal?.reason,
      };
    } else if (notSent) {
      failure = {
        errorCode: codeOf(error),
        message: `${label} was not sent: ${messageOf(error)}`,
        cause: error,
      };
    } else {
      failure = {
        errorCode: codeOf(error),
        message: `${label} failed: ${messageOf(error)}`,
        cause: error,
      };
    }

    for (const piece of batch) {
      if (notSent) {
        piece.owner.unsent = true;
      }
      fail(piece, call, failure);
    }
  }

  function recordResponse(
    batch: QueuedPiece[],
    parsed: ReturnType<typeof parseActionResponse>,
    call: CallResult,
  ): void {
    const reported = new Set<number>();
    for (const report of parsed.errors) {
      const piece = batch[report.entry]!;
      reported.add(report.entry);
      fail(piece, call, {
        step: report.step === undefined ? undefined : piece.stepMap[report.step],
        requestID: report.requestID,
        user: report.user,
        errorCode: report.code,
        message: report.message,
      });
    }

    if (parsed.problem !== undefined) {
      batch.forEach((piece, entry) => {
        if (!reported.has(entry)) {
          fail(piece, call, { errorCode: parsed.problem!.code, message: parsed.problem!.message });
        }
      });
    }

    for (const report of parsed.warnings) {
      const piece = batch[report.entry]!;
      call.warnings.push(
        withoutUndefined({
          actionIndex: piece.owner.actionIndex,
          step: report.step === undefined ? undefined : piece.stepMap[report.step],
          requestID: report.requestID,
          user: report.user,
          usergroup: 'usergroup' in piece.entry ? piece.entry.usergroup : undefined,
          warningCode: report.code,
          message: report.message,
          action: piece.owner.action,
        }),
      );
    }
  }

  function fail(
    piece: QueuedPiece,
    call: CallResult,
    details: Omit<ActionError, 'actionIndex' | 'action' | 'user' | 'usergroup' | 'requestID'> & {
      user?: string;
      requestID?: string;
    },
  ): void {
    piece.owner.failed = true;
    const entry = piece.entry;
    call.errors.push(
      withoutUndefined({
        actionIndex: piece.owner.actionIndex,
        step: details.step,
        requestID: details.requestID ?? entry.requestID,
        user: 'user' in entry ? (details.user ?? entry.user) : undefined,
        usergroup: 'usergroup' in entry ? entry.usergroup : undefined,
        errorCode: details.errorCode,
        message: details.message,
        action: piece.owner.action,
        cause: details.cause,
      }),
    );
  }

  function throwIfClosed(): void {
    const closed = options.closedError?.();
    if (closed !== undefined) {
      throw closed;
    }
  }

  async function flush(
    immediate: boolean,
    signal: AbortSignal | undefined,
  ): Promise<ExecuteResult> {
    const call: CallResult = { sent: 0, completed: 0, requests: 0, errors: [], warnings: [] };

    while (queue.length >= UMAPI_LIMITS.entriesPerRequest || (immediate && queue.length > 0)) {
      // After an abort or a close the unsent entries stay queued for a later executeQueued().
      if (signal?.aborted || options.closedError?.() !== undefined) {
        break;
      }

      await sendBatch(takeBatch(), call, signal);
    }

    totals.sent += call.sent;
    totals.completed += call.completed;

    const result: ExecuteResult = {
      queued: queuedActions(),
      sent: call.sent,
      completed: call.completed,
      errors: call.errors,
    };
    if (call.warnings.length > 0) {
      result.warnings = call.warnings;
    }

    return result;
  }

  return {
    execute(actions, executeOptions = {}) {
      return serialize(async () => {
        executeOptions.signal?.throwIfAborted();
        throwIfClosed();
        const submitted = prepare(actions);
        queue.push(...submitted);
        return flush(executeOptions.immediate === true, executeOptions.signal);
      });
    },

    executeQueued(queuedOptions = {}) {
      return serialize(async () => {
        queuedOptions.signal?.throwIfAborted();
        throwIfClosed();
        return flush(true, queuedOptions.signal);
      });
    },

    startSync() {
      markers.start = true;
    },

    endSync() {
      markers.end = true;
    },

    takeSyncMarker,

    counters() {
      return { queued: queuedActions(), sent: totals.sent, completed: totals.completed };
    },
  };
}

/** Checks every action, then splits each into queued entries. Nothing is queued when one is invalid. */
function prepare(actions: readonly Action[]): QueuedPiece[] {
  if (!Array.isArray(actions)) {
    throw new ActionValidationError([
      {
        field: 'actions',
        message: 'must be an array of UserAction or UserGroupAction objects or action JSON',
      },
    ]);
  }

  const problems: ConfigurationProblem[] = [];
  let groupActions = 0;
  // A builder checked its steps as they were added, but it may have none.
  const wires = actions.map((action, index): ActionJson => {
    const wire =
      action instanceof UserAction || action instanceof UserGroupAction ? action.toJSON() : action;
    const path = `actions[${index}]`;
    if (isPlainObject(wire) && 'usergroup' in wire) {
      groupActions += 1;
      checkUserGroupActionJson(wire, path, problems);
    } else {
      checkActionJson(wire, path, problems);
    }

    return wire;
  });

  if (problems.length > 0) {
    const subject =
      groupActions === 0
        ? 'user action'
        : groupActions === actions.length
          ? 'user group action'
          : 'action';
    throw new ActionValidationError(problems, subject);
  }

  const pieces: QueuedPiece[] = [];
  wires.forEach((wire, index) => {
    const split = splitAction(wire);
    const owner: Submission = {
      actionIndex: index,
      action: actions[index]!,
      piecesLeft: split.length,
      failed: false,
      unsent: false,
    };
    for (const piece of split) {
      pieces.push({
        ...piece,
        owner,
        subjectKeys: subjectKeysOf(piece.entry),
        memberKeys: memberKeysOf(piece.entry),
      });
    }
  });

  return pieces;
}

function subjectKeysOf(entry: ActionJson): string[] {
  if ('user' in entry) {
    const user = entry.user.toLowerCase();
    const keys = [`user\n${user}\n${(entry.domain ?? '').toLowerCase()}`];
    // Group entries name their members by email address.
    if (user.includes('@')) {
      keys.push(`email\n${user}`);
    }

    return keys;
  }

  // A rename inside the entry makes the group known by a second name.
  const names = [entry.usergroup];
  for (const step of entry.do) {
    if ('updateUserGroup' in step && step.updateUserGroup.name !== undefined) {
      names.push(step.updateUserGroup.name);
    }
  }

  return names.map((name) => `usergroup\n${name.toLowerCase()}`);
}

/**
 * Returns the users a group entry adds or removes, or the user groups a user
 * entry adds or removes, so that an entry never shares a request with one
 * that creates, renames or deletes what it names. UMAPI does not promise to
 * run the entries of one request in order. Product profiles are left out,
 * because a group action cannot create or rename one.
 */
function memberKeysOf(entry: ActionJson): string[] {
  const keys: string[] = [];
  for (const step of entry.do as Array<Record<string, unknown>>) {
    for (const list of [step.add, step.remove]) {
      if (typeof list !== 'object' || list === null) {
        continue;
      }

      const { user, group } = list as { user?: string[]; group?: string[] };
      for (const email of user ?? []) {
        keys.push(`email\n${email.toLowerCase()}`);
      }
      for (const name of group ?? []) {
        keys.push(`usergroup\n${name.toLowerCase()}`);
      }
    }
  }

  return keys;
}

function describeRequest(number: number, batch: readonly QueuedPiece[]): string {
  const indexes = [...new Set(batch.map((piece) => piece.owner.actionIndex))];
  const first = indexes[0];
  const last = indexes.at(-1);
  const range = first === last ? `action ${first}` : `actions ${first}-${last}`;
  return `action request ${number} of this call (${range})`;
}

/**
 * `errorCode` of every action whose request the caller's signal aborted, whatever
 * the abort reason (an `Error`, a string, or none). The reason is the error's `cause`.
 */
export const ACTION_ABORTED_CODE = 'ABORT_ERR';

/**
 * Tells whether a request failed because the caller's signal aborted it. The
 * failure is then the signal's reason itself, or an `AbortError` raised for it.
 */
function abortedByCaller(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted !== true) {
    return false;
  }

  return error === signal.reason || (error as { name?: unknown } | null)?.name === 'AbortError';
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.length > 0) {
    return code;
  }

  return (error as { name?: unknown } | null)?.name === 'AbortError'
    ? 'ABORT_ERR'
    : 'ERR_UMAPI_ACTION_REQUEST';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
