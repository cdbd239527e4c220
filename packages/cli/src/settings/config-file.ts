import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { type ConfigurationProblem, editDistance } from '@umapi/auth-core';
import { MAX_RETRIES } from '@umapi/connection';
import type { RawSettings, Setting } from './setting.js';
import { LEADING_ZERO_OCTAL } from './pyyaml-scalars.js';
import { parseYamlConfig, TypedScalar } from './yaml-config.js';

/** The settings read from a `connector-umapi.yml` file, with the problems found in it. */
export interface ConfigFileResult {
  settings: RawSettings;
  problems: ConfigurationProblem[];
  /** Keys that were ignored, for a warning. */
  ignored: string[];
  /** Keys written twice in one mapping, as `section.key`, for a warning; the last value is used. */
  duplicates: string[];
  /**
   * True when the file could not be used at all (not found, unreadable, invalid YAML or
   * not a mapping). Its one problem is then the only one worth reporting, because every
   * setting would otherwise be reported missing as well.
   */
  unusable: boolean;
}

type Section = Record<string, unknown>;

// Connection rejects a timeout under 1,000 ms with a hint written for milliseconds, which
// would confuse someone who wrote `timeout: 0.5` in this file, so the limits are checked
// here in the file's unit (seconds). One hour per attempt is far above Connection's default
// of 120 s, and a larger value is most often milliseconds written as seconds.
const MIN_TIMEOUT_SECONDS = 1;
const MAX_TIMEOUT_SECONDS = 3600;

// Keys of the User Sync Tool's connector-umapi.yml. `auth_host` and
// `auth_endpoint` replaced `ims_host` and `ims_endpoint_jwt` in newer versions
// of the tool, and `integration:` replaced `enterprise:`; both spellings occur
// in the files admins have.
const SERVER_KEYS = new Set([
  'host',
  'endpoint',
  'ims_host',
  'auth_host',
  'ims_endpoint_jwt',
  'auth_endpoint',
  'timeout',
  'retries',
  'ssl_verify',
]);
const CREDENTIAL_KEYS = new Set([
  'org_id',
  'client_id',
  'client_secret',
  'tech_acct_id',
  'tech_acct',
  'priv_key_path',
  'priv_key_data',
  'priv_key_pass',
]);
const TOP_LEVEL_KEYS = new Set(['authentication_method', 'server', 'enterprise', 'integration']);
const KEYRING_KEYS = new Set([
  'secure_org_id_key',
  'secure_client_id_key',
  'secure_client_secret_key',
  'secure_tech_acct_id_key',
  'secure_priv_key_data_key',
  'secure_priv_key_pass_key',
]);

const CREDENTIAL_AND_KEYRING_KEYS = new Set([...CREDENTIAL_KEYS, ...KEYRING_KEYS]);

/**
 * Reads a User Sync Tool `connector-umapi.yml`.
 *
 * A relative `priv_key_path` is resolved against the file's folder, as the
 * User Sync Tool does. `timeout` is in seconds in that file (1 to 3600) and
 * converted to milliseconds here. Keys written twice keep the last value, as
 * in PyYAML, and are listed in `duplicates`.
 */
