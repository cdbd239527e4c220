import { readFile } from 'node:fs/promises';
import { ConfigurationError, type ConfigurationProblem, describeOrgIdProblem } from '@umapi/auth-core';
import { findAuthenticatorProblems } from '../authenticator.js';
import { buildUmapiEndpoint } from './endpoint.js';
import { rejectUnsafeServerText } from './server-text.js';
import type { RawSettings, Setting } from './setting.js';

/** The authenticator type the settings select. */
export type Strategy = 'oauth' | 'jwt';

/** Validated settings, ready to build an authenticator and a connection. */
export interface ResolvedSettings {
  strategy: Strategy;
  orgId: Setting<string> | undefined;
  clientId: Setting<string>;
  clientSecret: Setting<string>;
  techAcctId: Setting<string> | undefined;
  /** PEM text of the private key; `source` names the file or variable it came from. */
  privateKey: Setting<string> | undefined;
  passphrase: Setting<string> | undefined;
  authHost: Setting<string> | undefined;
  authEndpoint: Setting<string> | undefined;
  /** The UMAPI endpoint URL. */
  endpoint: string;
  timeoutMs: number | undefined;
  maxRetries: number | undefined;
  sslVerify: boolean | undefined;
  /** The settings as read, so errors from the authenticators can name the source of a field. */
  raw: RawSettings;
}

/** The places to set each value, for "missing" messages. */
const HOW_TO_SET = {
  clientId: 'set UMAPI_CLIENT_ID, --client-id or enterprise.client_id in the --config file',
  clientSecret: 'set UMAPI_CLIENT_SECRET or enterprise.client_secret in the --config file',
  orgId: 'set UMAPI_ORG_ID, --org-id or enterprise.org_id in the --config file',
  techAcctId: 'set UMAPI_TECH_ACCT_ID, --tech-acct-id or enterprise.tech_acct_id in the --config file',
  privateKey:
    'set UMAPI_PRIVATE_KEY_FILE, --private-key-file or enterprise.priv_key_path (or UMAPI_PRIVATE_KEY or enterprise.priv_key_data for the PEM text)',
} as const;

/**
 * Checks the merged settings, picks the strategy and reads the private key file.
 *
 * OAuth server-to-server is used unless a technical account ID or a private
 * key is set, or the config file sets `authentication_method: jwt`.
 *
 * Host and endpoint settings that contain a line break, a PEM block or a
 * secret-looking run are problems described without their value.
 *
 * When any problem is found, the authenticator's own checks (host names,
 * endpoint paths, the private key) run on the settings that are present, so
 * one run reports them all.
 *
 * @param raw - The settings as read from flags, variables and the config file.
 * @param options - `requireOrgId` for commands that call UMAPI; `problems`
 *   found earlier, such as those of the config file, are listed first.
 * @throws ConfigurationError listing every problem, each named by the flag,
 * variable or config key that supplied it.
 */
export async function resolveSettings(
  loaded: RawSettings,
  { requireOrgId, problems: earlierProblems = [] }: { requireOrgId: boolean; problems?: readonly ConfigurationProblem[] },
): Promise<ResolvedSettings> {
  const problems: ConfigurationProblem[] = [...earlierProblems];

  // Checked first and dropped from the copy, so no later message can quote a pasted key or secret.
  const raw: RawSettings = { ...loaded };
  problems.push(...rejectUnsafeServerText(raw));

  const strategy = chooseStrategy(raw, problems);

  requireSetting(raw.clientId, 'client ID', HOW_TO_SET.clientId, problems);
  requireSetting(raw.clientSecret, 'client secret', HOW_TO_SET.clientSecret, problems);
  if (requireOrgId || strategy === 'jwt') {
    requireSetting(raw.orgId, 'org ID', HOW_TO_SET.orgId, problems);
  }

  const orgIdValid = checkOrgIdFormat(raw.orgId, problems);

  let privateKey: Setting<string> | undefined;
  if (strategy === 'jwt') {
    requireSetting(raw.techAcctId, 'technical account ID', HOW_TO_SET.techAcctId, problems);
    privateKey = await readPrivateKey(raw, problems);
  }

  const endpoint = buildUmapiEndpoint(raw.host, raw.endpointPath, problems);
  const authEndpoint = strategy === 'jwt' ? (raw.authEndpoint ?? raw.jwtEndpoint) : raw.authEndpoint;
  if (strategy === 'oauth') {
    rejectJwtEndpoint(authEndpoint, problems);
  }

  if (problems.length > 0 || endpoint === undefined) {
    const { clientId, clientSecret, orgId, techAcctId, passphrase, authHost, sslVerify } = raw;
    problems.push(
      ...(await findAuthenticatorProblems({
        strategy,
        clientId,
        clientSecret,
        // The authenticator would report an invalid org ID a second time.
        orgId: orgIdValid ? orgId : undefined,
        techAcctId,
        privateKey,
        passphrase,
        authHost,
        authEndpoint,
        timeoutMs: raw.timeoutMs?.value,
        sslVerify: sslVerify?.value,
        raw,
      })),
    );
    throw new ConfigurationError(problems, { subject: 'configuration' });
  }

  return {
    strategy,
    orgId: raw.orgId,
    clientId: raw.clientId!,
    clientSecret: raw.clientSecret!,
    techAcctId: strategy === 'jwt' ? raw.techAcctId : undefined,
    privateKey,
    passphrase: strategy === 'jwt' ? raw.passphrase : undefined,
    authHost: raw.authHost,
    authEndpoint,
    endpoint,
    timeoutMs: raw.timeoutMs?.value,
    maxRetries: raw.maxRetries?.value,
    sslVerify: raw.sslVerify?.value,
    raw,
  };
}

