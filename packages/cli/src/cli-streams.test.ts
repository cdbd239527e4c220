import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN_PATH } from './test-cli.js';

// /dev/full accepts the open and fails every write with ENOSPC, as a full disk does.
const FULL_DEVICE = '/dev/full';

beforeAll(() => {
  assertBuilt();
});

interface StreamRun {
  exitCode: number | null;
  /** Output of the stream that is a pipe; the other goes to /dev/full. */
  text: string;
}

// Runs `umapi users --fake` with one standard stream on /dev/full and captures the other.
function runWithFullStream(stream: 'stdout' | 'stderr', args: readonly string[] = ['users', '--fake']): Promise<StreamRun> {
  const full = openSync(FULL_DEVICE, 'w');
  const stdio: ['ignore', number | 'pipe', number | 'pipe'] = stream === 'stdout' ? ['ignore', full, 'pipe'] : ['ignore', 'pipe', full];

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN_PATH, ...args], { env: { PATH: process.env.PATH ?? '' }, stdio });
    closeSync(full);

    let text = '';
    const captured = stream === 'stdout' ? child.stderr! : child.stdout!;
    captured.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, text }));
  });
}

describe.skipIf(!existsSync(FULL_DEVICE))('umapi with a full output device', () => {
  it('reports a failed stdout write in one line', async () => {
    const result = await runWithFullStream('stdout');

    expect(result.text).toContain('umapi: writing to standard output failed (ENOSPC: no space left on device); the output is incomplete\n');
    expect(result.text).not.toContain('    at ');
    expect(result.text).not.toContain('Error:');
    expect(result.exitCode).toBe(1);
  });

  it('reports a failed version write', async () => {
    const result = await runWithFullStream('stdout', ['--version']);

    expect(result.text).toBe('umapi: writing to standard output failed (ENOSPC: no space left on device); the output is incomplete\n');
    expect(result.exitCode).toBe(1);
  });

  it('exits 1 when stderr fails', async () => {
    const result = await runWithFullStream('stderr');

    // The fake servers' note on stderr is the first write, so the listing never starts.
    expect(result.text).toBe('');
    expect(result.exitCode).toBe(1);
  });
});

describe('umapi with a closed pipe', () => {
  it('exits 0 when the reader leaves', async () => {
    const child = spawn(process.execPath, [BIN_PATH, 'users', '--fake'], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });

    // Closing the read end before the listing is written makes the child's first stdout write fail with EPIPE.
    child.stdout.destroy();
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(stderr).not.toContain('    at ');
    expect(exitCode).toBe(0);
  });
});
