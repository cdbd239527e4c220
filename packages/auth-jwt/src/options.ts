import type { KeyObject } from 'node:crypto';
import {
  ConfigurationError,
  type ConfigurationProblem,
  MAX_TIMER_DELAY_MS,
  type TransportOptions,
} from '@umapi/auth-core';
import { resolveAuthOrigin } from './auth-host.js';
import { loadPrivateKey } from './private-key.js';

/** Options for {@link JWTAuth}. Times are in milliseconds. */
export interface JWTAuthOptions extends TransportOptions {
  /** The org ID, ending in `@AdobeOrg`. Sent as the assertion's `iss`. */
  orgId: string;
  /** The client ID (API key) of the credential. */
  clientId: string;
  /** The client secret of the credential. Never logged or shown. */
  clientSecret: string;
  /** The technical account ID, such as `1234ABCD@techacct.adobe.com`. Sent as the assertion's `sub`. */
  techAcctId: string;
  /**
   * The RSA private key whose certificate is registered with the credential:
   * PEM (PKCS#1 or PKCS#8, optionally encrypted PKCS#8) as a string or Buffer, or a `KeyObject`.
   * Parsed once, in the constructor.
   */
  privateKey: string | Buffer | KeyObject;
  /** The password of an encrypted private key. */
  passphrase?: string;
  /** Metascopes granted to the credential. Default `['ent_user_sdk']`. */
  metascopes?: readonly string[];
  /** The IMS host, or an origin URL such as `http://127.0.0.1:4000`. Default `ims-na1.adobelogin.com`. */
  authHost?: string;
  /** The path of the JWT exchange endpoint. Default `/ims/exchange/jwt/`. */
  authEndpoint?: string;
  /** Lifetime of the signed assertion, in milliseconds. Default 300,000 (5 minutes); it is used once. */
  jwtLifetimeMs?: number;
  /** Timeout of one attempt of the token request, in milliseconds. Default 30,000. */
  timeout?: number;
  /** How long before expiry the access token is refreshed in the background, in milliseconds. Default 300,000. */
  refreshWindowMs?: number;
}

/** Defaults of every optional option, with their units. */
export const JWT_AUTH_DEFAULTS = Object.freeze({
  metascopes: Object.freeze(['ent_user_sdk']) as readonly string[],
  sslVerify: true,
  authHost: 'ims-na1.adobelogin.com',
  authEndpoint: '/ims/exchange/jwt/',
  /** Milliseconds. The assertion is single-use, so it need not live longer. */
  jwtLifetimeMs: 300_000,
  /** Milliseconds per attempt. */
  timeout: 30_000,
  /** Milliseconds before expiry. */
  refreshWindowMs: 300_000,
} as const);

/** Validated options with defaults applied and the private key parsed. */
export interface JWTAuthSettings {
  orgId: string;
  clientId: string;
  clientSecret: string;
  techAcctId: string;
  privateKey: KeyObject;
  metascopes: readonly string[];
  sslVerify: boolean;
  ca: TransportOptions['ca'];
  fetch: typeof globalThis.fetch | undefined;
  authOrigin: string;
  authEndpoint: string;
  jwtLifetimeMs: number;
  timeout: number;
  refreshWindowMs: number;
}

const OPTION_NAMES = [
  'orgId',
  'clientId',
  'clientSecret',
  'techAcctId',
  'privateKey',
  'passphrase',
  'metascopes',
  'sslVerify',
  'authHost',
  'authEndpoint',
  'jwtLifetimeMs',
  'ca',
  'fetch',
  'timeout',
  'refreshWindowMs',
] as const;

/** Option names from Python umapi-client and User Sync Tool configs, with the option to use instead. */
const PYTHON_NAMES: Record<string, string> = {
  org_id: 'orgId',
  client_id: 'clientId',
  api_key: 'clientId',
  client_secret: 'clientSecret',
  tech_acct_id: 'techAcctId',
  tech_acct: 'techAcctId',
  priv_key_data: 'privateKey',
  private_key_data: 'privateKey',
  private_key: 'privateKey',
  priv_key_pass: 'passphrase',
  priv_key_path: 'privateKey',
  private_key_file: 'privateKey',
  ims_host: 'authHost',
  auth_host: 'authHost',
  ims_endpoint_jwt: 'authEndpoint',
  auth_endpoint: 'authEndpoint',
  ssl_verify: 'sslVerify',
  jwt_lifetime: 'jwtLifetimeMs',
};

const PATH_OPTIONS = new Set([
  'priv_key_path',
  'private_key_file',
  'privateKeyPath',
  'privateKeyFile',
]);

