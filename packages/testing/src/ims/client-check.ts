import { imsError, type TokenOutcome } from './outcome.js';

/** A form field a token endpoint requires: its name and the value the request sent, if any. */
export type RequiredField = readonly [name: string, value: string | undefined];

/** The client a request authenticated as, or the IMS error response to send. */
export type ClientCheck<C> = { client: C } | { rejection: TokenOutcome };

/**
 * Runs the checks every token endpoint starts with, in the order IMS runs
 * them: all required fields present, then a registered client ID, then the
 * matching client secret. The client ID and secret are always required and
 * come first in the list of missing fields.
 */
export function checkClient<C extends { clientSecret: string }>(
  clients: ReadonlyMap<string, C>,
  clientId: string | undefined,
  clientSecret: string | undefined,
  otherFields: readonly RequiredField[] = [],
): ClientCheck<C> {
  const required: RequiredField[] = [
    ['client_id', clientId],
    ['client_secret', clientSecret],
    ...otherFields,
  ];
  const missing = required.filter(([, value]) => !value).map(([name]) => name);
  if (missing.length > 0) {
    return {
      rejection: imsError(
        400,
        'invalid_request',
        `Missing required parameter(s): ${missing.join(', ')}`,
        clientId,
      ),
    };
  }

  const client = clients.get(clientId!);
  if (!client) {
    return { rejection: imsError(400, 'invalid_client', 'invalid client_id parameter', clientId) };
  }

  if (client.clientSecret !== clientSecret) {
    return {
      rejection: imsError(401, 'invalid_client', 'invalid client_secret parameter', clientId),
    };
  }

  return { client };
}
