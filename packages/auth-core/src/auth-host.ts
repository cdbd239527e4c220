import { quoteValue } from './option-checks.js';

/** Options of {@link parseAuthHost}. */
export interface ParseAuthHostOptions {
  /** The host named as an example in messages. Default `ims-na1.adobelogin.com`. */
  exampleHost?: string;
  /** The option that sets the path, named when a path is rejected. Default `authEndpoint`. */
  pathOption?: string;
  /**
   * Accept a path in the origin URL form (`https://host/v2/usermanagement`) and return it
   * as `path`. A bare host with a path is still rejected. Default `false`.
   */
  allowPath?: boolean;
}

/**
 * The result of {@link parseAuthHost}: the origin and the path (`''`, or `/a/b` without a
 * trailing slash, only with `allowPath`), or a message saying what is wrong with the value.
 */
export type ParsedAuthHost =
  | {
      /** Scheme, host and port, such as `https://ims-na1.adobelogin.com`. */
      origin: string;
      /** The path of an origin URL, or `''`. */
      path: string;
    }
  | {
      /** A message saying what is wrong with the value, for a `ConfigurationProblem`. */
      problem: string;
    };

/** Options of {@link parseEndpointPath}. */
export interface ParseEndpointPathOptions {
  /** The path named as an example in messages, such as `/ims/token/v3`. */
  examplePath: string;
  /** The option that sets the host, named when a whole URL is given. Default `authHost`. */
  hostOption?: string;
}

/** Options of {@link buildEndpointUrl}. */
export interface BuildEndpointUrlOptions {
  /** End the URL with `/`, as the JWT exchange endpoint `/ims/exchange/jwt/` is written. Default `false`. */
  trailingSlash?: boolean;
}

// A DNS name or IPv4 address, optionally with a port. IPv6 literals need the
// URL form (`https://[::1]:8443`) because a bare one is ambiguous with a port.
const BARE_HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?$/;

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

const PATH = /^\/*[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*\/*$/;

/**
 * Parses a host option, such as `authHost`, into an origin.
 *
 * A bare host with an optional port (`ims-na1.adobelogin.com`, `localhost:8443`) gets
 * `https://` and is lowercased. An origin URL such as `http://127.0.0.1:4000` is kept, so
 * tests can point at a local fake server. Whitespace at the ends is trimmed. Credentials
 * in the URL are rejected because the origin shows up in logs and error messages. Paths,
 * queries and fragments are rejected unless `allowPath` is set, because authenticators
 * also write the origin into token claims.
 *
 * @param value - The host or origin URL as the user gave it.
 * @param options - Names used in messages, and whether a path is accepted.
 * @returns `{ origin, path }`, or `{ problem }` with a message for a `ConfigurationProblem`.
 *   The message quotes the value only when it cannot contain a password.
 * @example
 * ```ts
 * parseAuthHost('ims-na1.adobelogin.com'); // { origin: 'https://ims-na1.adobelogin.com', path: '' }
 * parseAuthHost('ftp://ims.example.com'); // { problem: 'protocol ftp: is not supported; use https: or http:' }
 * ```
 */
