import type { EndpointClass } from './options.js';

/**
 * Finds the endpoint class of a UMAPI request, so that the request waits on
 * that class's budget.
 *
 * @param method - The HTTP method, in any letter case.
 * @param path - The path relative to the endpoint, such as
 *   `users/12345@AdobeOrg/3`; a leading slash and a query string are ignored.
 * @returns The class, or `undefined` for requests without a documented
 *   per-client budget (single-user lookup, status).
 *
 * @example
 * classifyRequest('GET', 'users/12345@AdobeOrg/0/Designers'); // 'groupUsers'
 */
export function classifyRequest(method: string, path: string): EndpointClass | undefined {
  const verb = method.toUpperCase();
  const pathOnly = path.split(/[?#]/, 1)[0] ?? '';
  const segments = pathOnly.split('/').filter((segment) => segment.length > 0);
  const [resource] = segments;

  if (verb === 'POST') {
    return resource === 'action' && segments.length === 2 ? 'actions' : undefined;
  }

  if (verb !== 'GET') {
    return undefined;
  }

  // Paged listings end in a page number (from 0); the group's members listing
  // adds the group name after it.
  const isPage = segments.length >= 3 && /^\d+$/.test(segments[2]!);
  if (resource === 'users' && isPage && segments.length === 3) {
    return 'users';
  }

  if (resource === 'users' && isPage && segments.length === 4) {
    return 'groupUsers';
  }

  if (resource === 'groups' && isPage && segments.length === 3) {
    return 'groups';
  }

  return undefined;
}
