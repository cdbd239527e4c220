import {
  type Authenticator,
  ConfigurationError,
  type ConfigurationProblem,
  isAuthenticator,
  MAX_TIMER_DELAY_MS,
} from '@umapi/auth-core';
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
  /** The org ID, such as `12345@AdobeOrg`. Default: `auth.orgId`. */
  orgId?: string;
  /** The UMAPI endpoint. Default `https://usermanagement.adobe.io/v2/usermanagement`. */
  endpoint?: string;
  /** Send actions with `testOnly=true`, so UMAPI validates them without changing anything. Default false. */
  testMode?: boolean;
  /** Timeout of one attempt, from sending the request to reading the whole body, in milliseconds. Default 120,000. */
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

const knownOptions = new Set([
  'auth',
  'orgId',
  'endpoint',
  'testMode',
  'timeout',
  'maxRetries',
  'maxRetryWaitMs',
  'retryBaseDelayMs',
  'rateLimits',
  'rateLimitTiming',
  'userAgent',
  'sslVerify',
  'ca',
  'fetch',
  'logger',
]);

// Option names of the Python umapi-client and of the User Sync Tool's
// configuration, mapped to what a caller writes here instead.
const renamedOptions: Record<string, string> = {
  org_id: "use 'orgId'",
  orgID: "use 'orgId'",
  auth_dict: "use 'auth' with an authenticator object (see the 'auth' problem)",
  user_management_endpoint: "use 'endpoint'",
  endpoint_url: "use 'endpoint'",
  test_mode: "use 'testMode'",
  timeout_seconds: "use 'timeout', in milliseconds (60 seconds is 60000)",
  retry_max_attempts: "use 'maxRetries' (retries after the first attempt)",
  retries: "use 'maxRetries' (retries after the first attempt)",
  retry_first_delay: "use 'retryBaseDelayMs', in milliseconds",
  retry_random_delay: 'remove it: backoff jitter is built in',
  user_agent: "use 'userAgent'",
  ssl_verify: "use 'sslVerify'",
  ims_host: "set 'authHost' on the authenticator (JWTAuth or OAuthS2S), not on the connection",
  ims_endpoint_jwt: "set 'authEndpoint' on the authenticator, not on the connection",
  throttle_actions:
    'remove it: UMAPI accepts at most 10 actions per request, and the connection batches that way',
  throttle_commands:
    'remove it: UMAPI accepts at most 10 commands per action, and the connection splits that way',
};

const credentialFields = new Set([
  'clientId',
  'client_id',
  'api_key',
  'clientSecret',
  'client_secret',
  'techAcctId',
  'tech_acct_id',
  'privateKey',
  'priv_key_data',
  'priv_key_path',
  'private_key_file',
]);

const twoStepSetUp = [
  'A connection needs an authenticator object. Build one from the credentials first, then pass it:',
  "      import { OAuthS2S } from '@umapi/auth-oauth';   // or JWTAuth from '@umapi/auth-jwt'",
  '      const auth = new OAuthS2S({ clientId, clientSecret, orgId });',
  '      const connection = new Connection({ auth });',
  '    Any object with a clientId and a getAccessToken() method works as well.',
].join('\n');

const rateLimitClasses = new Set(['users', 'groups', 'groupUsers', 'actions']);

