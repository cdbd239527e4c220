import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What a child script did: its exit, its output, and whether it had to be killed. */
export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the child was still running at the deadline and was killed. */
  timedOut: boolean;
  /** Milliseconds from spawn to exit. */
  elapsedMs: number;
}

const builtConnection = fileURLToPath(
  new URL('../../../packages/connection/dist/index.js', import.meta.url),
);

/**
 * Runs one of the scripts in `src/children` with Node.js and waits until it
 * exits on its own or `deadlineMs` passes. The scripts import the built
 * packages, so `npm run build` must have run first.
 */
export function runChild(
  script: string,
  options: { deadlineMs: number; env?: NodeJS.ProcessEnv; args?: string[] },
): Promise<ChildResult> {
  if (!existsSync(builtConnection)) {
    throw new Error(
      'The packages are not built; run `npm run build` at the repository root first.',
    );
  }

  const path = fileURLToPath(new URL(`./children/${script}`, import.meta.url));
  const startedAt = Date.now();
  const child = spawn(process.execPath, [path, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });

  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.deadlineMs);

  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      resolve({ code, signal, stdout, stderr, timedOut, elapsedMs: Date.now() - startedAt });
    });
  });
}

/** Parses the last line of a child's standard output as JSON. */
export function lastJsonLine<T>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines.at(-1) ?? '') as T;
}
