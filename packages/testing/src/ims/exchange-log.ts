/** The outcome of one request to the fake IMS. */
export type ExchangeOutcome = 'issued' | 'rejected' | 'fault' | 'dropped';

/**
 * One request to the fake IMS, as `ims.exchanges` records it. It never contains
 * the client secret, the JWT assertion or the access token.
 */
export interface TokenExchange {
  /** When the request arrived, epoch milliseconds on the fake's clock. */
  time: number;
  /** The HTTP method. */
  method: string;
  /** The request path, such as `/ims/exchange/jwt/` or `/ims/token/v3`. */
  endpoint: string;
  /** `jwt` for the JWT exchange, else the `grant_type` field, when the request had one. */
  grant: string | undefined;
  /** The client ID the request named, when it named one. */
  clientId: string | undefined;
  /** The form encoding, when the body was a form. */
  encoding: 'urlencoded' | 'multipart' | undefined;
  /** The way the client sent its credentials on the OAuth endpoints. */
  clientAuthentication: 'form' | 'basic' | undefined;
  /** Whether a token was issued, the request was rejected, or a fault or dropped connection was injected. */
  outcome: ExchangeOutcome;
  /** The response status; `undefined` for a dropped connection. */
  status: number | undefined;
  /** The IMS `error` code of a rejection. */
  errorCode: string | undefined;
  /** Scopes (OAuth) or metascopes (JWT) granted by an issued token. */
  scopes: string[] | undefined;
}
