import { ConfigurationError, type ConfigurationProblem } from '@umapi/auth-core';
import { JWTAuth, type JWTAuthOptions } from '@umapi/auth-jwt';
import { OAuthS2S, type OAuthS2SOptions } from '@umapi/auth-oauth';
import type { ResolvedSettings } from './settings/resolve.js';
import type { RawSettings, Setting } from './settings/setting.js';

/**
 * The settings an authenticator is built from. The client ID and secret may be
 * absent while the settings are still being checked.
 */
export type AuthenticatorSettings = Pick<
  ResolvedSettings,
  'strategy' | 'orgId' | 'techAcctId' | 'privateKey' | 'passphrase' | 'authHost' | 'authEndpoint' | 'timeoutMs' | 'sslVerify' | 'raw'
> & {
  clientId: Setting<string> | undefined;
  clientSecret: Setting<string> | undefined;
};

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

// JWTAuth names its `passphrase` option in messages; a CLI user sets it elsewhere.
const PASSPHRASE_OPTION = /\bthe passphrase option\b/g;
const PASSPHRASE_SETTINGS = 'UMAPI_PRIVATE_KEY_PASSPHRASE (or --passphrase, or enterprise.priv_key_pass)';

/**
 * Builds the authenticator the settings call for. Nothing is sent yet.
 *
 * @throws ConfigurationError when the authenticator rejects a value; each
 * problem names the flag, variable or config key it came from.
 */
export function buildAuthenticator(settings: ResolvedSettings): OAuthS2S | JWTAuth {
  return withSourceNames(settings, () => constructAuthenticator(settings.strategy, authenticatorOptions(settings, { sslVerify: true })));
}

/**
 * Runs the authenticator's own checks (host names, endpoint paths, the private
 * key) on the settings that are present, so they can be reported together
 * with the CLI's problems in one run. Options whose setting is missing are
 * left out, because the CLI reports those itself with the places to set them.
 *
 * @returns the authenticator's problems, named by the flag, variable or config
 * key to fix; none when it accepts the settings.
 */
export async function findAuthenticatorProblems(settings: AuthenticatorSettings): Promise<ConfigurationProblem[]> {
  // sslVerify is left out because `false` emits a process warning, and the CLI has checked it.
  const options = authenticatorOptions(settings, { sslVerify: false });

  let auth: OAuthS2S | JWTAuth;
  try {
    auth = constructAuthenticator(settings.strategy, options);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) {
      throw error;
    }

    return error.problems.filter((problem) => Object.hasOwn(options, problem.field)).map((problem) => renameField(problem, settings));
  }

  await auth.close();
  return [];
}

/**
 * Runs `build` and renames the fields of a ConfigurationError it throws to the
 * flag, variable or config key that supplied each option.
 */
export function withSourceNames<T>(settings: AuthenticatorSettings, build: () => T): T {
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

type AuthenticatorOptions = Record<string, string | number | boolean>;

// Only settings with a value become options, so the constructor reports no
// "is missing" problem that the CLI has already reported in its own words.
function authenticatorOptions(settings: AuthenticatorSettings, { sslVerify }: { sslVerify: boolean }): AuthenticatorOptions {
  const options: AuthenticatorOptions = {};
  const text = (name: string, setting: Setting<string> | undefined) => {
    if (setting !== undefined && setting.value.trim() !== '') {
      options[name] = setting.value;
    }
  };

  text('clientId', settings.clientId);
  text('clientSecret', settings.clientSecret);
  text('orgId', settings.orgId);
  text('authHost', settings.authHost);
  text('authEndpoint', settings.authEndpoint);
  if (sslVerify && settings.sslVerify !== undefined) {
    options.sslVerify = settings.sslVerify;
  }

  if (settings.timeoutMs !== undefined) {
    options.timeout = settings.timeoutMs;
  }

  if (settings.strategy === 'jwt') {
    text('techAcctId', settings.techAcctId);
    text('privateKey', settings.privateKey);
    if (settings.passphrase !== undefined) {
      options.passphrase = settings.passphrase.value;
    }
  }

  return options;
}

function constructAuthenticator(strategy: AuthenticatorSettings['strategy'], options: AuthenticatorOptions): OAuthS2S | JWTAuth {
  // While settings are being checked, required options may be absent; the
  // constructors check every option at run time and report what is missing.
  return strategy === 'oauth'
    ? new OAuthS2S(options as unknown as OAuthS2SOptions)
    : new JWTAuth(options as unknown as JWTAuthOptions);
}

function renameField(problem: ConfigurationProblem, settings: AuthenticatorSettings): ConfigurationProblem {
  const key = OPTION_SOURCES[problem.field];
  if (key === undefined) {
    return problem;
  }

  // The key text can come from a file or a variable; either way the PEM source is what to fix.
  // The JWT endpoint path can come from server.ims_endpoint_jwt, which resolveSettings picked.
  let setting = settings.raw[key];
  if (key === 'privateKeyData') {
    setting = settings.privateKey;
  } else if (key === 'authEndpoint') {
    setting = settings.authEndpoint;
  }

  const message = problem.message.replace(PASSPHRASE_OPTION, PASSPHRASE_SETTINGS);
  return setting === undefined ? { ...problem, message } : { field: setting.source, message };
}
