import {
  buildEndpointUrl,
  ConfigurationError,
  type ConfigurationProblem,
  OptionChecker,
  type OptionNames,
  parseAuthHost,
  parseEndpointPath,
  quoteValue,
  type TransportOptions,
} from '@umapi/auth-core';

/**
 * Options for {@link OAuthS2S}. Every option but `clientId` and `clientSecret`
 * has a default.
 */
export interface OAuthS2SOptions extends TransportOptions {
  /** The client ID (API key) of the OAuth server-to-server credential. Whitespace at the ends is trimmed. */
  clientId: string;
  /**
   * The client secret of the credential. Kept private and never logged.
   * Whitespace at the ends, such as the newline of a value read from a file, is trimmed.
   */
  clientSecret: string;
  /**
   * The org ID, ending with `@AdobeOrg`. Optional; `Connection` uses it when it has no
   * `orgId` of its own. Whitespace at the ends is trimmed.
   */
  orgId?: string;
  /** Scopes requested for the token. Default `['openid', 'AdobeID', 'user_management_sdk']`. */
  scopes?: readonly string[];
  /** IMS host name (HTTPS) or origin URL such as `http://127.0.0.1:4000`. Default `ims-na1.adobelogin.com`. */
  authHost?: string;
  /** Path of the token endpoint. Default `/ims/token/v3`; `/ims/token/v2` works too. */
  authEndpoint?: string;
  /**
   * Timeout of one token request attempt, in milliseconds, from 1,000 to 2^31-1.
   * Default 30 seconds. A smaller number is taken for seconds (Python's umapi-client)
   * and rejected with the millisecond value to use.
   */
  timeout?: number;
  /** How long before expiry a background refresh starts, in milliseconds. Default 5 minutes. */
  refreshWindowMs?: number;
  /**
   * How long before expiry a cached token is no longer returned, in milliseconds:
   * within this margin every call waits for a new token. Default 30 seconds.
   * Lower it for tokens that live less than the margin, such as short-lived test
   * credentials, which would otherwise be exchanged on every call. Must be
   * smaller than `refreshWindowMs` when both are set.
   */
  expiryMarginMs?: number;
}

/** The IMS origin and the token URL built from `authHost` and `authEndpoint`. */
export interface TokenEndpoint {
  /** `https://<host>` for a bare host, or the origin URL as given. */
  origin: string;
  /** The origin followed by the endpoint path. */
  url: string;
}

/** The options after defaults and validation. */
export interface ResolvedOAuthS2SOptions {
  clientId: string;
  clientSecret: string;
  orgId: string | undefined;
  scopes: readonly string[];
  endpoint: TokenEndpoint;
  timeoutMs: number;
  refreshWindowMs: number | undefined;
  expiryMarginMs: number | undefined;
  transport: TransportOptions;
}

/** Default scopes: what Adobe's console grants an OAuth server-to-server credential for UMAPI. */
export const DEFAULT_SCOPES: readonly string[] = Object.freeze(['openid', 'AdobeID', 'user_management_sdk']);

const DEFAULTS = {
  authHost: 'ims-na1.adobelogin.com',
  authEndpoint: '/ims/token/v3',
  timeoutMs: 30_000,
} as const;

// Renames: names used by the Python umapi-client and the User Sync Tool's
// configuration, which people copy from, with the name to use instead.
const NAMES: OptionNames = {
  known: [
    'clientId',
    'clientSecret',
    'orgId',
    'scopes',
    'authHost',
    'authEndpoint',
    'sslVerify',
    'ca',
    'fetch',
    'timeout',
    'refreshWindowMs',
    'expiryMarginMs',
  ],
  renames: {
    client_id: 'clientId',
    client_secret: 'clientSecret',
    org_id: 'orgId',
    ims_host: 'authHost',
    auth_host: 'authHost',
    ims_endpoint: 'authEndpoint',
    ims_endpoint_oauth: 'authEndpoint',
    auth_endpoint: 'authEndpoint',
    ssl_verify: 'sslVerify',
    scope: 'scopes',
    api_key: 'clientId',
    apiKey: 'clientId',
  },
};


/**
 * Validates `OAuthS2S` options and applies defaults.
 *
 * @throws ConfigurationError listing every missing, invalid or unknown option.
 * Secret values never appear in its messages.
 */
