import { ConfigurationError, type ConfigurationProblem } from './errors.js';
import { MAX_TIMER_DELAY_MS } from './retry.js';
import type { TransportOptions } from './transport.js';

/** The accepted option names and the other spellings people copy from elsewhere. */
export interface OptionNames {
  /** Every accepted option name, in the order a message lists them. */
  known: readonly string[];
  /**
   * Names from other clients (Python umapi-client, User Sync Tool configs), mapped to the
   * option to use instead, or to a whole message when a rename is not enough.
   */
  renames?: Readonly<
    Record<
      string,
      | string
      | {
          /** The whole message reported for the old name. */
          message: string;
        }
    >
  >;
}

/** Options of {@link OptionChecker.requireString}. */
export interface StringCheckOptions {
  /** Never quote the value in a message, as for a client secret. Default `false`. */
  secret?: boolean;
  /**
   * Trim whitespace at the ends, as values pasted from consoles and environment variables
   * often end with a newline. With `false`, such whitespace is reported. Default `true`.
   */
  trim?: boolean;
  /** Accept whitespace inside the value. Default `false`, because no ID or secret contains any. */
  allowInnerWhitespace?: boolean;
}

/**
 * The smallest per-attempt `timeout` {@link OptionChecker.timeout} accepts, in
 * milliseconds. A smaller number is almost always seconds written as for Python's
 * umapi-client (`timeout=120`), not a deliberate limit.
 */
export const MIN_TIMEOUT_MS = 1_000;

/** The accepted range of {@link OptionChecker.duration}, in milliseconds. */
export interface DurationRange {
  /** The smallest value. */
  min: number;
  /** Reject `min` itself, as for a timeout that must be greater than zero. Default `false`. */
  minExclusive?: boolean;
  /** The largest value. Default no limit. */
  max?: number;
}

/**
 * Collects the problems of an options object, so that an authenticator or another
 * component can report every invalid, missing or unknown option in one
 * `ConfigurationError` instead of stopping at the first.
 *
 * Each check reads one option by name, records a problem naming that option when the
 * value is invalid, and returns the value (or `undefined`). Messages never contain a
 * value passed with `secret: true`.
 *
 * @example
 * ```ts
 * const check = new OptionChecker(options);
 * check.checkNames({ known: ['clientId', 'timeout'], renames: { client_id: 'clientId' } });
 * const clientId = check.requireString('clientId');
 * const timeout = check.duration('timeout', { min: 0, minExclusive: true }) ?? 30_000;
 * check.throwIfProblems('MyAuth options'); // ConfigurationError listing every problem
 * ```
 */
export class OptionChecker {
  /** The problems found so far, in the order the checks ran. */
  readonly problems: ConfigurationProblem[] = [];

  /** @param options - The options object as the caller passed it. */
  constructor(readonly options: Readonly<Record<string, unknown>>) {}

