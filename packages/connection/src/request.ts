import { CertificateError, NetworkError, ProxyError, TimeoutError } from '@umapi/auth-core';
import { bodyReadError, MAX_RESPONSE_BYTES, readBodyText } from './body.js';
import {
  type HttpErrorDetails,
  MAX_BODY_EXCERPT,
  RequestError,
  ResponseError,
  ServerError,
} from './errors.js';
import { isDotSegment } from './path-segment.js';
import { redactJson, redactText } from './redact.js';

/** HTTP methods `Connection.request()` sends. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Options of one `Connection.request()` call. */
export interface RequestOptions {
  /** HTTP method. Default `GET`, or `POST` when `json` is given. */
  method?: HttpMethod;
  /** A value sent as the JSON body. It is serialized once, so every retry sends the same bytes. */
  json?: unknown;
  /** Query parameters, appended to the URL. */
  searchParams?: Record<string, string | number | boolean> | URLSearchParams;
  /** Aborts the call, including a wait between retries. An already-aborted signal sends nothing. */
  signal?: AbortSignal;
  /** Extra request headers, such as `Pragma`. The authentication headers cannot be replaced. */
  headers?: Record<string, string>;
}

/** A successful UMAPI response. */
export interface UmapiResponse<Body = unknown> {
  /** HTTP status, 2xx. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** The parsed JSON body. */
  body: Body;
}

/** A request ready to send: the body is serialized once and reused for every attempt. */
export interface PreparedRequest {
  method: HttpMethod;
  /** Path relative to the endpoint, without query string, as it appears in errors and logs. */
  path: string;
  /** Full URL with query string. */
  url: string;
  body: string | undefined;
  headers: Record<string, string>;
  /** Accept a 2xx body whose `result` is `error`, because the caller maps the errors inside it. */
  acceptErrorResult: boolean;
}

/**
 * Outcome of one attempt: an HTTP response, a response whose body exceeds
 * {@link MAX_RESPONSE_BYTES} (left unread), or a failure before the whole body arrived.
 */
export type AttemptOutcome =
  | { kind: 'response'; status: number; headers: Headers; text: string }
  | { kind: 'too-large'; status: number; headers: Headers; maxBytes: number }
  | { kind: 'failure'; error: unknown; retryable: boolean };

/** Everything one attempt needs besides the request. */
export interface AttemptSettings {
  fetch: typeof globalThis.fetch;
  /** Milliseconds from sending to having read the whole body. */
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** Maximum body size in bytes. Default {@link MAX_RESPONSE_BYTES}. */
  maxBodyBytes?: number;
}

/**
 * Builds the URL and body of a request.
 *
 * @throws TypeError when the path is absolute, contains a `.` or `..` segment, or
 *   the body cannot be serialized.
 */
export function prepareRequest(
  endpoint: string,
  path: string,
  options: RequestOptions,
  acceptErrorResult = false,
): PreparedRequest {
  if (typeof path !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(path)) {
    throw new TypeError(
      'request path must be relative to the endpoint, such as `users/12345@AdobeOrg/0`',
    );
  }

  const relativePath = path.replace(/^\/+/, '');
  const pathOnly = relativePath.split('?')[0] ?? relativePath;
  if (pathOnly.split('/').some(isDotSegment)) {
    throw new TypeError(
      `request path ${JSON.stringify(pathOnly)} contains a "." or ".." segment, which URL parsing resolves as a relative path step, so the request would go to another path; encode such values or leave them out`,
    );
  }

  const url = new URL(`${endpoint}/${relativePath}`);
  const searchParams = new URLSearchParams(
    options.searchParams instanceof URLSearchParams
      ? options.searchParams
      : Object.entries(options.searchParams ?? {})
          .filter(([, value]) => value !== undefined)
          .map(([key, value]): [string, string] => [key, String(value)]),
  );
  for (const [key, value] of searchParams) {
    url.searchParams.append(key, value);
  }

  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  const method = options.method ?? (body === undefined ? 'GET' : 'POST');
  if (body !== undefined && method === 'GET') {
    throw new TypeError('a GET request cannot have a json body; use method POST');
  }

  return {
    method,
    path: pathOnly,
    url: url.href,
    body,
    headers: { ...options.headers },
    acceptErrorResult,
  };
}

/**
 * Sends one attempt and reads the whole body.
 *
 * The request goes straight to the transport's `fetch`. Retries, the timeout
 * and HTTP errors are handled here and in the retry loop, so ky had nothing
 * left to do, but it built an AbortController, a `Request` and a clone of it
 * for every call. That cost about 0.1 ms a page in the list-users bench
 * (BENCHMARKS.md). One AbortController per attempt is both the deadline and
 * the link to the caller's signal. The deadline covers reading the body too,
 * so a server that stalls mid-body cannot hang the call, and the body size
 * is capped, so a fast endless body cannot fill the memory.
 *
 * A body cut off after the headers becomes a retryable `NetworkError`
 * whose cause keeps no bytes of the response.
 *
 * @throws The caller signal's reason when it aborts.
 */
