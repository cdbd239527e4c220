/** One request the fake UMAPI received, as `umapi.requests` records it. */
export interface UmapiRequest {
  /** When it arrived, epoch milliseconds on the fake's clock. */
  time: number;
  /** The HTTP method, such as `GET` or `POST`. */
  method: string;
  /** The path without the query, such as `/v2/usermanagement/users/<orgId>/0`. */
  path: string;
  /** Query parameters; a repeated name keeps its last value. */
  query: Record<string, string>;
  /** Request headers, lower-case, without `authorization`. */
  headers: Record<string, string>;
  /** The JSON body, or the raw text when it was not JSON, or `undefined` when empty. */
  body: unknown;
  /** The `Pragma` header, such as `umapi-sync-start` or `umapi-sync-end`, when sent. */
  pragma: string | undefined;
  /** The client ID of a valid access token, when the request had one. */
  clientId: string | undefined;
  /** The response status; `undefined` while in flight or for a dropped connection. */
  status: number | undefined;
}
