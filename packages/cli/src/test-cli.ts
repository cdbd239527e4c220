import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built command. The tests run it as users do, so the package is built before its tests. */
export const BIN_PATH = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** The outcome of one `umapi` run. */
export interface CliResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Every output of every run in this process, for the check that no secret was printed. */
export const transcripts: { args: readonly string[]; result: CliResult }[] = [];

/** Throws a clear message when `dist/bin.js` is missing. */
export function assertBuilt(): void {
  if (!existsSync(BIN_PATH)) {
    throw new Error(`${BIN_PATH} is missing: run "npm run build" in packages/cli (npm test builds first)`);
  }
}

/**
 * Runs `node dist/bin.js ...args` with only `env` and PATH as its environment,
 * so no UMAPI_* or proxy variable of the machine leaks into a test. Awaited
 * asynchronously because the fake servers that serve the child run in this process.
 */
export function runCli(args: readonly string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN_PATH, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { PATH: process.env.PATH ?? '', ...options.env },
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
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const result = { exitCode, stdout, stderr };
      transcripts.push({ args, result });
      resolve(result);
    });
  });
}