export function resolveOptions(input: unknown): ResolvedOAuthS2SOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigurationError(
      [{ field: 'options', message: 'pass an object such as { clientId, clientSecret }' }],
      { subject: 'OAuthS2S options' },
    );
  }

  const check = new OptionChecker(input as Record<string, unknown>);
  check.checkNames(NAMES);

  // IDs and the secret are trimmed, as JWTAuth does, because a value read from
  // a file or an environment variable often ends in a newline. Whitespace or a
  // control character inside is rejected: no client ID or secret contains one,
  // and a line break would otherwise reach an HTTP header.
  const clientId = check.requireString('clientId');
  const clientSecret = check.requireString('clientSecret', { secret: true });
  // The org ID is optional here, but a mistyped one would only fail later with
  // a 403 from UMAPI, so a given value must have the org ID format.
  const orgId = check.options.orgId === undefined ? undefined : check.orgId();
  const scopes = readScopes(check.options.scopes, check.problems);
  const authHost = check.optionalString('authHost') ?? DEFAULTS.authHost;
  const authEndpoint = check.optionalString('authEndpoint') ?? DEFAULTS.authEndpoint;
  const timeoutMs = check.timeout() ?? DEFAULTS.timeoutMs;
  const refreshWindowMs = check.duration('refreshWindowMs', { min: 0 });
  const expiryMarginMs = check.duration('expiryMarginMs', { min: 0 });
  if (refreshWindowMs !== undefined && expiryMarginMs !== undefined && expiryMarginMs >= refreshWindowMs) {
    check.report(
      'expiryMarginMs',
      `must be smaller than refreshWindowMs (${refreshWindowMs} ms), not ${expiryMarginMs} ms, because the background refresh runs between the two`,
    );
  }
  const transport = check.transport();
  const endpoint = resolveTokenEndpoint(authHost, authEndpoint, check);

  check.throwIfProblems('OAuthS2S options');

  return {
    clientId: clientId!,
    clientSecret: clientSecret!,
    orgId,
    scopes,
    endpoint: endpoint!,
    timeoutMs,
    refreshWindowMs,
    expiryMarginMs,
    transport,
  };
}

function resolveTokenEndpoint(authHost: string, authEndpoint: string, check: OptionChecker): TokenEndpoint | undefined {
  const host = parseAuthHost(authHost);
  if ('problem' in host) {
    check.report('authHost', host.problem);
  }

  const path = parseEndpointPath(authEndpoint, { examplePath: DEFAULTS.authEndpoint });
  if ('problem' in path) {
    check.report('authEndpoint', path.problem);
  }

  if ('problem' in host || 'problem' in path) {
    return undefined;
  }

  return { origin: host.origin, url: buildEndpointUrl(host.origin, path.path) };
}

function readScopes(value: unknown, problems: ConfigurationProblem[]): readonly string[] {
  if (value === undefined) {
    return DEFAULT_SCOPES;
  }

  const message = "must be a non-empty array of scope names, such as ['openid', 'AdobeID', 'user_management_sdk']";
  if (!Array.isArray(value) || value.length === 0) {
    problems.push({ field: 'scopes', message });
    return DEFAULT_SCOPES;
  }

  // IMS takes scopes as one comma-separated value, so a name must not contain a comma.
  const invalid = value.filter((scope) => typeof scope !== 'string' || !/^[^\s,]+$/.test(scope));
  if (invalid.length > 0) {
    problems.push({
      field: 'scopes',
      message: `${describeScopes(value)} not a scope name; names contain no spaces or commas`,
    });
    return DEFAULT_SCOPES;
  }

  return Object.freeze([...new Set(value as string[])]);
}

/**
 * Names the invalid scopes: short printable ones quoted, any other by its
 * position (`entry 2`), because a long entry or one with spaces may be a pasted secret.
 */
function describeScopes(scopes: readonly unknown[]): string {
  const names = scopes
    .map((scope, index) => ({ scope, index }))
    .filter(({ scope }) => typeof scope !== 'string' || !/^[^\s,]+$/.test(scope))
    .map(({ scope, index }) => quoteValue(scope) ?? `entry ${index + 1}`);
  return `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'}`;
}
