import type { ConfigurationProblem } from '@umapi/auth-core';
import type { Setting } from './setting.js';

/** The default UMAPI host and path, as the User Sync Tool has them. */
export const DEFAULT_UMAPI_HOST = 'usermanagement.adobe.io';
export const DEFAULT_UMAPI_PATH = '/v2/usermanagement';

/**
 * Builds the UMAPI endpoint URL from `server.host` and `server.endpoint`.
 *
 * A bare host gets `https://`, as the User Sync Tool reads it. An origin URL is
 * kept, so a config can point at a local fake. A URL with a path is taken as
 * the whole endpoint when no separate path is set.
 */
export function buildUmapiEndpoint(
  host: Setting<string> | undefined,
  path: Setting<string> | undefined,
  problems: ConfigurationProblem[],
): string | undefined {
  const endpointPath = normalizePath(path?.value ?? DEFAULT_UMAPI_PATH);
  if (host === undefined) {
    return `https://${DEFAULT_UMAPI_HOST}${endpointPath}`;
  }

  const hasScheme = host.value.includes('://');
  let url: URL;
  try {
    url = new URL(hasScheme ? host.value : `https://${host.value}`);
  } catch {
    problems.push({ field: host.source, message: `"${host.value}" is not a host name or URL, such as usermanagement.adobe.io` });
    return undefined;
  }

  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push({ field: host.source, message: `protocol ${url.protocol} is not supported; use https://` });
    return undefined;
  }

  if (!hasScheme && url.pathname !== '/') {
    problems.push({ field: host.source, message: `"${host.value}" is not a host name; give a host such as usermanagement.adobe.io or a URL` });
    return undefined;
  }

  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    problems.push({ field: host.source, message: 'must not contain a query, fragment, user name or password' });
    return undefined;
  }

  if (url.pathname !== '/') {
    if (path !== undefined) {
      problems.push({ field: host.source, message: `contains a path and ${path.source} sets one too; keep one` });
      return undefined;
    }

    return `${url.origin}${normalizePath(url.pathname)}`;
  }

  return `${url.origin}${endpointPath}`;
}

function normalizePath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}
