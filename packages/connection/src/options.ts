import {
  type Authenticator,
  ConfigurationError,
  describeOptionName,
  describeOrgIdProblem,
  isAuthenticator,
  MAX_TIMER_DELAY_MS,
  OptionChecker,
  quoteValue,
  suggestOptionName,
} from '@umapi/auth-core';
import { describeHeaderValueProblem } from './header-value.js';
import { CONNECTION_OPTION_NAMES } from './option-names.js';
import {
  checkRateLimitTiming,
  type RateLimitOptions,
  type RateLimitTiming,
} from './rate-limit/index.js';

/**
 * Receives the connection's log lines. Every method is optional; lines never
 * contain an access token, a client secret or a request body.
 */
export interface ConnectionLogger {
  /** Receives one line per attempt, with the request ID and the duration in milliseconds. */
  debug?(message: string, details?: Record<string, unknown>): void;
  /** Receives informational lines; this version sends none. */
  info?(message: string, details?: Record<string, unknown>): void;
  /** Receives a line for each retry, including the retry after UMAPI rejected the access token. */
  warn?(message: string, details?: Record<string, unknown>): void;
  /** Receives error lines; this version sends none, because errors are thrown to the caller. */
  error?(message: string, details?: Record<string, unknown>): void;
}

/** Options of `new Connection()`. Only `auth` is required. */
export interface ConnectionOptions {
  /** An authenticator: `JWTAuth`, `OAuthS2S`, or any object that meets the `Authenticator` contract. */
  auth: Authenticator;
  /**
   * The org ID, such as `12345ABCDE@AdobeOrg`. Default: `auth.orgId`. Whichever is used
   * must end with `@AdobeOrg`; whitespace at the ends is trimmed.
   */
  orgId?: string;
  /**
   * The UMAPI endpoint: an http: or https: URL with a path, in the form
   * `<origin>/v2/usermanagement`. A bare origin is rejected, because request paths
   * are relative to it. Default `https://usermanagement.adobe.io/v2/usermanagement`.
   */
  endpoint?: string;
  /** Send actions with `testOnly=true`, so UMAPI validates them without changing anything. Default false. */
  testMode?: boolean;
  /**
   * Timeout of one attempt, from sending the request to reading the whole body, in
   * milliseconds. Default 120,000; at least 1,000, so that seconds written as for
   * Python's umapi-client (`timeout: 120`) are rejected instead of read as 120 ms.
   */
  timeout?: number;
  /** Retries after the first attempt on 429, 502, 503, 504, timeouts and network errors. Default 4 (5 attempts). */
  maxRetries?: number;
  /**
   * Maximum server-advised wait (`Retry-After`) the connection sleeps through, in milliseconds.
   * A longer advised wait fails the call at once with `UnavailableError.retryAfterMs`. Default 300,000 (5 minutes).
   */
  maxRetryWaitMs?: number;
  /** Backoff ceiling of the first retry when the server advises no wait, in milliseconds; it doubles per retry. Default 1,000. */
  retryBaseDelayMs?: number;
  /** Client-side request budgets per endpoint class, in requests per minute, or `false` to turn them off. */
  rateLimits?: RateLimitOptions;
  /**
   * Window and safety margin of the rate-limit scheduler, in milliseconds. Default: UMAPI's
   * one-minute window. Set it only against a fake UMAPI that compresses time, in tests and
   * benchmarks; every connection that shares the client ID in the process must pass the same value.
   */
  rateLimitTiming?: RateLimitTiming;
  /** Product token put before the default `User-Agent`, such as `user-sync/3.0`. */
  userAgent?: string;
  /** Verify TLS certificates. Default true. Prefer `ca` to turning this off. */
  sslVerify?: boolean;
  /** Extra trusted CA certificates (PEM), for a TLS-inspecting proxy. */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** A fetch implementation to use instead of the built-in one. */
  fetch?: typeof globalThis.fetch;
  /** Receives log lines. Default: `NODE_DEBUG=umapi` debug output only. */
  logger?: ConnectionLogger;
}

