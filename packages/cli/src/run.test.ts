import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run } from './run.js';

function captureStream(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean }; text(): string } {
  const stream: PassThrough & { isTTY?: boolean } = new PassThrough();
  stream.isTTY = isTTY;
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return { stream, text: () => chunks.join('') };
}

describe('run', () => {
  it('lists users in process with progress on a terminal', async () => {
    const stdout = captureStream(false);
    const stderr = captureStream(true);

    const exitCode = await run(['users', '--fake', '--format', 'csv'], {
      stdout: stdout.stream,
      stderr: stderr.stream,
      env: {},
      cwd: process.cwd(),
    });

    expect(exitCode).toBe(0);
    expect(stdout.text().trim().split('\r\n')).toHaveLength(13);
    expect(stderr.text()).toContain('\r\u001b[2K12 users read, page 3…');
    expect(stderr.text()).toContain('12 users (3 pages)');
  });

  it('shows no progress when stderr is not a terminal', async () => {
    const stderr = captureStream(false);

    const exitCode = await run(['groups', '--fake'], {
      stdout: captureStream(false).stream,
      stderr: stderr.stream,
      env: {},
      cwd: process.cwd(),
    });

    expect(exitCode).toBe(0);
    expect(stderr.text()).not.toContain('\r');
  });

  it('uses the fakes without credentials at a terminal', async () => {
    const stdout = captureStream(true);
    const stderr = captureStream(false);

    const exitCode = await run(['users', '--format', 'csv'], {
      stdout: stdout.stream,
      stderr: stderr.stream,
      stdin: { isTTY: true },
      env: {},
      cwd: process.cwd(),
    });

    expect(exitCode).toBe(0);
    expect(stderr.text()).toContain('umapi: no credentials found');
    expect(stderr.text()).toContain('Fake Adobe servers on 127.0.0.1');
    expect(stdout.text()).toContain('ada.lovelace@example.com');
  });

  it.each([
    ['stdin is not a terminal', false, true],
    ['stdout is not a terminal', true, false],
    ['stdin is unknown', undefined, true],
  ])('exits 2 without credentials when %s', async (_name, stdinTTY, stdoutTTY) => {
    const stdout = captureStream(stdoutTTY);
    const stderr = captureStream(false);

    const exitCode = await run(['users'], {
      stdout: stdout.stream,
      stderr: stderr.stream,
      ...(stdinTTY === undefined ? {} : { stdin: { isTTY: stdinTTY } }),
      env: {},
      cwd: process.cwd(),
    });

    expect(exitCode).toBe(2);
    expect(stderr.text()).toContain('credentials: none found');
    expect(stderr.text()).not.toContain('Fake Adobe servers');
    expect(stdout.text()).toBe('');
  });

  it('reports configuration problems as JSON with --json', async () => {
    const stderr = captureStream(false);

    const exitCode = await run(['users', '--json'], {
      stdout: captureStream(false).stream,
      stderr: stderr.stream,
      env: { UMAPI_CLIENT_ID: 'client-1' },
      cwd: process.cwd(),
    });

    const report = JSON.parse(stderr.text()) as { error: { code: string; problems: { field: string }[] } };
    expect(exitCode).toBe(2);
    expect(report.error.code).toBe('ERR_UMAPI_CONFIGURATION');
    expect(report.error.problems.map((problem) => problem.field)).toEqual(['client secret', 'org ID']);
  });
});
