import type { IncomingMessage, ServerResponse } from 'node:http';
import { createClock, type FakeClock } from '../clock.js';
import type { FakeIms } from '../ims/fake-ims.js';
import { newRequestId } from '../ids.js';
import { readBody } from '../server/body.js';
import {
  DelayTimers,
  type FailNextOptions,
  FaultQueue,
  replacesAnswer,
  sendFault,
} from '../server/faults.js';
import { type ListenOptions, listen } from '../server/http-server.js';
import { sendJson, setDateHeader } from '../server/respond.js';
import { runActions, validateActionRequest } from './actions.js';
import { authorize } from './authorize.js';
import { Directory } from './directory.js';
import { paginate } from './paging.js';
import {
  type BudgetClass,
  type BudgetClassStats,
  type RateLimits,
  RequestBudgets,
  resolveRateLimits,
} from './rate-limits.js';
import {
  DEFAULT_GROUPS,
  type GroupSeed,
  type UmapiGroup,
  type UmapiUser,
  type UserSeed,
  userFromSeed,
} from './records.js';
import type { UmapiRequest } from './request-log.js';
import { API_PREFIX, matchRoute, type Route } from './routes.js';

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
  readonly orgId: string;
  /** Fake-clock milliseconds per real millisecond. */
  readonly timeScale: number;
  /** Every request received, oldest first. Authorization headers are left out. */
  readonly requests: readonly UmapiRequest[];
  /** The number of users in the org now. */
  readonly userCount: number;
  /** The fake's clock, epoch milliseconds, compressed by `timeScale`. */
  now(): number;
  setNow(epochMs: number): void;
  advance(ms: number): void;
  /** Injects a fault into the next request(s); with `status: 429` and no body, UMAPI's throttling body is sent. */
  failNext(fault?: FailNextOptions): void;
  /** Served and throttled request counts per class, summed or for one client ID; `undefined` without `rateLimits`. */
  rateLimitStats(clientId?: string): Record<BudgetClass, BudgetClassStats> | undefined;
  /** A copy of the user with this email, or `undefined`. */
  getUser(email: string): UmapiUser | undefined;
  /** Every group with its member count. */
  listGroups(): UmapiGroup[];
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