/** Default values of the optional {@link ConnectionOptions}, with their units. */
export const CONNECTION_DEFAULTS = {
  /** Adobe's UMAPI endpoint. */
  endpoint: 'https://usermanagement.adobe.io/v2/usermanagement',
  /** Actions change the org; with `true` UMAPI only validates them. */
  testMode: false,
  /** Milliseconds per attempt. */
  timeout: 120_000,
  /** Retries after the first attempt. */
  maxRetries: 4,
  /** Milliseconds. Five minutes lets a job ride out UMAPI's minute-long throttling windows but not a 40-minute penalty. */
  maxRetryWaitMs: 300_000,
  /** Milliseconds. */
  retryBaseDelayMs: 1_000,
  /** Milliseconds: the cap of a computed backoff, before `maxRetryWaitMs` applies. */
  retryMaxDelayMs: 60_000,
} as const;

/** Options after validation, with defaults filled in. */
export interface ResolvedConnectionOptions {
  auth: Authenticator;
  orgId: string;
  endpoint: string;
  testMode: boolean;
  timeout: number;
  maxRetries: number;
  maxRetryWaitMs: number;
  retryBaseDelayMs: number;
  rateLimits: RateLimitOptions | undefined;
  rateLimitTiming: RateLimitTiming | undefined;
  userAgent: string | undefined;
  sslVerify: boolean | undefined;
  ca: ConnectionOptions['ca'];
  fetch: typeof globalThis.fetch | undefined;
  logger: ConnectionLogger | undefined;
}

const twoStepSetUp = [
  'A connection needs an authenticator object. Build one from the credentials first, then pass it:',
  "      import { OAuthS2S } from '@umapi/auth-oauth';   // or JWTAuth from '@umapi/auth-jwt'",
  '      const auth = new OAuthS2S({ clientId, clientSecret, orgId });',
  '      const connection = new Connection({ auth });',
  '    Any object with a clientId and a getAccessToken() method works as well.',
].join('\n');

const rateLimitClasses = new Set(['users', 'groups', 'groupUsers', 'actions']);

/**
 * The largest `maxRetries` a connection accepts. Backoff waits are capped at
 * 60 s, so 100 retries can already wait for up to 100 minutes.
 */
export const MAX_RETRIES = 100;

/**
 * Validates the options of `new Connection()` and fills in defaults.
 *
 * @throws ConfigurationError listing every invalid, missing or unknown option, with the
 * name to use instead of a Python-style one such as `org_id`.
 */
export function resolveConnectionOptions(input: unknown): ResolvedConnectionOptions {
  if (typeof input !== 'object' || input === null) {
    throw new ConfigurationError(
      [
        {
          field: 'options',
          message: `expected an options object, got ${describe(input)}. ${twoStepSetUp}`,
        },
      ],
      {
        subject: 'Connection options',
      },
    );
  }

  const check = new OptionChecker(input as Record<string, unknown>);
  const options = check.options;

  check.checkNames(CONNECTION_OPTION_NAMES);
  checkAuth(check);

  const orgId = resolveOrgId(check);
  const endpoint = resolveEndpoint(check);

  check.boolean('testMode');
  check.boolean('sslVerify');
  check.fetch();
  check.ca();
  checkLogger(check);
  check.timeout();
  checkMaxRetries(check);
  checkMaxRetryWait(check);
  check.duration('retryBaseDelayMs', { min: 0, max: MAX_TIMER_DELAY_MS });
  checkUserAgent(check);
  checkRateLimits(check);
  for (const problem of checkRateLimitTiming(options.rateLimitTiming)) {
    check.report(problem.field, problem.message);
  }

  check.throwIfProblems('Connection options');

  return {
    auth: options.auth as Authenticator,
    orgId: orgId as string,
    endpoint: endpoint as string,
    testMode: (options.testMode as boolean | undefined) ?? CONNECTION_DEFAULTS.testMode,
    timeout: (options.timeout as number | undefined) ?? CONNECTION_DEFAULTS.timeout,
    maxRetries: (options.maxRetries as number | undefined) ?? CONNECTION_DEFAULTS.maxRetries,
    maxRetryWaitMs:
      (options.maxRetryWaitMs as number | undefined) ?? CONNECTION_DEFAULTS.maxRetryWaitMs,
    retryBaseDelayMs:
      (options.retryBaseDelayMs as number | undefined) ?? CONNECTION_DEFAULTS.retryBaseDelayMs,
    rateLimits: options.rateLimits as RateLimitOptions | undefined,
    rateLimitTiming: options.rateLimitTiming as RateLimitTiming | undefined,
    userAgent: options.userAgent as string | undefined,
    sslVerify: options.sslVerify as boolean | undefined,
    ca: options.ca as ConnectionOptions['ca'],
    fetch: options.fetch as typeof globalThis.fetch | undefined,
    logger: options.logger as ConnectionLogger | undefined,
  };
}

