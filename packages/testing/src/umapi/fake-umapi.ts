import { createClock } from '../clock.js';
import type { FakeIms } from '../ims/fake-ims.js';
import { logServeFailure } from '../server/debug-log.js';
import { DelayTimers, type FailNextOptions, FaultQueue } from '../server/faults.js';
import { type ListenOptions, listen } from '../server/http-server.js';
import { sendJson } from '../server/respond.js';
import { Directory } from './directory.js';
import {
  type BudgetClass,
  type BudgetClassStats,
  type RateLimits,
  RequestBudgets,
  resolveRateLimits,
} from './rate-limits.js';
import {
  DEFAULT_GROUPS,
  type GroupDetails,
  type GroupSeed,
  type UmapiGroup,
  type UmapiUser,
  type UserSeed,
  userFromSeed,
} from './records.js';
import type { UmapiRequest } from './request-log.js';
import { API_PREFIX } from './routes.js';
import { serveUmapiRequest, type UmapiState } from './umapi-handler.js';

/** Options of {@link startFakeUmapi}. */
export interface FakeUmapiOptions extends ListenOptions {
  /** The fake IMS whose access tokens this UMAPI accepts. Required. */
  ims: FakeIms;
  /** The org ID served. Default `ims.orgId`, the org of the IMS's generated credentials. */
  orgId?: string;
  /**
   * The org's users: a number generates that many (computed on demand, so
   * 100,000 cost almost nothing until listed), an array seeds those records.
   * Default 10 generated users.
   */
  users?: number | UserSeed[];
  /** The org's groups. Default four user groups and one product profile. */
  groups?: GroupSeed[];
  /** Records per page of user and group listings. Default 2000. */
  pageSize?: number;
  /**
   * Enforce UMAPI's per-client request budgets: `true` for the defaults
   * (requests per minute: users 25, groupUsers 5, groups 5, actions 10) or an
   * object overriding some classes. Default `false`, so plain tests are never throttled.
   */
  rateLimits?: boolean | Partial<RateLimits>;
  /**
   * How many fake-clock milliseconds pass per real millisecond. Default 1;
   * 60 makes a budget minute pass in one real second. `Retry-After` is
   * reported in real seconds (the compressed wait, rounded up, at least 1).
   */
  timeScale?: number;
  /** Real time source in epoch milliseconds, before `timeScale`. Default `Date.now`. */
  now?: () => number;
}

