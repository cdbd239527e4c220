import { buildEndpointUrl, type ConfigurationProblem, parseAuthHost, parseEndpointPath } from '@umapi/auth-core';
import type { Setting } from './setting.js';

/** The default UMAPI host and path, as the User Sync Tool has them. */
export const DEFAULT_UMAPI_HOST = 'usermanagement.adobe.io';
export const DEFAULT_UMAPI_PATH = '/v2/usermanagement';

/**
 * Builds the UMAPI endpoint URL from `server.host` and `server.endpoint`.
 *
 * A bare host gets `https://`, as the User Sync Tool reads it. An origin URL is
 * kept, so a config can point at a local fake. A URL with a path is taken as
 * the whole endpoint when no separate path is set. Both paths must be made of
 * letters, digits and `._~-` segments, as auth-core's parseEndpointPath checks.
 */
export function buildUmapiEndpoint(
  host: Setting<string> | undefined,
  path: Setting<string> | undefined,
  problems: ConfigurationProblem[],
): string | undefined {
  let endpointPath = DEFAULT_UMAPI_PATH;
  if (path !== undefined) {
    const parsedPath = parseEndpointPath(path.value, { examplePath: DEFAULT_UMAPI_PATH, hostOption: host?.source ?? 'server.host' });
    if ('problem' in parsedPath) {
      problems.push({ field: path.source, message: parsedPath.problem });
      return undefined;
    }

    endpointPath = parsedPath.path;
  }

  if (host === undefined) {
    return buildEndpointUrl(`https://${DEFAULT_UMAPI_HOST}`, endpointPath);
  }

  const parsed = parseAuthHost(host.value, {
    allowPath: true,
    exampleHost: DEFAULT_UMAPI_HOST,
    pathOption: path?.source ?? 'server.endpoint',
  });
  if ('problem' in parsed) {
    problems.push({ field: host.source, message: parsed.problem });
    return undefined;
  }

  if (parsed.path !== '') {
    if (path !== undefined) {
      problems.push({ field: host.source, message: `contains a path and ${path.source} sets one too; keep one` });
      return undefined;
    }

    // The path of an origin URL gets the same check as server.endpoint.
    const parsedPath = parseEndpointPath(parsed.path, { examplePath: DEFAULT_UMAPI_PATH, hostOption: host.source });
    if ('problem' in parsedPath) {
      problems.push({ field: host.source, message: parsedPath.problem });
      return undefined;
    }

    return `${parsed.origin}${parsed.path}`;
  }

  return buildEndpointUrl(parsed.origin, endpointPath);
}
