import { ExitCode, describeFailure } from '../failure.js';
import { formatExpiry, plural } from '../output/format.js';
import { type CommandContext, requireConnection } from './context.js';

/** Texts `Connection.status()` sets when the check itself failed. */
const FAILED_STATUS = /^(Unreachable|Unexpected)/;

// Adobe stopped issuing JWT credentials in 2024 and IMS rejects the remaining ones after this date.
const JWT_END_OF_LIFE = Date.UTC(2026, 2, 1);

interface StepResult {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * Checks the whole path a job takes: the configuration (already validated
 * when this runs), the key, the token exchange, a first page of users and the
 * server status. Prints each step; never prints a secret or the token.
 */
export async function runCheck(context: CommandContext): Promise<number> {
  const { output, line } = context;
  const steps: StepResult[] = [];
  let exitCode: number = ExitCode.ok;
  let expiresAt: number | undefined;
  let serverStatus: Record<string, unknown> | undefined;

  if (!line.json) {
    await output.write(`${describeSetup(context)}\n\n`);
  }

  const record = async (step: StepResult): Promise<void> => {
    steps.push(step);
    if (!line.json) {
      await output.write(`  ${step.ok ? '✔' : '✖'} ${step.name.padEnd(15)}${step.detail}\n`);
    }
  };

  await record({ name: 'configuration', ok: true, detail: describeCredential(context) });
  if (context.settings.privateKey !== undefined) {
    // JWTAuth parses the key in its constructor, so reaching this line means it loaded.
    await record({ name: 'private key', ok: true, detail: 'parsed; it signs the JWT assertion for each token exchange' });
  }

  try {
    const token = await context.client.auth.getAccessToken();
    expiresAt = token.expiresAt;
    await record({
      name: 'access token',
      ok: true,
      detail: `${context.client.strategy === 'JWTAuth' ? 'JWT exchange' : 'client_credentials grant'} at ${context.client.authHost}, expires ${formatExpiry(token.expiresAt)}`,
    });

    const connection = requireConnection(context);
    const { body } = await connection.request<{ users?: unknown[] }>(`users/${encodeURIComponent(connection.orgId)}/0`);
    const firstPage = Array.isArray(body.users) ? body.users.length : 0;
    await record({ name: 'org access', ok: true, detail: `read the first page of users of ${connection.orgId} (${plural(firstPage, 'user')})` });

    const { server } = await connection.status({ remote: true });
    serverStatus = server;
    const reachable = !FAILED_STATUS.test(server.status);
    await record({ name: 'UMAPI status', ok: reachable, detail: `${server.status} at ${server.endpoint}` });
    if (!reachable) {
      exitCode = ExitCode.remoteFailure;
    }
  } catch (error) {
    const failure = describeFailure(error, 'check');
    exitCode = failure.exitCode;
    const failedStep = expiresAt === undefined ? 'access token' : 'org access';
    await record({ name: failedStep, ok: false, detail: failure.lines[0]!.replace(/^umapi: /, '') });
    if (!line.json) {
      await output.write(`${failure.lines.slice(1).map((text) => `    ${text.trim()}`).join('\n')}\n`);
    }
  }

  if (line.json) {
    await output.write(`${JSON.stringify(jsonReport(context, steps, expiresAt, serverStatus, exitCode), null, 2)}\n`);
    return exitCode;
  }

  await output.write(exitCode === ExitCode.ok ? '\nAll checks passed.\n' : '\nThe check failed.\n');
  return exitCode;
}

function describeSetup(context: CommandContext): string {
  const { settings, client, fake } = context;
  const rows: [string, string][] = [
    ['Strategy', client.strategy === 'OAuthS2S' ? 'OAuthS2S (OAuth server-to-server)' : 'JWTAuth (service account, JWT)'],
    ['Org ID', settings.orgId === undefined ? 'not set' : withSource(settings.orgId.value, settings.orgId.source, fake !== undefined)],
    ['Client ID', withSource(settings.clientId.value, settings.clientId.source, fake !== undefined)],
  ];

  if (settings.techAcctId !== undefined) {
    rows.push(['Tech account', withSource(settings.techAcctId.value, settings.techAcctId.source, fake !== undefined)]);
  }

  if (settings.privateKey !== undefined) {
    const keyFile = settings.raw.privateKeyFile;
    const fromFile = keyFile !== undefined && keyFile.source === settings.privateKey.source;
    rows.push(['Private key', fromFile ? `${keyFile.value}  (${keyFile.source})` : `from ${settings.privateKey.source}`]);
  }

  rows.push(['IMS', client.authHost], ['UMAPI', settings.endpoint]);

  const title = fake === undefined ? 'Checking UMAPI access' : 'Checking UMAPI access against the fake Adobe servers';
  const lines = [title, '', ...rows.map(([label, value]) => `  ${label.padEnd(15)}${value}`)];

  if (client.strategy === 'JWTAuth' && fake === undefined) {
    lines.push('', jwtNotice());
  }

  return lines.join('\n');
}

function withSource(value: string, source: string, fake: boolean): string {
  return fake ? value : `${value}  (${source})`;
}

function describeCredential(context: CommandContext): string {
  const { settings } = context;
  if (settings.strategy === 'oauth') {
    return 'complete for an OAuth server-to-server credential';
  }

  return 'complete for a JWT (service account) credential';
}

function jwtNotice(): string {
  return Date.now() >= JWT_END_OF_LIFE
    ? '  note: Adobe IMS no longer accepts JWT credentials after 1 March 2026; switch to the OAuth server-to-server credential, which keeps the client ID'
    : '  note: Adobe IMS stops accepting JWT credentials by 1 March 2026; switch to the OAuth server-to-server credential, which keeps the client ID';
}

function jsonReport(
  context: CommandContext,
  steps: StepResult[],
  expiresAt: number | undefined,
  server: Record<string, unknown> | undefined,
  exitCode: number,
): Record<string, unknown> {
  const { settings, client } = context;
  return {
    ok: exitCode === ExitCode.ok,
    strategy: client.strategy,
    orgId: settings.orgId?.value,
    clientId: settings.clientId.value,
    techAcctId: settings.techAcctId?.value,
    authHost: client.authHost,
    endpoint: settings.endpoint,
    tokenExpiresAt: expiresAt === undefined ? undefined : new Date(expiresAt).toISOString(),
    server,
    steps,
  };
}
