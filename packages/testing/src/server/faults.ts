import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A fault for the next request(s). With only `delayMs` or `stallBodyMs`, the
 * normal response is delayed or stalled. With `status`, `body` or `drop`, the injected response
 * replaces the normal one. With no field at all, the response is a 503 with
 * the service's usual error body.
 */
export interface FailNextOptions {
  /** HTTP status of the injected response. Default 503, or 429 when `retryAfter` is set. */
  status?: number;
  /**
   * Body of the injected response: a string is sent as is (as `text/html` when it
   * starts with `<`, else `text/plain`), anything else as JSON. Default: the
   * service's own error body for that status.
   */
  body?: unknown;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** `Retry-After` header value: seconds as a number, or a string such as an HTTP date. */
  retryAfter?: number | string;
  /** Wait this many real milliseconds before responding (or dropping). Default 0. */
  delayMs?: number;
  /**
   * Send the status, the headers and the first half of the body, then wait
   * this many real milliseconds before the rest, as a stalled proxy does.
   * Tests a client's timeout on reading the body. Default: no stall.
   */
  stallBodyMs?: number;
  /** Destroy the connection without a response, as a crashed proxy does. Default `false`. */
  drop?: boolean;
  /** How many consecutive requests get this fault. Default 1. */
  times?: number;
}

interface QueuedFault {
  fault: FailNextOptions;
  remaining: number;
}

/** Faults waiting for the next requests, in the order `failNext` queued them. */
export class FaultQueue {
  readonly #queue: QueuedFault[] = [];

  /** Queues `fault` for the next `fault.times` requests. */
  add(fault: FailNextOptions = {}): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new TypeError(
        `failNext({ times }) expects a positive integer, got ${String(fault.times)}.`,
      );
    }
    if (fault.stallBodyMs !== undefined && !(fault.stallBodyMs >= 0)) {
      throw new TypeError(
        `failNext({ stallBodyMs }) expects milliseconds >= 0, got ${String(fault.stallBodyMs)}.`,
      );
    }
    if (fault.delayMs !== undefined && !(fault.delayMs >= 0)) {
      throw new TypeError(
        `failNext({ delayMs }) expects milliseconds >= 0, got ${String(fault.delayMs)}.`,
      );
    }
    this.#queue.push({ fault: { ...fault }, remaining: times });
  }

  /** Takes the fault for the current request, if one is queued. */
  take(): FailNextOptions | undefined {
    const head = this.#queue[0];
    if (!head) return undefined;

    head.remaining -= 1;
    if (head.remaining === 0) this.#queue.shift();
    return head.fault;
  }

  /** Drops every queued fault. */
  clear(): void {
    this.#queue.length = 0;
  }

  get pending(): number {
    return this.#queue.reduce((sum, entry) => sum + entry.remaining, 0);
  }
}

/** Tells whether a fault replaces the normal response, rather than only delaying it. */
export function replacesResponse(fault: FailNextOptions): boolean {
  const hasOnlyDelay =
    (fault.delayMs !== undefined || fault.stallBodyMs !== undefined) &&
    fault.status === undefined &&
    fault.body === undefined &&
    fault.retryAfter === undefined &&
    !fault.drop;
  return !hasOnlyDelay;
}

/** Timers for delayed responses, cleared when the server closes so none outlives it. */
export class DelayTimers {
  readonly #timers = new Set<NodeJS.Timeout>();

  wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }

  /** Cancels every pending delay. Their requests get no response, and close() destroys their sockets. */
  clear(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}

/**
 * Sends the injected response for `fault`, or destroys the socket for `drop`.
 * `defaultBody` supplies the service's error body when the fault has none.
 */
export function sendFault(
  request: IncomingMessage,
  response: ServerResponse,
  fault: FailNextOptions,
  defaultBody: (status: number) => unknown,
): void {
  if (fault.drop) {
    request.socket.destroy();
    return;
  }

  const status = fault.status ?? (fault.retryAfter !== undefined ? 429 : 503);
  const body = fault.body ?? defaultBody(status);
  const headers: Record<string, string> = { ...fault.headers };
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);

  if (typeof body === 'string') {
    const type = body.trimStart().startsWith('<') ? 'text/html' : 'text/plain';
    response.writeHead(status, { 'content-type': `${type}; charset=utf-8`, ...headers });
    response.end(body);
    return;
  }

  response.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * Makes the next `response.end(body)` send the first half of the body at
 * once and the rest after `stallMs`. The response uses chunked encoding, so
 * the client sees a started body that stops mid-way.
 */
export function stallBody(response: ServerResponse, stallMs: number, delays: DelayTimers): void {
  const end = response.end.bind(response) as (chunk?: unknown) => ServerResponse;

  const stalledEnd = (chunk?: unknown): ServerResponse => {
    if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) return end(chunk);

    const bytes = Buffer.from(chunk);
    const half = Math.floor(bytes.length / 2);
    response.write(bytes.subarray(0, half));
    void delays.wait(stallMs).then(() => end(bytes.subarray(half)));
    return response;
  };
  response.end = stalledEnd as ServerResponse['end'];
}
