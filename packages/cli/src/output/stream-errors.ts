import type { Writable } from 'node:stream';

/**
 * Ends the process when stdout or stderr cannot be written, instead of letting the stream's
 * `error` event become an uncaught exception with a stack trace.
 *
 * - stdout EPIPE (the reader closed the pipe, as in `umapi users | head`): exit 0, because
 *   that is a normal end of output.
 * - any other stdout error, such as ENOSPC from `> /dev/full`: one line on stderr, exit 1,
 *   because the output is incomplete.
 * - any stderr error: exit 1 without a message, since there is nowhere to write one.
 */
export function stopOnStreamError(stdout: Writable, stderr: Writable): void {
  let stopping = false;

  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      process.exit(0);
    }

    // Writes already queued can fail as well, and the line is printed only for the first.
    if (stopping) {
      return;
    }

    stopping = true;
    reportAndExit(stderr, `umapi: writing to standard output failed (${describeWriteError(error)}); the output is incomplete\n`);
  });

  stderr.on('error', () => {
    process.exit(1);
  });
}

// The exit waits for the write callback, which runs on success and on failure, because
// process.stderr is asynchronous on some platforms, such as for pipes on macOS.
function reportAndExit(stderr: Writable, line: string): void {
  try {
    stderr.write(line, () => process.exit(1));
  } catch {
    process.exit(1);
  }
}

// Node's message reads "ENOSPC: no space left on device, write". The system call after the comma is dropped.
function describeWriteError(error: NodeJS.ErrnoException): string {
  const reason = error.message.split(',')[0]!.trim();
  return reason === '' ? (error.code ?? 'unknown error') : reason;
}
