import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeClock } from '../clock.js';
import type { FakeIms } from '../ims/fake-ims.js';
import { newRequestId } from '../ids.js';
import { readBody } from '../server/body.js';
import {
  type DelayTimers,
  type FaultQueue,
  replacesResponse,
  sendFault,
  stallBody,
} from '../server/faults.js';
import { sendJson, setDateHeader } from '../server/respond.js';
import { runActions, validateActionRequest } from './actions.js';
import { authorize } from './authorize.js';
import type { Directory } from './directory.js';
import { paginate } from './paging.js';
import type { RequestBudgets } from './rate-limits.js';
import type { UmapiRequest } from './request-log.js';
import { API_PREFIX, matchRoute, type Route } from './routes.js';

/** The fake UMAPI state that serving one request reads and writes. */
export interface UmapiState {
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
 * Serves one request: records it, applies a queued fault, then checks the
 * token, the org and the request budget before routing it.
 */
export async function serveUmapiRequest(
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
    if (fault.stallBodyMs !== undefined) stallBody(response, fault.stallBodyMs, state.delays);
    if (replacesResponse(fault)) {
      entry.status = fault.drop
        ? undefined
        : (fault.status ?? (fault.retryAfter !== undefined ? 429 : 503));
      sendFault(request, response, fault, defaultUmapiFaultBody);
      return;
    }
  }

  const respond = (
    status: number,
    payload: unknown,
    headers: Record<string, string> = {},
  ): void => {
    entry.status = status;
    sendJson(response, status, payload, headers);
  };

  if (url.pathname === '/status') {
    if (method !== 'GET')
      return respond(405, errorBody('error.method_not_allowed', 'Use GET.'), { allow: 'GET' });
    return respond(200, {
      endpoint: state.endpoint,
      status: 'OK',
      version: '2.0.0-fake',
      build: 'fake',
    });
  }

  if (url.pathname !== API_PREFIX && !url.pathname.startsWith(`${API_PREFIX}/`)) {
    return respond(404, errorBody('error.not_found', `No UMAPI resource at ${url.pathname}.`));
  }

  const authorization = authorize(request.headers, state.ims.verifyAccessToken);
  if (!authorization.ok) {
    return respond(
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
    return respond(404, errorBody('error.not_found', `No UMAPI resource at ${url.pathname}.`));
  }
  if (route === 'method') {
    return respond(
      405,
      errorBody('error.method_not_allowed', `${method} is not allowed on this resource.`),
    );
  }

  const tokenOrg = authorization.token.orgId;
  if (route.orgId !== state.orgId || (tokenOrg !== undefined && tokenOrg !== state.orgId)) {
    return respond(
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
      return respond(429, UMAPI_THROTTLE_BODY, { 'retry-after': String(retryAfterSeconds) });
    }
  }

  const result = handleRoute(route, url, body, state);
  respond(result.status, result.body, result.headers);
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
  // UMAPI lists direct members unless the request sets directOnly=false.
  const indirect = url.searchParams.get('directOnly')?.toLowerCase() === 'false';
  const refs = directory.listUsers({ domain, group: route.group, indirect });
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