export function parseAuthHost(value: string, options: ParseAuthHostOptions = {}): ParsedAuthHost {
  const exampleHost = options.exampleHost ?? 'ims-na1.adobelogin.com';
  const pathOption = options.pathOption ?? 'authEndpoint';
  const trimmed = value.trim();

  if (trimmed === '') {
    return { problem: `must be a host name such as ${exampleHost} or an origin URL` };
  }

  if (/\s/.test(trimmed)) {
    return { problem: 'is not a host name because it contains whitespace' };
  }

  const hasScheme = SCHEME.test(trimmed);
  let url: URL;
  try {
    url = new URL(hasScheme ? trimmed : `https://${trimmed}`);
  } catch {
    return { problem: `${quoteHost(trimmed)} is not a valid host name or origin URL` };
  }

  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: `protocol ${url.protocol} is not supported; use https: or http:` };
  }

  if (url.username !== '' || url.password !== '') {
    return { problem: 'must not contain a user name or password' };
  }

  // `new URL('https://host')` has the pathname '/', so anything longer is a real path.
  const hasPath = url.pathname !== '/';
  if (url.search !== '' || url.hash !== '' || (hasPath && (!hasScheme || !options.allowPath))) {
    const allowed = options.allowPath ? 'a host, or an origin URL with a path but without a query' : 'a host or an origin without a path or query';
    return { problem: `must be ${allowed}, such as ${url.origin}; set the path with ${pathOption}` };
  }

  if (!hasScheme && !BARE_HOST.test(trimmed)) {
    return {
      problem: `${quoteHost(trimmed)} is not a host name; give a host such as ${exampleHost} or an origin URL such as https://${exampleHost}`,
    };
  }

  return { origin: url.origin, path: hasPath ? `/${stripSlashes(url.pathname)}` : '' };
}

/**
 * Checks an endpoint path option, such as `authEndpoint`.
 *
 * The path is made of letters, digits and `._~-` segments separated by `/`, without a
 * query, a fragment or `..`. Leading and trailing slashes are optional.
 *
 * @param value - The path as the user gave it.
 * @param options - The example path and the host option named in messages.
 * @returns `{ path }` with the value trimmed of whitespace (slashes are kept, and
 *   {@link buildEndpointUrl} normalizes them), or `{ problem }` with a message.
 */
export function parseEndpointPath(
  value: string,
  options: ParseEndpointPathOptions,
):
  | {
      /** The path trimmed of whitespace. */
      path: string;
    }
  | {
      /** A message saying what is wrong with the value, for a `ConfigurationProblem`. */
      problem: string;
    } {
  const hostOption = options.hostOption ?? 'authHost';
  const trimmed = value.trim();

  // A whole URL is not quoted because it could contain a password.
  if (SCHEME.test(trimmed)) {
    return {
      problem: `is not a path but a URL; put the host in ${hostOption} and give a path such as ${options.examplePath} here`,
    };
  }

  if (!PATH.test(trimmed) || trimmed.split('/').includes('..')) {
    return {
      problem: `${quotePath(trimmed)} is not a path; give a path of letters, digits and "/" such as ${options.examplePath}, without query or fragment`,
    };
  }

  return { path: trimmed };
}

/**
 * Joins an origin and an endpoint path with exactly one `/` between them.
 *
 * @param origin - An origin such as `https://ims-na1.adobelogin.com`, as {@link parseAuthHost} returns it.
 * @param endpointPath - The path; slashes at its ends are optional and normalized.
 * @param options - `trailingSlash` (default `false`) ends the URL with `/`.
 * @example
 * ```ts
 * buildEndpointUrl('http://127.0.0.1:4000', '/ims/token/v3/'); // 'http://127.0.0.1:4000/ims/token/v3'
 * buildEndpointUrl('http://127.0.0.1:4000', 'ims/exchange/jwt', { trailingSlash: true }); // '.../ims/exchange/jwt/'
 * ```
 */
export function buildEndpointUrl(
  origin: string,
  endpointPath: string,
  options: BuildEndpointUrlOptions = {},
): string {
  const path = stripSlashes(endpointPath);
  const end = options.trailingSlash ? '/' : '';
  return path === '' ? `${origin}${end}` : `${origin}/${path}${end}`;
}

function stripSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

// A value with `@` may carry a password (`user:secret@host`), and a long one
// may be a pasted key, so neither is quoted.
function quoteHost(value: string): string {
  return value.includes('@') ? 'the value' : (quoteValue(value) ?? 'the value');
}

// The query and fragment may carry a secret, so only the part before them is quoted.
function quotePath(value: string): string {
  const [path = ''] = value.split(/[?#]/);
  const quoted = quoteValue(path);
  if (quoted === undefined) {
    return 'the value';
  }

  return path === value ? quoted : `${quoted} followed by a query or fragment`;
}
