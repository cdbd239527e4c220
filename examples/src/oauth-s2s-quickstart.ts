/**
 * The two-step set-up with OAuth server-to-server credentials, the
 * recommended kind: build an `OAuthS2S` authenticator, pass it to a
 * `Connection`, list the org's users and send one action in test mode.
 *
 * In test mode UMAPI validates actions and changes nothing, so this program
 * is safe to run against a real org. With credentials from the Adobe
 * Developer Console:
 *
 *   export UMAPI_ORG_ID=0123456789ABCDEF01234567@AdobeOrg
 *   export UMAPI_CLIENT_ID=...
 *   export UMAPI_CLIENT_SECRET=...
 *   npm run build -w @umapi/examples
 *   node examples/dist/src/oauth-s2s-quickstart.js jdoe@example.com "Support Team"
 *
 * UMAPI_HOST and UMAPI_IMS_HOST override Adobe's hosts. The test beside
 * this file runs `main()` against the fake IMS and fake UMAPI, and
 * `node-test/quickstarts.test.ts` runs the compiled program against them.
 */
import { OAuthS2S } from '@umapi/auth-oauth';
import { Connection, type ExecuteResult, type UmapiUser, UserAction } from '@umapi/connection';
import { hostsFromEnv, isRunDirectly, reportFailure, requireEnv } from './run-directly.js';

/** Credentials, endpoints and the test-mode action for {@link main}. */
export interface OAuthQuickstartOptions {
  orgId: string;
  clientId: string;
  clientSecret: string;
  /** The IMS host or origin. Default: Adobe's `ims-na1.adobelogin.com`. */
  authHost?: string;
  /** The UMAPI endpoint. Default: Adobe's production endpoint. */
  endpoint?: string;
  /** Extra trusted CA certificate (PEM), for a TLS-inspecting proxy or an HTTPS fake. */
  ca?: string;
  /** Email of the user that the test-mode action adds to `group`. */
  user: string;
  /** Name of a user group or product profile. */
  group: string;
  /** Receives the program's output lines. Default: `console.log`. */
  log?: (line: string) => void;
}

/** Lists every user, then sends one test-mode action, and returns both results. */
export async function main(
  options: OAuthQuickstartOptions,
): Promise<{ users: UmapiUser[]; result: ExecuteResult }> {
  const log = options.log ?? console.log;

  // Step 1: the authenticator. It exchanges the client credentials for an
  // access token on first use and renews it before it expires.
  const auth = new OAuthS2S({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    orgId: options.orgId,
    ...(options.authHost === undefined ? {} : { authHost: options.authHost }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });

  // Step 2: the connection. It takes the org ID from the authenticator.
  const connection = new Connection({
    auth,
    testMode: true,
    userAgent: 'umapi-examples/1.0',
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });

  try {
    // Each page is fetched when the loop reaches it.
    const users: UmapiUser[] = [];
    for await (const user of connection.users()) {
      users.push(user);
      log(`${user.email}\t${(user.groups ?? []).join(', ')}`);
    }
    log(`${users.length} users`);

    const action = new UserAction({ user: options.user }).addGroups([options.group]);
    const result = await connection.execute([action]);
    log(`test-mode action: ${result.completed} completed, ${result.errors.length} failed`);
    for (const error of result.errors) {
      log(`  ${error.errorCode}: ${error.message}`);
    }

    return { users, result };
  } finally {
    await connection.close();
  }
}

if (isRunDirectly(import.meta.url)) {
  try {
    const [user = '', group = ''] = process.argv.slice(2);
    if (user === '' || group === '') {
      throw new Error('Usage: node oauth-s2s-quickstart.js <user email> <group name>');
    }

    await main({
      orgId: requireEnv('UMAPI_ORG_ID'),
      clientId: requireEnv('UMAPI_CLIENT_ID'),
      clientSecret: requireEnv('UMAPI_CLIENT_SECRET'),
      ...hostsFromEnv(),
      user,
      group,
    });
  } catch (error) {
    reportFailure(error);
  }
}
