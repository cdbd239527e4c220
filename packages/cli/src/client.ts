import { type Authenticator, ConfigurationError, type ConfigurationProblem } from '@umapi/auth-core';
import { JWTAuth } from '@umapi/auth-jwt';
import { OAuthS2S } from '@umapi/auth-oauth';
import { Connection } from '@umapi/connection';
import type { ResolvedSettings } from './settings/resolve.js';
import type { RawSettings } from './settings/setting.js';

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

// The setting behind each authenticator or connection option, so an error from
// those constructors names the flag, variable or config key to fix.
const OPTION_SOURCES: Record<string, keyof RawSettings> = {
  orgId: 'orgId',
  clientId: 'clientId',
  clientSecret: 'clientSecret',
  techAcctId: 'techAcctId',
  privateKey: 'privateKeyData',
  passphrase: 'passphrase',
  authHost: 'authHost',
  authEndpoint: 'authEndpoint',
  timeout: 'timeoutMs',
  maxRetries: 'maxRetries',
  sslVerify: 'sslVerify',
  endpoint: 'host',
};

/**
 * Builds the authenticator the settings call for and, with `connect`, a
 * `Connection` to the UMAPI endpoint. Nothing is sent yet.
 *
 * @throws ConfigurationError when an authenticator or the connection rejects
 * a value; each problem names the flag, variable or config key it came from.
 */
// JWTAuth names its `passphrase` option in messages; a CLI user sets it elsewhere.
const PASSPHRASE_OPTION = /\bthe passphrase option\b/g;
const PASSPHRASE_SETTINGS = 'UMAPI_PRIVATE_KEY_PASSPHRASE (or --passphrase, or enterprise.priv_key_pass)';

// NOTE: the authenticators validate host names and key contents here, after
// resolveSettings has passed, so those problems are reported in a second run
// once the missing settings are fixed, not together with them.
export function createClient(settings: ResolvedSettings, { connect }: { connect: boolean }): Client {
  const auth = withSourceNames(settings, () => createAuthenticator(settings));
  const connection = connect
    ? withSourceNames(
        settings,
        () =>
          new Connection({
            auth,
            endpoint: settings.endpoint,
            ...(settings.timeoutMs === undefined ? {} : { timeout: settings.timeoutMs }),
            ...(settings.maxRetries === undefined ? {} : { maxRetries: settings.maxRetries }),
            ...(settings.sslVerify === undefined ? {} : { sslVerify: settings.sslVerify }),
            userAgent: 'umapi-cli',
          }),
      )
    : undefined;

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

function createAuthenticator(settings: ResolvedSettings): OAuthS2S | JWTAuth {
  const shared = {
    clientId: settings.clientId.value,
    clientSecret: settings.clientSecret.value,
    ...(settings.authHost === undefined ? {} : { authHost: settings.authHost.value }),
    ...(settings.authEndpoint === undefined ? {} : { authEndpoint: settings.authEndpoint.value }),
    ...(settings.sslVerify === undefined ? {} : { sslVerify: settings.sslVerify }),
    ...(settings.timeoutMs === undefined ? {} : { timeout: settings.timeoutMs }),
  };

  if (settings.strategy === 'oauth') {
    return new OAuthS2S({ ...shared, ...(settings.orgId === undefined ? {} : { orgId: settings.orgId.value }) });
  }

  return new JWTAuth({
    ...shared,
    orgId: settings.orgId!.value,
    techAcctId: settings.techAcctId!.value,
    privateKey: settings.privateKey!.value,
    ...(settings.passphrase === undefined ? {} : { passphrase: settings.passphrase.value }),
  });
}

function withSourceNames<T>(settings: ResolvedSettings, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) {
      throw error;
    }

    const problems = error.problems.map((problem) => renameField(problem, settings));
    throw new ConfigurationError(problems, { subject: 'configuration', cause: error });
  }
}

function renameField(problem: ConfigurationProblem, settings: ResolvedSettings): ConfigurationProblem {
  const key = OPTION_SOURCES[problem.field];
  if (key === undefined) {
    return problem;
  }

  // The key text can come from a file or a variable; either way the PEM source is what to fix.
  const setting = key === 'privateKeyData' ? settings.privateKey : settings.raw[key];
  const message = problem.message.replace(PASSPHRASE_OPTION, PASSPHRASE_SETTINGS);
  return setting === undefined ? { ...problem, message } : { field: setting.source, message };
}
