import type { IncomingHttpHeaders } from 'node:http';

/** The encoding of a token request form. */
export type FormEncoding = 'urlencoded' | 'multipart';

/** The parsed form of a token request. */
export interface ParsedForm {
  encoding: FormEncoding;
  fields: Map<string, string>;
}

/**
 * Parses an `application/x-www-form-urlencoded` or `multipart/form-data`
 * body. Adobe's own Node.js libraries send multipart, most others
 * url-encoded, and IMS takes both. Returns `undefined` for any other content
 * type or an unreadable multipart body.
 */
export async function parseForm(
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<ParsedForm | undefined> {
  const contentType = headers['content-type'] ?? '';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase();

  if (mediaType === 'application/x-www-form-urlencoded') {
    const params = new URLSearchParams(body.toString('utf8'));
    return { encoding: 'urlencoded', fields: new Map(params) };
  }

  if (mediaType === 'multipart/form-data') {
    return parseMultipart(contentType, body);
  }

  return undefined;
}

async function parseMultipart(contentType: string, body: Buffer): Promise<ParsedForm | undefined> {
  // The WHATWG Request parser handles boundaries, quoting and CRLF rules, so
  // the fake reads multipart exactly as a standards-following server would.
  const request = new Request('http://fake-ims.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new Uint8Array(body),
  });

  try {
    const data = await request.formData();
    const fields = new Map<string, string>();
    for (const [name, value] of data) {
      fields.set(name, typeof value === 'string' ? value : await value.text());
    }
    return { encoding: 'multipart', fields };
  } catch {
    return undefined;
  }
}

/** Client credentials from an `Authorization: Basic` header, when present and well-formed. */
export function parseBasicAuth(
  authorization: string | undefined,
): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!match) return undefined;

  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;

  // RFC 6749 section 2.3.1: both parts are form-url-encoded before Base64.
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return undefined;
  }
}
