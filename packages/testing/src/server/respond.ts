import type { ServerResponse } from 'node:http';

/** Sends `body` as JSON with `status` and extra `headers`. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * Sets the `Date` header from the fake's clock. Node sets `Date` from the real
 * clock by default; a client that estimates clock skew from it must see the
 * fake's time.
 */
export function setDateHeader(response: ServerResponse, epochMs: number): void {
  response.sendDate = false;
  response.setHeader('date', new Date(epochMs).toUTCString());
}
