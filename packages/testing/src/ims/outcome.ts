import type { AccessTokenIssuer } from './access-token.js';
import type { ClientRegistry } from './clients.js';

/** A token endpoint's decision: the response to send and the fields the exchange log records. */
export interface TokenOutcome {
  status: number;
  body: Record<string, unknown>;
  /** The client ID the request named, when it named one. */
  clientId?: string;
  /** The IMS `error` code of a rejection. */
  errorCode?: string;
  /** Scopes or metascopes granted by a successful exchange. */
  scopes?: string[];
}

/** The fake's state that a token endpoint reads. */
export interface TokenEndpointContext {
  registry: ClientRegistry;
  issuer: AccessTokenIssuer;
  /** The fake clock's time, epoch milliseconds. */
  nowMs: number;
  clockToleranceMs: number;
  tokenLifetimeMs: number;
  /** Origins the JWT `aud` and metascope claims may name: the fake's URL and its localhost alias. */
  acceptedOrigins: string[];
}

/** Builds an IMS-shaped error response. */
export function imsError(
  status: number,
  error: string,
  description: string,
  clientId?: string,
): TokenOutcome {
  const outcome: TokenOutcome = {
    status,
    body: { error, error_description: description },
    errorCode: error,
  };
  if (clientId !== undefined) outcome.clientId = clientId;
  return outcome;
}
