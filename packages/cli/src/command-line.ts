import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { editDistance } from '@umapi/auth-core';
import type { RawSettings } from './settings/setting.js';
import { UsageError } from './usage-error.js';

/** The commands, in the order help lists them. */
export const COMMANDS = ['check', 'token', 'status', 'users', 'groups'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** Output formats of the listing commands. */
export const FORMATS = ['table', 'json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  json: { type: 'boolean' },
  config: { type: 'string', short: 'c' },
  fake: { type: 'boolean' },
  'org-id': { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'tech-acct-id': { type: 'string' },
  'private-key-file': { type: 'string' },
  passphrase: { type: 'string' },
  host: { type: 'string' },
  'ims-host': { type: 'string' },
  show: { type: 'boolean' },
  group: { type: 'string' },
  domain: { type: 'string' },
  format: { type: 'string', short: 'f' },
} as const;

// Options that only some commands take; every other option is global.
const COMMAND_OPTIONS: Record<string, readonly CommandName[]> = {
  show: ['token'],
  group: ['users'],
  domain: ['users'],
  format: ['users', 'groups'],
};

/** Flags that choose credentials or hosts, which `--fake` replaces with the fakes' own. */
const FAKE_CONFLICTS = [
  'config',
  'org-id',
  'client-id',
  'client-secret',
  'tech-acct-id',
  'private-key-file',
  'passphrase',
  'host',
  'ims-host',
] as const satisfies readonly (keyof typeof OPTIONS)[];

/** Flags that carry a secret: visible to other local users in the process list. */
export const SECRET_FLAGS = ['client-secret', 'passphrase'] as const;

/** A parsed command line. */
export interface CommandLine {
  command: CommandName | undefined;
  help: boolean;
  version: boolean;
  json: boolean;
  fake: boolean;
  config: string | undefined;
  show: boolean;
  group: string | undefined;
  domain: string | undefined;
  format: Format | undefined;
  /** Settings given as flags, named by their flag. */
  settings: RawSettings;
  /** Secret flags that were used, for a warning. */
  secretFlags: string[];
}

/**
 * Parses the arguments after `umapi`. Options may come before or after the command.
 *
 * @throws UsageError for an unknown command or option, a missing option value,
 * an option with a value given twice, an option the command does not take, or an
 * invalid `--format`.
 */
export function parseCommandLine(argv: readonly string[], cwd: string): CommandLine {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true; tokens: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    throw new UsageError(describeParseError(error), findCommand(argv));
  }

  const { values, positionals, tokens } = parsed;
  const [name, ...extra] = positionals;
  const command = readCommand(name);

  // The value is not echoed: a misplaced secret, such as `umapi check "$SECRET"`, would reach
  // logs, and the user can see what they typed at that position.
  if (extra.length > 0) {
    const position = tokens.filter((token) => token.kind === 'positional')[1]!.index + 1;
    throw new UsageError(`unexpected argument at position ${position}; umapi takes one command and options only`, command);
  }

  checkRepeatedOptions(tokens, command);
  checkGroup(values.group, command);

  const format = readFormat(values.format, command);
  if (values.json === true && format !== undefined && format !== 'json') {
    throw new UsageError(`--json and --format ${format} conflict; use one of them (--json is the same as --format json)`, command);
  }

  if (values.fake === true) {
    const given = FAKE_CONFLICTS.filter((flag) => values[flag] !== undefined).map((flag) => `--${flag}`);
    if (given.length > 0) {
      throw new UsageError(
        `${given.join(', ')} cannot be combined with --fake, which uses the fake servers' own credentials and hosts; drop ${given.length === 1 ? 'it' : 'them'} or --fake`,
        command,
      );
    }
  }

  for (const [option, commands] of Object.entries(COMMAND_OPTIONS)) {
    if (values[option as keyof typeof values] !== undefined && (command === undefined || !commands.includes(command))) {
      const where = commands.map((entry) => `umapi ${entry}`).join(' and ');
      throw new UsageError(`--${option} applies to ${where} only`, command);
    }
  }

  return {
    command,
    help: values.help === true,
    version: values.version === true,
    json: values.json === true,
    fake: values.fake === true,
    config: values.config,
    show: values.show === true,
    group: values.group,
    domain: values.domain,
    format,
    settings: readSettingFlags(values, cwd),
    secretFlags: SECRET_FLAGS.filter((flag) => values[flag] !== undefined).map((flag) => `--${flag}`),
  };
}

// parseArgs keeps the last value of a repeated option, which for a credential silently picks one
// of two secrets. A repeated option that takes a value is therefore rejected, by name only,
// because its values may be secrets.
function checkRepeatedOptions(tokens: readonly { kind: string; name?: string }[], command: CommandName | undefined): void {
  const counts = new Map<string, number>();
  for (const token of tokens) {
    if (token.kind === 'option' && token.name !== undefined && OPTIONS[token.name as keyof typeof OPTIONS]?.type === 'string') {
      counts.set(token.name, (counts.get(token.name) ?? 0) + 1);
    }
  }

  const repeated = [...counts].filter(([, count]) => count > 1).map(([name]) => `--${name}`);
  if (repeated.length > 0) {
    throw new UsageError(`${repeated.join(', ')} ${repeated.length === 1 ? 'is' : 'are'} given more than once; give each option once`, command);
  }
}

// A group name of `.` or `..` would be resolved as a path step in the
// request URL, so it cannot name a group.
function checkGroup(group: string | undefined, command: CommandName | undefined): void {
  if (group === undefined) {
    return;
  }

  if (group.trim() === '') {
    throw new UsageError('--group needs a group name; "umapi groups" lists them', command);
  }

  if (group === '.' || group === '..') {
    throw new UsageError(
      `--group ${JSON.stringify(group)} cannot name a group, because "." and ".." are relative path steps in the request URL; "umapi groups" lists the group names`,
      command,
    );
  }
}

function readCommand(name: string | undefined): CommandName | undefined {
  if (name === undefined) {
    return undefined;
  }

  if (!(COMMANDS as readonly string[]).includes(name)) {
    throw new UsageError(`unknown command "${name}"; the commands are ${COMMANDS.join(', ')}`);
  }

  return name as CommandName;
}

function readFormat(value: string | undefined, command: CommandName | undefined): Format | undefined {
  if (value === undefined) {
    return undefined;
  }

  if (!(FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--format must be ${FORMATS.join(', ')}; got "${value}"`, command);
  }

  return value as Format;
}

function readSettingFlags(values: Record<string, string | boolean | undefined>, cwd: string): RawSettings {
  const settings: RawSettings = {};
  const text = (flag: string): { value: string; source: string } | undefined => {
    const value = values[flag];
    return typeof value === 'string' && value !== '' ? { value, source: `--${flag}` } : undefined;
  };

  const assignments: [keyof RawSettings, string][] = [
    ['orgId', 'org-id'],
    ['clientId', 'client-id'],
    ['clientSecret', 'client-secret'],
    ['techAcctId', 'tech-acct-id'],
    ['passphrase', 'passphrase'],
    ['host', 'host'],
    ['authHost', 'ims-host'],
  ];
  for (const [key, flag] of assignments) {
    const setting = text(flag);
    if (setting !== undefined) {
      (settings as Record<string, unknown>)[key] = setting;
    }
  }

  const keyFile = text('private-key-file');
  if (keyFile !== undefined) {
    settings.privateKeyFile = { value: resolve(cwd, keyFile.value), source: keyFile.source };
  }

  return settings;
}

// Node's parseArgs messages are long and suggest `--` tricks; keep the part a user needs.
function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(?:-\w, )?(-{1,2}[^' ,]+)/.exec(message)?.[1] ?? 'an option';

  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const suggestion = suggestOption(option);
    return suggestion === undefined ? `unknown option ${option}` : `unknown option ${option}; did you mean ${suggestion}?`;
  }

  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return message.includes('does not take an argument') ? `option ${option} takes no value` : `option ${option} needs a value`;
  }

  return message.split('\n')[0]!;
}

/**
 * Suggests a known long option for an unknown one: the dashed spelling of an option written
 * the Python or JavaScript way (`--org_id`, `--orgId` for `--org-id`, as User Sync Tool users
 * often write), else the closest option within 2 edits, such as `--client-secret` for `--client-secrt`.
 */
export function suggestOption(option: string): string | undefined {
  if (!option.startsWith('--')) {
    return undefined;
  }

  const dashed = option
    .slice(2)
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replaceAll('_', '-')
    .toLowerCase();
  if (Object.hasOwn(OPTIONS, dashed)) {
    return dashed === option.slice(2) ? undefined : `--${dashed}`;
  }

  let best: { name: string; distance: number } | undefined;
  for (const name of Object.keys(OPTIONS)) {
    const distance = editDistance(dashed, name);
    if (distance <= 2 && distance < dashed.length && (best === undefined || distance < best.distance)) {
      best = { name, distance };
    }
  }

  return best === undefined ? undefined : `--${best.name}`;
}

function findCommand(argv: readonly string[]): CommandName | undefined {
  return argv.find((arg): arg is CommandName => (COMMANDS as readonly string[]).includes(arg));
}
