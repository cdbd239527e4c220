import type { CommandName } from './command-line.js';

const CREDENTIAL_OPTIONS = `Credentials (each flag overrides its environment variable, which overrides --config):
  -c, --config FILE         User Sync Tool connector-umapi.yml (server: and enterprise: sections)
  --org-id ID               org ID, such as 1234ABCD@AdobeOrg           (UMAPI_ORG_ID)
  --client-id ID            client ID (API key)                          (UMAPI_CLIENT_ID)
  --client-secret SECRET    client secret; prefer the variable           (UMAPI_CLIENT_SECRET)
  --tech-acct-id ID         technical account ID, JWT credentials only   (UMAPI_TECH_ACCT_ID)
  --private-key-file FILE   private key (PEM), JWT credentials only      (UMAPI_PRIVATE_KEY_FILE)
                            or the PEM text itself                       (UMAPI_PRIVATE_KEY)
  --passphrase TEXT         password of an encrypted key; prefer the variable
                                                                         (UMAPI_PRIVATE_KEY_PASSPHRASE)
  --host HOST|URL           UMAPI host, default usermanagement.adobe.io  (UMAPI_HOST)
  --ims-host HOST|URL       IMS host, default ims-na1.adobelogin.com     (UMAPI_IMS_HOST)
  --fake                    use built-in fake Adobe servers on 127.0.0.1; also the default
                            when no credentials are set and stdin and stdout are a
                            terminal (elsewhere, no credentials is an error: exit 2);
                            not combined with --config or the flags above

  Without a technical account ID or private key, the OAuth server-to-server
  credential is used; with them, the JWT (service account) credential.
  Secrets given as flags are visible to other local users in the process list,
  so set UMAPI_CLIENT_SECRET and UMAPI_PRIVATE_KEY_PASSPHRASE instead.`;

const GLOBAL_OPTIONS = `Options:
  --json                    machine-readable JSON output; for listings the same as
                            --format json, so it conflicts with another --format
  -h, --help                show help (also after a command)
  -V, --version             print the version`;

const EXIT_CODES = `Exit codes: 0 success, 1 remote or authentication failure, 2 bad usage or configuration.`;

const COMMAND_SUMMARIES: Record<CommandName, string> = {
  check: 'validate the configuration, exchange a token and reach UMAPI',
  token: 'exchange an access token and print its expiry',
  status: 'print the UMAPI server status',
  users: 'list the users of the org',
  groups: 'list the user groups and product profiles of the org',
};

const COMMAND_DETAILS: Record<CommandName, string> = {
  check: `Usage: umapi check [options]

Validates the configuration and reports every problem with the setting to fix,
loads the private key (JWT credentials), exchanges an access token at IMS,
reads the first page of users and calls the UMAPI status endpoint. Prints a
short report; never prints a secret or the token.`,
  token: `Usage: umapi token [--show] [options]

Exchanges an access token and prints its expiry.
  --show                    print the access token itself on stdout, alone,
                            so that TOKEN=$(umapi token --show) works`,
  status: `Usage: umapi status [options]

Prints the UMAPI server status. Exits 1 when the server is unreachable or not OK.`,
  users: `Usage: umapi users [--group NAME] [--domain DOMAIN] [--format table|json|csv] [options]

Lists users as their pages arrive.
  --group NAME              only members of this user group or product profile;
                            exit 1 when the org has no such group
  --domain DOMAIN           only users in this domain
  -f, --format FORMAT       table (default), json (one JSON array) or csv`,
  groups: `Usage: umapi groups [--format table|json|csv] [options]

Lists user groups and product profiles page by page as they arrive.
  -f, --format FORMAT       table (default), json (one JSON array) or csv`,
};

/** Returns the help text for `umapi --help`. */
export function globalHelp(): string {
  const commands = Object.entries(COMMAND_SUMMARIES)
    .map(([name, summary]) => `  ${name.padEnd(24)}${summary}`)
    .join('\n');

  return `umapi: Adobe User Management API (UMAPI) from the command line

Usage: umapi <command> [options]

Commands:
${commands}

${GLOBAL_OPTIONS}

${CREDENTIAL_OPTIONS}

${EXIT_CODES}

Try it without Adobe credentials: umapi check --fake && umapi users --fake
Run "umapi <command> --help" for a command's options.
`;
}

/** Returns the help text for `umapi <command> --help`. */
export function commandHelp(command: CommandName): string {
  return `${COMMAND_DETAILS[command]}

${GLOBAL_OPTIONS}

${CREDENTIAL_OPTIONS}

${EXIT_CODES}
`;
}
