import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { type Authenticator, createTransport, debug, type Transport } from '@umapi/auth-core';
import { ConnectionClosedError, RequestError, ResponseError } from './errors.js';
import {
  type ConnectionLogger,
  type ConnectionOptions,
  CONNECTION_DEFAULTS,
  type ResolvedConnectionOptions,
  resolveConnectionOptions,
} from './options.js';
import { listItems } from './paging.js';
import { type PendingCall, PendingCalls } from './pending-calls.js';
import { encodePathSegment } from './path-segment.js';
import {
  type PreparedRequest,
  prepareRequest,
  type RequestOptions,
  type UmapiResponse,
} from './request.js';
import { type RetrySettings, sendWithRetries } from './retry.js';
import { classifyRequest, getRateLimiter, type RateLimiter } from './rate-limit/index.js';
import {
  type Action,
  type ActionExecutor,
  ActionRequestNotSent,
  type ActionSender,
  createActionExecutor,
  type ExecuteResult,
} from './actions/index.js';
import { checkServerStatus, type ConnectionStatus, type ServerStatus } from './status.js';
import { buildUserAgent } from './user-agent.js';

/** A user record as UMAPI returns it; the fields depend on the account type. */
export interface UmapiUser {
  /** The user's email address. */
  email: string;
  /** Account status, such as `active` or `disabled`. */
  status?: string;
  /** The login name; for Federated IDs it may differ from the email address. */
  username?: string;
  /** The domain of the account. */
  domain?: string;
  /** Given name. */
  firstname?: string;
  /** Family name. */
  lastname?: string;
  /** ISO 3166-1 alpha-2 country code, such as `US`; UMAPI reports `UD` when unknown. */
  country?: string;
  /** Account type: `adobeID`, `enterpriseID` or `federatedID`. */
  type?: string;
  /** Names of the user groups and product profiles the user belongs to. */
  groups?: string[];
  /** Any other field UMAPI returns, passed through unchanged. */
  [field: string]: unknown;
}

/** A user group or product profile as UMAPI returns it. */
export interface UmapiGroup {
  /** The group name, as used in `add` and `remove` steps. */
  groupName: string;
  /** UMAPI's numeric ID of the group. */
  groupId?: number;
  /** Group kind, such as `USER_GROUP` or `PRODUCT_PROFILE`. */
  type?: string;
  /** Number of members. */
  memberCount?: number;
  /** Any other field UMAPI returns, such as `productName`, passed through unchanged. */
  [field: string]: unknown;
}

/** Filters of `users()`. Without one, every user of the org is listed. */
export interface UsersQuery {
  /** List only users of this domain. */
  domain?: string;
  /** List only members of this user group or product profile. */
  group?: string;
  /** With `group`: false also lists members through nested groups. UMAPI's default is true. */
  directOnly?: boolean;
  /** Aborts the listing: the iteration then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of `execute()`. */
export interface ExecuteOptions {
  /** Send every queued action now, even if the last batch is not full. Default true. */
  immediate?: boolean;
  /**
   * Stops sending further batches once aborted, leaving unsent actions queued. A batch whose
   * request went out before the abort is reported in `errors`; one stopped earlier stays queued.
   */
  signal?: AbortSignal;
}

/**
 * An authenticated connection to Adobe's User Management API for one org.
 *
 * It accepts any authenticator (`JWTAuth`, `OAuthS2S`, or one written by
 * hand), sends every call with the authentication and tracing headers,
 * retries transient failures, keeps within UMAPI's per-client request
 * budgets, pages through listings and batches user actions.
 *
 * @example
 * const auth = new OAuthS2S({ clientId, clientSecret, orgId });
 * const connection = new Connection({ auth });
 * for await (const user of connection.users({ domain: 'example.com' })) {
 *   console.log(user.email);
 * }
 */
export class Connection {
  /** The org ID all calls are for. */
  readonly orgId: string;
  /** The UMAPI endpoint, without a trailing slash. */
  readonly endpoint: string;
  /** Whether actions are sent with `testOnly=true`. */
  readonly testMode: boolean;
  /** A random id of this connection, the first part of every `X-Request-Id`. */
  readonly connectionId: string = randomUUID();

