import { isSendableToken } from './bearer-token.js';
import { ImsError } from './errors.js';
import { isPlausibleCode, redactSecrets } from './redact.js';
import { MAX_TOKEN_LIFETIME_MS } from './token-lifetime.js';

/** Maximum length of the excerpt of a non-JSON body kept in an `ImsError`, in characters. */
export const BODY_EXCERPT_LENGTH = 200;

/** Maximum size of a response body read, in bytes. IMS token responses are a few kilobytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** An IMS response with its body read, before parsing. */
export interface ImsResponseText {
  status: number;
  headers: Headers;
  text: string;
  /** True when the body was longer than {@link MAX_BODY_BYTES} and only its start was read. */
  truncated: boolean;
  endpoint: string;
  /** Form values of the request, blanked out of any excerpt in case a server echoes them. */
  secrets: readonly string[];
}

/** The fields of a successful token response. */
export interface ParsedToken {
  accessToken: string;
  tokenType: string;
  /** `expires_in` converted to milliseconds. */
  expiresInMs: number;
}

/**
 * Reads a response body as UTF-8 text, stopping after `maxBytes`, so that a
 * misconfigured server or proxy cannot fill memory with an endless body.
 */
export async function readBodyText(
  response: Response,
  maxBytes: number = MAX_BODY_BYTES,
): Promise<{ text: string; truncated: boolean }> {
  if (response.body === null) {
    return { text: '', truncated: false };
  }

  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;

  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }

    chunks.push(value);
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes));
      return { text, truncated: true };
    }
  }

  return { text: new TextDecoder().decode(Buffer.concat(chunks)), truncated: false };
}

/**
 * Reads the IMS request id header and the `Date` header, which every `ImsError` carries.
 * A request id that contains a request secret or is not shaped like an id
 * (letters, digits and `_.:-`, at most 64 characters) is left out.
 */
export function responseContext(answer: Pick<ImsResponseText, 'headers' | 'endpoint' | 'secrets'>): {
  endpoint: string;
  requestId?: string;
  serverDate?: number;
} {
  const rawRequestId = answer.headers.get('x-debug-id') ?? answer.headers.get('x-request-id');
  const requestId =
    rawRequestId !== null &&
    isPlausibleCode(rawRequestId) &&
    redactSecrets(rawRequestId, answer.secrets) === rawRequestId
      ? rawRequestId
      : undefined;
  const serverDate = parseServerDate(answer.headers.get('date'));
  return {
    endpoint: answer.endpoint,
    ...(requestId === undefined ? {} : { requestId }),
    ...(serverDate === undefined ? {} : { serverDate }),
  };
}

export function parseServerDate(value: string | null): number | undefined {
  if (value === null) {
    return undefined;
  }

  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : date;
}

/**
 * Parses a 2xx response into a token.
 *
 * @throws ImsError with code `unexpected_response` when the body is not JSON,
 *   has no non-empty string `access_token`, an `access_token` with spaces or
 *   characters other than visible ASCII, no positive finite numeric
 *   `expires_in`, an `expires_in` under 1 ms, or one over
 *   {@link MAX_TOKEN_LIFETIME_MS} (a wrong unit). The message never quotes a 2xx body, which may hold a token.
 */
export function parseTokenResponse(
  answer: ImsResponseText,
  expiresInUnit: 'milliseconds' | 'seconds',
): ParsedToken {
  if (answer.truncated) {
    throw unexpected(answer, `a body larger than ${MAX_BODY_BYTES} bytes`);
  }

  const body = parseJson(answer.text);

  if (body === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw unexpected(
      answer,
      `a body that is not a JSON object (${describeContentType(answer.headers)})`,
    );
  }

  const {
    access_token: accessToken,
    expires_in: expiresIn,
    token_type: tokenType,
  } = body as Record<string, unknown>;

  if (typeof accessToken !== 'string' || accessToken.length === 0) {
    throw unexpected(answer, `no access_token (got ${describeField(accessToken)})`);
  }

  // A space or control character would break the Authorization header later,
  // far from the cause, so a token that cannot be sent is rejected here.
  if (!isSendableToken(accessToken)) {
    throw unexpected(
      answer,
      'an invalid access_token that contains spaces or characters other than visible ASCII, so it cannot be sent as a bearer token',
    );
  }

  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw unexpected(answer, `no positive numeric expires_in (got ${describeField(expiresIn)})`);
  }

  // Whole milliseconds keep expiresAt an integer epoch time, and a lifetime
  // that rounds down to zero would give a token that is expired on arrival.
  const expiresInMs = Math.floor(expiresInUnit === 'seconds' ? expiresIn * 1000 : expiresIn);
  if (expiresInMs < 1) {
    throw unexpected(
      answer,
      `expires_in ${expiresIn}, read as ${expiresInUnit}, a lifetime under 1 millisecond`,
    );
  }

  if (expiresInMs > MAX_TOKEN_LIFETIME_MS) {
    const other = expiresInUnit === 'seconds' ? 'milliseconds' : 'microseconds';
    throw unexpected(
      answer,
      `expires_in ${expiresIn}, read as ${expiresInUnit}, a lifetime of ${Math.round(expiresInMs / 86_400_000)} days, ` +
        `over the 365-day maximum; the unit looks wrong (the server may send ${other})`,
    );
  }

  return {
    accessToken,
    tokenType: typeof tokenType === 'string' && tokenType.length > 0 ? tokenType : 'bearer',
    expiresInMs,
  };
}

