import type { Format } from '../command-line.js';
import type { Output } from './streams.js';

/** One output column: its header and how to read it from a record. */
export interface Column<T> {
  header: string;
  value(record: T): string;
  /** Width to reserve in a table even when the first page has shorter values, in characters. */
  minWidth?: number;
}

/** Writes records in one output format as they arrive. */
export interface RecordWriter<T> {
  /**
   * True when records can be written one at a time as they arrive. The table is
   * false until its first page is written, because its column widths come from
   * that page.
   */
  readonly streaming: boolean;
  /** Writes what comes before the first record: the CSV header, or the `[` of a JSON array. */
  start(): Promise<void>;
  /** Writes records: one page, or while {@link RecordWriter.streaming} is true, any number. */
  writePage(records: readonly T[]): Promise<void>;
  /** Finishes the output, such as the closing bracket of a JSON array. */
  end(): Promise<void>;
  /**
   * Finishes the output of a listing that failed part way. JSON gets no closing
   * bracket, so a consumer's parse fails instead of reading a partial list as whole.
   */
  abort(): Promise<void>;
}

// Maximum table cell width, in characters; longer values end in an ellipsis so rows stay on one line.
const MAX_CELL_WIDTH = 48;

/**
 * Creates the writer for `format`. Table and CSV use `columns`; JSON writes
 * each record as UMAPI returned it, as one array written incrementally.
 */
export function createRecordWriter<T>(format: Format, output: Output, columns: readonly Column<T>[]): RecordWriter<T> {
  if (format === 'json') {
    return new JsonArrayWriter<T>(output);
  }

  return format === 'csv' ? new CsvWriter(output, columns) : new TableWriter(output, columns);
}

class JsonArrayWriter<T> implements RecordWriter<T> {
  readonly streaming = true;
  #count = 0;
  #started = false;

  constructor(private readonly output: Output) {}

  async start(): Promise<void> {
    if (!this.#started) {
      this.#started = true;
      await this.output.write('[');
    }
  }

  async writePage(records: readonly T[]): Promise<void> {
    await this.start();
    if (records.length === 0) {
      return;
    }

    const items = records.map((record, index) => {
      const separator = this.#count === 0 && index === 0 ? '\n' : ',\n';
      return `${separator}  ${JSON.stringify(record)}`;
    });
    this.#count += records.length;
    await this.output.write(items.join(''));
  }

  async end(): Promise<void> {
    await this.start();
    await this.output.write(this.#count === 0 ? ']\n' : '\n]\n');
  }

  async abort(): Promise<void> {
    // A line break, so the shell prompt starts on its own line, but no `]`.
    await this.output.write('\n');
  }
}

class CsvWriter<T> implements RecordWriter<T> {
  readonly streaming = true;
  #headerWritten = false;

  constructor(
    private readonly output: Output,
    private readonly columns: readonly Column<T>[],
  ) {}

  async start(): Promise<void> {
    await this.writePage([]);
  }

  async writePage(records: readonly T[]): Promise<void> {
    const lines: string[] = [];
    if (!this.#headerWritten) {
      lines.push(this.#row(this.columns.map((column) => column.header)));
      this.#headerWritten = true;
    }

    for (const record of records) {
      lines.push(this.#row(this.columns.map((column) => column.value(record))));
    }

    await this.output.write(lines.join(''));
  }

  async end(): Promise<void> {
    await this.writePage([]);
  }

  async abort(): Promise<void> {
    // CSV has no end marker; the count and the error on stderr tell what is missing.
  }

  #row(cells: string[]): string {
    return `${cells.map((cell) => quoteCsv(neutralizeFormula(cell))).join(',')}\r\n`;
  }
}

/** Quotes a CSV field as RFC 4180 requires: when it contains a comma, quote or line break. */
export function quoteCsv(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Prefixes `'` to a cell that starts with `=`, `+`, `-`, `@`, tab or carriage return, so a
 * spreadsheet shows a server value such as `=HYPERLINK(...)` as text instead of running it
 * as a formula (the OWASP advice against CSV injection).
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

class TableWriter<T> implements RecordWriter<T> {
  #widths: number[] | undefined;

  constructor(
    private readonly output: Output,
    private readonly columns: readonly Column<T>[],
  ) {}

  get streaming(): boolean {
    return this.#widths !== undefined;
  }

  async start(): Promise<void> {
    // The header waits for the first page, which sets the column widths.
  }

  async abort(): Promise<void> {
    // A table has no end marker.
  }

  async writePage(records: readonly T[]): Promise<void> {
    const rows = records.map((record) => this.columns.map((column) => escapeControls(column.value(record))));
    let text = '';

    // Widths come from the first page, so later pages print at once without re-aligning.
    if (this.#widths === undefined) {
      const headers = this.columns.map((column) => column.header);
      this.#widths = this.columns.map((column, index) =>
        Math.min(
          MAX_CELL_WIDTH,
          Math.max(column.header.length, column.minWidth ?? 0, ...rows.map((row) => row[index]!.length)),
        ),
      );
      text += this.#line(headers);
    }

    for (const row of rows) {
      text += this.#line(row);
    }

    await this.output.write(text);
  }

  async end(): Promise<void> {
    if (this.#widths === undefined) {
      await this.writePage([]);
    }
  }

  #line(cells: string[]): string {
    const widths = this.#widths!;
    const last = cells.length - 1;
    const padded = cells.map((cell, index) => {
      // The last column needs no alignment, so it keeps its whole value.
      if (index === last) {
        return cell;
      }

      const fitted = cell.length > widths[index]! ? `${cell.slice(0, widths[index]! - 1)}…` : cell;
      return fitted.padEnd(widths[index]!);
    });
    return `${padded.join('  ').trimEnd()}\n`;
  }
}

/**
 * Replaces C0 and C1 control characters, line and paragraph separators and bidirectional
 * overrides in a server value with a visible `\uXXXX` escape, so the value cannot move the
 * terminal cursor, change colours or reorder the text, and the user still sees that it was there.
 */
export function escapeControls(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this replaces
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (character) =>
    `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
