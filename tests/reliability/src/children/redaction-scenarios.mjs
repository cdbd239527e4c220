// Error paths of the umapi packages, each run with recognisable secret values.
// Shared by the in-process redaction test (sources, through vitest aliases)
// and by redaction-debug.mjs (built packages, with NODE_DEBUG=umapi).
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { JWTAuth } from '@umapi/auth-jwt';
import { OAuthS2S } from '@umapi/auth-oauth';
import { Connection } from '@umapi/connection';
import { startFakeIms, startFakeUmapi } from '@umapi/testing';

const OAUTH_SECRET = 'p8e-REDACTME-OAUTH-SECRET-4c1d';
const JWT_SECRET = 'p8e-REDACTME-JWT-SECRET-9e2b';
const WRONG_SECRET = 'p8e-REDACTME-WRONG-SECRET-77aa';
const PASSPHRASE = 'REDACTME-PASSPHRASE-31f0';
const PROXY_PASSWORD = 'REDACTME-PROXY-PASSWORD-58c2';
const FAKE_ACCESS_TOKEN = 'REDACTME-ACCESS-TOKEN-eyJhbGciOi.0b5c';

/** Full base64 lines of a PEM key: any of them in an output is a leak. */
function keyLines(pem) {
  return pem.split(/\r?\n/).filter((line) => /^[A-Za-z0-9+/=]{64}$/.test(line));
}

/**
 * Runs every scenario. Returns the secrets in play and, per scenario, the
 * error it ended with (or `undefined`), the objects to inspect, and the lines
 * the connection's logger received.
 */
