import { debuglog } from 'node:util';

const log = debuglog('umapi');

/** Writes a debug line when `NODE_DEBUG=umapi` is set. Callers pass no secret. */
export function debug(message: string, ...values: unknown[]): void {
  if (log.enabled) {
    log(message, ...values);
  }
}
