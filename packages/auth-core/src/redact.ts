/** The text that replaces a secret found in server text, a message or a log line. */
export const REDACTED = '[REDACTED]';

/**
 * The shape of an error code or request id worth quoting: IMS codes such as
 * `invalid_client`, system codes such as `ECONNRESET`, UUID-like request ids.
 */
const PLAUSIBLE_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** How many causes {@link sanitizeCause} copies before it stops, so a cyclic chain cannot loop. */
const MAX_CAUSE_DEPTH = 8;

/**
 * Blanks out every secret, as given, URL-encoded, form-encoded or escaped as
 * in a JSON string, that occurs in `text`. Secrets of fewer than 4 characters
 * are skipped, because blanking them would garble ordinary words and they
 * protect nothing.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < 4) {
      continue;
    }

    const jsonEscaped = JSON.stringify(secret).slice(1, -1);
    for (const form of new Set([
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ v: secret }).toString().slice(2),
      // A server that echoes the secret inside JSON escapes `"` and `\`,
      // and some encoders escape `/` as well.
      jsonEscaped,
      jsonEscaped.replaceAll('/', '\\/'),
    ])) {
      result = result.split(form).join(REDACTED);
    }
  }

  return result;
}

/** Returns true for a value shaped like an error code or request id, which can be quoted as it is. */
export function isPlausibleCode(value: string): boolean {
  return PLAUSIBLE_CODE.test(value);
}

/**
 * Copies an error chain, keeping only each link's `name`, `code`, message
 * (with `secrets` blanked out) and stack frames, and the members of an
 * `AggregateError`.
 *
 * Errors from undici and Node may carry the bytes they received: an
 * `HTTPParserError` keeps them in `data`. When a server or proxy echoes the
 * request, those bytes contain the form with the client secret, the
 * `Authorization` header or the proxy password. The copy drops every such
 * field, so the chain can be logged, inspected or serialized.
 *
 * @returns a new `Error` chain, or `undefined` for `undefined`. A value that
 *   is not an `Error` becomes an `Error` naming only its type.
 */
export function sanitizeCause(error: unknown, secrets: readonly string[] = []): Error | undefined {
  return copyError(error, secrets, 0);
}

function copyError(error: unknown, secrets: readonly string[], depth: number): Error | undefined {
  if (error === undefined) {
    return undefined;
  }

  if (!(error instanceof Error)) {
    return new Error(`a thrown ${error === null ? 'null' : typeof error}`);
  }

  const message = redactSecrets(String(error.message), secrets);
  const nested = depth < MAX_CAUSE_DEPTH ? copyError(error.cause, secrets, depth + 1) : undefined;
  const options = nested === undefined ? undefined : { cause: nested };
  const copy =
    error instanceof AggregateError
      ? new AggregateError(
          error.errors.slice(0, 4).map((member) => copyError(member, secrets, MAX_CAUSE_DEPTH)),
          message,
          options,
        )
      : new Error(message, options);

  // The name is copied non-enumerable, as Error.prototype has it, so inspection
  // shows the original class while JSON output stays as small as for any error.
  Object.defineProperty(copy, 'name', { value: error.name, enumerable: false, configurable: true, writable: true });
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && isPlausibleCode(code)) {
    (copy as Error & { code?: string }).code = code;
  }

  copy.stack = `${error.name}: ${message}\n${stackFrames(error.stack)}`;
  return copy;
}

/** Returns the `at ...` lines of a stack without the message lines, which may quote received data. */
function stackFrames(stack: string | undefined): string {
  return (stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}
