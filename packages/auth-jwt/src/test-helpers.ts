import { decodeJwt, decodeProtectedHeader } from 'jose';

/** One token request as the client sent it, captured before it reaches the fake IMS. */
export interface RecordedRequest {
  url: string;
  method: string;
  contentType: string | null;
  form: URLSearchParams;
}

/**
 * Returns a `fetch` option that records each request's form body and then
 * forwards the request unchanged to the real `fetch`, so the HTTP layer under
 * test still talks to a real server.
 */
export function createRecordingFetch(): {
  fetch: typeof globalThis.fetch;
  requests: RecordedRequest[];
} {
  const requests: RecordedRequest[] = [];
  const recordingFetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = await request.clone().text();
    requests.push({
      url: request.url,
      method: request.method,
      contentType: request.headers.get('content-type'),
      form: new URLSearchParams(body),
    });
    return globalThis.fetch(request);
  };

  return { fetch: recordingFetch, requests };
}

/** Decodes the `jwt_token` of a recorded request without verifying it. */
export function decodeAssertion(request: RecordedRequest | undefined): {
  header: ReturnType<typeof decodeProtectedHeader>;
  claims: ReturnType<typeof decodeJwt>;
  token: string;
} {
  const token = request?.form.get('jwt_token');
  if (!token) {
    throw new Error('no jwt_token was recorded');
  }

  return { header: decodeProtectedHeader(token), claims: decodeJwt(token), token };
}