export async function sendAttempt(
  request: PreparedRequest,
  headers: Headers,
  settings: AttemptSettings,
): Promise<AttemptOutcome> {
  const callerSignal = settings.signal;
  callerSignal?.throwIfAborted();

  const attempt = new AbortController();
  const timer = setTimeout(() => {
    attempt.abort(attemptTimeoutError(request, settings.timeoutMs));
  }, settings.timeoutMs);

  // A listener that is removed after the attempt links the caller's signal.
  // It replaces AbortSignal.any(), which would build one more signal per attempt.
  const abortAttempt = () => attempt.abort(callerSignal?.reason);
  callerSignal?.addEventListener('abort', abortAttempt, { once: true });

  let response: Response | undefined;
  try {
    response = await settings.fetch(request.url, {
      method: request.method,
      headers,
      body: request.body,
      signal: attempt.signal,
      // UMAPI never redirects; a 3xx comes from a proxy or a wrong endpoint and must not be followed with the token.
      redirect: 'manual',
    });
    const maxBytes = settings.maxBodyBytes ?? MAX_RESPONSE_BYTES;
    const body = await readBodyText(response, maxBytes);
    if (body.kind === 'too-large') {
      // Aborting closes the connection, so the rest of the body is never received.
      attempt.abort();
      return { kind: 'too-large', status: response.status, headers: response.headers, maxBytes };
    }

    return {
      kind: 'response',
      status: response.status,
      headers: response.headers,
      text: body.text,
    };
  } catch (error) {
    if (callerSignal?.aborted) {
      throw callerSignal.reason;
    }

    if (attempt.signal.aborted) {
      return { kind: 'failure', error: attempt.signal.reason, retryable: true };
    }

    if (response !== undefined) {
      const failure = bodyReadError(
        error,
        `${request.method} ${request.path}`,
        new URL(request.url).host,
      );
      return { kind: 'failure', error: failure, retryable: true };
    }

    return { kind: 'failure', error, retryable: isRetryableFailure(error) };
  } finally {
    clearTimeout(timer);
    callerSignal?.removeEventListener('abort', abortAttempt);
  }
}

function attemptTimeoutError(request: PreparedRequest, timeoutMs: number): TimeoutError {
  return new TimeoutError(
    `UMAPI did not respond to ${request.method} ${request.path} within ${timeoutMs} ms`,
    { timeoutMs, host: new URL(request.url).host },
  );
}

/** Network failures are retried; a certificate or proxy rejection fails the same way every time. */
function isRetryableFailure(error: unknown): boolean {
  if (error instanceof CertificateError || error instanceof ProxyError) {
    return false;
  }

  if (error instanceof NetworkError || error instanceof TimeoutError) {
    return true;
  }

  // A fetch that is not wrapped by the transport reports a network failure as
  // `TypeError: fetch failed` with the system error as its cause.
  return error instanceof TypeError && error.message === 'fetch failed';
}

/** Parses a body as JSON, or returns a text excerpt when it is not JSON. */
export function parseBody(
  text: string,
): { json: true; value: unknown } | { json: false; value: string } {
  try {
    return { json: true, value: JSON.parse(text) as unknown };
  } catch {
    return { json: false, value: excerpt(text) };
  }
}

/** Shortens a body to at most {@link MAX_BODY_EXCERPT} characters. */
export function excerpt(text: string): string {
  return text.length > MAX_BODY_EXCERPT
    ? `${text.slice(0, MAX_BODY_EXCERPT)}... (${text.length} characters)`
    : text;
}

/**
 * Turns a 2xx response into the result, checking that the body is the JSON UMAPI sends.
 *
 * A body whose `result` reports errors is returned with the attempt's access
 * token replaced by `[REDACTED]`, because callers build error messages from it.
 *
 * @param secrets - The access tokens sent with the attempt, replaced in any error.
 * @throws ResponseError when the body is not JSON or its `result` reports an error.
 */
export function readSuccess(
  request: PreparedRequest,
  outcome: { status: number; headers: Headers; text: string },
  requestId: string,
  secrets: readonly string[],
): UmapiResponse {
  const parsed = parseBody(outcome.text);
  if (!parsed.json || outcome.text.trim() === '') {
    const safe = redactResponse(outcome, secrets);
    const type = safe.header('content-type') ?? 'no content type';
    throw new ResponseError(
      `UMAPI responded to ${request.method} ${request.path} with HTTP ${outcome.status} but the body is not JSON (${type}): ${shortExcerpt(safe.text)}`,
      errorDetails(request, outcome, requestId, safe),
    );
  }

  const result = readResult(parsed.value);
  if (result === undefined || result === 'success') {
    return { status: outcome.status, headers: outcome.headers, body: parsed.value };
  }

  const safe = redactResponse(outcome, secrets);
  if (result !== 'partial' && !request.acceptErrorResult) {
    throw new ResponseError(
      `UMAPI responded to ${request.method} ${request.path} with HTTP ${outcome.status} but result '${readResult(safe.value)}'${describeServerError(safe.value)}`,
      errorDetails(request, outcome, requestId, safe),
    );
  }

  return { status: outcome.status, headers: outcome.headers, body: safe.value };
}