const ORG_ID_SUFFIX = '@AdobeOrg';

/**
 * Validates JWTAuth options, applies defaults and parses the private key.
 *
 * @throws ConfigurationError listing every invalid, missing or unknown option.
 */
export function resolveJwtAuthOptions(options: unknown): JWTAuthSettings {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigurationError(
      [{ field: 'options', message: 'must be an object of JWTAuth options' }],
      {
        subject: 'JWTAuth options',
      },
    );
  }

  const input = options as Record<string, unknown>;
  const problems: ConfigurationProblem[] = [];
  const report = (field: string, message: string) => problems.push({ field, message });

  for (const name of Object.keys(input)) {
    if (!(OPTION_NAMES as readonly string[]).includes(name)) {
      report(name, describeUnknownOption(name));
    }
  }

  const orgId = requireString(input, 'orgId', report);
  if (orgId !== undefined && !orgId.endsWith(ORG_ID_SUFFIX)) {
    report(
      'orgId',
      `must end with ${ORG_ID_SUFFIX}, like 12345ABCDE@AdobeOrg; copy the whole org ID from the Admin Console`,
    );
  }

  const clientId = requireString(input, 'clientId', report);
  const clientSecret = requireString(input, 'clientSecret', report, { secret: true });
  const techAcctId = requireString(input, 'techAcctId', report);

  const passphrase = input.passphrase;
  if (passphrase !== undefined && typeof passphrase !== 'string') {
    report('passphrase', 'must be a string');
  }

  let privateKey: KeyObject | undefined;
  if (input.privateKey === undefined || input.privateKey === null) {
    report(
      'privateKey',
      'is missing; pass the PEM text of the private key, a Buffer or a KeyObject',
    );
  } else {
    const loaded = loadPrivateKey(
      input.privateKey,
      typeof passphrase === 'string' ? passphrase : undefined,
    );
    if ('key' in loaded) {
      privateKey = loaded.key;
    } else {
      report(loaded.problem.field, loaded.problem.message);
    }
  }

  const metascopes = readMetascopes(input.metascopes, report);
  const sslVerify = readBoolean(input, 'sslVerify', JWT_AUTH_DEFAULTS.sslVerify, report);
  const authOrigin = readAuthOrigin(input.authHost, report);
  const authEndpoint = readEndpoint(input.authEndpoint, report);
  const jwtLifetimeMs = readDuration(
    input,
    'jwtLifetimeMs',
    JWT_AUTH_DEFAULTS.jwtLifetimeMs,
    { min: 1_000, max: 86_400_000 },
    report,
  );
  const timeout = readDuration(
    input,
    'timeout',
    JWT_AUTH_DEFAULTS.timeout,
    { min: 1, max: MAX_TIMER_DELAY_MS },
    report,
  );
  const refreshWindowMs = readDuration(
    input,
    'refreshWindowMs',
    JWT_AUTH_DEFAULTS.refreshWindowMs,
    { min: 0, max: MAX_TIMER_DELAY_MS },
    report,
  );

  if (input.fetch !== undefined && typeof input.fetch !== 'function') {
    report('fetch', 'must be a fetch-compatible function');
  }

  if (input.ca !== undefined && !isCaValue(input.ca)) {
    report('ca', 'must be a PEM string, a Buffer, or an array of them');
  }

  if (problems.length > 0) {
    throw new ConfigurationError(problems, { subject: 'JWTAuth options' });
  }

  return {
    orgId: orgId!,
    clientId: clientId!,
    clientSecret: clientSecret!,
    techAcctId: techAcctId!,
    privateKey: privateKey!,
    metascopes,
    sslVerify,
    ca: input.ca as TransportOptions['ca'],
    fetch: input.fetch as typeof globalThis.fetch | undefined,
    authOrigin,
    authEndpoint,
    jwtLifetimeMs,
    timeout,
    refreshWindowMs,
  };
}

type Report = (field: string, message: string) => void;

function requireString(
  input: Record<string, unknown>,
  field: string,
  report: Report,
  { secret = false } = {},
): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) {
    report(field, 'is missing');
    return undefined;
  }

  if (typeof value !== 'string') {
    report(field, `must be a string, not ${describeType(value)}`);
    return undefined;
  }

  // Values pasted from consoles and environment variables often carry a
  // trailing newline; no ID or secret contains whitespace at its ends.
  const trimmed = value.trim();
  if (trimmed === '') {
    report(field, 'is empty');
    return undefined;
  }

  if (/\s/.test(trimmed)) {
    report(
      field,
      secret ? 'must not contain whitespace' : `must not contain whitespace (got "${trimmed}")`,
    );
    return undefined;
  }

  return trimmed;
}

