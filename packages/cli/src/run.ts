import { ConfigurationError } from '@umapi/auth-core';
import type { CommandName, CommandLine } from './command-line.js';
import { parseCommandLine } from './command-line.js';
import { type Client, createClient } from './client.js';
import { runCheck } from './commands/check.js';
import type { CommandContext } from './commands/context.js';
import { runGroups } from './commands/groups.js';
import { runStatus } from './commands/status.js';
import { runToken } from './commands/token.js';
import { runUsers } from './commands/users.js';
import { describeFailure, ExitCode } from './failure.js';
import type { FakeAdobe } from './fake-adobe.js';
import { commandHelp, globalHelp } from './help.js';
import { plural } from './output/format.js';
import { Output, type TextStream } from './output/streams.js';
import { loadSettings } from './settings/load.js';
import { resolveSettings } from './settings/resolve.js';
import { findUnusedPassphrase } from './settings/warnings.js';
import { readVersion } from './version.js';

/** The environment `run` reads and the streams it writes to. */
export interface RunOptions {
  /** Stream for command output: listings, reports, the token, help and the version. */
  stdout: TextStream;
  /** Stream for errors, messages, progress lines, and the help shown when no command is given. */
  stderr: TextStream;
  /** Environment variables; `UMAPI_*` ones supply credentials. */
  env: NodeJS.ProcessEnv;
  /** Folder that relative paths on the command line and in variables are read from. */
  cwd: string;
  /**
   * The input stream, read only for `isTTY`. Without credentials, `umapi` falls back to
   * the fake servers only when stdin and stdout are both terminals; otherwise it exits 2.
   * Omitted, it counts as not a terminal.
   */
  stdin?: {
    /** Whether the stream is a terminal, as `process.stdin.isTTY` reports it. */
    isTTY?: boolean;
  };
}

const COMMAND_RUNNERS: Record<CommandName, (context: CommandContext) => Promise<number>> = {
  check: runCheck,
  token: runToken,
  status: runStatus,
  users: runUsers,
  groups: runGroups,
};

/**
 * Runs the `umapi` command with `argv` (the arguments after `umapi`) and
 * returns its exit code: 0 success, 1 remote or authentication failure,
 * 2 bad usage or configuration. Never throws and never calls `process.exit`.
 *
 * When no credential is set anywhere, a person at a terminal (stdin and
 * stdout both TTYs) gets the fake servers with a note on stderr. Anywhere
 * else, such as a script, a pipe or cron, that is a configuration error
 * (exit 2), so a job whose environment failed to load never gets fake data
 * and success. `--fake` selects the fakes in every case.
 *
 * @example
 * const exitCode = await run(['users', '--fake', '--format', 'csv'], {
 *   stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(),
 * });
 */
export async function run(argv: readonly string[], options: RunOptions): Promise<number> {
  const output = new Output(options.stdout, options.stderr);
  let line: CommandLine | undefined;

  try {
    line = parseCommandLine(argv, options.cwd);

    if (line.version) {
      await output.write(`${readVersion()}\n`);
      return ExitCode.ok;
    }

    if (line.help) {
      await output.write(line.command === undefined ? globalHelp() : commandHelp(line.command));
      return ExitCode.ok;
    }

    if (line.command === undefined) {
      options.stderr.write(globalHelp());
      return ExitCode.usage;
    }

    return await runCommand(line, line.command, output, options);
  } catch (error) {
    const failure = describeFailure(error, line?.command);
    output.clearProgress();
    if (line?.json === true) {
      options.stderr.write(`${JSON.stringify({ error: failure.json })}\n`);
    } else {
      for (const text of failure.lines) {
        output.message(text);
      }
    }

    return failure.exitCode;
  }
}

async function runCommand(line: CommandLine, command: CommandName, output: Output, options: RunOptions): Promise<number> {
  for (const flag of line.secretFlags) {
    output.message(`umapi: warning: ${flag} is visible to other users of this machine in the process list; set its UMAPI_* environment variable instead`);
  }

  let fake: FakeAdobe | undefined;
  let client: Client | undefined;

  try {
    const loaded = line.fake ? undefined : await loadSettings(line, options.env, options.cwd);
    if (loaded?.configUnusable === true) {
      // Reported alone: every setting the file would have supplied would also show as missing.
      throw new ConfigurationError(loaded.problems, { subject: 'configuration' });
    }
    if (loaded !== undefined && !loaded.found) {
      if (!isInteractive(options)) {
        throw new ConfigurationError([{ field: 'credentials', message: NO_CREDENTIALS }], { subject: 'configuration' });
      }

      output.message('umapi: no credentials found (no --config, UMAPI_* variables or credential flags), so using the fake Adobe servers; see "umapi --help" to connect to Adobe');
    }

    if (loaded === undefined || !loaded.found) {
      // Loaded on demand: the fake servers pull in modules a real run never needs.
      const { startFakeAdobe } = await import('./fake-adobe.js');
      fake = await startFakeAdobe();
      announceFake(output, fake);
    }

    for (const key of loaded?.ignored ?? []) {
      output.message(`umapi: warning: ${key} is not used by umapi and was ignored`);
    }

    // PyYAML, which the User Sync Tool uses, keeps the last value too. The values are never shown.
    for (const key of loaded?.duplicates ?? []) {
      output.message(`umapi: warning: ${key} is set more than once in the --config file; the last value is used, as the User Sync Tool uses it`);
    }

    const raw = fake?.settings ?? loaded!.raw;
    const settings = await resolveSettings(raw, { requireOrgId: command !== 'token', problems: loaded?.problems ?? [] });
    const passphraseWarning = findUnusedPassphrase(settings);
    if (passphraseWarning !== undefined) {
      output.message(passphraseWarning);
    }

    client = createClient(settings, { connect: command !== 'token', embeddedFake: fake !== undefined });

    return await COMMAND_RUNNERS[command]({ line, settings, client, output, fake });
  } finally {
    await client?.close();
    await fake?.close();
  }
}

const NO_CREDENTIALS =
  'none found: set UMAPI_ORG_ID, UMAPI_CLIENT_ID and UMAPI_CLIENT_SECRET (plus UMAPI_TECH_ACCT_ID and UMAPI_PRIVATE_KEY_FILE for JWT), ' +
  'pass --config connector-umapi.yml or credential flags, or pass --fake to use the built-in fake Adobe servers';

// The fakes are a friendly default only for a person at a terminal. A script must pass --fake.
function isInteractive(options: RunOptions): boolean {
  return options.stdin?.isTTY === true && options.stdout.isTTY === true;
}

function announceFake(output: Output, fake: FakeAdobe): void {
  output.message(`Fake Adobe servers on 127.0.0.1 (nothing is sent to Adobe):`);
  output.message(`  IMS    ${fake.imsUrl}  generated an RSA key pair and registered a JWT credential`);
  output.message(
    `  UMAPI  ${fake.umapiUrl}  org ${fake.orgId}, ${plural(fake.userCount, 'user')} and ${plural(fake.groupCount, 'group')}, ${fake.pageSize} per page`,
  );
  output.message('');
}
