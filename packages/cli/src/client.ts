import type { Authenticator } from '@umapi/auth-core';
import { JWTAuth } from '@umapi/auth-jwt';
import { Connection } from '@umapi/connection';
import { buildAuthenticator, withSourceNames } from './authenticator.js';
import type { ResolvedSettings } from './settings/resolve.js';

/** An authenticator and, when the command needs one, a connection. */
export interface Client {
  auth: Authenticator & { close?(): Promise<void> };
  /** The authenticator's class name, for reports. */
  strategy: 'OAuthS2S' | 'JWTAuth';
  /** The IMS origin the authenticator uses. */
  authHost: string;
  connection: Connection | undefined;
  close(): Promise<void>;
}

/** Options of {@link createClient}. */
export interface CreateClientOptions {
  /** Build a `Connection` too; `token` needs none. */
  connect: boolean;
  /**
   * The settings point at the fake servers this process started. Those enforce
   * no request budgets, so the client-side rate limits are turned off: they
   * would only add pauses, such as about 12 s before a second page of groups.
   */
  embeddedFake: boolean;
}

/**
 * Builds the authenticator the settings call for and, with `connect`, a
 * `Connection` to the UMAPI endpoint. Nothing is sent yet.
 *
 * @throws ConfigurationError when an authenticator or the connection rejects
 * a value; each problem names the flag, variable or config key it came from.
 */
export function createClient(settings: ResolvedSettings, { connect, embeddedFake }: CreateClientOptions): Client {
  const auth = buildAuthenticator(settings);

  let connection: Connection | undefined;
  try {
    connection = connect ? withSourceNames(settings, () => connectionFor(settings, auth, embeddedFake)) : undefined;
  } catch (error) {
    // The authenticator's transport holds HTTP agents; release them before reporting.
    void auth.close();
    throw error;
  }

  return {
    auth,
    strategy: auth instanceof JWTAuth ? 'JWTAuth' : 'OAuthS2S',
    authHost: auth.authHost,
    connection,
    async close() {
      await connection?.close();
      await auth.close?.();
    },
  };
}

function connectionFor(settings: ResolvedSettings, auth: Authenticator, embeddedFake: boolean): Connection {
  return new Connection({
    auth,
    endpoint: settings.endpoint,
    ...(settings.timeoutMs === undefined ? {} : { timeout: settings.timeoutMs }),
    ...(settings.maxRetries === undefined ? {} : { maxRetries: settings.maxRetries }),
    ...(settings.sslVerify === undefined ? {} : { sslVerify: settings.sslVerify }),
    ...(embeddedFake ? { rateLimits: false as const } : {}),
    userAgent: 'umapi-cli',
  });
}
