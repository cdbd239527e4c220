#!/usr/bin/env node
import { isatty } from 'node:tty';
import { stopOnStreamError } from './output/stream-errors.js';
import { run } from './run.js';

stopOnStreamError(process.stdout, process.stderr);

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  // isatty(0) instead of process.stdin, which would open a stream on the input for nothing.
  stdin: { isTTY: isatty(0) },
});
