import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeClock } from '../clock.js';
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
import type { TokenExchange } from './exchange-log.js';
import { type ParsedForm, parseBasicAuth, parseForm } from './form.js';
import { exchangeJwt } from './jwt-exchange.js';
import { issueClientCredentialsToken } from './oauth-token.js';
import { imsError, type TokenEndpointContext, type TokenOutcome } from './outcome.js';

const JWT_PATHS = new Set([
  '/ims/exchange/jwt',
  '/ims/exchange/jwt/',
  '/ims/exchange/v1/jwt',
  '/ims/exchange/v1/jwt/',
]);
const OAUTH_PATHS = new Set(['/ims/token/v3', '/ims/token/v3/', '/ims/token/v2', '/ims/token/v2/']);

/** The fake IMS state that serving one request reads and writes. */
export interface ImsRequestState {
  clock: FakeClock;
  faults: FaultQueue;
  delays: DelayTimers;
  exchanges: TokenExchange[];
  context: () => TokenEndpointContext;
}

/**
 * Serves one request: records it in the exchange log, applies a queued fault,
 * then routes it to the JWT exchange or the OAuth token endpoint.
 */
export async function serveImsRequest(
  request: IncomingMessage,
  response: ServerResponse,
  state: ImsRequestState,
): Promise<void> {
  const receivedAt = state.clock.now();
  const path = new URL(request.url ?? '/', 'http://fake-ims.invalid').pathname;
  const method = request.method ?? 'GET';
  const body = await readBody(request);
  const isTokenPath = JWT_PATHS.has(path) || OAUTH_PATHS.has(path);
  const form =
    isTokenPath && method === 'POST' && body ? await parseForm(request.headers, body) : undefined;
  const basic = OAUTH_PATHS.has(path) ? parseBasicAuth(request.headers.authorization) : undefined;

  const entry: TokenExchange = {
    time: receivedAt,
    method,
    endpoint: path,
    grant: JWT_PATHS.has(path) ? 'jwt' : form?.fields.get('grant_type'),
    clientId: form?.fields.get('client_id') || basic?.clientId || undefined,
    encoding: form?.encoding,
    clientAuthentication: OAUTH_PATHS.has(path) ? clientAuthentication(form, basic) : undefined,
    outcome: 'rejected',
    status: undefined,
    errorCode: undefined,
    scopes: undefined,
  };
  state.exchanges.push(entry);

  const fault = state.faults.take();
  if (fault) {
    await state.delays.wait(fault.delayMs ?? 0);
    if (fault.stallBodyMs !== undefined) stallBody(response, fault.stallBodyMs, state.delays);
    if (replacesResponse(fault)) {
      entry.outcome = fault.drop ? 'dropped' : 'fault';
      entry.status = fault.drop
        ? undefined
        : (fault.status ?? (fault.retryAfter !== undefined ? 429 : 503));
      writeCommonHeaders(response, state.clock.now());
      sendFault(request, response, fault, defaultImsFaultBody);
      return;
    }
  }

  const outcome = await decide(path, method, body, form, basic, state.context);
  entry.outcome = outcome.status === 200 ? 'issued' : 'rejected';
  entry.status = outcome.status;
  entry.errorCode = outcome.errorCode;
  entry.scopes = outcome.scopes;
  entry.clientId = outcome.clientId ?? entry.clientId;

  writeCommonHeaders(response, state.clock.now());
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (outcome.status === 405) headers.allow = 'POST';
  sendJson(response, outcome.status, outcome.body, headers);
}

async function decide(
  path: string,
  method: string,
  body: Buffer | undefined,
  form: ParsedForm | undefined,
  basic: ReturnType<typeof parseBasicAuth>,
  context: () => TokenEndpointContext,
): Promise<TokenOutcome> {
  const isJwt = JWT_PATHS.has(path);
  const isOAuth = OAUTH_PATHS.has(path);

  if (!isJwt && !isOAuth) {
    return imsError(404, 'not_found', `No IMS endpoint at ${path}`);
  }
  if (method !== 'POST') {
    return imsError(405, 'method_not_allowed', `Method ${method} is not allowed. Send POST.`);
  }
  if (!body) {
    return imsError(413, 'invalid_request', 'Request body too large');
  }
  if (!form) {
    return imsError(
      400,
      'invalid_request',
      'Content-Type must be application/x-www-form-urlencoded or multipart/form-data',
    );
  }

  return isJwt
    ? exchangeJwt(form.fields, context())
    : issueClientCredentialsToken(form.fields, basic, context());
}

function clientAuthentication(
  form: ParsedForm | undefined,
  basic: ReturnType<typeof parseBasicAuth>,
): 'form' | 'basic' | undefined {
  if (form?.fields.get('client_secret')) return 'form';
  return basic ? 'basic' : undefined;
}

function writeCommonHeaders(response: ServerResponse, nowMs: number): void {
  setDateHeader(response, nowMs);
  response.setHeader('x-debug-id', newRequestId());
}

function defaultImsFaultBody(status: number): unknown {
  if (status === 429) return { error: 'too_many_requests', error_description: 'Too many requests' };
  if (status >= 500)
    return { error: 'server_error', error_description: 'Service temporarily unavailable' };
  return { error: 'invalid_request', error_description: `Injected HTTP ${status}` };
}
