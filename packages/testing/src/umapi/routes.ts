import type { BudgetClass } from './rate-limits.js';

/** A recognised UMAPI operation with its path parameters. */
export type Route =
  | {
      operation: 'listUsers';
      orgId: string;
      page: string;
      group: string | undefined;
      budgetClass: BudgetClass;
    }
  | { operation: 'listGroups'; orgId: string; page: string; budgetClass: BudgetClass }
  | { operation: 'getUser'; orgId: string; email: string; budgetClass: undefined }
  | { operation: 'action'; orgId: string; budgetClass: BudgetClass };

/** The path prefix of every UMAPI operation. */
export const API_PREFIX = '/v2/usermanagement';

/**
 * Matches a path under {@link API_PREFIX} and a method to an operation.
 * Returns `'method'` when the path exists but not for this method, and
 * `undefined` when nothing matches or a segment is not valid percent-encoding.
 */
export function matchRoute(path: string, method: string): Route | 'method' | undefined {
  const segments = splitSegments(path.slice(API_PREFIX.length));
  if (!segments) return undefined;
  const [resource, ...rest] = segments;

  let route: Route | undefined;
  let allowed = 'GET';
  if (resource === 'users' && rest.length === 2) {
    route = {
      operation: 'listUsers',
      orgId: rest[0]!,
      page: rest[1]!,
      group: undefined,
      budgetClass: 'users',
    };
  } else if (resource === 'users' && rest.length === 3) {
    route = {
      operation: 'listUsers',
      orgId: rest[0]!,
      page: rest[1]!,
      group: rest[2]!,
      budgetClass: 'groupUsers',
    };
  } else if (resource === 'groups' && rest.length === 2) {
    route = { operation: 'listGroups', orgId: rest[0]!, page: rest[1]!, budgetClass: 'groups' };
  } else if (resource === 'organizations' && rest.length === 3 && rest[1] === 'users') {
    route = { operation: 'getUser', orgId: rest[0]!, email: rest[2]!, budgetClass: undefined };
  } else if (resource === 'action' && rest.length === 1) {
    route = { operation: 'action', orgId: rest[0]!, budgetClass: 'actions' };
    allowed = 'POST';
  }

  if (!route) return undefined;
  return method === allowed ? route : 'method';
}

function splitSegments(path: string): string[] | undefined {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return [];
  try {
    return trimmed.split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}
