/** Text that replaces an access token in errors and log lines. */
export const REDACTED = '[REDACTED]';

// A credential after the Bearer scheme, as an echoed `Authorization` header
// shows it: the b64token characters of RFC 6750, section 2.1.
const BEARER_CREDENTIAL = /\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi;

/**
 * Replaces every access token in text that UMAPI or a proxy sent back.
 *
 * A gateway may echo the `Authorization` header in an error body or header,
 * so every error and log line built from server text passes through here.
 * Each secret is replaced raw and URL-encoded, as auth-core's IMS client does
 * with form values, and any `Bearer <credential>` keeps the scheme but loses
 * the credential, which also covers a token this attempt did not send.
 *
 * @param text - Server text, such as a body or a header value.
 * @param secrets - The access tokens sent with the attempt.
 * @returns The text with each token replaced by `[REDACTED]`.
 */
export function redactText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      if (form.length > 0) {
        result = result.split(form).join(REDACTED);
      }
    }
  }

  return result.replace(BEARER_CREDENTIAL, `$1 ${REDACTED}`);
}

/**
 * Replaces every access token in a parsed JSON value, in string values and
 * object keys at any depth. Returns a copy and leaves `value` unchanged.
 *
 * A JSON body can spell a token with `\u` escapes, which {@link redactText}
 * does not see in the raw text, so parsed bodies are walked too.
 */
export function redactJson(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') {
    return redactText(value, secrets);
  }

  if (Array.isArray(value)) {
    return value.map((item) => redactJson(item, secrets));
  }

  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        redactText(key, secrets),
        redactJson(item, secrets),
      ]),
    );
  }

  return value;
}