// The JWT exchange paths IMS serves, with or without a version and a trailing slash.
const JWT_EXCHANGE_PATH = /\/ims\/exchange\/(?:v\d+\/)?jwt\/?$/i;

/**
 * Rejects a JWT exchange endpoint left over in an OAuth configuration. Sent
 * there, an OAuth token request gets an `invalid_request` error about a
 * missing `jwt_token`, which does not point at the setting to remove.
 */
function rejectJwtEndpoint(authEndpoint: Setting<string> | undefined, problems: ConfigurationProblem[]): void {
  if (authEndpoint === undefined || !JWT_EXCHANGE_PATH.test(authEndpoint.value.trim())) {
    return;
  }

  problems.push({
    field: authEndpoint.source,
    message:
      'is the JWT exchange endpoint, but without a technical account ID and private key the credential is OAuth server-to-server, ' +
      'which uses /ims/token/v3; remove this setting',
  });
}

function chooseStrategy(raw: RawSettings, problems: ConfigurationProblem[]): Strategy {
  if (raw.method !== undefined) {
    const method = raw.method.value.toLowerCase();
    if (method === 'oauth' || method === 'jwt') {
      return method;
    }

    problems.push({ field: raw.method.source, message: `"${raw.method.value}" is not supported; use oauth or jwt` });
  }

  const hasJwtSettings =
    raw.techAcctId !== undefined || raw.privateKeyFile !== undefined || raw.privateKeyData !== undefined;
  return hasJwtSettings ? 'jwt' : 'oauth';
}

// Checked for both strategies, because an org ID without @AdobeOrg is a copy mistake that
// would otherwise surface only as a rejected request. Returns false after reporting a problem.
function checkOrgIdFormat(orgId: Setting<string> | undefined, problems: ConfigurationProblem[]): boolean {
  const value = orgId?.value.trim() ?? '';
  if (orgId === undefined || value === '') {
    return true;
  }

  const problem = describeOrgIdProblem(value);
  if (problem === undefined) {
    return true;
  }

  problems.push({ field: orgId.source, message: `${problem} (got ${JSON.stringify(value)})` });
  return false;
}

function requireSetting(
  setting: Setting<string> | undefined,
  name: string,
  howToSet: string,
  problems: ConfigurationProblem[],
): void {
  if (setting === undefined || setting.value.trim() === '') {
    problems.push({ field: name, message: `missing; ${howToSet}` });
  }
}

async function readPrivateKey(raw: RawSettings, problems: ConfigurationProblem[]): Promise<Setting<string> | undefined> {
  const { privateKeyFile: file, privateKeyData: data } = raw;

  if (file !== undefined && data !== undefined) {
    problems.push({ field: data.source, message: `set either ${file.source} or ${data.source}, not both` });
    return undefined;
  }

  if (data !== undefined) {
    return data;
  }

  if (file === undefined) {
    problems.push({ field: 'private key', message: `missing; ${HOW_TO_SET.privateKey}` });
    return undefined;
  }

  try {
    return { value: await readFile(file.value, 'utf8'), source: file.source };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a folder, not a file'
            : 'cannot be read';
    problems.push({ field: file.source, message: `${reason}: ${file.value}` });
    return undefined;
  }
}