/**
 * Validates the options of `new Connection()` and fills in defaults.
 *
 * @throws ConfigurationError listing every invalid or unknown option.
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

  const options = input as Record<string, unknown>;
  const problems: ConfigurationProblem[] = [];

  checkNames(options, problems);
  checkAuth(options, problems);

  const orgId = resolveOrgId(options, problems);
  const endpoint = resolveEndpoint(options.endpoint, problems);

  checkType(options, 'testMode', 'boolean', problems);
  checkType(options, 'sslVerify', 'boolean', problems);
  checkType(options, 'fetch', 'function', problems);
  checkType(options, 'logger', 'object', problems);
  checkNumber(options, 'timeout', { min: 1, max: MAX_TIMER_DELAY_MS, integer: false }, problems);
  checkNumber(options, 'maxRetries', { min: 0, max: 100, integer: true }, problems);
  checkNumber(
    options,
    'maxRetryWaitMs',
    { min: 0, max: Number.POSITIVE_INFINITY, integer: false },
    problems,
  );
  checkNumber(
    options,
    'retryBaseDelayMs',
    { min: 0, max: MAX_TIMER_DELAY_MS, integer: false },
    problems,
  );
  checkUserAgent(options.userAgent, problems);
  checkCa(options.ca, problems);
  checkRateLimits(options.rateLimits, problems);
  problems.push(...checkRateLimitTiming(options.rateLimitTiming));

  if (problems.length > 0) {
    throw new ConfigurationError(problems, { subject: 'Connection options' });
  }

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

function checkNames(options: Record<string, unknown>, problems: ConfigurationProblem[]): void {
  for (const name of Object.keys(options)) {
    if (knownOptions.has(name)) {
      continue;
    }

    const hint = renamedOptions[name];
    if (hint !== undefined) {
      problems.push({ field: name, message: `unknown option; ${hint}` });
    } else if (credentialFields.has(name)) {
      problems.push({
        field: name,
        message:
          'credentials belong to the authenticator, not the connection; pass them to OAuthS2S or JWTAuth and give the connection its `auth`',
      });
    } else {
      problems.push({
        field: name,
        message: `unknown option; valid options are ${[...knownOptions].join(', ')}`,
      });
    }
  }
}

function checkAuth(options: Record<string, unknown>, problems: ConfigurationProblem[]): void {
  const auth = options.auth;
  if (isAuthenticator(auth)) {
    return;
  }

  // Never echo the value: a string here is often a client secret or an access token.
  if (
    typeof auth === 'object' &&
    auth !== null &&
    typeof (auth as { getAccessToken?: unknown }).getAccessToken === 'function'
  ) {
    problems.push({
      field: 'auth',
      message:
        'the object has getAccessToken() but does not meet the Authenticator contract: clientId must be a non-empty string, orgId a string if set, and invalidate a function if set',
    });
    return;
  }

  problems.push({
    field: 'auth',
    message: `expected an authenticator, got ${describe(auth)}. ${twoStepSetUp}`,
  });
}

function resolveOrgId(
  options: Record<string, unknown>,
  problems: ConfigurationProblem[],
): string | undefined {
  const given = options.orgId;
  if (given !== undefined) {
    if (typeof given !== 'string' || given.trim() === '') {
      problems.push({
        field: 'orgId',
        message: `expected a non-empty string such as '12345@AdobeOrg', got ${describe(given)}`,
      });
      return undefined;
    }

    return given.trim();
  }

  const fromAuth = isAuthenticator(options.auth) ? options.auth.orgId : undefined;
  if (typeof fromAuth === 'string' && fromAuth.trim() !== '') {
    return fromAuth.trim();
  }

  if (isAuthenticator(options.auth)) {
    problems.push({
      field: 'orgId',
      message:
        "missing; the authenticator has no orgId either. Pass orgId, such as '12345@AdobeOrg', from the Adobe Developer Console",
    });
  }

  return undefined;
}

function resolveEndpoint(value: unknown, problems: ConfigurationProblem[]): string | undefined {
  if (value === undefined) {
    return CONNECTION_DEFAULTS.endpoint;
  }

  if (typeof value !== 'string') {
    problems.push({ field: 'endpoint', message: `expected a URL string, got ${describe(value)}` });
    return undefined;
  }

  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push({
      field: 'endpoint',
      message: `'${value}' is not a valid URL; expected one such as ${CONNECTION_DEFAULTS.endpoint}`,
    });
    return undefined;
  }

  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push({
      field: 'endpoint',
      message: `expected an http: or https: URL, got ${url.protocol}`,
    });
    return undefined;
  }

  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    problems.push({
      field: 'endpoint',
      message: 'must not contain a query string, a fragment or credentials',
    });
    return undefined;
  }

  return url.href.replace(/\/+$/, '');
}

function checkType(
  options: Record<string, unknown>,
  name: string,
  type: 'boolean' | 'function' | 'object',
  problems: ConfigurationProblem[],
): void {
  const value = options[name];
  if (value === undefined) {
    return;
  }

  if (typeof value !== type || value === null) {
    problems.push({ field: name, message: `expected a ${type}, got ${describe(value)}` });
  }
}

function checkNumber(
  options: Record<string, unknown>,
  name: string,
  range: { min: number; max: number; integer: boolean },
  problems: ConfigurationProblem[],
): void {
  const value = options[name];
  if (value === undefined) {
    return;
  }

  const valid =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    value >= range.min &&
    value <= range.max &&
    (!range.integer || Number.isInteger(value));
  if (!valid) {
    const kind = range.integer ? 'an integer' : 'a number';
    const upper = range.max === Number.POSITIVE_INFINITY ? 'Infinity' : String(range.max);
    problems.push({
      field: name,
      message: `expected ${kind} from ${range.min} to ${upper}, got ${describe(value)}`,
    });
  }
}

function checkUserAgent(value: unknown, problems: ConfigurationProblem[]): void {
  if (value === undefined) {
    return;
  }

  if (typeof value !== 'string' || /[\r\n]/.test(value)) {
    problems.push({
      field: 'userAgent',
      message: `expected a single-line string such as 'my-sync/1.2', got ${describe(value)}`,
    });
  }
}

function checkCa(value: unknown, problems: ConfigurationProblem[]): void {
  if (value === undefined) {
    return;
  }

  const entries = Array.isArray(value) ? value : [value];
  const valid = entries.every((entry) => typeof entry === 'string' || Buffer.isBuffer(entry));
  if (!valid) {
    problems.push({
      field: 'ca',
      message: `expected PEM text, a Buffer or an array of them, got ${describe(value)}`,
    });
  }
}

function checkRateLimits(value: unknown, problems: ConfigurationProblem[]): void {
  if (value === undefined || value === false) {
    return;
  }

  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({
      field: 'rateLimits',
      message: `expected false or an object such as { users: 25, actions: 10 }, got ${describe(value)}`,
    });
    return;
  }

  for (const [key, limit] of Object.entries(value)) {
    if (!rateLimitClasses.has(key)) {
      problems.push({
        field: `rateLimits.${key}`,
        message: `unknown endpoint class; expected one of ${[...rateLimitClasses].join(', ')}`,
      });
    } else if (
      limit !== false &&
      limit !== undefined &&
      !(Number.isInteger(limit) && (limit as number) > 0)
    ) {
      problems.push({
        field: `rateLimits.${key}`,
        message: `expected a positive whole number of requests per minute, or false, got ${describe(limit)}`,
      });
    }
  }
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
    return `${typeof value} ${String(value)}`;
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