  readonly #auth: Authenticator;
  readonly #options: ResolvedConnectionOptions;
  readonly #transport: Transport;
  readonly #limiter: RateLimiter;
  readonly #logger: Required<ConnectionLogger>;
  readonly #userAgent: string;
  readonly #retrySettings: RetrySettings;
  readonly #executor: ActionExecutor;
  readonly #counters = { requests: 0, retries: 0, multipleQueries: 0, singleQueries: 0 };
  #serverStatus: ServerStatus;
  #lastRequestTime = 0;
  /** The promise of `close()`, set by its first call. */
  #closing: Promise<void> | undefined;
  readonly #pendingCalls = new PendingCalls();

  /**
   * Creates a connection. Sends nothing until the first call.
   *
   * @param options - See {@link ConnectionOptions}; only `auth` is required.
   * @throws ConfigurationError when `auth` is not an authenticator, such as a
   *   plain credentials object. Also when no org ID is known, when the org ID
   *   (from `orgId` or `auth.orgId`) does not end with `@AdobeOrg`, or when an
   *   option is invalid or unknown. The error lists every problem at once.
   */
  constructor(options: ConnectionOptions) {
    this.#options = resolveConnectionOptions(options);
    this.#auth = this.#options.auth;
    this.orgId = this.#options.orgId;
    this.endpoint = this.#options.endpoint;
    this.testMode = this.#options.testMode;
    this.#logger = resolveLogger(this.#options.logger);
    this.#userAgent = buildUserAgent(this.#options.userAgent);
    this.#serverStatus = { status: 'Never contacted', endpoint: this.endpoint };

    this.#transport = createTransport({
      sslVerify: this.#options.sslVerify,
      ca: this.#options.ca,
      fetch: this.#options.fetch,
    });
    this.#limiter = getRateLimiter(
      this.#auth.clientId,
      this.#options.rateLimits,
      this.#options.rateLimitTiming,
    );
    this.#retrySettings = {
      auth: this.#auth,
      limiter: this.#limiter,
      logger: this.#logger,
      fetch: this.#transport.fetch,
      buildHeaders: (request, token, requestId) => this.#buildHeaders(request, token, requestId),
      nextRequestId: () => this.#nextRequestId(),
      timeoutMs: this.#options.timeout,
      maxRetries: this.#options.maxRetries,
      maxRetryWaitMs: this.#options.maxRetryWaitMs,
      retryBaseDelayMs: this.#options.retryBaseDelayMs,
      retryMaxDelayMs: CONNECTION_DEFAULTS.retryMaxDelayMs,
      counters: this.#counters,
    };
    this.#executor = createActionExecutor({
      send: this.#sendActions,
      closedError: () =>
        this.#closing === undefined
          ? undefined
          : this.#closedError('the remaining actions stay queued'),
    });
  }

  /**
   * Sends one UMAPI request with retries and returns the parsed response.
   *
   * @param path - Path relative to the endpoint, such as `users/12345@AdobeOrg/0`.
   * @param options - Method (default GET, or POST with `json`), JSON body, query parameters, abort signal, extra headers.
   * @returns The status, headers and parsed JSON body of a 2xx response.
   * @throws UnavailableError when retries run out or the server asks to wait longer than `maxRetryWaitMs`.
   * @throws RequestError for a 4xx response (a 401 only after a retry with a new token failed).
   * @throws ServerError for a 5xx response other than 502, 503 and 504.
   * @throws ResponseError for a 2xx response that is not JSON, or whose `result` is `error`.
   * @throws The signal's reason when it aborts; an already-aborted signal sends nothing.
   * @throws ConnectionClosedError when {@link Connection.close} was called before or during the call.
   *
   * A sync marker set by {@link Connection.startSync} or
   * {@link Connection.endSync} rides on this request as its `Pragma` header,
   * unless `options.headers` already sets a `Pragma`.
   *
   * @example
   * const { body } = await connection.request(`groups/${connection.orgId}/0`);
   */
  async request<Body = unknown>(
    path: string,
    options: RequestOptions = {},
  ): Promise<UmapiResponse<Body>> {
    options.signal?.throwIfAborted();
    const prepared = prepareRequest(this.endpoint, path, options);
    if (this.#closing !== undefined) {
      throw this.#closedError(`${prepared.method} ${prepared.path} was not sent`);
    }

    this.#attachSyncMarker(prepared);
    return (await this.#send(prepared, options.signal)) as UmapiResponse<Body>;
  }

  /**
   * Lists users of the org, page by page, as they arrive.
   *
   * @param query - Optional domain or group filter and abort signal.
   * @returns An async iterable over every user; only one page is held in memory. With a
   *   `group` or `domain` filter, UMAPI's JSON 404 on the first page (such as for a group
   *   that does not exist) yields nothing.
   * @throws ListingError (from the iteration) when a page fails, including any 404 on the
   *   first page of an unfiltered listing or a 404 whose body is not UMAPI's JSON, which a
   *   mistyped endpoint or a proxy sends. The listing never ends early without an error.
   * @throws TypeError at once for a `group` of `.` or `..`, which no request path can address.
   *
   * @example
   * for await (const user of connection.users({ group: 'Designers' })) console.log(user.email);
   */
  users(query: UsersQuery = {}): AsyncIterable<UmapiUser> {
    const { domain, group, directOnly, signal } = query;
    const searchParams: Record<string, string> = {};
    if (domain !== undefined) {
      searchParams.domain = domain;
    }
    if (directOnly !== undefined) {
      searchParams.directOnly = String(directOnly);
    }

    const groupSegment = group === undefined ? '' : `/${encodePathSegment(group, 'users() group')}`;
    const pagePath = (page: number) =>
      `users/${encodeURIComponent(this.orgId)}/${page}${groupSegment}`;
    const filtered = group !== undefined || domain !== undefined;
    return this.#listing<UmapiUser>('users', pagePath, searchParams, filtered, signal);
  }

  /**
   * Lists the user groups and product profiles of the org, page by page.
   *
   * @param options - `signal` aborts the listing, which then rejects with the signal's reason.
   * @throws ListingError (from the iteration) when a page fails, including a 404 on the first page.
   */
  groups(options: { signal?: AbortSignal } = {}): AsyncIterable<UmapiGroup> {
    const pagePath = (page: number) => `groups/${encodeURIComponent(this.orgId)}/${page}`;
    return this.#listing<UmapiGroup>('groups', pagePath, {}, false, options.signal);
  }

  /**
   * Looks up one user by email or username.
   *
   * @returns The user, or null when UMAPI responds with 404 (no such user).
   * @throws TypeError for an empty value, or for `.` or `..`, which no request path can address.
   * @throws ResponseError for a 2xx response without a `user` object, or with a user whose
   *   `email` is missing or matches neither the email nor the username looked up (ignoring case).
   * @throws The errors of {@link Connection.request}.
   */
  async user(email: string, options: { signal?: AbortSignal } = {}): Promise<UmapiUser | null> {
    if (typeof email !== 'string' || email.trim() === '') {
      throw new TypeError('user() needs the email or username of the user to look up');
    }

    const emailSegment = encodePathSegment(email.trim(), 'user() email or username');
    const path = `organizations/${encodeURIComponent(this.orgId)}/users/${emailSegment}`;
    this.#counters.singleQueries += 1;
    let response: UmapiResponse<{ user?: unknown } | null>;
    try {
      response = await this.request(path, { signal: options.signal });
    } catch (error) {
      if (error instanceof RequestError && error.status === 404) {
        return null;
      }
      throw error;
    }

    // Only a 404 means "no such user": a 2xx without a user is a broken
    // response, and reading it as null would make a sync recreate the user.
    const user = response.body?.user;
    if (typeof user !== 'object' || user === null || Array.isArray(user)) {
      throw new ResponseError(
        `UMAPI responded to GET ${path} with HTTP ${response.status} but the body has no 'user' object`,
        { status: response.status, method: 'GET', path },
      );
    }

    const problem = describeUserMismatch(user as Record<string, unknown>, email.trim());
    if (problem !== undefined) {
      throw new ResponseError(
        `UMAPI responded to GET ${path} with HTTP ${response.status} but ${problem}; check the endpoint and any proxy in between`,
        { status: response.status, method: 'GET', path },
      );
    }

    return user as UmapiUser;
  }

  /**
   * Sends user and user group actions, batched as UMAPI requires: at most 10
   * actions per request and 10 steps per action, larger actions split in
   * order. In test mode UMAPI validates the actions and changes nothing.
   *
   * A request that fails as a whole (for example with `UnavailableError`
   * after its retries) does not reject the call. Its actions are reported
   * in `result.errors` with the error as `cause`, and the following batches
   * are still sent.
   *
   * @param actions - Actions from the `UserAction` and `UserGroupAction` builders, or their JSON, in any mix.
   * @param options - `immediate` sends every queued action now. It defaults to true, as
   *   `execute_multiple` does in Adobe's Python umapi-client v3. With `false` a last partial
   *   batch stays queued for a later call.
   * @returns Counts of queued, sent and completed actions, and each error mapped to the caller's action index.
   * @throws ActionValidationError when any action is invalid; nothing is then queued or sent.
   * @throws The signal's reason when the signal was aborted before the call; nothing is then queued or sent.
   * @throws ConnectionClosedError when the connection is closed; nothing is then queued or sent.
   *   A `close()` during the call fails the request in flight (its actions get `errorCode`
   *   `ERR_UMAPI_CONNECTION_CLOSED`) and leaves the unsent actions queued. A request that
   *   `close()` or the signal stops before it goes out (during the token exchange or a
   *   budget wait) stays queued as well and is not counted in `sent`.
   */
  execute(actions: readonly Action[], options: ExecuteOptions = {}): Promise<ExecuteResult> {
    if (this.#closing !== undefined) {
      return Promise.reject(this.#closedError('execute() queued and sent nothing'));
    }

    return this.#executor.execute(actions, {
      immediate: options.immediate ?? true,
      signal: options.signal,
    });
  }

  /**
   * Sends every queued action, in batches of at most 10 entries.
   *
   * @returns Counts and errors, as {@link Connection.execute} returns them.
   * @throws The signal's reason when the signal was aborted before the call; nothing is then sent.
   * @throws ConnectionClosedError when the connection is closed.
   */
  executeQueued(options: { signal?: AbortSignal } = {}): Promise<ExecuteResult> {
    if (this.#closing !== undefined) {
      return Promise.reject(this.#closedError('executeQueued() sent nothing'));
    }

    return this.#executor.executeQueued({ signal: options.signal });
  }

  /**
   * Marks the start of a sync run. Sends nothing itself: the next UMAPI
   * request of any kind (an action POST, a listing page, `user()` or
   * `request()`) carries `Pragma: umapi-sync-start`, as in Adobe's Python
   * umapi-client v3. Retries of that request carry it too, and later
   * requests do not. `status()` never carries a marker.
   *
   * @example
   * connection.startSync();
   * await connection.execute(actions); // the first action POST carries the start marker
   */
  startSync(): void {
    this.#executor.startSync();
  }

  /**
   * Marks the end of a sync run. Sends nothing itself: the next UMAPI
   * request of any kind carries `Pragma: umapi-sync-end`, or the request
   * after it when a start marker is still pending. With no actions queued,
   * the marker rides on the next listing page, `user()` or `request()` call.
   *
   * @example
   * connection.endSync();
   * await connection.executeQueued(); // the last batch, if one is queued, carries the end marker
   */
  endSync(): void {
    this.#executor.endSync();
  }

  /**
   * Reports local counters and the server status.
   *
   * @param options - `remote: true` reads `<endpoint origin>/status` now; otherwise the last known server status is returned.
   * @returns Never throws for a server problem: an unreachable server or an unexpected response becomes the `server.status` text.
   * @throws ConnectionClosedError for `remote: true` once the connection is closed; local counters stay readable.
   */
  async status(
    options: { remote?: boolean; signal?: AbortSignal } = {},
  ): Promise<ConnectionStatus> {
    if (options.remote === true) {
      const call = this.#startCall('GET /status', options.signal);
      try {
        this.#serverStatus = await checkServerStatus({
          url: `${new URL(this.endpoint).origin}/status`,
          endpoint: this.endpoint,
          fetch: this.#transport.fetch,
          headers: new Headers({
            Accept: 'application/json',
            'User-Agent': this.#userAgent,
            'X-Request-Id': this.#nextRequestId(),
          }),
          timeoutMs: this.#options.timeout,
          signal: call.signal,
        });
      } finally {
        call.end();
      }
    }

    const actions = this.#executor.counters();
    return {
      local: {
        multipleQueryCount: this.#counters.multipleQueries,
        singleQueryCount: this.#counters.singleQueries,
        actionsSent: actions.sent,
        actionsCompleted: actions.completed,
        actionsQueued: actions.queued,
        requestsSent: this.#counters.requests,
        retries: this.#counters.retries,
        rateLimits: this.#limiter.stats(),
      },
      server: { ...this.#serverStatus },
    };
  }

  /**
   * Closes the connection: stops every call in progress and closes the HTTP agents.
   *
   * A call waiting for a rate-limit slot, sleeping between retries or waiting
   * for a response rejects with `ConnectionClosedError`, sends nothing more
   * and leaves no timer behind. A request already sent may still have reached
   * UMAPI. Calls made after `close()` reject at once, except `status()`
   * without `remote`. Queued actions are not sent. Other connections with the
   * same client ID share the rate limiter but keep their own calls, which
   * `close()` leaves alone. Calling `close()` again returns the same promise.
   */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#pendingCalls.abortAll(
        (requestLabel) =>
          new ConnectionClosedError(
            `The connection was closed while ${requestLabel} was in progress, so the call was stopped. If its request was already sent, UMAPI may have received it`,
          ),
      );
      this.#closing = this.#transport.close();
    }

    return this.#closing;
  }

  /** Closes the connection at the end of an `await using` block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Describes the connection without any secret. */
  toJSON(): Record<string, unknown> {
    return {
      endpoint: this.endpoint,
      orgId: this.orgId,
      clientId: this.#auth.clientId,
      testMode: this.testMode,
      connectionId: this.connectionId,
    };
  }

  /** Formats the connection for `util.inspect` with the same fields as {@link Connection.toJSON}. */
  [inspect.custom](): string {
    return `Connection ${inspect(this.toJSON())}`;
  }

  #listing<Item>(
    listing: 'users' | 'groups',
    pagePath: (page: number) => string,
    searchParams: Record<string, string>,
    filtered: boolean,
    signal: AbortSignal | undefined,
  ): AsyncIterable<Item> {
    const fetchPage = (page: number) => {
      this.#counters.multipleQueries += 1;
      return this.request(pagePath(page), { searchParams, signal });
    };

    return {
      [Symbol.asyncIterator]: () => listItems<Item>({ listing, fetchPage, pagePath, filtered, signal }),
    };
  }

  /**
   * Sends one action request. A failure before the first attempt went out is
   * thrown as {@link ActionRequestNotSent}, so the executor keeps those actions
   * out of `sent` and, after a close or an abort, back in the queue.
   */
  readonly #sendActions: ActionSender = async (body, options) => {
    const prepared = prepareRequest(
      this.endpoint,
      `action/${encodeURIComponent(this.orgId)}`,
      {
        method: 'POST',
        json: body,
        searchParams: this.testMode ? { testOnly: 'true' } : undefined,
        headers: options.pragma === undefined ? undefined : { Pragma: options.pragma },
      },
      true,
    );
    let attempted = false;
    try {
      const response = await this.#send(prepared, options.signal, () => {
        attempted = true;
      });
      return response.body;
    } catch (error) {
      throw attempted ? error : new ActionRequestNotSent(error);
    }
  };

  // A caller's own Pragma header wins, and the marker then waits for the next request.
  // NOTE: a marker taken by a request that fails is not sent again, because
  // UMAPI may already have received it on one of the attempts.
  #attachSyncMarker(prepared: PreparedRequest): void {
    const hasPragma = Object.keys(prepared.headers).some((name) => name.toLowerCase() === 'pragma');
    if (hasPragma) {
      return;
    }

    const marker = this.#executor.takeSyncMarker();
    if (marker !== undefined) {
      prepared.headers.Pragma = marker;
    }
  }

  async #send(
    prepared: PreparedRequest,
    signal: AbortSignal | undefined,
    onAttempt?: () => void,
  ): Promise<UmapiResponse> {
    const endpointClass = classifyRequest(prepared.method, prepared.path);
    const call = this.#startCall(`${prepared.method} ${prepared.path}`, signal);
    try {
      return await sendWithRetries(
        prepared,
        endpointClass,
        this.#retrySettings,
        call.signal,
        onAttempt,
      );
    } finally {
      call.end();
    }
  }

  /**
   * Starts a call that `close()` can stop.
   *
   * @throws ConnectionClosedError when the connection is closed already.
   */
  #startCall(requestLabel: string, signal: AbortSignal | undefined): PendingCall {
    if (this.#closing !== undefined) {
      throw this.#closedError(`${requestLabel} was not sent`);
    }

    return this.#pendingCalls.start(requestLabel, signal);
  }

  /** @param outcome - What happened instead, such as `GET groups/x/0 was not sent`. */
  #closedError(outcome: string): ConnectionClosedError {
    return new ConnectionClosedError(
      `The connection is closed, so ${outcome}; create a new Connection to send more requests`,
    );
  }

  #buildHeaders(request: PreparedRequest, token: string, requestId: string): Headers {
    const headers = new Headers(request.headers);
    headers.set('Accept', 'application/json');
    headers.set('Content-Type', 'application/json');
    headers.set('User-Agent', this.#userAgent);
    headers.set('Authorization', `Bearer ${token}`);
    headers.set('x-api-key', this.#auth.clientId);
    headers.set('X-Request-Id', requestId);
    return headers;
  }

  // Epoch milliseconds are made strictly increasing so that two requests in
  // the same millisecond still get distinct ids.
  #nextRequestId(): string {
    this.#lastRequestTime = Math.max(Date.now(), this.#lastRequestTime + 1);
    return `${this.connectionId}_${this.#lastRequestTime}`;
  }
}

