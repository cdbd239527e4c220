import type { UmapiGroup } from '@umapi/connection';
import type { Column } from '../output/record-writer.js';
import { type CommandContext, requireConnection } from './context.js';
import { printListing } from './listing.js';

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

const TABLE_COLUMNS: Column<UmapiGroup>[] = [
  { header: 'NAME', value: (group) => group.groupName },
  { header: 'TYPE', value: (group) => text(group.type), minWidth: 'PRODUCT_PROFILE'.length },
  { header: 'MEMBERS', value: (group) => text(group.memberCount) },
  { header: 'PRODUCT', value: (group) => text(group.productName) },
];

const CSV_COLUMNS: Column<UmapiGroup>[] = [
  { header: 'groupId', value: (group) => text(group.groupId) },
  { header: 'groupName', value: (group) => group.groupName },
  { header: 'type', value: (group) => text(group.type) },
  { header: 'memberCount', value: (group) => text(group.memberCount) },
  { header: 'productName', value: (group) => text(group.productName) },
];

/** Lists the user groups and product profiles of the org. */
export function runGroups(context: CommandContext): Promise<number> {
  const connection = requireConnection(context);

  return printListing(context, {
    items: connection.groups(),
    columns: context.line.format === 'csv' ? CSV_COLUMNS : TABLE_COLUMNS,
    noun: 'group',
    connection,
  });
}