function checkAuth(check: OptionChecker): void {
  const auth = check.options.auth;
  if (isAuthenticator(auth)) {
    checkClientIdHeader(check, auth.clientId);
    return;
  }

  // Never echo the value: a string here is often a client secret or an access token.
  if (
    typeof auth === 'object' &&
    auth !== null &&
    typeof (auth as { getAccessToken?: unknown }).getAccessToken === 'function'
  ) {
    check.report(
      'auth',
      'the object has getAccessToken() but does not meet the Authenticator contract: clientId must be a non-empty string, orgId a string if set, and invalidate a function if set',
    );
    return;
  }

  const problem =
    auth === undefined ? 'is missing' : `must be an authenticator, not ${describe(auth)}`;
  check.report('auth', `${problem}. ${twoStepSetUp}`);
}

/**
 * Checks that the client ID can go into the `x-api-key` header, so that a
 * pasted line break fails here, naming the field, and not on the first call
 * with a `TypeError` from `Headers`. The client ID is not a secret, but only its
 * position is quoted, to keep a mis-pasted secret out of the message.
 */
function checkClientIdHeader(check: OptionChecker, clientId: string): void {
  const problem = describeHeaderValueProblem(clientId);
  if (problem !== undefined) {
    check.report(
      'auth.clientId',
      `${problem}, so it cannot be sent in the x-api-key header. Fix the client ID where the authenticator reads it; copy it again from the Adobe Developer Console`,
    );
  }
}

/**
 * Reads the org ID from the `orgId` option, or else from `auth.orgId`. Both must
 * end with `@AdobeOrg`, because a malformed org ID would only fail later, with a
 * 403 from UMAPI on the first call.
 */
function resolveOrgId(check: OptionChecker): string | undefined {
  if (check.options.orgId !== undefined) {
    return check.orgId('orgId');
  }

  const auth = check.options.auth;
  if (!isAuthenticator(auth)) {
    // The auth problem is reported already, and an org ID cannot be read from it.
    return undefined;
  }

  if (auth.orgId === undefined) {
    check.report(
      'orgId',
      "is missing, and the authenticator has no orgId either. Pass orgId, such as '12345ABCDE@AdobeOrg', from the Adobe Admin Console",
    );
    return undefined;
  }

  const fromAuth = auth.orgId.trim();
  const problem = fromAuth === '' ? 'is empty' : describeOrgIdProblem(fromAuth);
  if (problem !== undefined) {
    check.report(
      'auth.orgId',
      `${problem}. The connection takes the org ID from its authenticator because no orgId option was given: fix the authenticator's orgId or pass orgId to the connection`,
    );
    return undefined;
  }

  return fromAuth;
}

/**
 * Reads the endpoint URL. The value is quoted in a message only when
 * auth-core's `quoteValue` allows it (short visible ASCII), because a long or
 * multi-line value is more often a key or secret pasted into the wrong field.
 */
function resolveEndpoint(check: OptionChecker): string | undefined {
  const value = check.options.endpoint;
  if (value === undefined) {
    return CONNECTION_DEFAULTS.endpoint;
  }

  if (typeof value !== 'string') {
    check.report('endpoint', `must be a URL string, not ${describe(value)}`);
    return undefined;
  }

  // Reports an empty value, line breaks and inner whitespace without quoting
  // them; the URL parser would otherwise drop tabs and line breaks silently.
  const text = check.requireString('endpoint');
  if (text === undefined) {
    return undefined;
  }

  const description = describeEndpoint(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    check.report(
      'endpoint',
      `is not a valid URL (got ${description}); use one such as ${CONNECTION_DEFAULTS.endpoint}`,
    );
    return undefined;
  }

  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    const protocol = quoteValue(url.protocol) ?? 'another scheme';
    check.report('endpoint', `must be an http: or https: URL, not ${protocol}`);
    return undefined;
  }

  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    check.report('endpoint', 'must not contain a query string, a fragment or credentials');
    return undefined;
  }

  // Request paths such as users/{orgId}/0 are relative to the endpoint, so a
  // bare origin would send them to /users/... and get 404 for every call.
  if (url.pathname === '/') {
    const origin = quoteValue(url.origin) === undefined ? '<origin>' : url.origin;
    check.report(
      'endpoint',
      `has no path (got ${description}). Use the form <origin>/v2/usermanagement, here ${origin}/v2/usermanagement`,
    );
    return undefined;
  }

  return url.href.replace(/\/+$/, '');
}

