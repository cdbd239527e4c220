import { ExitCode } from '../failure.js';
import { type CommandContext, requireConnection } from './context.js';

/** Texts `Connection.status()` sets when the check itself failed. */
const FAILED_STATUS = /^(Unreachable|Unexpected)/;

/** Prints the UMAPI server status; exits 1 when the server is unreachable or its response is unexpected. */
export async function runStatus(context: CommandContext): Promise<number> {
  const { output, line } = context;
  const { server } = await requireConnection(context).status({ remote: true });
  const exitCode = FAILED_STATUS.test(server.status) ? ExitCode.remoteFailure : ExitCode.ok;

  if (line.json) {
    await output.write(`${JSON.stringify(server, null, 2)}\n`);
    return exitCode;
  }

  const details = Object.entries(server)
    .filter(([key]) => key !== 'status')
    .map(([key, value]) => `  ${key.padEnd(10)}${typeof value === 'string' ? value : JSON.stringify(value)}`);
  await output.write(`UMAPI status: ${server.status}\n${details.join('\n')}\n`);
  return exitCode;
}
