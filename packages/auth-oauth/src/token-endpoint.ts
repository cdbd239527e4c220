import type { ConfigurationProblem } from '@umapi/auth-core';

/** The IMS origin and the token URL built from `authHost` and `authEndpoint`. */
export interface TokenEndpoint {
  /** `https://<host>` for a bare host, or the origin URL as given. */
  origin: string;
  /** The origin followed by the endpoint path. */
  url: string;
}

// A DNS name or IPv4 address, optionally with a port. IPv6 literals need the
// URL form (`https://[::1]:8443`) because a bare one is ambiguous with a port.
const BARE_HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?$/;

/**
 * Resolves `authHost` (a bare host such as `ims-na1.adobelogin.com`, or an
 * origin URL such as `http://127.0.0.1:4000`) and `authEndpoint` into the
 * token URL, or returns the problems found.
 */
export function resolveTokenEndpoint(
  authHost: string,
  authEndpoint: string,
): TokenEndpoint | ConfigurationProblem[] {
  const problems: ConfigurationProblem[] = [];
  const origin = resolveOrigin(authHost, problems);
  const path = resolvePath(authEndpoint, problems);

  if (origin === undefined || path === undefined) {
    return problems;
  }

  return { origin, url: `${origin}${path}` };
}

function resolveOrigin(authHost: string, problems: ConfigurationProblem[]): string | undefined {
  if (!authHost.includes('://')) {
    if (BARE_HOST.test(authHost)) {
      return `https://${authHost.toLowerCase()}`;
    }

    problems.push({
      field: 'authHost',
      message: `"${authHost}" is not a host name; give a host such as ims-na1.adobelogin.com or an origin URL such as https://ims-na1.adobelogin.com`,
    });
    return undefined;
  }

  let url: URL;
  try {
    url = new URL(authHost);
  } catch {
    problems.push({ field: 'authHost', message: `"${authHost}" is not a valid URL` });
    return undefined;
  }

  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push({
      field: 'authHost',
      message: `protocol ${url.protocol} is not supported; use https:// (or http:// for a local test server)`,
    });
    return undefined;
  }

  // Credentials in the URL would end up in logs and error messages.
  if (url.username !== '' || url.password !== '') {
    problems.push({ field: 'authHost', message: 'must not contain a user name or password' });
    return undefined;
  }

  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    problems.push({
      field: 'authHost',
      message: `must be an origin without path or query, such as ${url.origin}; put the path in authEndpoint`,
    });
    return undefined;
  }

  return url.origin;
}

function resolvePath(authEndpoint: string, problems: ConfigurationProblem[]): string | undefined {
  const trimmed = authEndpoint.replace(/^\/+|\/+$/g, '');

  if (trimmed === '' || /[?#\s]/.test(trimmed) || trimmed.includes('://')) {
    problems.push({
      field: 'authEndpoint',
      message: `"${authEndpoint}" is not a path; give the token path such as /ims/token/v3`,
    });
    return undefined;
  }

  return `/${trimmed}`;
}
