// URL parsing (WHATWG, as in `new URL()` and fetch) resolves a path segment of
// `.` or `..` as a step to the same or the parent directory. Percent-encoding
// does not help, because `%2E` and `%2E%2E` are resolved the same way, so such
// a segment would send the request to another path without any error.
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/** Whether a raw path segment is one that URL parsing resolves away (`.`, `..`, `%2E`, ...). */
export function isDotSegment(segment: string): boolean {
  return DOT_SEGMENT.test(segment);
}

/**
 * Encodes a caller's value, such as a group name or an email address, as one
 * path segment of a request URL.
 *
 * @param value - The value to encode.
 * @param description - What the value is, for the message, such as `users() group`.
 * @throws TypeError for `.` and `..`, which no UMAPI path can address because URL
 *   parsing resolves them, and the request would silently go to another path.
 */
export function encodePathSegment(value: string, description: string): string {
  const encoded = encodeURIComponent(value);
  if (isDotSegment(encoded)) {
    throw new TypeError(
      `${description} ${JSON.stringify(value)} cannot be sent as a path segment, because URL parsing reads "." and ".." as relative path steps and the request would go to another path`,
    );
  }

  return encoded;
}