/**
 * Builds the error for a non-2xx response that is not retried.
 *
 * @param secrets - The access tokens sent with the attempt, replaced by `[REDACTED]` in the error.
 * @param note - Advice appended to the message.
 */
export function errorForStatus(
  request: PreparedRequest,
  outcome: { status: number; headers: Headers; text: string },
  requestId: string,
  secrets: readonly string[],
  note = '',
): RequestError | ServerError | ResponseError {
  const safe = redactResponse(outcome, secrets);
  const details = errorDetails(request, outcome, requestId, safe);
  const summary = safe.json
    ? describeServerError(safe.value)
    : safe.text.trim() === ''
      ? ''
      : `: ${shortExcerpt(safe.text)}`;
  const message = `UMAPI responded to ${request.method} ${request.path} with HTTP ${outcome.status}${summary}${note}`;

  if (outcome.status >= 500) {
    return new ServerError(message, details);
  }

  if (outcome.status >= 400) {
    return new RequestError(message, details);
  }

  const location = safe.header('location');
  const target = location === undefined ? '' : ` to ${safeOrigin(location)}`;
  return new ResponseError(
    `UMAPI responded to ${request.method} ${request.path} with an unexpected HTTP ${outcome.status}${target}; check the endpoint and any proxy in between`,
    details,
  );
}

/**
 * Builds the error for a response whose body exceeds the size cap. It is not
 * retried, because the same request would get the same body.
 */
export function errorForOversizedBody(
  request: PreparedRequest,
  outcome: { status: number; maxBytes: number },
  requestId: string,
): ResponseError {
  const limit = describeBytes(outcome.maxBytes);
  return new ResponseError(
    `UMAPI's response to ${request.method} ${request.path} (HTTP ${outcome.status}) is larger than the ${limit} limit of a response body, so it was not read. The largest UMAPI page is far smaller; check the endpoint and any proxy in between`,
    { status: outcome.status, method: request.method, path: request.path, requestId },
  );
}

function describeBytes(bytes: number): string {
  const mebibytes = bytes / (1024 * 1024);
  return Number.isInteger(mebibytes) ? `${mebibytes} MiB` : `${bytes}-byte`;
}

/** The parts of a response that an error quotes, with the access tokens replaced. */
interface RedactedResponse {
  text: string;
  json: boolean;
  /** The parsed JSON body, or a text excerpt when the body is not JSON. */
  value: unknown;
  header(name: string): string | undefined;
}

// Every error built from a response reads the server's text through here, so
// a token that a gateway echoed never reaches a message, `body` or `serverMessage`.
function redactResponse(
  outcome: { headers: Headers; text: string },
  secrets: readonly string[],
): RedactedResponse {
  const text = redactText(outcome.text, secrets);
  const parsed = parseBody(text);
  return {
    text,
    json: parsed.json,
    value: parsed.json ? redactJson(parsed.value, secrets) : parsed.value,
    header(name) {
      const value = outcome.headers.get(name);
      return value === null ? undefined : redactText(value, secrets);
    },
  };
}

// A large body (a whole listing page) is kept as a text excerpt, so an error
// stays small. A JSON excerpt is cut from the redacted value, not the raw text,
// because the raw text may spell the token with `\u` escapes.
function bodyForError(safe: RedactedResponse): unknown {
  if (safe.text.length <= MAX_BODY_EXCERPT) {
    return safe.value;
  }

  return excerpt(safe.json ? JSON.stringify(safe.value) : safe.text);
}

function errorDetails(
  request: PreparedRequest,
  outcome: { status: number },
  requestId: string,
  safe: RedactedResponse,
): HttpErrorDetails {
  return {
    status: outcome.status,
    method: request.method,
    path: request.path,
    requestId,
    body: bodyForError(safe),
  };
}

function readResult(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) {
    return undefined;
  }

  const result = (body as Record<string, unknown>).result;
  return typeof result === 'string' ? result : undefined;
}

function describeServerError(body: unknown): string {
  if (typeof body !== 'object' || body === null) {
    return '';
  }

  const record = body as Record<string, unknown>;
  const code = typeof record.error_code === 'string' ? record.error_code : undefined;
  const message = typeof record.message === 'string' ? record.message : undefined;
  if (code === undefined && message === undefined) {
    return '';
  }

  return `: ${[code, message].filter((part) => part !== undefined).join(' ')}`;
}

function shortExcerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}...` : flat;
}

function safeOrigin(location: string): string {
  try {
    return new URL(location).origin;
  } catch {
    return 'another location';
  }
}
