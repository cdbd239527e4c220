import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A fault for the next request(s). With only `delayMs` or `stallBodyMs`, the
 * normal response is delayed or stalled. With `status`, `body` or `drop`, the injected response
 * replaces the normal one. With no field at all, the response is a 503 with
 * the service's usual error body.
 */
export interface FailNextOptions {
  /**
   * HTTP status of the injected response, from 200 to 599. Default 503, or 429 when `retryAfter` is set.
   * A 2xx or 3xx status is accepted on purpose: with `body`, it tests how a client handles a
   * success response whose body is malformed, such as a proxy's HTML login page sent with 200.
   */
  status?: number;
  /**
   * Body of the injected response: a string is sent as is (as `text/html` when it
   * starts with `<`, else `text/plain`), anything else as JSON, which `JSON.stringify`
   * must be able to serialise (no BigInt, no cycles). Default: the service's own error
   * body for that status.
   */
  body?: unknown;
  /** Extra response headers. Values may not contain control characters other than tab, such as CR or LF. */
  headers?: Record<string, string>;
  /**
   * `Retry-After` header value: seconds as a finite number >= 0, or a string of digits or an
   * HTTP date such as `Wed, 21 Oct 2026 07:28:00 GMT`. To send a malformed `Retry-After`,
   * set it in `headers` instead.
   */
  retryAfter?: number | string;
  /** Wait this many real milliseconds before responding (or dropping), at most 2^31-1. Default 0. */
  delayMs?: number;
  /**
   * Send the status, the headers and the first half of the body, then wait
   * this many real milliseconds (at most 2^31-1) before the rest, as a stalled proxy
   * does. Tests a client's timeout on reading the body. Default: no stall.
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

const FAULT_KEYS = [
  'status',
  'body',
  'headers',
  'retryAfter',
  'delayMs',
  'stallBodyMs',
  'drop',
  'times',
] as const satisfies readonly (keyof FailNextOptions)[];

/** Faults waiting for the next requests, in the order `failNext` queued them. */
export class FaultQueue {
  readonly #queue: QueuedFault[] = [];