function readMetascopes(value: unknown, report: Report): readonly string[] {
  if (value === undefined) {
    return JWT_AUTH_DEFAULTS.metascopes;
  }

  if (!Array.isArray(value)) {
    report(
      'metascopes',
      `must be an array of metascope names such as ['ent_user_sdk'], not ${describeType(value)}`,
    );
    return JWT_AUTH_DEFAULTS.metascopes;
  }

  if (value.length === 0) {
    report('metascopes', "must name at least one metascope, such as 'ent_user_sdk'");
    return JWT_AUTH_DEFAULTS.metascopes;
  }

  const bad = value.filter((item) => typeof item !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(item));
  if (bad.length > 0) {
    report(
      'metascopes',
      'must contain only non-empty names of letters, digits, "_", "." and "-", such as ent_user_sdk',
    );
  }

  return [...new Set(value as string[])];
}

function readBoolean(
  input: Record<string, unknown>,
  field: string,
  fallback: boolean,
  report: Report,
): boolean {
  const value = input[field];
  if (value === undefined) {
    return fallback;
  }

  if (typeof value !== 'boolean') {
    report(field, `must be true or false, not ${describeType(value)}`);
    return fallback;
  }

  return value;
}

function readAuthOrigin(value: unknown, report: Report): string {
  const host = value ?? JWT_AUTH_DEFAULTS.authHost;
  if (typeof host !== 'string') {
    report('authHost', `must be a string, not ${describeType(host)}`);
    return '';
  }

  const resolved = resolveAuthOrigin(host);
  if ('problem' in resolved) {
    report('authHost', resolved.problem);
    return '';
  }

  return resolved.origin;
}

function readEndpoint(value: unknown, report: Report): string {
  const endpoint = value ?? JWT_AUTH_DEFAULTS.authEndpoint;
  if (typeof endpoint !== 'string') {
    report('authEndpoint', `must be a string, not ${describeType(endpoint)}`);
    return '';
  }

  const trimmed = endpoint.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    report('authEndpoint', 'must be a path such as /ims/exchange/jwt/; put the host in authHost');
    return '';
  }

  if (
    !/^\/*[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*\/*$/.test(trimmed) ||
    trimmed.split('/').includes('..')
  ) {
    report(
      'authEndpoint',
      'must be a path of letters, digits and "/" such as /ims/exchange/jwt/, without query or fragment',
    );
    return '';
  }

  return trimmed;
}

function readDuration(
  input: Record<string, unknown>,
  field: string,
  fallback: number,
  range: { min: number; max: number },
  report: Report,
): number {
  const value = input[field];
  if (value === undefined) {
    return fallback;
  }

  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < range.min ||
    value > range.max
  ) {
    report(
      field,
      `must be a number of milliseconds from ${range.min} to ${range.max}, not ${describeValue(value)}`,
    );
    return fallback;
  }

  return value;
}

function describeUnknownOption(name: string): string {
  if (PATH_OPTIONS.has(name)) {
    return 'is not an option; read the file and pass its contents as privateKey, e.g. privateKey: readFileSync(path)';
  }

  const pythonName = PYTHON_NAMES[name];
  if (pythonName !== undefined) {
    return `is not an option; this is the Python-style name, use ${pythonName}`;
  }

  const closest = findClosestName(name);
  return closest === undefined
    ? `is not an option; valid options are ${OPTION_NAMES.join(', ')}`
    : `is not an option; did you mean ${closest}?`;
}

/** Finds the option name nearest to a misspelt one, ignoring case and underscores. */
function findClosestName(name: string): string | undefined {
  const normalized = name.toLowerCase().replaceAll('_', '');
  let best: { name: string; distance: number } | undefined;
  for (const candidate of OPTION_NAMES) {
    const distance = editDistance(normalized, candidate.toLowerCase());
    if (best === undefined || distance < best.distance) {
      best = { name: candidate, distance };
    }
  }

  // Beyond a third of the name's length the suggestion is more noise than help.
  return best !== undefined && best.distance <= Math.max(2, Math.floor(normalized.length / 3))
    ? best.name
    : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function isCaValue(value: unknown): boolean {
  const isOne = (item: unknown) => typeof item === 'string' || Buffer.isBuffer(item);
  return isOne(value) || (Array.isArray(value) && value.every(isOne));
}

function describeType(value: unknown): string {
  if (value === null) {
    return 'null';
  }

  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

function describeValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : describeType(value);
}
