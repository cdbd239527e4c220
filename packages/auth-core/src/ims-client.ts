import type { AccessToken } from './types.js';
import type { Transport } from './transport.js';

/** A token request to an Adobe IMS endpoint. */
export interface ImsTokenRequest {
  /** The full endpoint URL, such as `https://ims-na1.adobelogin.com/ims/token/v3`. */
  url: string;
  /** Form fields, sent `application/x-www-form-urlencoded`. Values are secrets and never logged. */
  form: Record<string, string>;
  /** The unit IMS uses for `expires_in` at this endpoint: milliseconds for the JWT exchange, seconds for OAuth. */
  expiresInUnit: 'milliseconds' | 'seconds';
  /** Extra request headers. */
  headers?: Record<string, string>;
  transport: Transport;
  /** Per-attempt timeout in milliseconds. Default 30 seconds. */
  timeoutMs?: number;
  /** Retries after the first attempt, on network errors, timeouts, 429 and 5xx. Default 2. */
  maxRetries?: number;
  signal?: AbortSignal;
}

/** A successful IMS answer. */
export interface ImsTokenResponse extends AccessToken {
  tokenType: string;
  /** The server's `Date` header as epoch milliseconds, if sent. */
  serverDate?: number;
}

/** POSTs a token request to IMS with retries and parses the answer. Throws `ImsError` on an error answer. */
export async function requestImsToken(request: ImsTokenRequest): Promise<ImsTokenResponse> {
  void request;
  throw new Error('not implemented');
}
