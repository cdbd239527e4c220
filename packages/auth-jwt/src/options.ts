import type { KeyObject } from 'node:crypto';
import {
  ConfigurationError,
  describeType,
  MAX_TIMER_DELAY_MS,
  OptionChecker,
  type OptionNames,
  parseAuthHost,
  parseEndpointPath,
  type TransportOptions,
} from '@umapi/auth-core';
import { loadPrivateKey } from './private-key.js';

/** Options for {@link JWTAuth}. Times are in milliseconds. */
export interface JWTAuthOptions extends TransportOptions {
  /** The org ID, ending in `@AdobeOrg`. Sent as the assertion's `iss`. */
  orgId: string;
  /** The client ID (API key) of the credential. */
  clientId: string;
  /**
   * The client secret of the credential. Never logged or shown. Whitespace at
   * the ends, such as the newline of a value read from a file, is trimmed.
   */
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
  /**
   * Timeout of one attempt of the token request, in milliseconds, from 1,000 to 2^31-1.
   * Default 30,000. A smaller number is taken for seconds (Python's umapi-client) and
   * rejected with the millisecond value to use.
   */
  timeout?: number;
  /** How long before expiry the access token is refreshed in the background, in milliseconds. Default 300,000. */
  refreshWindowMs?: number;
  /**
   * How long before expiry a cached access token is no longer returned, in
   * milliseconds: within this margin every call waits for a new token. Default
   * 30,000. Lower it for tokens that live less than the margin, such as
   * short-lived test credentials, which would otherwise be exchanged on every
   * call. Must be smaller than `refreshWindowMs` when both are set.
   */
  expiryMarginMs?: number;
}

/** Defaults of every optional option, with their units. */
export const JWT_AUTH_DEFAULTS = Object.freeze({
  /** Metascopes put in the assertion. */
  metascopes: Object.freeze(['ent_user_sdk']) as readonly string[],
  /** TLS certificates are verified. */
  sslVerify: true,
  /** The IMS host. */
  authHost: 'ims-na1.adobelogin.com',
  /** The path of the JWT exchange endpoint. */
  authEndpoint: '/ims/exchange/jwt/',
  /** Milliseconds. The assertion is single-use, so it need not live longer. */
  jwtLifetimeMs: 300_000,
  /** Milliseconds per attempt. */
  timeout: 30_000,
  /** Milliseconds before expiry. */
  refreshWindowMs: 300_000,
  /** Milliseconds before expiry; the default of auth-core's `createAuthenticator`. */
  expiryMarginMs: 30_000,
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
  expiryMarginMs: number;
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
  'expiryMarginMs',
] as const;

const PRIVATE_KEY_FILE_MESSAGE =
  'is not an option; read the file and pass its contents as privateKey, e.g. privateKey: readFileSync(path)';

/** The accepted option names, and the names from Python umapi-client and User Sync Tool configs. */
const NAMES: OptionNames = {
  known: OPTION_NAMES,
  renames: {
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
    priv_key_path: { message: PRIVATE_KEY_FILE_MESSAGE },
    private_key_file: { message: PRIVATE_KEY_FILE_MESSAGE },
    privateKeyPath: { message: PRIVATE_KEY_FILE_MESSAGE },
    privateKeyFile: { message: PRIVATE_KEY_FILE_MESSAGE },
    ims_host: 'authHost',
    auth_host: 'authHost',
    ims_endpoint_jwt: 'authEndpoint',
    auth_endpoint: 'authEndpoint',
    ssl_verify: 'sslVerify',
    jwt_lifetime: 'jwtLifetimeMs',
  },
};

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
  const check = new OptionChecker(input);
  check.checkNames(NAMES);

  const orgId = check.orgId('orgId');

  const clientId = check.requireString('clientId');
  const clientSecret = check.requireString('clientSecret', { secret: true });
  const techAcctId = check.requireString('techAcctId');

  const passphrase = input.passphrase;
  if (passphrase !== undefined && typeof passphrase !== 'string') {
    check.report('passphrase', 'must be a string');
  }

  let privateKey: KeyObject | undefined;
  if (input.privateKey === undefined || input.privateKey === null) {
    check.report(
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
      check.report(loaded.problem.field, loaded.problem.message);
    }
  }

  const metascopes = readMetascopes(input.metascopes, check);
  const sslVerify = check.boolean('sslVerify') ?? JWT_AUTH_DEFAULTS.sslVerify;
  const authOrigin = readAuthOrigin(input.authHost, check);
  const authEndpoint = readEndpoint(input.authEndpoint, check);
  const jwtLifetimeMs =
    check.duration('jwtLifetimeMs', { min: 1_000, max: 86_400_000 }) ?? JWT_AUTH_DEFAULTS.jwtLifetimeMs;
  const timeout = check.timeout() ?? JWT_AUTH_DEFAULTS.timeout;
  const refreshWindowMs =
    check.duration('refreshWindowMs', { min: 0, max: MAX_TIMER_DELAY_MS }) ?? JWT_AUTH_DEFAULTS.refreshWindowMs;
  const expiryMarginMs = readExpiryMargin(check);
  const fetch = check.fetch();
  const ca = check.ca();

  check.throwIfProblems('JWTAuth options');

  return {
    orgId: orgId!,
    clientId: clientId!,
    clientSecret: clientSecret!,
    techAcctId: techAcctId!,
    privateKey: privateKey!,
    metascopes,
    sslVerify,
    ca,
    fetch,
    authOrigin,
    authEndpoint,
    jwtLifetimeMs,
    timeout,
    refreshWindowMs,
    expiryMarginMs,
  };
}