export async function readConfigFile(path: string, cwd: string): Promise<ConfigFileResult> {
  const absolutePath = resolve(cwd, path);
  const fileName = basename(absolutePath);
  const problems: ConfigurationProblem[] = [];
  const ignored: string[] = [];

  let text: string;
  try {
    text = await readFile(absolutePath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : describeReadError(error);
    problems.push({ field: '--config', message: `${reason}: ${absolutePath}` });
    return { settings: {}, problems, ignored, duplicates: [], unusable: true };
  }

  const parsed = parseYamlConfig(text, fileName);
  if (!parsed.ok) {
    problems.push({ field: '--config', message: parsed.message });
    return { settings: {}, problems, ignored, duplicates: [], unusable: true };
  }

  const root = parsed.root;
  if (!isSection(root)) {
    problems.push({ field: '--config', message: `${fileName} must contain a mapping with server: and enterprise: sections` });
    return { settings: {}, problems, ignored, duplicates: [], unusable: true };
  }

  const reader = new SectionReader(fileName, problems);
  const settings: RawSettings = {};

  const method = reader.text(root, 'authentication_method');
  if (method !== undefined) {
    settings.method = method;
  }

  const server = reader.section(root, 'server');
  if (server !== undefined) {
    readServer(reader, server, settings);
    ignored.push(...unknownKeys(server, SERVER_KEYS, 'server'));
  }

  const credentials = readCredentialSection(reader, root);
  if (credentials !== undefined) {
    const { name, section } = credentials;
    readCredentials(reader, name, section, dirname(absolutePath), settings);
    for (const key of Object.keys(section).filter((key) => KEYRING_KEYS.has(key))) {
      reader.problem(`${name}.${key}`, `${fileName} refers to the OS keychain, which umapi does not read; set the value in a UMAPI_* environment variable instead`);
    }
    ignored.push(...unknownKeys(section, CREDENTIAL_AND_KEYRING_KEYS, name, { credentialSection: true }));
  }

  const duplicates = parsed.duplicateKeys.map((path) => path.map((key, index) => describeKey(key, path[index - 1])).join('.'));
  return { settings, problems, ignored, duplicates, unusable: false };
}

// Shows a key of a duplicate-key warning unless it may be a secret pasted on its own line.
function describeKey(key: string, parent: string | undefined): string {
  let known = CREDENTIAL_AND_KEYRING_KEYS;
  if (parent === undefined) {
    known = TOP_LEVEL_KEYS;
  } else if (parent === 'server') {
    known = SERVER_KEYS;
  }

  if (known.has(key)) {
    return key;
  }

  const credentialSection = parent === 'enterprise' || parent === 'integration';
  return mayBeSecret(key, known, credentialSection) || key.length > 40 ? shortenKey(key) : key;
}

function readServer(reader: SectionReader, server: Section, settings: RawSettings): void {
  assign(settings, 'host', reader.text(server, 'host', 'server'));
  assign(settings, 'endpointPath', reader.text(server, 'endpoint', 'server'));
  assign(settings, 'authHost', reader.text(server, 'auth_host', 'server') ?? reader.text(server, 'ims_host', 'server'));
  assign(settings, 'authEndpoint', reader.text(server, 'auth_endpoint', 'server'));
  assign(settings, 'jwtEndpoint', reader.text(server, 'ims_endpoint_jwt', 'server'));

  readTimeout(reader, server, settings);

  // Connection checks the same bound, but checking it here names the config key in the message.
  const retries = reader.number(server, 'retries', 'server', `a whole number from 0 to ${MAX_RETRIES}`);
  if (retries !== undefined) {
    if (Number.isInteger(retries.value) && retries.value >= 0 && retries.value <= MAX_RETRIES) {
      settings.maxRetries = retries;
    } else {
      reader.problem('server.retries', `must be a whole number from 0 to ${MAX_RETRIES}, not ${retries.value}`);
    }
  }

  assign(settings, 'sslVerify', reader.boolean(server, 'ssl_verify', 'server'));
}

function readTimeout(reader: SectionReader, server: Section, settings: RawSettings): void {
  const timeout = reader.number(server, 'timeout', 'server', `a number of seconds from ${MIN_TIMEOUT_SECONDS} to ${MAX_TIMEOUT_SECONDS}`);
  if (timeout === undefined) {
    return;
  }

  if (timeout.value < MIN_TIMEOUT_SECONDS) {
    reader.problem('server.timeout', `must be at least ${MIN_TIMEOUT_SECONDS} second, not ${timeout.value}; the unit in this file is seconds`);
  } else if (timeout.value > MAX_TIMEOUT_SECONDS) {
    reader.problem('server.timeout', `must be at most ${MAX_TIMEOUT_SECONDS} seconds, not ${timeout.value}; the unit in this file is seconds`);
  } else {
    settings.timeoutMs = { value: timeout.value * 1000, source: timeout.source };
  }
}

function readCredentialSection(reader: SectionReader, root: Section): { name: string; section: Section } | undefined {
  const enterprise = reader.section(root, 'enterprise');
  const integration = reader.section(root, 'integration');

  if (enterprise !== undefined && integration !== undefined) {
    reader.problem('integration', 'the file has both enterprise: and integration: sections; keep one');
  }

  if (enterprise !== undefined) {
    return { name: 'enterprise', section: enterprise };
  }

  return integration === undefined ? undefined : { name: 'integration', section: integration };
}

function readCredentials(
  reader: SectionReader,
  name: string,
  section: Section,
  folder: string,
  settings: RawSettings,
): void {
  assign(settings, 'orgId', reader.text(section, 'org_id', name));
  assign(settings, 'clientId', reader.text(section, 'client_id', name));
  assign(settings, 'clientSecret', reader.text(section, 'client_secret', name));
  assign(settings, 'techAcctId', reader.text(section, 'tech_acct_id', name) ?? reader.text(section, 'tech_acct', name));
  assign(settings, 'privateKeyData', reader.text(section, 'priv_key_data', name));
  assign(settings, 'passphrase', reader.text(section, 'priv_key_pass', name));

  // The User Sync Tool reads a relative key path from the config file's folder, not the working directory.
  const keyPath = reader.text(section, 'priv_key_path', name);
  if (keyPath !== undefined) {
    settings.privateKeyFile = { value: resolve(folder, keyPath.value), source: keyPath.source };
  }
}

function assign<K extends keyof RawSettings>(settings: RawSettings, key: K, value: RawSettings[K] | undefined): void {
  if (value !== undefined) {
    settings[key] = value;
  }
}

/**
 * Lists the keys of `section` that umapi does not read, as `prefix.key` for the warning. A key
 * that may be a misplaced credential is shortened: a value pasted on its own line, such as
 * `p8e-...:` under `enterprise:`, becomes a key, and the warning must not print it.
 */
function unknownKeys(section: Section, known: Set<string>, prefix: string, { credentialSection = false } = {}): string[] {
  return Object.keys(section)
    .filter((key) => !known.has(key))
    .map((key) => `${prefix}.${mayBeSecret(key, known, credentialSection) ? shortenKey(key) : key}`);
}

// Under the credential section, only a misspelling (2 edits or fewer) of a known key is shown in full.
function mayBeSecret(key: string, known: Set<string>, credentialSection: boolean): boolean {
  if (credentialSection) {
    return ![...known].some((name) => editDistance(key.toLowerCase(), name) <= 2);
  }

  return looksLikeToken(key);
}

// Setting names are short words joined by `_` or `-`, while secrets, tokens and IDs are long runs
// of letters mixed with digits.
function looksLikeToken(key: string): boolean {
  return key.length >= 16 && /\d/.test(key) && /[A-Za-z]/.test(key) && !/^[a-z]+(?:[_-][a-z]+)*$/.test(key);
}

function shortenKey(key: string): string {
  return `${key.slice(0, 3)}... (a key of ${key.length} characters, shortened because it may be a secret)`;
}

// yaml turns a mapping into a plain object. Lists, TypedScalar and the Uint8Array of `!!binary` are not sections.
function isSection(value: unknown): value is Section {
  if (typeof value !== 'object' || value === null) {
    return false;
  }

  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    return 'permission denied';
  }

  return code === 'EISDIR' ? 'is a folder, not a file' : 'cannot be read';
}