/**
 * Checks that a looked-up user is the one requested: its `email`, or else its
 * `username` (a Federated ID may be looked up by a username that differs from
 * its email), equals `lookup` ignoring case. A proxy cache or a server bug that
 * returns another user would otherwise make a sync update the wrong account.
 *
 * @returns the problem for the error message, or `undefined` when the user matches.
 */
function describeUserMismatch(user: Record<string, unknown>, lookup: string): string | undefined {
  const email = user.email;
  if (typeof email !== 'string' || email.trim() === '') {
    return "the 'user' object has no email";
  }

  const expected = lookup.toLowerCase();
  const username = typeof user.username === 'string' ? user.username.toLowerCase() : undefined;
  if (email.trim().toLowerCase() !== expected && username !== expected) {
    return "the 'user' object is another user: neither its email nor its username is the one looked up";
  }

  return undefined;
}

function resolveLogger(logger: ConnectionLogger | undefined): Required<ConnectionLogger> {
  const fallback = (message: string, details?: Record<string, unknown>) => {
    if (details === undefined) {
      debug(message);
    } else {
      debug(message, details);
    }
  };

  return {
    debug: logger?.debug?.bind(logger) ?? fallback,
    info: logger?.info?.bind(logger) ?? fallback,
    warn: logger?.warn?.bind(logger) ?? fallback,
    error: logger?.error?.bind(logger) ?? fallback,
  };
}
