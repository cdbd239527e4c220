/** Thrown for a command line the CLI cannot run: unknown command or option, bad value. Exit code 2. */
export class UsageError extends Error {
  /** The command the usage applies to, for the "see --help" hint. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}
