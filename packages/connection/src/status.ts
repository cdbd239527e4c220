import { MAX_RESPONSE_BYTES, readBodyText } from './body.js';
import type { ClassStats, EndpointClass } from './rate-limit/index.js';

/** Counters of one connection since it was created. */
export interface LocalStatus {
  /** Listing pages requested (`users()`, `groups()`). */
  multipleQueryCount: number;
  /** Single-object lookups (`user()`). */
  singleQueryCount: number;
  /** Actions sent to UMAPI, after splitting. */
  actionsSent: number;
  /** Actions UMAPI completed without error. */
  actionsCompleted: number;
  /** Actions waiting in the queue for `executeQueued()` or a full batch. */
  actionsQueued: number;
  /** HTTP attempts sent, retries included. */
  requestsSent: number;
  /** Retries after 429, 502, 503, 504, timeouts and network errors. */
  retries: number;
  /** Per endpoint class: requests, time spent waiting on the budget, 429s received, current budget. */
  rateLimits: Record<EndpointClass, ClassStats>;
}

/** The last known status of the server. */
export interface ServerStatus {
  /**
   * The server's own status text when it responded, `Never contacted` before
   * the first `status({ remote: true })`, or `Unreachable at <time>`,
   * `Unexpected HTTP status <status> at <time>` or
   * `Unexpected response at <time>: <reason>` when the check failed.
   */
  status: string;
  /** The UMAPI endpoint of this connection. */
  endpoint: string;
  /** Other fields of the server's status response, such as its version and build. */
  [field: string]: unknown;
}

/** The result of `Connection.status()`. */
export interface ConnectionStatus {
  /** Counters of this connection since it was created. */
  local: LocalStatus;
  /** The server status from the last `status({ remote: true })` call, or `Never contacted`. */
  server: ServerStatus;
}

/** Settings of one status check. */
export interface StatusCheck {
  /** `<endpoint origin>/status`. */
  url: string;
  endpoint: string;
  fetch: typeof globalThis.fetch;
  headers: Headers;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Reads the server status. A failure becomes the status text instead of an
 * error, because a status check is a diagnostic.
 *
 * @throws Only the signal's reason, when the caller aborts.
 */
export async function checkServerStatus(check: StatusCheck): Promise<ServerStatus> {
  const timeoutSignal = AbortSignal.timeout(check.timeoutMs);
  const signal =
    check.signal === undefined ? timeoutSignal : AbortSignal.any([check.signal, timeoutSignal]);
  const at = new Date().toUTCString();

  let response: Response;
  let text: string;
  try {
    response = await check.fetch(check.url, { headers: check.headers, signal, redirect: 'manual' });
    const body = await readBodyText(response, MAX_RESPONSE_BYTES);
    if (body.kind === 'too-large') {
      return {
        status: `Unexpected response at ${at}: the body is larger than ${MAX_RESPONSE_BYTES} bytes`,
        endpoint: check.endpoint,
      };
    }

    text = body.text;
  } catch (error) {
    if (check.signal?.aborted) {
      throw check.signal.reason;
    }

    return {
      status: `Unreachable at ${at}`,
      endpoint: check.endpoint,
      error: describeError(error),
    };
  }

  if (response.status !== 200) {
    return {
      status: `Unexpected HTTP status ${response.status} at ${at}`,
      endpoint: check.endpoint,
    };
  }

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {
      status: `Unexpected response at ${at}: the body is not JSON`,
      endpoint: check.endpoint,
    };
  }

  const fields =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : { value: body };
  return { ...fields, status: readStatusText(fields), endpoint: check.endpoint };
}

// NOTE: the fields of UMAPI's status document are not documented, so the
// text is read from `status` or `state` when present; a 200 with neither still shows the server is up.
function readStatusText(fields: Record<string, unknown>): string {
  if (typeof fields.status === 'string') {
    return fields.status;
  }

  if (typeof fields.state === 'string') {
    return fields.state;
  }

  return 'OK';
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.message} (${code})` : error.message;
  }

  return String(error);
}
