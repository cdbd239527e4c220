import { UmapiError } from '@umapi/auth-core';
import type { Connection, UmapiUser } from '@umapi/connection';
import type { Column } from '../output/record-writer.js';
import { type CommandContext, requireConnection } from './context.js';
import { printListing } from './listing.js';

const TABLE_COLUMNS: Column<UmapiUser>[] = [
  { header: 'EMAIL', value: (user) => user.email, minWidth: 24 },
  { header: 'NAME', value: (user) => [user.firstname, user.lastname].filter(Boolean).join(' ') },
  { header: 'TYPE', value: (user) => user.type ?? '', minWidth: 'enterpriseID'.length },
  { header: 'STATUS', value: (user) => user.status ?? '', minWidth: 'disabled'.length },
  { header: 'COUNTRY', value: (user) => user.country ?? '' },
  { header: 'GROUPS', value: (user) => (user.groups ?? []).join(', ') },
];

// The column names of the User Sync Tool's user CSV files, so its tooling reads this output.
const CSV_COLUMNS: Column<UmapiUser>[] = [
  { header: 'firstname', value: (user) => user.firstname ?? '' },
  { header: 'lastname', value: (user) => user.lastname ?? '' },
  { header: 'email', value: (user) => user.email },
  { header: 'country', value: (user) => user.country ?? '' },
  // `; ` because group names may contain commas, so `G,1` stays one group.
  { header: 'groups', value: (user) => (user.groups ?? []).join('; ') },
  { header: 'type', value: (user) => user.type ?? '' },
  { header: 'username', value: (user) => user.username ?? '' },
  { header: 'domain', value: (user) => user.domain ?? '' },
  { header: 'status', value: (user) => user.status ?? '' },
];

/**
 * Lists the users of the org, optionally of one group or domain.
 *
 * @throws UmapiError `ERR_UMAPI_GROUP_NOT_FOUND` when `--group` names no group of the org.
 */
export function runUsers(context: CommandContext): Promise<number> {
  const connection = requireConnection(context);
  const { group, domain } = context.line;

  return printListing(context, {
    items: connection.users({
      ...(group === undefined ? {} : { group }),
      ...(domain === undefined ? {} : { domain }),
    }),
    columns: context.line.format === 'csv' ? CSV_COLUMNS : TABLE_COLUMNS,
    noun: 'user',
    connection,
    ...(group === undefined ? {} : { checkEmpty: () => requireGroup(connection, group) }),
  });
}

/**
 * Throws when `group` is not a group of the org. UMAPI returns 404 with its JSON error for
 * the users of an unknown group, which Connection reads as an empty group listing, so an
 * empty result is checked against the group list. Only empty results pay for that request.
 */
async function requireGroup(connection: Connection, group: string): Promise<void> {
  const wanted = group.toLowerCase();
  for await (const candidate of connection.groups()) {
    // Compared without regard to case, as the fake UMAPI does. NOTE: Adobe does not document
    // whether UMAPI group names are case-sensitive.
    if (candidate.groupName.toLowerCase() === wanted) {
      return;
    }
  }

  throw new UmapiError(
    `group "${group}" not found in org ${connection.orgId}; "umapi groups" lists the user groups and product profiles`,
    'ERR_UMAPI_GROUP_NOT_FOUND',
  );
}
