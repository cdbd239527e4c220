import { ConfigurationError, type ConfigurationProblem, type TransportOptions } from '@umapi/auth-core';
import { resolveTokenEndpoint, type TokenEndpoint } from './token-endpoint.js';

/**
 * Options for {@link OAuthS2S}. Every option but `clientId` and `clientSecret`
 * has a default.
 */
export interface OAuthS2SOptions extends TransportOptions {
  /** The client ID (API key) of the OAuth server-to-server credential. */
  clientId: string;
  /** The client secret of the credential. Kept private and never logged. */
  clientSecret: string;
  /** The org ID (`...@AdobeOrg`). Optional; `Connection` uses it when it has no `orgId` of its own. */
  orgId?: string;
  /** Scopes requested for the token. Default `['openid', 'AdobeID', 'user_management_sdk']`. */
  scopes?: readonly string[];
  /** IMS host name (HTTPS) or origin URL such as `http://127.0.0.1:4000`. Default `ims-na1.adobelogin.com`. */
  authHost?: string;
  /** Path of the token endpoint. Default `/ims/token/v3`; `/ims/token/v2` works too. */
  authEndpoint?: string;
  /** Timeout of one token request attempt, in milliseconds. Default 30 seconds. */
  timeout?: number;
  /** How long before expiry a background refresh starts, in milliseconds. Default 5 minutes. */
  refreshWindowMs?: number;
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
  transport: TransportOptions;
}

/** Default scopes: what Adobe's console grants an OAuth server-to-server credential for UMAPI. */
export const DEFAULT_SCOPES: readonly string[] = Object.freeze(['openid', 'AdobeID', 'user_management_sdk']);

const DEFAULTS = {
  authHost: 'ims-na1.adobelogin.com',
  authEndpoint: '/ims/token/v3',
  timeoutMs: 30_000,
} as const;

const KNOWN_OPTIONS = new Set<string>([
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
]);

// Names used by the Python umapi-client and the User Sync Tool's configuration,
// which people copy from. They are rejected with the name to use instead.
const PYTHON_STYLE_NAMES: Record<string, string> = {
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

  const options = input as Record<string, unknown>;
  const problems: ConfigurationProblem[] = [...findUnknownOptions(options)];

  const clientId = requireText(options, 'clientId', problems);
  const clientSecret = requireSecret(options, 'clientSecret', problems);
  const orgId = optionalText(options, 'orgId', problems);
  const scopes = readScopes(options.scopes, problems);
  const authHost = optionalText(options, 'authHost', problems) ?? DEFAULTS.authHost;
  const authEndpoint = optionalText(options, 'authEndpoint', problems) ?? DEFAULTS.authEndpoint;
  const timeoutMs = readDuration(options, 'timeout', problems, { allowZero: false }) ?? DEFAULTS.timeoutMs;
  const refreshWindowMs = readDuration(options, 'refreshWindowMs', problems, { allowZero: true });
  const transport = readTransport(options, problems);

  const endpoint = resolveTokenEndpoint(authHost, authEndpoint);
  if (Array.isArray(endpoint)) {
    problems.push(...endpoint);
  }

  if (problems.length > 0 || Array.isArray(endpoint)) {
    throw new ConfigurationError(problems, { subject: 'OAuthS2S options' });
  }

  return {
    clientId: clientId!,
    clientSecret: clientSecret!,
    orgId,
    scopes,
    endpoint,
    timeoutMs,
    refreshWindowMs,
    transport,
  };
}

function findUnknownOptions(options: Record<string, unknown>): ConfigurationProblem[] {
  const problems: ConfigurationProblem[] = [];

  for (const key of Object.keys(options)) {
    if (KNOWN_OPTIONS.has(key) || options[key] === undefined) {
      continue;
    }

    const replacement = PYTHON_STYLE_NAMES[key];
    const message =
      replacement === undefined
        ? `unknown option; valid options are ${[...KNOWN_OPTIONS].join(', ')}`
        : `unknown option; use ${replacement} instead`;
    problems.push({ field: key, message });
  }

  return problems;
}

function requireText(
  options: Record<string, unknown>,
  field: string,
  problems: ConfigurationProblem[],
): string | undefined {
  const value = options[field];

  if (value === undefined || value === null || value === '') {
    problems.push({ field, message: 'is required' });
    return undefined;
  }

  if (typeof value !== 'string') {
    problems.push({ field, message: `must be a string, got ${describeType(value)}` });
    return undefined;
  }

  if (value.trim() !== value || value.trim() === '') {
    problems.push({ field, message: `"${value}" has leading or trailing whitespace; remove it` });
    return undefined;
  }

  return value;
}

// Like requireText, but never quotes the value in a message.
function requireSecret(
  options: Record<string, unknown>,
  field: string,
  problems: ConfigurationProblem[],
): string | undefined {
  const value = options[field];

  if (value === undefined || value === null || value === '') {
    problems.push({ field, message: 'is required' });
    return undefined;
  }

  if (typeof value !== 'string') {
    problems.push({ field, message: `must be a string, got ${describeType(value)}` });
    return undefined;
  }

  if (value.trim() !== value) {
    problems.push({ field, message: 'has leading or trailing whitespace; remove it' });
    return undefined;
  }

  return value;
}

function optionalText(
  options: Record<string, unknown>,
  field: string,
  problems: ConfigurationProblem[],
): string | undefined {
  if (options[field] === undefined) {
    return undefined;
  }

  return requireText(options, field, problems);
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
      message: `${invalid.map((scope) => JSON.stringify(scope) ?? String(scope)).join(', ')} is not a scope name; names contain no spaces or commas`,
    });
    return DEFAULT_SCOPES;
  }

  return Object.freeze([...new Set(value as string[])]);
}

function readDuration(
  options: Record<string, unknown>,
  field: string,
  problems: ConfigurationProblem[],
  { allowZero }: { allowZero: boolean },
): number | undefined {
  const value = options[field];
  if (value === undefined) {
    return undefined;
  }

  const valid = typeof value === 'number' && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0);
  if (!valid) {
    const bound = allowZero ? 'zero or more' : 'greater than zero';
    problems.push({ field, message: `must be a number of milliseconds, ${bound}; got ${describeValue(value)}` });
    return undefined;
  }

  return value;
}

function readTransport(options: Record<string, unknown>, problems: ConfigurationProblem[]): TransportOptions {
  const transport: TransportOptions = {};

  if (options.sslVerify !== undefined) {
    if (typeof options.sslVerify === 'boolean') {
      transport.sslVerify = options.sslVerify;
    } else {
      problems.push({ field: 'sslVerify', message: `must be true or false, got ${describeValue(options.sslVerify)}` });
    }
  }

  if (options.ca !== undefined) {
    const entries = Array.isArray(options.ca) ? options.ca : [options.ca];
    if (entries.every((entry) => typeof entry === 'string' || Buffer.isBuffer(entry))) {
      transport.ca = options.ca as TransportOptions['ca'];
    } else {
      problems.push({ field: 'ca', message: 'must be a PEM string, a Buffer or an array of them' });
    }
  }

  if (options.fetch !== undefined) {
    if (typeof options.fetch === 'function') {
      transport.fetch = options.fetch as typeof globalThis.fetch;
    } else {
      problems.push({ field: 'fetch', message: `must be a function, got ${describeType(options.fetch)}` });
    }
  }

  return transport;
}

function describeType(value: unknown): string {
  if (value === null) {
    return 'null';
  }

  if (Array.isArray(value)) {
    return 'an array';
  }

  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeValue(value: unknown): string {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : describeType(value);
}