interface UmapiState {
  ims: FakeIms;
  orgId: string;
  pageSize: number;
  timeScale: number;
  clock: FakeClock;
  directory: Directory;
  budgets: RequestBudgets | undefined;
  faults: FaultQueue;
  delays: DelayTimers;
  requests: UmapiRequest[];
  endpoint: string;
}

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
    serveUmapiRequest(request, response, state).catch(() => {
      if (!response.headersSent)
        sendJson(response, 500, { result: 'error', message: 'Fake UMAPI failed' });
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

async function serveUmapiRequest(
  request: IncomingMessage,
  response: ServerResponse,
  state: UmapiState,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://fake-umapi.invalid');
  const method = request.method ?? 'GET';
  const body = await readBody(request);
  const entry = logRequest(state, request, url, method, body);

  setDateHeader(response, state.clock.now());
  response.setHeader('x-request-id', String(request.headers['x-request-id'] ?? newRequestId()));

  const fault = state.faults.take();
  if (fault) {
    await state.delays.wait(fault.delayMs ?? 0);
    if (replacesAnswer(fault)) {
      entry.status = fault.drop
        ? undefined
        : (fault.status ?? (fault.retryAfter !== undefined ? 429 : 503));
      sendFault(request, response, fault, defaultUmapiFaultBody);
      return;
    }
  }

  const answer = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
    entry.status = status;
    sendJson(response, status, payload, headers);
  };

  if (url.pathname === '/status') {
    if (method !== 'GET')
      return answer(405, errorBody('error.method_not_allowed', 'Use GET.'), { allow: 'GET' });
    return answer(200, {
      endpoint: state.endpoint,
      status: 'OK',
      version: '2.0.0-fake',
      build: 'fake',
    });
  }

  if (url.pathname !== API_PREFIX && !url.pathname.startsWith(`${API_PREFIX}/`)) {
    return answer(404, errorBody('error.not_found', `No UMAPI resource at ${url.pathname}.`));
  }

  const authorization = authorize(request.headers, state.ims.verifyAccessToken);
  if (!authorization.ok) {
    return answer(
      401,
      { result: 'error.unauthorized', message: authorization.message },
      {
        'www-authenticate': 'Bearer realm="usermanagement", error="invalid_token"',
      },
    );
  }
  entry.clientId = authorization.token.clientId;

  const route = matchRoute(url.pathname, method);
  if (route === undefined) {
    return answer(404, errorBody('error.not_found', `No UMAPI resource at ${url.pathname}.`));
  }
  if (route === 'method') {
    return answer(
      405,
      errorBody('error.method_not_allowed', `${method} is not allowed on this resource.`),
    );
  }

  const tokenOrg = authorization.token.orgId;
  if (route.orgId !== state.orgId || (tokenOrg !== undefined && tokenOrg !== state.orgId)) {
    return answer(
      403,
      errorBody(
        'error.organization.forbidden',
        `Organization ${route.orgId} is not accessible with this access token.`,
      ),
    );
  }

  if (route.budgetClass && state.budgets) {
    const decision = state.budgets.admit(
      authorization.token.clientId,
      route.budgetClass,
      state.clock.now(),
    );
    if (!decision.allowed) {
      const retryAfterSeconds = Math.max(1, Math.ceil(decision.waitMs / state.timeScale / 1000));
      return answer(429, UMAPI_THROTTLE_BODY, { 'retry-after': String(retryAfterSeconds) });
    }
  }

  const result = handleRoute(route, url, body, state);
  answer(result.status, result.body, result.headers);
}

interface RouteResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

function handleRoute(
  route: Route,
  url: URL,
  body: Buffer | undefined,
  state: UmapiState,
): RouteResult {
  const { directory } = state;

  if (route.operation === 'getUser') {
    const found = directory.findUser(route.email);
    if (!found)
      return {
        status: 404,
        body: errorBody('error.user.not_found', `User ${route.email} not found.`),
      };
    return { status: 200, body: { result: 'success', user: found.user } };
  }

  if (route.operation === 'action') {
    return handleAction(url, body, state);
  }

  const page = parsePage(route.page);
  if (page === undefined) {
    return {
      status: 400,
      body: errorBody('error.invalid_page', `Page ${route.page} is not a whole number >= 0.`),
    };
  }

  if (route.operation === 'listGroups') {
    const groups = directory.listGroups();
    const listed = paginate(groups.length, page, state.pageSize, (index) => groups[index]!);
    return {
      status: 200,
      body: { lastPage: listed.lastPage, result: 'success', groups: listed.items },
      headers: listed.headers,
    };
  }

  if (route.group !== undefined && !directory.findGroup(route.group)) {
    return {
      status: 404,
      body: errorBody('error.group.not_found', `Group ${route.group} not found.`),
    };
  }
  const domain = url.searchParams.get('domain') ?? undefined;
  const refs = directory.listUsers({ domain, group: route.group });
  const listed = paginate(refs.length, page, state.pageSize, (index) =>
    directory.user(refs[index]!),
  );
  return {
    status: 200,
    body: { lastPage: listed.lastPage, result: 'success', users: listed.items },
    headers: listed.headers,
  };
}

function handleAction(url: URL, body: Buffer | undefined, state: UmapiState): RouteResult {
  if (!body)
    return {
      status: 413,
      body: errorBody('error.request.too_large', 'The request body is too large.'),
    };

  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return {
      status: 400,
      body: errorBody('error.request.malformed', 'The request body is not valid JSON.'),
    };
  }

  const actions = validateActionRequest(parsed);
  if (!Array.isArray(actions)) {
    return { status: 400, body: errorBody('error.request.invalid', actions.message) };
  }

  // Test mode runs against a copy, so later steps see earlier ones and the org stays unchanged.
  const testOnly = url.searchParams.get('testOnly') === 'true';
  const target = testOnly ? state.directory.clone() : state.directory;
  return { status: 200, body: runActions(target, actions, testOnly) };
}

function parsePage(page: string): number | undefined {
  return /^\d{1,9}$/.test(page) ? Number(page) : undefined;
}

function logRequest(
  state: UmapiState,
  request: IncomingMessage,
  url: URL,
  method: string,
  body: Buffer | undefined,
): UmapiRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name === 'authorization' || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }

  const entry: UmapiRequest = {
    time: state.clock.now(),
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body: decodeBody(body),
    pragma: headers.pragma,
    clientId: undefined,
    status: undefined,
  };
  state.requests.push(entry);
  return entry;
}

function decodeBody(body: Buffer | undefined): unknown {
  if (!body || body.length === 0) return undefined;
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The body UMAPI sends with a 429. */
const UMAPI_THROTTLE_BODY = { error_code: '429050', message: 'Too many requests' };

function defaultUmapiFaultBody(status: number): unknown {
  if (status === 429) return UMAPI_THROTTLE_BODY;
  if (status === 401)
    return { result: 'error.unauthorized', message: 'Invalid or expired access token.' };
  if (status >= 500) return errorBody('error.server', 'Service temporarily unavailable.');
  return errorBody('error.injected', `Injected HTTP ${status}.`);
}

function errorBody(result: string, message: string): { result: string; message: string } {
  return { result, message };
}
