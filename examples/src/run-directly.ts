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

/**
 * Reads the optional `UMAPI_HOST` and `UMAPI_IMS_HOST` variables, as the
 * `umapi` command does: a host name gets `https://`, and an origin URL (such
 * as a local fake's) is kept. Without them the programs talk to Adobe.
 */
export function hostsFromEnv(): { endpoint?: string; authHost?: string } {
  const host = process.env.UMAPI_HOST?.trim();
  const imsHost = process.env.UMAPI_IMS_HOST?.trim();
  const hosts: { endpoint?: string; authHost?: string } = {};

  if (host) {
    const url = new URL(host.includes('://') ? host : `https://${host}`);
    const path = url.pathname === '/' ? '/v2/usermanagement' : url.pathname.replace(/\/+$/, '');
    hosts.endpoint = `${url.origin}${path}`;
  }

  if (imsHost) {
    hosts.authHost = imsHost;
  }

  return hosts;
}

/** Prints an error as one line (its stable code first, for ours) and sets a failing exit code. */
export function reportFailure(error: unknown): void {
  const text = isUmapiError(error) ? `${error.code}: ${error.message}` : String(error);
  console.error(text);
  process.exitCode = 1;
}