/**
 * Builds the `ImsError` for a non-2xx response: the IMS `error` and
 * `error_description` from a JSON body, or a short excerpt of any other body.
 * An `error` that contains a request secret or is not shaped like a code
 * (letters, digits and `_.:-`, at most 64 characters) is not taken as the
 * code: the error gets code `unexpected_response` and a redacted excerpt.
 */
export function errorFromResponse(
  answer: ImsResponseText,
  retryAfterMs: number | undefined,
): ImsError {
  const context = responseContext(answer);
  const body = parseJson(answer.text);
  const fields =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  const rawCode = fields === undefined ? undefined : firstString(fields.error, fields.error_code);
  const imsCode =
    rawCode !== undefined &&
    isPlausibleCode(rawCode) &&
    redactSecrets(rawCode, answer.secrets) === rawCode
      ? rawCode
      : undefined;
  const retry = retryAfterMs === undefined ? {} : { retryAfterMs };

  if (imsCode !== undefined) {
    const rawDescription = firstString(fields?.error_description, fields?.message);
    const description =
      rawDescription === undefined ? undefined : redactSecrets(rawDescription, answer.secrets);
    return new ImsError(
      `IMS token request to ${answer.endpoint} failed with HTTP ${answer.status} ${imsCode}` +
        `${description === undefined ? '' : `: ${description}`}${describeRequestId(context.requestId)}`,
      {
        status: answer.status,
        imsCode,
        ...(description === undefined ? {} : { description }),
        ...context,
        ...retry,
      },
    );
  }

  let kind = 'a JSON body without an error field';
  if (fields === undefined) {
    kind = `a non-JSON body (${describeContentType(answer.headers)})`;
  } else if (rawCode !== undefined) {
    kind = 'a JSON body whose error field is not an error code';
  }

  const excerpt = excerptOf(answer.text, answer.secrets);
  return new ImsError(
    `IMS token request to ${answer.endpoint} failed with HTTP ${answer.status} and ${kind}` +
      `${excerpt.length === 0 ? '' : `: ${excerpt}`}${describeRequestId(context.requestId)}`,
    {
      status: answer.status,
      imsCode: 'unexpected_response',
      ...(excerpt.length === 0 ? {} : { description: excerpt }),
      ...context,
      ...retry,
    },
  );
}

function unexpected(answer: ImsResponseText, problem: string): ImsError {
  const context = responseContext(answer);
  return new ImsError(
    `IMS token request to ${answer.endpoint} returned HTTP ${answer.status} with ${problem}, so no token was issued${describeRequestId(context.requestId)}`,
    { status: answer.status, imsCode: 'unexpected_response', ...context },
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === 'string' && value.length > 0);
}

/** Describes a field of a 2xx body by type only, never by value. */
function describeField(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }

  if (value === null) {
    return 'null';
  }

  if (typeof value === 'number') {
    return String(value);
  }

  return typeof value === 'string'
    ? value.length === 0
      ? 'an empty string'
      : 'a string'
    : typeof value;
}

/** Names the media type of a response, quoting it only when it has the `type/subtype` shape. */
function describeContentType(headers: Headers): string {
  const mediaType = headers.get('content-type')?.split(';')[0]?.trim();
  if (!mediaType) {
    return 'no content type';
  }

  return /^[\w.+-]{1,40}\/[\w.+-]{1,60}$/.test(mediaType) ? mediaType : 'an invalid content type';
}

function describeRequestId(requestId: string | undefined): string {
  return requestId === undefined ? '' : ` (request id ${requestId})`;
}

/** Builds a short, readable excerpt of an error page: tags dropped, whitespace collapsed, secrets blanked. */
function excerptOf(text: string, secrets: readonly string[]): string {
  // Blanking out before the markup is stripped too keeps a secret that
  // contains `<` or runs of spaces from surviving in a changed form.
  const plain = redactSecrets(text, secrets)
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const safe = redactSecrets(plain, secrets);
  return safe.length > BODY_EXCERPT_LENGTH ? `${safe.slice(0, BODY_EXCERPT_LENGTH)}…` : safe;
}
