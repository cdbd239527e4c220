import type { Connection } from '@umapi/connection';
import { ExitCode } from '../failure.js';
import { plural } from '../output/format.js';
import { type Column, createRecordWriter } from '../output/record-writer.js';
import type { CommandContext } from './context.js';

/** A listing to print: its items, its columns and the noun for the count line. */
export interface ListingSpec<T> {
  items: AsyncIterable<T>;
  columns: readonly Column<T>[];
  noun: string;
  connection: Connection;
}

/**
 * Prints a listing page by page as pages arrive. A page ends when the
 * connection requests the next one, so output never waits for the whole
 * listing. Progress goes to an interactive stderr, and a count line to stderr
 * at the end.
 */
export async function printListing<T>(context: CommandContext, spec: ListingSpec<T>): Promise<number> {
  const { output, line } = context;
  const format = line.format ?? (line.json ? 'json' : 'table');
  const writer = createRecordWriter(format, output, spec.columns);
  const pagesBefore = await pagesRequested(spec.connection);

  let page: T[] = [];
  let pageNumber = pagesBefore;
  let count = 0;

  for await (const item of spec.items) {
    const pages = await pagesRequested(spec.connection);
    if (pages !== pageNumber && page.length > 0) {
      await writer.writePage(page);
      page = [];
    }

    pageNumber = pages;
    page.push(item);
    count += 1;
    output.progress(`${plural(count, spec.noun)} read, page ${pages - pagesBefore}…`);
  }

  await writer.writePage(page);
  await writer.end();

  const pageCount = (await pagesRequested(spec.connection)) - pagesBefore;
  output.message(`${plural(count, spec.noun)} (${plural(pageCount, 'page')})`);
  return ExitCode.ok;
}

async function pagesRequested(connection: Connection): Promise<number> {
  const { local } = await connection.status();
  return local.multipleQueryCount;
}
