import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type Column, createRecordWriter, quoteCsv } from './record-writer.js';
import { Output } from './streams.js';

interface Row {
  name: string;
  note: string;
}

const COLUMNS: Column<Row>[] = [
  { header: 'NAME', value: (row) => row.name },
  { header: 'NOTE', value: (row) => row.note },
];

function capture(): { output: Output; text(): string; writes: string[] } {
  const stdout = new PassThrough();
  const writes: string[] = [];
  stdout.on('data', (chunk: Buffer) => writes.push(chunk.toString()));
  const output = new Output(stdout, new PassThrough());
  return { output, text: () => writes.join(''), writes };
}

describe('record writers', () => {
  it('writes one JSON array across pages', async () => {
    const { output, text, writes } = capture();
    const writer = createRecordWriter('json', output, COLUMNS);

    await writer.start();
    await writer.writePage([{ name: 'a', note: '1' }]);
    const afterFirstPage = writes.length;
    await writer.writePage([{ name: 'b', note: '2' }, { name: 'c', note: '3' }]);
    await writer.end();

    expect(afterFirstPage).toBe(2);
    expect(JSON.parse(text())).toEqual([
      { name: 'a', note: '1' },
      { name: 'b', note: '2' },
      { name: 'c', note: '3' },
    ]);
  });

  it('writes an empty JSON array', async () => {
    const { output, text } = capture();
    const writer = createRecordWriter('json', output, COLUMNS);

    await writer.writePage([]);
    await writer.end();

    expect(JSON.parse(text())).toEqual([]);
  });

  it('opens the JSON array at start', async () => {
    const { output, text } = capture();
    const writer = createRecordWriter('json', output, COLUMNS);

    await writer.start();

    expect(text()).toBe('[');
  });

  it('leaves an aborted JSON array open', async () => {
    const { output, text } = capture();
    const writer = createRecordWriter('json', output, COLUMNS);

    await writer.start();
    await writer.writePage([{ name: 'a', note: '1' }]);
    await writer.abort();

    expect(text().trimEnd().endsWith(']')).toBe(false);
    expect(() => JSON.parse(text())).toThrow(SyntaxError);
  });

  it('writes the CSV header at start', async () => {
    const { output, text } = capture();
    const writer = createRecordWriter('csv', output, COLUMNS);

    await writer.start();
    await writer.end();

    expect(text()).toBe('NAME,NOTE\r\n');
  });

  it('streams the table after its first page', async () => {
    const { output } = capture();
    const writer = createRecordWriter('table', output, COLUMNS);

    await writer.start();
    const before = writer.streaming;
    await writer.writePage([{ name: 'a', note: '1' }]);

    expect(before).toBe(false);
    expect(writer.streaming).toBe(true);
  });

  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['', ''],
  ])('quotes %j for CSV', (value, expected) => {
    expect(quoteCsv(value)).toBe(expected);
  });

  it('writes the CSV header once', async () => {
    const { output, text } = capture();
    const writer = createRecordWriter('csv', output, COLUMNS);

    await writer.writePage([{ name: 'a', note: 'x,y' }]);
    await writer.writePage([{ name: 'b', note: '' }]);
    await writer.end();

    expect(text()).toBe('NAME,NOTE\r\na,"x,y"\r\nb,\r\n');
  });

  it('writes a CSV header for no records', async () => {
    const { output, text } = capture();
    const writer = createRecordWriter('csv', output, COLUMNS);

    await writer.end();

    expect(text()).toBe('NAME,NOTE\r\n');
  });

  it('aligns table columns from the first page', async () => {
    const { output, text } = capture();
    const writer = createRecordWriter('table', output, COLUMNS);

    await writer.writePage([{ name: 'alpha', note: 'first' }]);
    await writer.writePage([{ name: 'a-much-longer-name', note: 'second' }]);
    await writer.end();

    expect(text().split('\n')).toEqual(['NAME   NOTE', 'alpha  first', 'a-mu…  second', '']);
  });

  it('removes control characters from table cells', async () => {
    const { output, text } = capture();
    const writer = createRecordWriter('table', output, COLUMNS);

    await writer.writePage([{ name: 'evil\u001b[2J', note: 'x\ry' }]);

    expect(text()).not.toContain('\u001b');
    expect(text()).not.toContain('\r');
  });
});
