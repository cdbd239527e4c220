/** A configuration value and where it came from, such as `--client-id` or `UMAPI_CLIENT_ID`. */
export interface Setting<T> {
  value: T;
  /** The flag, environment variable or config file key that supplied the value. */
  source: string;
}

/** Every setting the CLI reads, before validation. Each source fills in what it has. */
export interface RawSettings {
  /** `oauth` or `jwt`, from `authentication_method` in a config file. */
  method?: Setting<string>;
  orgId?: Setting<string>;
  clientId?: Setting<string>;
  clientSecret?: Setting<string>;
  techAcctId?: Setting<string>;
  /** Absolute path of the private key file. */
  privateKeyFile?: Setting<string>;
  /** PEM text of the private key. */
  privateKeyData?: Setting<string>;
  passphrase?: Setting<string>;
  /** UMAPI host name or origin URL. */
  host?: Setting<string>;
  /** UMAPI endpoint path, such as `/v2/usermanagement`. */
  endpointPath?: Setting<string>;
  /** IMS host name or origin URL. */
  authHost?: Setting<string>;
  /** IMS token endpoint path for either strategy. */
  authEndpoint?: Setting<string>;
  /** IMS JWT exchange path, read only for JWT credentials. */
  jwtEndpoint?: Setting<string>;
  /** Per-attempt timeout in milliseconds. */
  timeoutMs?: Setting<number>;
  maxRetries?: Setting<number>;
  sslVerify?: Setting<boolean>;
}

/** The settings that hold secrets: their values are never printed. */
export const SECRET_SETTINGS = new Set<keyof RawSettings>(['clientSecret', 'privateKeyData', 'passphrase']);

/** Merges sources so that earlier ones win, field by field. */
export function mergeSettings(...sources: RawSettings[]): RawSettings {
  const merged: RawSettings = {};

  for (const source of [...sources].reverse()) {
    for (const [key, setting] of Object.entries(source)) {
      if (setting !== undefined) {
        (merged as Record<string, unknown>)[key] = setting;
      }
    }
  }

  return merged;
}
