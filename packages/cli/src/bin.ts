#!/usr/bin/env node
import { isatty } from 'node:tty';
import { run } from './run.js';

// A closed pipe, as in `umapi users | head`, is a normal end of output, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    process.exit(0);
  }

  throw error;
});

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  // isatty(0) instead of process.stdin, which would open a stream on the input for nothing.
  stdin: { isTTY: isatty(0) },
});