export async function runRedactionScenarios() {
  const results = [];
  const secrets = [
    OAUTH_SECRET,
    JWT_SECRET,
    WRONG_SECRET,
    PASSPHRASE,
    PROXY_PASSWORD,
    FAKE_ACCESS_TOKEN,
  ];
  const logLines = [];
  const logger = Object.fromEntries(
    ['debug', 'info', 'warn', 'error'].map((level) => [
      level,
      (message, details) => logLines.push(`${level} ${message} ${safeJson(details)}`),
    ]),
  );

  async function scenario(name, run) {
    try {
      const inspected = await run();
      results.push({ name, error: undefined, inspected });
    } catch (error) {
      results.push({ name, error, inspected: undefined });
    }
  }

  const ims = await startFakeIms();
  const umapi = await startFakeUmapi({ ims, users: 30, pageSize: 10 });
  const httpsIms = await startFakeIms({ https: true });
  const oauthCredentials = await ims.createOAuthCredentials({ clientSecret: OAUTH_SECRET });
  const jwtCredentials = await ims.createJwtCredentials({ clientSecret: JWT_SECRET });
  const encryptedCredentials = await ims.createJwtCredentials({
    keyFormat: 'encrypted-pkcs8',
    passphrase: PASSPHRASE,
  });
  secrets.push(
    ...keyLines(jwtCredentials.privateKey),
    ...keyLines(encryptedCredentials.privateKey),
  );

  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs1',
    format: 'pem',
  });
  secrets.push(...keyLines(otherKey));

  // Real access tokens the fake issued, to find them in outputs later.
  const oauth = new OAuthS2S(oauthCredentials);
  const jwt = new JWTAuth(jwtCredentials);
  secrets.push((await oauth.getAccessToken()).token, (await jwt.getAccessToken()).token);

  const closedPort = await freePort();

  // Bad configuration.
  await scenario(
    'OAuthS2S invalid options',
    () =>
      new OAuthS2S({
        clientId: '',
        clientSecret: OAUTH_SECRET,
        orgId: 'no-suffix',
        client_secret: OAUTH_SECRET,
      }),
  );
  await scenario(
    'JWTAuth key that is not PEM',
    () => new JWTAuth({ ...jwtCredentials, privateKey: `not a key ${JWT_SECRET}` }),
  );
  await scenario(
    'JWTAuth Python option names',
    () =>
      new JWTAuth({
        ...jwtCredentials,
        priv_key_data: jwtCredentials.privateKey,
        client_secret: JWT_SECRET,
      }),
  );
  await scenario(
    'JWTAuth wrong passphrase',
    () => new JWTAuth({ ...encryptedCredentials, passphrase: `${PASSPHRASE}-wrong` }),
  );
  await scenario(
    'JWTAuth encrypted key without passphrase',
    () => new JWTAuth({ ...encryptedCredentials, passphrase: undefined }),
  );
  await scenario(
    'Connection with an access token as auth',
    () => new Connection({ auth: FAKE_ACCESS_TOKEN }),
  );
  await scenario(
    'Connection with a credentials object as auth',
    () => new Connection({ auth: { ...jwtCredentials }, clientSecret: JWT_SECRET }),
  );

  // IMS rejections.
  await scenario('OAuthS2S wrong secret', () =>
    new OAuthS2S({ ...oauthCredentials, clientSecret: WRONG_SECRET }).getAccessToken(),
  );
  await scenario('JWTAuth wrong secret', () =>
    new JWTAuth({ ...jwtCredentials, clientSecret: WRONG_SECRET }).getAccessToken(),
  );
  await scenario('JWTAuth key not registered', () =>
    new JWTAuth({ ...jwtCredentials, privateKey: otherKey }).getAccessToken(),
  );
  await scenario('IMS error that echoes the secret', () => {
    ims.failNext({
      status: 400,
      body: {
        error: 'invalid_client',
        error_description: `client_secret=${OAUTH_SECRET} is wrong`,
      },
    });
    return new OAuthS2S(oauthCredentials).getAccessToken();
  });
  await scenario('IMS HTML page that echoes the secret', () => {
    ims.failNext({ status: 500, body: `<html>client_secret=${OAUTH_SECRET}</html>`, times: 3 });
    return new OAuthS2S(oauthCredentials).getAccessToken();
  });
  await scenario('IMS 200 without expires_in', () => {
    ims.failNext({ status: 200, body: { access_token: FAKE_ACCESS_TOKEN, token_type: 'bearer' } });
    return new JWTAuth(jwtCredentials).getAccessToken();
  });

  // Network, TLS and proxy failures.
  await scenario('IMS unreachable', () =>
    new OAuthS2S({
      ...oauthCredentials,
      authHost: `http://127.0.0.1:${closedPort}`,
    }).getAccessToken(),
  );
  const httpsCredentials = await httpsIms.createOAuthCredentials({ clientSecret: OAUTH_SECRET });
  await scenario('IMS certificate not trusted', () => {
    const { ca: _ca, ...withoutCa } = httpsCredentials;
    return new OAuthS2S(withoutCa).getAccessToken();
  });
  await scenario('proxy answers 407', async () => {
    const proxy = await startRejectingProxy();
    const saved = process.env.HTTPS_PROXY;
    process.env.HTTPS_PROXY = `http://sync-user:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}`;
    try {
      // The transport connects to loopback addresses directly, so the IMS is
      // named by a .localhost name that only the proxy sees (RFC 6761).
      const authHost = httpsCredentials.authHost.replace('127.0.0.1', 'ims.localhost');
      return await new OAuthS2S({ ...httpsCredentials, authHost }).getAccessToken();
    } finally {
      if (saved === undefined) {
        delete process.env.HTTPS_PROXY;
      } else {
        process.env.HTTPS_PROXY = saved;
      }
      await proxy.close();
    }
  });

  // UMAPI failures.
  const orgPath = `users/${encodeURIComponent(umapi.orgId)}`;
  const withConnection = async (auth, options, run) => {
    const connection = new Connection({
      auth,
      endpoint: umapi.url,
      rateLimits: false,
      logger,
      ...options,
    });
    try {
      return await run(connection);
    } finally {
      await connection.close();
    }
  };
  const unknownToken = {
    clientId: oauthCredentials.clientId,
    orgId: umapi.orgId,
    getAccessToken: async () => ({ token: FAKE_ACCESS_TOKEN, expiresAt: Date.now() + 3_600_000 }),
    invalidate() {},
  };
  await scenario('UMAPI 401 twice', () =>
    withConnection(unknownToken, {}, (c) => c.request(`${orgPath}/0`)),
  );
  for (const status of [400, 403, 404, 500]) {
    await scenario(`UMAPI ${status} that echoes the token`, () =>
      withConnection(unknownToken, { maxRetries: 0 }, (c) => {
        umapi.failNext({
          status,
          body: { error_code: `error.${status}`, message: `token ${FAKE_ACCESS_TOKEN}` },
        });
        return c.request(`${orgPath}/0`);
      }),
    );
  }
  await scenario('UMAPI unavailable', () =>
    withConnection(oauth, { maxRetries: 1, retryBaseDelayMs: 1 }, (c) => {
      umapi.failNext({ status: 503, times: 2 });
      return c.request(`${orgPath}/0`);
    }),
  );
  await scenario('UMAPI dropped connections', () =>
    withConnection(jwt, { maxRetries: 1, retryBaseDelayMs: 1 }, (c) => {
      umapi.failNext({ drop: true, times: 2 });
      return c.user('user000000@example.com');
    }),
  );
  await scenario('UMAPI timeout', () =>
    withConnection(jwt, { maxRetries: 0, timeout: 1_000 }, (c) => {
      umapi.failNext({ delayMs: 2_000 });
      return c.request(`${orgPath}/0`);
    }),
  );
  await scenario('UMAPI listing fails on page 2', () =>
    withConnection(oauth, { maxRetries: 0 }, async (c) => {
      let count = 0;
      for await (const _user of c.users()) {
        count += 1;
        if (count === 10) {
          umapi.failNext({ status: 500 });
        }
      }
    }),
  );
  await scenario('UMAPI endpoint unreachable', async () => {
    const connection = new Connection({
      auth: oauth,
      endpoint: `http://127.0.0.1:${closedPort}/v2/usermanagement`,
      maxRetries: 0,
      rateLimits: false,
      logger,
    });
    try {
      return await connection.request(`${orgPath}/0`);
    } finally {
      await connection.close();
    }
  });

  // Objects a caller may log.
  await scenario('inspected authenticators and connection', () => {
    const connection = new Connection({ auth: jwt, endpoint: umapi.url, logger });
    return [oauth, jwt, new JWTAuth(encryptedCredentials), connection];
  });

  await httpsIms.close();
  await umapi.close();
  await ims.close();

  return { secrets, results, logLines };
}

function safeJson(value) {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '[unserializable]';
  }
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// A forward proxy that asks for other credentials on every CONNECT.
async function startRejectingProxy() {
  const server = createServer((_request, response) => {
    response.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="proxy"' });
    response.end();
  });
  server.on('connect', (_request, socket) => {
    socket.end(
      'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\nContent-Length: 0\r\n\r\n',
    );
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