/** A running fake UMAPI. */
export interface FakeUmapi {
  /** The endpoint as `Connection` takes it: `<origin>/v2/usermanagement`. */
  readonly url: string;
  /** The origin, where `GET /status` is served. */
  readonly origin: string;
  /** The CA certificate (PEM) to pass as `ca`, when started with `https: true`. */
  readonly ca: string | undefined;
  /** The org ID served; other org IDs in a path get 403. */
  readonly orgId: string;
  /** Fake-clock milliseconds per real millisecond. */
  readonly timeScale: number;
  /** Every request received, oldest first. Authorization headers are left out. */
  readonly requests: readonly UmapiRequest[];
  /** The number of users in the org now. */
  readonly userCount: number;
  /** The fake's clock, epoch milliseconds, compressed by `timeScale`. */
  now(): number;
  /** Sets the fake's clock to `epochMs`, and it keeps running from there at `timeScale`. */
  setNow(epochMs: number): void;
  /** Moves the fake's clock by `ms` budget milliseconds, for example a whole budget window. */
  advance(ms: number): void;
  /**
   * Injects a fault into the next request(s); with `status: 429` and no body, UMAPI's throttling body is sent.
   *
   * @throws TypeError naming the option for an unknown key, a status outside 100..599,
   *   or `drop` with `status` or `body`.
   */
  failNext(fault?: FailNextOptions): void;
  /** Served and throttled request counts per class, summed or for one client ID; `undefined` without `rateLimits`. */
  rateLimitStats(clientId?: string): Record<BudgetClass, BudgetClassStats> | undefined;
  /** A copy of the user with this email, or `undefined`. */
  getUser(email: string): UmapiUser | undefined;
  /** Every group with its member count. */
  listGroups(): UmapiGroup[];
  /** A copy of the group with this name (matched without regard to case) and its description and product profiles, or `undefined`. */
  getGroup(name: string): GroupDetails | undefined;
  /** Adds a user outside of any request. Throws if the email exists. */
  addUser(seed: UserSeed): UmapiUser;
  /** Adds a group outside of any request. */
  addGroup(seed: GroupSeed): void;
  /** Empties `requests`. */
  clearRequests(): void;
  /** Stops listening and ends every connection. Safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_PAGE_SIZE = 2000;
const DEFAULT_GENERATED_USERS = 10;

/**
 * Starts a fake UMAPI on 127.0.0.1 and a free port, accepting tokens from
 * `ims`. It serves `/status`, paged user and group listings, single-user
 * lookup and actions with UMAPI's shapes, headers, limits and errors.
 *
 * @example
 * ```ts
 * const ims = await startFakeIms();
 * const umapi = await startFakeUmapi({ ims, users: 5000 });
 * const connection = new Connection({ auth: new OAuthS2S(await ims.createOAuthCredentials()), orgId: umapi.orgId, endpoint: umapi.url });
 * ```
 */
export async function startFakeUmapi(options: FakeUmapiOptions): Promise<FakeUmapi> {
  const settings = resolveSettings(options);
  const realNow = options.now ?? (() => Date.now());
  const startedAt = realNow();
  const clock = createClock(() => startedAt + (realNow() - startedAt) * settings.timeScale);
  const users = options.users ?? DEFAULT_GENERATED_USERS;
  const rateLimits = resolveRateLimits(options.rateLimits);

  const state: UmapiState = {
    ims: options.ims,
    orgId: options.orgId ?? options.ims.orgId,
    pageSize: settings.pageSize,
    timeScale: settings.timeScale,
    clock,
    directory: Directory.create({
      generatedUsers: typeof users === 'number' ? users : 0,
      seededUsers: typeof users === 'number' ? [] : users,
      groups: options.groups ?? DEFAULT_GROUPS,
    }),
    budgets: rateLimits ? new RequestBudgets(rateLimits) : undefined,
    faults: new FaultQueue(),
    delays: new DelayTimers(),
    requests: [],
    endpoint: '',
  };

  const server = await listen(options, (request, response) => {
    serveUmapiRequest(request, response, state).catch((error) => {
      logServeFailure('fake UMAPI', request.method, request.url, error);
      if (!response.headersSent) {
        sendJson(response, 500, { result: 'error', message: 'Fake UMAPI failed' });
      }
    });
  });
  server.onClose(() => {
    state.delays.clear();
    state.faults.clear();
  });
  state.endpoint = `${server.origin}${API_PREFIX}`;

  return {
    url: state.endpoint,
    origin: server.origin,
    ca: server.ca,
    orgId: state.orgId,
    timeScale: state.timeScale,
    requests: state.requests,
    get userCount() {
      return state.directory.listUsers().length;
    },
    now: clock.now,
    setNow: clock.setNow,
    advance: clock.advance,
    failNext: (fault) => state.faults.add(fault),
    rateLimitStats: (clientId) => state.budgets?.stats(clientId),
    getUser(email) {
      const found = state.directory.findUser(email);
      return found ? { ...found.user, groups: [...found.user.groups] } : undefined;
    },
    listGroups: () => state.directory.listGroups(),
    getGroup: (name) => state.directory.groupDetails(name),
    addUser(seed) {
      if (state.directory.findUser(seed.email))
        throw new TypeError(`addUser(): user ${seed.email} already exists.`);
      const user = userFromSeed(seed, state.directory.nextUserId());
      state.directory.addUser(user);
      return { ...user, groups: [...user.groups] };
    },
    addGroup(seed) {
      state.directory.addGroup(seed);
    },
    clearRequests() {
      state.requests.length = 0;
    },
    close: () => server.close(),
  };
}

function resolveSettings(options: FakeUmapiOptions): { pageSize: number; timeScale: number } {
  if (!options || typeof options.ims?.verifyAccessToken !== 'function') {
    throw new TypeError('startFakeUmapi() needs { ims }: the fake IMS whose tokens it accepts.');
  }

  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new TypeError(`pageSize must be a positive integer, got ${String(options.pageSize)}.`);
  }

  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
    throw new TypeError(`timeScale must be a positive number, got ${String(options.timeScale)}.`);
  }

  if (
    typeof options.users === 'number' &&
    (!Number.isInteger(options.users) || options.users < 0)
  ) {
    throw new TypeError(
      `users must be a whole number >= 0 or an array of users, got ${String(options.users)}.`,
    );
  }

  return { pageSize, timeScale };
}
