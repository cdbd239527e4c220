import type { CommandLine } from '../command-line.js';
import type { Client } from '../client.js';
import type { FakeAdobe } from '../fake-adobe.js';
import type { Output } from '../output/streams.js';
import type { ResolvedSettings } from '../settings/resolve.js';

/** The inputs of a command: its parsed command line, settings, client and output. */
export interface CommandContext {
  line: CommandLine;
  settings: ResolvedSettings;
  client: Client;
  output: Output;
  /** The fake servers, when the command runs against them. */
  fake: FakeAdobe | undefined;
}

/** Returns the connection, which every command but `token` has. */
export function requireConnection(context: CommandContext): NonNullable<Client['connection']> {
  if (context.client.connection === undefined) {
    throw new Error('this command needs a connection');
  }

  return context.client.connection;
}