/** Reads typed values out of YAML sections, recording a problem per wrong type. */
class SectionReader {
  constructor(
    private readonly fileName: string,
    private readonly problems: ConfigurationProblem[],
  ) {}

  problem(key: string, message: string): void {
    this.problems.push({ field: this.label(key), message });
  }

  section(parent: Section, key: string): Section | undefined {
    const value = parent[key];
    if (value === undefined || value === null) {
      return undefined;
    }

    if (!isSection(value)) {
      this.problem(key, 'must be a section of key: value lines');
      return undefined;
    }

    return value;
  }

  text(section: Section, key: string, prefix?: string): Setting<string> | undefined {
    const path = prefix === undefined ? key : `${prefix}.${key}`;
    const value = section[key];
    if (value === undefined || value === null || value === '') {
      return undefined;
    }

    // An unquoted `0123`, `0x1F`, `1e5` or `true` is a number or boolean to YAML, but for a
    // text setting such as a client secret the value is the text as written.
    if (value instanceof TypedScalar) {
      if (value.source === undefined || value.source === '') {
        this.problem(path, 'could not be read as written; quote the value');
        return undefined;
      }

      return { value: value.source, source: this.label(path) };
    }

    if (typeof value !== 'string') {
      this.problem(path, 'must be a text value');
      return undefined;
    }

    return { value: value.trim(), source: this.label(path) };
  }

  number(section: Section, key: string, prefix: string, expected: string): Setting<number> | undefined {
    const path = `${prefix}.${key}`;
    const value = section[key];
    if (value === undefined || value === null) {
      return undefined;
    }

    if (!(value instanceof TypedScalar) || typeof value.value !== 'number' || !Number.isFinite(value.value)) {
      this.problem(path, `must be ${expected}`);
      return undefined;
    }

    // PyYAML reads `0120` as octal (80) and YAML 1.2 as 120, so either reading may be wrong.
    const written = value.source ?? '';
    if (LEADING_ZERO_OCTAL.test(written)) {
      this.problem(path, `${written} has a leading zero, which the User Sync Tool reads as an octal number; write the number without it`);
      return undefined;
    }

    return { value: value.value, source: this.label(path) };
  }

  boolean(section: Section, key: string, prefix: string): Setting<boolean> | undefined {
    const path = `${prefix}.${key}`;
    const value = section[key];
    if (value === undefined || value === null) {
      return undefined;
    }

    if (!(value instanceof TypedScalar) || typeof value.value !== 'boolean') {
      this.problem(path, 'must be True or False (or yes, no, on, off)');
      return undefined;
    }

    return { value: value.value, source: this.label(path) };
  }

  private label(path: string): string {
    return `${path} in ${this.fileName}`;
  }
}
