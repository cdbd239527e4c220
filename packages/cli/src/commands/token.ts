import { ExitCode } from '../failure.js';
import { formatExpiry } from '../output/format.js';
import type { CommandContext } from './context.js';

/**
 * Exchanges an access token and prints its expiry. With `--show`, stdout gets
 * the token alone and the details go to stderr, so `$(umapi token --show)` works.
 */
export async function runToken(context: CommandContext): Promise<number> {
  const { client, line, output, settings } = context;
  const { token, expiresAt } = await client.auth.getAccessToken();

  if (line.json) {
    const result = {
      strategy: client.strategy,
      clientId: client.auth.clientId,
      ...(settings.orgId === undefined ? {} : { orgId: settings.orgId.value }),
      authHost: client.authHost,
      expiresAt: new Date(expiresAt).toISOString(),
      expiresInSeconds: Math.max(0, Math.floor((expiresAt - Date.now()) / 1000)),
      ...(line.show ? { accessToken: token } : {}),
    };
    await output.write(`${JSON.stringify(result, null, 2)}\n`);
    return ExitCode.ok;
  }

  const summary = [
    `Access token issued by ${client.authHost} for client ${client.auth.clientId} (${client.strategy})`,
    `  expires ${formatExpiry(expiresAt)}`,
  ];

  if (line.show) {
    for (const text of summary) {
      output.message(text);
    }
    await output.write(`${token}\n`);
    return ExitCode.ok;
  }

  await output.write(`${[...summary, '  the token itself is hidden; add --show to print it'].join('\n')}\n`);
  return ExitCode.ok;
}