  /** Records a problem found by a check of the caller's own. */
  report(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  /**
   * Reports every option name that is not in `names.known`, with the name to use instead
   * when `names.renames` has one, or else the closest known name (see
   * {@link suggestOptionName}), or else the list of known names. Keys whose value is
   * `undefined` are ignored, like absent ones.
   */
  checkNames(names: OptionNames): void {
    for (const [name, value] of Object.entries(this.options)) {
      if (value !== undefined && !names.known.includes(name)) {
        this.report(describeOptionName(name, names), describeUnknownOption(name, names));
      }
    }
  }

  /**
   * Reads a required string option: it must be present, a string and not empty.
   *
   * @returns the value (trimmed unless `trim` is `false`), or `undefined` after reporting a problem.
   */
  requireString(field: string, options: StringCheckOptions = {}): string | undefined {
    const value = this.options[field];
    if (value === undefined || value === null) {
      this.report(field, 'is missing');
      return undefined;
    }

    if (typeof value !== 'string') {
      this.report(field, `must be a string, not ${describeType(value)}`);
      return undefined;
    }

    const trimmed = value.trim();
    if (trimmed === '') {
      this.report(field, 'is empty');
      return undefined;
    }

    // The value is not quoted: whitespace and control characters usually come
    // from a key or secret pasted into the wrong field.
    if (options.trim === false && trimmed !== value) {
      this.report(field, 'has leading or trailing whitespace; remove it');
      return undefined;
    }

    const control = findCharacter(trimmed, CONTROL_CHARACTER);
    if (control !== undefined) {
      this.report(
        field,
        `must not contain control characters such as line breaks, tabs or NUL (found ${control}); copy the value again without them`,
      );
      return undefined;
    }

    const space = options.allowInnerWhitespace ? undefined : findCharacter(trimmed, /\s/u);
    if (space !== undefined) {
      this.report(field, `must not contain whitespace (found ${space})`);
      return undefined;
    }

    return options.trim === false ? value : trimmed;
  }

  /** Like {@link OptionChecker.requireString}, but an absent (`undefined`) option is accepted and returns `undefined`. */
  optionalString(field: string, options: StringCheckOptions = {}): string | undefined {
    return this.options[field] === undefined ? undefined : this.requireString(field, options);
  }

  /**
   * Reads an optional duration in milliseconds: a finite number within `range`.
   *
   * @returns the value, or `undefined` when it is absent or invalid (then a problem is reported).
   */
  duration(field: string, range: DurationRange): number | undefined {
    const value = this.options[field];
    if (value === undefined) {
      return undefined;
    }

    const max = range.max ?? Number.POSITIVE_INFINITY;
    const aboveMin = typeof value === 'number' && (range.minExclusive ? value > range.min : value >= range.min);
    if (!aboveMin || !Number.isFinite(value) || value > max) {
      this.report(field, `must be a number of milliseconds, ${describeRange(range)}, not ${describeValue(value)}`);
      return undefined;
    }

    return value;
  }

  /**
   * Reads a per-attempt timeout in milliseconds, from {@link MIN_TIMEOUT_MS} (1,000)
   * to {@link MAX_TIMER_DELAY_MS}. Connection and every authenticator share this rule.
   *
   * Python's umapi-client takes seconds, so a positive value below one second is
   * taken for seconds: the problem names the millisecond value to use instead
   * (`120` gives "did you mean 120000 (120 seconds)?").
   *
   * @param field - The option name. Default `timeout`.
   * @returns the value, or `undefined` when it is absent or invalid (then a problem is reported).
   */
  timeout(field = 'timeout'): number | undefined {
    const value = this.options[field];
    const looksLikeSeconds = typeof value === 'number' && value > 0 && value < MIN_TIMEOUT_MS;
    if (!looksLikeSeconds) {
      return this.duration(field, { min: MIN_TIMEOUT_MS, max: MAX_TIMER_DELAY_MS });
    }

    const hint = value >= 1 ? `; did you mean ${value * 1000} (${value} seconds)?` : '';
    this.report(
      field,
      `must be at least ${MIN_TIMEOUT_MS} milliseconds, not ${value}. The unit is milliseconds, not seconds as in Python's umapi-client${hint}`,
    );
    return undefined;
  }

  /**
   * Reads a required org ID: a string as {@link OptionChecker.requireString} reads it,
   * made of letters and digits followed by `@AdobeOrg` (see {@link describeOrgIdProblem}).
   *
   * @param field - The option name. Default `orgId`.
   * @returns the trimmed org ID, or `undefined` after reporting a problem.
   */
  orgId(field = 'orgId'): string | undefined {
    const orgId = this.requireString(field);
    if (orgId === undefined) {
      return undefined;
    }

    const problem = describeOrgIdProblem(orgId);
    if (problem !== undefined) {
      this.report(field, problem);
      return undefined;
    }

    return orgId;
  }

  /** Reads an optional boolean option. Returns `undefined` when it is absent or not a boolean. */
  boolean(field: string): boolean | undefined {
    const value = this.options[field];
    if (value === undefined) {
      return undefined;
    }

    if (typeof value !== 'boolean') {
      this.report(field, `must be true or false, not ${describeValue(value)}`);
      return undefined;
    }

    return value;
  }

  /** Reads the optional `fetch` option: a function with the signature of `fetch`. */
  fetch(): typeof globalThis.fetch | undefined {
    const value = this.options.fetch;
    if (value === undefined) {
      return undefined;
    }

    if (typeof value !== 'function') {
      this.report('fetch', `must be a function compatible with fetch, not ${describeType(value)}`);
      return undefined;
    }

    return value as typeof globalThis.fetch;
  }

  /** Reads the optional `ca` option: a PEM string, a Buffer, or an array of them. */
  ca(): TransportOptions['ca'] {
    const value = this.options.ca;
    if (value === undefined) {
      return undefined;
    }

    const entries: unknown[] = Array.isArray(value) ? value : [value];
    if (!entries.every((entry) => typeof entry === 'string' || Buffer.isBuffer(entry))) {
      this.report('ca', 'must be a PEM string, a Buffer or an array of them');
      return undefined;
    }

    return value as TransportOptions['ca'];
  }

  /** Reads the `TransportOptions` (`sslVerify`, `fetch`, `ca`), leaving out absent or invalid ones. */
  transport(): TransportOptions {
    const sslVerify = this.boolean('sslVerify');
    const fetch = this.fetch();
    const ca = this.ca();

    return {
      ...(sslVerify === undefined ? {} : { sslVerify }),
      ...(fetch === undefined ? {} : { fetch }),
      ...(ca === undefined ? {} : { ca }),
    };
  }

  /**
   * Throws when any check has reported a problem.
   *
   * @param subject - What the options configure, for the message, such as `OAuthS2S options`.
   * @throws ConfigurationError listing every problem found.
   */
  throwIfProblems(subject: string): void {
    if (this.problems.length > 0) {
      throw new ConfigurationError([...this.problems], { subject });
    }
  }
}

/** The suffix every Adobe org ID ends with, as in `12345ABCDE@AdobeOrg`. */
export const ORG_ID_SUFFIX = '@AdobeOrg';

/**
 * Checks the format of an org ID, for callers that report problems their own way,
 * such as a command line naming a flag or an environment variable.
 *
 * A valid org ID is one or more ASCII letters and digits followed by {@link ORG_ID_SUFFIX}.
 * Adobe's org IDs have 24 hexadecimal digits before the suffix, but the length is not
 * checked, because older orgs and test doubles use other lengths.
 *
 * @param orgId - The org ID, already trimmed.
 * @returns the problem message (such as `must end with @AdobeOrg, ...`) to put after the
 *   option name, or `undefined` when the org ID is valid.
 *
 * @example
 * ```ts
 * describeOrgIdProblem('12345ABCDE'); // 'must end with @AdobeOrg, like 12345ABCDE@AdobeOrg; ...'
 * describeOrgIdProblem('@AdobeOrg'); // 'has no ID before @AdobeOrg, like 12345ABCDE@AdobeOrg; ...'
 * describeOrgIdProblem('12345ABCDE@AdobeOrg'); // undefined
 * ```
 */
export function describeOrgIdProblem(orgId: string): string | undefined {
  const fix = `like 12345ABCDE${ORG_ID_SUFFIX}; copy the whole org ID from the Admin Console`;
  if (!orgId.endsWith(ORG_ID_SUFFIX)) {
    return `must end with ${ORG_ID_SUFFIX}, ${fix}`;
  }

  const id = orgId.slice(0, -ORG_ID_SUFFIX.length);
  if (id === '') {
    return `has no ID before ${ORG_ID_SUFFIX}, ${fix}`;
  }

  if (!/^[A-Za-z0-9]+$/.test(id)) {
    return `must have only letters and digits before ${ORG_ID_SUFFIX}, ${fix}`;
  }

  return undefined;
}

/** Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point of this pattern.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/** Maximum length of a value {@link quoteValue} quotes, in characters: org IDs and client IDs fit. */
const MAX_QUOTED_LENGTH = 40;

/** Describes the first character matching `pattern` by code point and position, never by the value around it. */
function findCharacter(value: string, pattern: RegExp): string | undefined {
  const index = [...value].findIndex((character) => pattern.test(character));
  if (index < 0) {
    return undefined;
  }

  const codePoint = [...value][index]?.codePointAt(0) ?? 0;
  const name = codePoint === 0x20 ? 'a space' : `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  return `${name} at character ${index + 1}`;
}

/**
 * Quotes a value for a message when it is short (at most 40 characters) and made
 * of visible ASCII only, as a typo'd org ID or client ID is. Longer values or
 * values with whitespace are not quoted, because they are more often a key,
 * secret or token pasted into the wrong field.
 *
 * @returns the value in double quotes, or `undefined` when it must not be shown.
 */
export function quoteValue(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= MAX_QUOTED_LENGTH && /^[\x21-\x7e]+$/.test(value)
    ? JSON.stringify(value)
    : undefined;
}

/**
 * Names an unknown option for a `ConfigurationProblem` field. The name itself
 * is used when it is a known old spelling, close to a known name, or a short
 * identifier (up to 20 characters, at most 2 digits). Any other name becomes
 * `an option name of N characters`, because a long or random-looking key is
 * often a secret pasted as a key.
 */
export function describeOptionName(name: string, names: OptionNames): string {
  const identifier = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(name) && name.length <= MAX_QUOTED_LENGTH;
  const isRename = names.renames !== undefined && Object.hasOwn(names.renames, name);
  const isNear = identifier && suggestOptionName(name, names.known) !== undefined;
  const isShort = identifier && name.length <= 20 && (name.match(/\d/g)?.length ?? 0) <= 2;
  return isRename || isNear || isShort ? name : `an option name of ${[...name].length} characters`;
}

/**
 * Describes an unknown option name for a `ConfigurationProblem` message: the name to use
 * from `names.renames`, else the closest known name, else the list of known names.
 */
export function describeUnknownOption(name: string, names: OptionNames): string {
  const rename = names.renames !== undefined && Object.hasOwn(names.renames, name) ? names.renames[name] : undefined;
  if (typeof rename === 'string') {
    return `is not an option; use ${rename} instead`;
  }

  if (rename !== undefined) {
    return rename.message;
  }

  const closest = suggestOptionName(name, names.known);
  return closest === undefined
    ? `is not an option; valid options are ${names.known.join(', ')}`
    : `is not an option; did you mean ${closest}?`;
}

/**
 * Finds the known name nearest to a misspelt one by edit distance, ignoring case and
 * underscores, so `jwt_lifetime_ms` finds `jwtLifetimeMs` and `orgID` finds `orgId`.
 *
 * @returns the nearest name, or `undefined` when even that one differs in more than a
 *   third of the characters (at least 2), where a suggestion would mislead more than help.
 */
export function suggestOptionName(name: string, known: readonly string[]): string | undefined {
  const normalized = name.toLowerCase().replaceAll('_', '');
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(normalized, candidate.toLowerCase());
    if (best === undefined || distance < best.distance) {
      best = { name: candidate, distance };
    }
  }

  return best !== undefined && best.distance <= Math.max(2, Math.floor(normalized.length / 3)) ? best.name : undefined;
}

/** Describes the type of a value for a message, such as `a number`, `an object`, `an array` or `null`. */
export function describeType(value: unknown): string {
  if (value === null) {
    return 'null';
  }

  if (Array.isArray(value)) {
    return 'an array';
  }

  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Like {@link describeType}, but shows numbers and booleans themselves, such as `0` or `false`. */
export function describeValue(value: unknown): string {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : describeType(value);
}

function describeRange(range: DurationRange): string {
  let lower: string;
  if (range.min === 0) {
    lower = range.minExclusive ? 'greater than zero' : 'zero or more';
  } else {
    lower = range.minExclusive ? `greater than ${range.min}` : `at least ${range.min}`;
  }

  return range.max === undefined || !Number.isFinite(range.max) ? lower : `${lower} and at most ${range.max}`;
}

/**
 * Returns the Levenshtein distance between two strings: the number of single-character
 * insertions, deletions and substitutions that turn one into the other.
 *
 * @example
 * editDistance('client_secrt', 'client_secret'); // 1
 */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }

  return previous[b.length] ?? 0;
}
