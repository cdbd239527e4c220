/**
 * Helpers for the example programs that can also run on their own against
 * Adobe, with credentials from `UMAPI_*` environment variables.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { isUmapiError } from '@umapi/auth-core';

/** Returns true when the module at `moduleUrl` is the program Node.js started, not an import. */
export function isRunDirectly(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;

  return pathToFileURL(realpathSync(script)).href === moduleUrl;
}

/** Reads a required environment variable, or throws an error that names it. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(
      `Missing environment variable ${name}: set it to run this example against Adobe`,
    );
  }

  return value.trim();
}

/** Prints an error as one line (its stable code first, for ours) and sets a failing exit code. */
export function reportFailure(error: unknown): void {
  const text = isUmapiError(error) ? `${error.code}: ${error.message}` : String(error);
  console.error(text);
  process.exitCode = 1;
}
