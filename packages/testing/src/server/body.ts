import type { IncomingMessage } from 'node:http';

/** Largest request body the fakes read, in bytes. IMS and UMAPI requests are a few KiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the whole request body, or resolves `undefined` when it exceeds {@link MAX_BODY_BYTES}. */
export async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;

  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    if (!tooLarge) chunks.push(chunk as Buffer);
  }

  return tooLarge ? undefined : Buffer.concat(chunks);
}
