/**
 * Describes why a string cannot be sent as an HTTP header value, or returns
 * undefined when it can.
 *
 * The `Headers` class rejects CR, LF, NUL and characters above U+00FF with a
 * `TypeError` that names neither the option nor the fix, and HTTP forbids the
 * other control characters too (RFC 9110, section 5.5). Tabs and spaces are
 * allowed inside a value, but not at its ends, where `Headers` strips them,
 * so the value sent would differ from the value given.
 */
export function describeHeaderValueProblem(value: string): string | undefined {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) {
      return `contains a control character (${describeCharacter(code)}) at index ${index}`;
    }

    if (code > 0xff) {
      return `contains a character outside Latin-1 (U+${code.toString(16).toUpperCase().padStart(4, '0')}) at index ${index}`;
    }
  }

  if (/^[ \t]|[ \t]$/.test(value)) {
    return 'starts or ends with whitespace';
  }

  return undefined;
}

const controlNames = new Map([
  [0x00, 'NUL'],
  [0x0a, 'LF'],
  [0x0d, 'CR'],
]);

function describeCharacter(code: number): string {
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = controlNames.get(code);
  return name === undefined ? hex : `${name}, ${hex}`;
}
