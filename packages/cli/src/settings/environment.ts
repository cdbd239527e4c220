import { resolve } from 'node:path';
import type { RawSettings } from './setting.js';

/** Environment variables the CLI reads, and the setting each one fills. */
export const ENVIRONMENT_VARIABLES = {
  UMAPI_ORG_ID: 'orgId',
  UMAPI_CLIENT_ID: 'clientId',
  UMAPI_CLIENT_SECRET: 'clientSecret',
  UMAPI_TECH_ACCT_ID: 'techAcctId',
  UMAPI_PRIVATE_KEY_FILE: 'privateKeyFile',
  UMAPI_PRIVATE_KEY: 'privateKeyData',
  UMAPI_PRIVATE_KEY_PASSPHRASE: 'passphrase',
  UMAPI_HOST: 'host',
  UMAPI_IMS_HOST: 'authHost',
} as const satisfies Record<string, keyof RawSettings>;

/**
 * Reads the `UMAPI_*` environment variables. Empty variables count as unset,
 * and a relative key file path is read from `cwd`.
 */
export function readEnvironment(env: NodeJS.ProcessEnv, cwd: string): RawSettings {
  const settings: Record<string, { value: string; source: string }> = {};

  for (const [name, key] of Object.entries(ENVIRONMENT_VARIABLES)) {
    const value = env[name];
    if (value === undefined || value === '') {
      continue;
    }

    settings[key] = { value: key === 'privateKeyFile' ? resolve(cwd, value) : value, source: name };
  }

  return settings as RawSettings;
}