/** Quotes an endpoint that `quoteValue` allows, or else gives only its length. */
function describeEndpoint(text: string): string {
  return quoteValue(text) ?? `${describe(text)}, not shown because it may be a secret`;
}

function checkLogger(check: OptionChecker): void {
  const value = check.options.logger;
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    check.report(
      'logger',
      `must be an object with any of debug, info, warn and error, not ${describe(value)}`,
    );
  }
}

function checkMaxRetries(check: OptionChecker): void {
  const value = check.options.maxRetries;
  if (value === undefined) {
    return;
  }

  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_RETRIES) {
    check.report(
      'maxRetries',
      `must be a whole number from 0 to ${MAX_RETRIES}, not ${describe(value)}`,
    );
  }
}

function checkMaxRetryWait(check: OptionChecker): void {
  const value = check.options.maxRetryWaitMs;
  // Infinity is allowed and means: always wait as long as the server advises.
  if (value === undefined || value === Number.POSITIVE_INFINITY) {
    return;
  }

  check.duration('maxRetryWaitMs', { min: 0 });
}

function checkUserAgent(check: OptionChecker): void {
  const value = check.options.userAgent;
  if (value === undefined) {
    return;
  }

  if (typeof value !== 'string') {
    check.report(
      'userAgent',
      `must be a single-line string such as 'my-sync/1.2', not ${describe(value)}`,
    );
    return;
  }

  const problem = describeHeaderValueProblem(value);
  if (problem !== undefined) {
    check.report(
      'userAgent',
      `must be a single-line string such as 'my-sync/1.2' that can be sent in the User-Agent header, but it ${problem}`,
    );
  }
}

function checkRateLimits(check: OptionChecker): void {
  const value = check.options.rateLimits;
  if (value === undefined || value === false) {
    return;
  }

  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    check.report(
      'rateLimits',
      `must be false or an object such as { users: 25, actions: 10 }, not ${describe(value)}`,
    );
    return;
  }

  for (const [key, limit] of Object.entries(value)) {
    if (!rateLimitClasses.has(key)) {
      reportUnknownRateLimitClass(check, key);
    } else if (
      limit !== false &&
      limit !== undefined &&
      !(Number.isInteger(limit) && (limit as number) > 0)
    ) {
      check.report(
        `rateLimits.${key}`,
        `must be a positive whole number of requests per minute, or false, not ${describe(limit)}`,
      );
    }
  }
}

/**
 * Reports an unknown `rateLimits` key. The key is named only when auth-core's
 * `describeOptionName` would name an unknown option, because a long or
 * random-looking key may be a secret pasted as a key.
 */
function reportUnknownRateLimitClass(check: OptionChecker, key: string): void {
  const known = [...rateLimitClasses];
  const classes = `use one of ${known.join(', ')}`;
  if (describeOptionName(key, { known }) !== key) {
    check.report(
      'rateLimits',
      `has a key of ${[...key].length} characters that is not an endpoint class, not shown because it may be a secret; ${classes}`,
    );
    return;
  }

  const closest = suggestOptionName(key, known);
  check.report(
    `rateLimits.${key}`,
    closest === undefined
      ? `is not an endpoint class; ${classes}`
      : `is not an endpoint class; did you mean ${closest}?`,
  );
}

/** Describes a value by its type only, so that a secret passed by mistake is never printed. */
function describe(value: unknown): string {
  if (value === null) {
    return 'null';
  }

  if (Array.isArray(value)) {
    return 'an array';
  }

  if (typeof value === 'string') {
    return `a string of ${value.length} characters`;
  }

  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }

  if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) {
      return 'an empty object';
    }

    const shown = keys.slice(0, 6).join(', ');
    return `a plain object with keys ${shown}${keys.length > 6 ? ', ...' : ''} and no getAccessToken() method`;
  }

  return typeof value;
}
