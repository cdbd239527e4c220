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
  /**
   * Runs when the listing yielded nothing, before the output is finished. It
   * throws when the empty result means an error, such as a group that does not exist.
   */
  checkEmpty?: () => Promise<void>;
}

/**
 * Prints a listing as it arrives. CSV and JSON write each record as soon as
 * its page has arrived. The table writes its first page once that page is
 * complete, because its column widths come from it, and every later record at once.
 * Progress goes to an interactive stderr, and a count line to stderr at the end.
 *
 * When a page fails, every record read before it is still printed, JSON output
 * is left without its closing `]` so a parser rejects it, and the error is
 * rethrown for the caller to report with the page and the records read.
 */
export async function printListing<T>(context: CommandContext, spec: ListingSpec<T>): Promise<number> {
  const { output, line } = context;
  const format = line.format ?? (line.json ? 'json' : 'table');
  const writer = createRecordWriter(format, output, spec.columns);
  const pagesBefore = await pagesRequested(spec.connection);
  await writer.start();

  // Records held back only while the table waits for its first page to complete.
  let held: T[] = [];
  let pageNumber = pagesBefore;
  let count = 0;

  try {
    for await (const item of spec.items) {
      const pages = await pagesRequested(spec.connection);
      if (pages !== pageNumber && held.length > 0) {
        await writer.writePage(held);
        held = [];
      }

      pageNumber = pages;
      count += 1;
      if (writer.streaming) {
        await writer.writePage([item]);
      } else {
        held.push(item);
      }

      output.progress(`${plural(count, spec.noun)} read, page ${pages - pagesBefore}…`);
    }
  } catch (error) {
    // Records already read are complete; print them before the failure is reported.
    if (held.length > 0) {
      await writer.writePage(held);
    }

    await writer.abort();
    throw error;
  }

  if (count === 0 && spec.checkEmpty !== undefined) {
    try {
      await spec.checkEmpty();
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  await writer.writePage(held);
  await writer.end();

  const pageCount = (await pagesRequested(spec.connection)) - pagesBefore;
  output.message(`${plural(count, spec.noun)} (${plural(pageCount, 'page')})`);
  return ExitCode.ok;
}

async function pagesRequested(connection: Connection): Promise<number> {
  const { local } = await connection.status();
  return local.multipleQueryCount;
}
