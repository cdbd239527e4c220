import type { ConfigurationProblem } from '@umapi/auth-core';
import type { CommandLine } from '../command-line.js';
import { readConfigFile } from './config-file.js';
import { readEnvironment } from './environment.js';
import { type RawSettings, mergeSettings } from './setting.js';

/** Settings read from the flags, the environment and `--config`, before validation. */
export interface LoadedSettings {
  raw: RawSettings;
  /** Problems found while reading the config file. */
  problems: ConfigurationProblem[];
  /** Config file keys that umapi does not use. */
  ignored: string[];
  /** Config file keys written twice in one mapping; the last value is used. */
  duplicates: string[];
  /** False when no source set any credential, so the fake servers are used. */
  found: boolean;
  /** True when the `--config` file could not be used at all; `problems` then says why. */
  configUnusable: boolean;
}

/** Reads every source; for each value a flag wins over a variable, which wins over the config file. */
export async function loadSettings(line: CommandLine, env: NodeJS.ProcessEnv, cwd: string): Promise<LoadedSettings> {
  const file = line.config === undefined ? undefined : await readConfigFile(line.config, cwd);
  const raw = mergeSettings(line.settings, readEnvironment(env, cwd), file?.settings ?? {});

  const credentialKeys: (keyof RawSettings)[] = ['orgId', 'clientId', 'clientSecret', 'techAcctId', 'privateKeyFile', 'privateKeyData'];
  const found = line.config !== undefined || credentialKeys.some((key) => raw[key] !== undefined);

  return {
    raw,
    problems: file?.problems ?? [],
    ignored: file?.ignored ?? [],
    duplicates: file?.duplicates ?? [],
    found,
    configUnusable: file?.unusable ?? false,
  };
}