/**
 * Reads `expiryMarginMs`. It must be smaller than a `refreshWindowMs` given
 * with it, because the background refresh runs between the two.
 */
function readExpiryMargin(check: OptionChecker): number {
  const margin = check.duration('expiryMarginMs', { min: 0, max: MAX_TIMER_DELAY_MS });
  const window = check.options.refreshWindowMs;
  if (margin !== undefined && typeof window === 'number' && margin >= window) {
    check.report(
      'expiryMarginMs',
      `must be smaller than refreshWindowMs (${window} ms), not ${margin} ms, because the background refresh runs between the two`,
    );
  }

  return margin ?? JWT_AUTH_DEFAULTS.expiryMarginMs;
}

function readMetascopes(value: unknown, check: OptionChecker): readonly string[] {
  if (value === undefined) {
    return JWT_AUTH_DEFAULTS.metascopes;
  }

  if (!Array.isArray(value)) {
    check.report(
      'metascopes',
      `must be an array of metascope names such as ['ent_user_sdk'], not ${describeType(value)}`,
    );
    return JWT_AUTH_DEFAULTS.metascopes;
  }

  if (value.length === 0) {
    check.report('metascopes', "must name at least one metascope, such as 'ent_user_sdk'");
    return JWT_AUTH_DEFAULTS.metascopes;
  }

  const bad = value.filter((item) => typeof item !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(item));
  if (bad.length > 0) {
    check.report(
      'metascopes',
      'must contain only non-empty names of letters, digits, "_", "." and "-", such as ent_user_sdk',
    );
  }

  return [...new Set(value as string[])];
}

function readAuthOrigin(value: unknown, check: OptionChecker): string {
  const host = value ?? JWT_AUTH_DEFAULTS.authHost;
  if (typeof host !== 'string') {
    check.report('authHost', `must be a string, not ${describeType(host)}`);
    return '';
  }

  const parsed = parseAuthHost(host);
  if ('problem' in parsed) {
    check.report('authHost', parsed.problem);
    return '';
  }

  return parsed.origin;
}

function readEndpoint(value: unknown, check: OptionChecker): string {
  const endpoint = value ?? JWT_AUTH_DEFAULTS.authEndpoint;
  if (typeof endpoint !== 'string') {
    check.report('authEndpoint', `must be a string, not ${describeType(endpoint)}`);
    return '';
  }

  const parsed = parseEndpointPath(endpoint, { examplePath: JWT_AUTH_DEFAULTS.authEndpoint });
  if ('problem' in parsed) {
    check.report('authEndpoint', parsed.problem);
    return '';
  }

  return parsed.path;
}
