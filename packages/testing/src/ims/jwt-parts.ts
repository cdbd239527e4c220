/** A compact JWS split into its decoded parts, before any signature check. */
export interface ParsedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `<header>.<payload>`, the bytes the signature covers. */
  signingInput: string;
  signature: Buffer;
}

/** Splits and decodes a compact JWT, or returns `undefined` when it is not one. */
export function parseJwt(token: string): ParsedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;

  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJsonPart(headerPart);
  const payload = decodeJsonPart(payloadPart);
  if (!header || !payload || !isBase64Url(signaturePart)) return undefined;

  return {
    header,
    payload,
    signingInput: `${headerPart}.${payloadPart}`,
    signature: Buffer.from(signaturePart, 'base64url'),
  };
}

/** Encodes a JSON value as one base64url JWT segment. */
export function encodeJsonPart(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeJsonPart(part: string): Record<string, unknown> | undefined {
  if (!isBase64Url(part) || part === '') return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function isBase64Url(part: string): boolean {
  return /^[A-Za-z0-9_-]*$/.test(part);
}
