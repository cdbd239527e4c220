import { NetworkError, sanitizeCause } from '@umapi/auth-core';

/**
 * Maximum size of a response body the connection reads, in bytes: 32 MiB,
 * counted after any `Content-Encoding` is decoded.
 *
 * The largest UMAPI response is a listing page. Adobe documents its size as
 * subject to change, so 2,000 users of about 1 KB each (about 2 MB) is an
 * upper estimate. The cap leaves 16 times that, room for users in hundreds
 * of groups. A broken server or proxy that streams an endless body stops at
 * 32 MiB instead of filling the process memory.
 */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** The whole body as text, or `too-large` when it exceeds the cap (nothing more is then read). */
export type BodyReadResult = { kind: 'complete'; text: string } | { kind: 'too-large' };

const utf8 = new TextDecoder();

/**
 * Reads a response body as UTF-8 text, up to `maxBytes` bytes.
 *
 * A `Content-Length` above the cap fails before reading. Otherwise chunks
 * are kept until their total would pass the cap, and the stream is then
 * cancelled, which closes the connection. A leading byte order mark is
 * dropped, as `Response.text()` does.
 *
 * @throws The stream's error when the body is cut off or cannot be decoded.
 */
export async function readBodyText(response: Response, maxBytes: number): Promise<BodyReadResult> {
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return { kind: 'too-large' };
  }

  if (response.body === null) {
    return { kind: 'complete', text: '' };
  }

  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }

    size += value.byteLength;
    if (size > maxBytes) {
      // The chunk that crosses the cap is dropped, not kept.
      reader.cancel().catch(() => undefined);
      return { kind: 'too-large' };
    }

    chunks.push(value);
  }

  return { kind: 'complete', text: utf8.decode(Buffer.concat(chunks, size)) };
}

const bodyFailureReasons: Record<string, string> = {
  UND_ERR_SOCKET: 'the server closed the connection before the whole body arrived',
  ECONNRESET: 'the connection was reset before the whole body arrived',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'the body is shorter than its Content-Length',
  Z_DATA_ERROR: 'the body does not decode as its Content-Encoding says',
  Z_BUF_ERROR: 'the compressed body is cut off',
};

/**
 * Builds the `NetworkError` for a body that failed after the headers arrived:
 * a connection closed or reset mid-body (undici's `TypeError: terminated`),
 * invalid chunked encoding, or a `Content-Encoding` that does not decode.
 * The retry loop retries it as it retries a dropped connection.
 *
 * @param requestLabel - The method and path, such as `GET users/12345@AdobeOrg/0`.
 */
export function bodyReadError(error: unknown, requestLabel: string, host: string): NetworkError {
  const code = findCode(error);
  const suffix = code === undefined ? '' : ` (${code})`;
  return new NetworkError(
    `UMAPI's response to ${requestLabel} was cut off after the headers: ${describeBodyFailure(error, code)}${suffix}`,
    {
      host,
      systemCode: code,
      cause: sanitizeCause(error),
    },
  );
}

function describeBodyFailure(error: unknown, code: string | undefined): string {
  if (code !== undefined && bodyFailureReasons[code] !== undefined) {
    return bodyFailureReasons[code];
  }

  // Undici sets no code on an HTTPParserError in some builds, so the name is checked too.
  if (code?.startsWith('HPE_') || hasErrorNamed(error, 'HTTPParserError')) {
    return 'the body breaks HTTP/1.1 framing, such as with an invalid chunk size';
  }

  // Zlib codes start with Z_, Brotli's with ERR__ERROR_FORMAT.
  if (code?.startsWith('Z_') || code?.startsWith('ERR__ERROR_FORMAT')) {
    return 'the body does not decode as its Content-Encoding says';
  }

  return 'the body could not be read';
}

/** How many levels of `cause` are searched for a code or an error name. */
const MAX_CAUSE_DEPTH = 4;

function hasErrorNamed(error: unknown, name: string): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current instanceof Error; depth += 1) {
    if (current.name === name) {
      return true;
    }
    current = current.cause;
  }

  return false;
}

function findCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,60}$/.test(code)) {
      return code;
    }
    current = current.cause;
  }

  return undefined;
}