  /**
   * Queues `fault` for the next `fault.times` requests.
   *
   * @throws TypeError naming the option when `fault` has an unknown key (with the
   *   closest known one), a `status` that is not an integer from 200 to 599, a `retryAfter`
   *   that is not seconds >= 0 or an HTTP date, `drop` together with `status` or `body`,
   *   an invalid `times`, a `delayMs` or `stallBodyMs` that is not finite milliseconds from 0
   *   to 2^31-1, a header name that is not an HTTP token or a header value with a control
   *   character such as CR or LF, or a `body` that `JSON.stringify` cannot serialise.
   */
  add(fault: FailNextOptions = {}): void {
    checkFaultShape(fault);
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new TypeError(
        `failNext({ times }) expects a positive integer, got ${String(fault.times)}.`,
      );
    }
    checkDelay('delayMs', fault.delayMs);
    checkDelay('stallBodyMs', fault.stallBodyMs);
    checkHeaders(fault.headers);
    checkBody(fault.body);
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

// Catches mistakes that would otherwise inject a different fault than the test meant,
// such as `{ stauts: 500 }` sending the default 503.
function checkFaultShape(fault: FailNextOptions): void {
  if (typeof fault !== 'object' || fault === null || Array.isArray(fault)) {
    throw new TypeError(`failNext(fault) expects an object of fault options, got ${fault === null ? 'null' : typeof fault}.`);
  }

  for (const key of Object.keys(fault)) {
    if (!(FAULT_KEYS as readonly string[]).includes(key)) {
      const closest = closestKey(key);
      const hint = closest === undefined ? `the options are ${FAULT_KEYS.join(', ')}` : `did you mean ${closest}?`;
      throw new TypeError(`failNext({ ${key} }) is not an option; ${hint}`);
    }
  }

  // 1xx statuses are informational and carry no body, so they cannot replace a response.
  const { status } = fault;
  if (status !== undefined && !(Number.isInteger(status) && status >= 200 && status <= 599)) {
    throw new TypeError(`failNext({ status }) expects an integer HTTP status from 200 to 599, got ${String(status)}.`);
  }

  checkRetryAfter(fault.retryAfter);

  if (fault.drop === true) {
    const conflicting = (['status', 'body'] as const).filter((key) => fault[key] !== undefined);
    if (conflicting.length > 0) {
      throw new TypeError(
        `failNext({ drop }) closes the connection without a response, so it cannot be combined with ${conflicting.join(' or ')}.`,
      );
    }
  }
}

// Node's setTimeout fires after 1 ms, with a TimeoutOverflowWarning, for a delay above this,
// so a larger delay would silently become no delay.
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

function checkDelay(key: 'delayMs' | 'stallBodyMs', value: unknown): void {
  if (value === undefined) return;

  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TIMER_DELAY_MS) {
    throw new TypeError(
      `failNext({ ${key} }) expects finite milliseconds from 0 to ${MAX_TIMER_DELAY_MS} (2^31-1, the longest delay of a Node.js timer), got ${String(value)}.`,
    );
  }
}

// RFC 9110 token characters for a field name.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Node rejects header values with control characters other than tab when it writes the head,
// which is too late to send another response, so they are rejected when the fault is queued.
const INVALID_HEADER_VALUE_CHARACTER = /[^\t\x20-\x7e\x80-\xff]/;

function checkHeaders(headers: unknown): void {
  if (headers === undefined) return;

  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new TypeError(`failNext({ headers }) expects an object of header names and string values, got ${headers === null ? 'null' : typeof headers}.`);
  }

  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      throw new TypeError(`failNext({ headers }) has an invalid header name ${JSON.stringify(name)}; a name is letters, digits and !#$%&'*+-.^_\`|~ only.`);
    }

    if (typeof value !== 'string') {
      throw new TypeError(`failNext({ headers }) expects a string value for ${name}, got ${typeof value}.`);
    }

    if (INVALID_HEADER_VALUE_CHARACTER.test(value)) {
      throw new TypeError(
        `failNext({ headers }) has a control character such as CR or LF in the value of ${name}, which Node.js cannot send; remove it.`,
      );
    }
  }
}

// A body that JSON.stringify rejects (a BigInt, a circular object) or drops (a function, a symbol)
// would fail only when the response is written, after the status line has gone out.
function checkBody(body: unknown): void {
  if (body === undefined || typeof body === 'string') return;

  let json: string | undefined;
  try {
    json = JSON.stringify(body);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new TypeError(`failNext({ body }) cannot be serialised as JSON (${reason}); pass a string or a JSON value.`);
  }

  if (json === undefined) {
    throw new TypeError(`failNext({ body }) cannot be serialised as JSON (a ${typeof body}); pass a string or a JSON value.`);
  }
}

// Retry-After is delay-seconds or an HTTP-date (RFC 9110, section 10.2.3).
function checkRetryAfter(retryAfter: unknown): void {
  if (retryAfter === undefined) return;

  if (typeof retryAfter === 'number') {
    if (Number.isFinite(retryAfter) && retryAfter >= 0) return;
  } else if (typeof retryAfter === 'string') {
    const value = retryAfter.trim();
    const isSeconds = /^\d+$/.test(value);
    const isHttpDate = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value) && !Number.isNaN(Date.parse(value));
    if (isSeconds || isHttpDate) return;
  }

  throw new TypeError(
    `failNext({ retryAfter }) expects seconds >= 0 or an HTTP date such as "Wed, 21 Oct 2026 07:28:00 GMT", got ${JSON.stringify(retryAfter) ?? String(retryAfter)}; set a malformed Retry-After in headers instead.`,
  );
}

/** Returns the known fault option within two edits of `key`, ignoring case. */
function closestKey(key: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of FAULT_KEYS) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= 2 && (best === undefined || distance < best.distance)) {
      best = { name, distance };
    }
  }

  return best?.name;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }

  return previous[b.length]!;
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

  // Serialised before writeHead, so that a body that fails here (changed after failNext checked
  // it) still lets the server respond with its 500.
  const json = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  response.end(json);
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
