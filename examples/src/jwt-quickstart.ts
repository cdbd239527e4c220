/**
 * The two-step set-up with service-account (JWT) credentials: build a
 * `JWTAuth` authenticator, pass it to a `Connection`, list the org's users
 * and send one action in test mode.
 *
 * Adobe has retired these credentials (end of life 30 June 2025; the
 * remaining ones stop working by 1 March 2026). New code should use
 * `oauth-s2s-quickstart.ts`; `docs/jwt-to-oauth.md` shows the move. Against
 * a real org, with the credential's values and its private key file:
 *
 *   export UMAPI_ORG_ID=0123456789ABCDEF01234567@AdobeOrg
 *   export UMAPI_CLIENT_ID=...
 *   export UMAPI_CLIENT_SECRET=...
 *   export UMAPI_TECH_ACCT_ID=...@techacct.adobe.com
 *   export UMAPI_PRIVATE_KEY_FILE=private.key
 *   npm run build -w @umapi/examples
 *   node examples/dist/src/jwt-quickstart.js jdoe@example.com "Support Team"
 *
 * UMAPI_HOST and UMAPI_IMS_HOST override Adobe's hosts. The test beside
 * this file runs `main()` against the fake IMS and fake UMAPI, and
 * `node-test/quickstarts.test.ts` runs the compiled program against them.
 */
import { readFileSync } from 'node:fs';
import { JWTAuth } from '@umapi/auth-jwt';
import { Connection, type ExecuteResult, type UmapiUser, UserAction } from '@umapi/connection';
import { hostsFromEnv, isRunDirectly, reportFailure, requireEnv } from './run-directly.js';

/** Credentials, endpoints and the test-mode action for {@link main}. */
export interface JwtQuickstartOptions {
  orgId: string;
  clientId: string;
  clientSecret: string;
  techAcctId: string;
  /** The private key as PEM text or a Buffer read from the key file. */
  privateKey: string | Buffer;
  /** The passphrase of an encrypted PKCS#8 key. */
  passphrase?: string;
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
  options: JwtQuickstartOptions,
): Promise<{ users: UmapiUser[]; result: ExecuteResult }> {
  const log = options.log ?? console.log;

  // Step 1: the authenticator. The key is parsed here, so a wrong key, a
  // missing passphrase or a public key fails now with a clear message.
  const auth = new JWTAuth({
    orgId: options.orgId,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    techAcctId: options.techAcctId,
    privateKey: options.privateKey,
    ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
    ...(options.authHost === undefined ? {} : { authHost: options.authHost }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });

  // Step 2: the connection. JWTAuth carries the org ID, so the connection needs none.
  const connection = new Connection({
    auth,
    testMode: true,
    userAgent: 'umapi-examples/1.0',
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });

  try {
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
      throw new Error('Usage: node jwt-quickstart.js <user email> <group name>');
    }

    const passphrase = process.env.UMAPI_PRIVATE_KEY_PASSPHRASE;
    await main({
      orgId: requireEnv('UMAPI_ORG_ID'),
      clientId: requireEnv('UMAPI_CLIENT_ID'),
      clientSecret: requireEnv('UMAPI_CLIENT_SECRET'),
      techAcctId: requireEnv('UMAPI_TECH_ACCT_ID'),
      privateKey: readFileSync(requireEnv('UMAPI_PRIVATE_KEY_FILE')),
      ...(passphrase ? { passphrase } : {}),
      ...hostsFromEnv(),
      user,
      group,
    });
  } catch (error) {
    reportFailure(error);
  }
}
