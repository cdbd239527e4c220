// Cold cache: 10,000 concurrent Connection requests share one token exchange.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { OAuthS2S } from '@umapi/auth-oauth';
import { Connection } from '@umapi/connection';
import { startFakeIms, startFakeUmapi } from '@umapi/testing';
import { formatMs, row, timeOnce } from './measure.mjs';

const CONCURRENT_REQUESTS = 10_000;
const POOL_CONNECTIONS = 128;

// The undici that @umapi/auth-core's transport uses, resolved from there.
const requireFromAuthCore = createRequire(import.meta.resolve('@umapi/auth-core'));
const { Agent, fetch: undiciFetch } = await import(
  pathToFileURL(requireFromAuthCore.resolve('undici')).href
);

/**
 * Sends 10,000 concurrent requests through one new Connection with an empty
 * token cache, and the same requests with plain fetch and a token in hand.
 *
 * Both sides share one pool of 128 sockets. Without a pool, every request
 * opens its own socket and the kernel decides the time: the fake's listen
 * backlog overflows and dropped SYNs are sent again after 1 s, 3 s and so on.
 */
export async function benchColdStart() {
  const ims = await startFakeIms();
  const umapi = await startFakeUmapi({ ims, users: 10 });
  const path = `users/${encodeURIComponent(umapi.orgId)}/0`;
  const agent = new Agent({ connections: POOL_CONNECTIONS });
  const poolFetch = (input, init) => undiciFetch(...toUndiciArguments(input, init, agent));

  try {
    const credentials = await ims.createOAuthCredentials();
    const { token } = await new OAuthS2S(credentials).getAccessToken();
    const headers = { Authorization: `Bearer ${token}`, 'x-api-key': credentials.clientId };
    const rawMs = await timeOnce(() =>
      Promise.all(
        Array.from({ length: CONCURRENT_REQUESTS }, async () => {
          const response = await poolFetch(`${umapi.url}/${path}`, { headers });
          await response.json();
        }),
      ),
    );

    const auth = new OAuthS2S(await ims.createOAuthCredentials());
    const connection = new Connection({
      auth,
      endpoint: umapi.url,
      rateLimits: false,
      fetch: poolFetch,
    });
    ims.clearExchanges();
    const connectionMs = await timeOnce(() =>
      Promise.all(Array.from({ length: CONCURRENT_REQUESTS }, () => connection.request(path))),
    );
    await connection.close();

    const exchanges = ims.exchanges.filter(
      (exchange) => exchange.clientId === auth.clientId && exchange.outcome === 'issued',
    ).length;

    const label = `cold cache, ${CONCURRENT_REQUESTS.toLocaleString('en-US')} concurrent requests`;
    return [
      row({
        name: `${label}: token exchanges`,
        measured: String(exchanges),
        target: 'exactly 1',
        pass: exchanges === 1,
      }),
      row({
        name: `${label}: total time`,
        measured: `${formatMs(connectionMs)}, ${POOL_CONNECTIONS} sockets`,
        baseline: `raw fetch, token in hand: ${formatMs(rawMs)}`,
        ratio: connectionMs / rawMs,
      }),
    ];
  } finally {
    await agent.close();
    await umapi.close();
    await ims.close();
  }
}

// A global Request is not valid input for the npm undici's fetch, so its
// parts are passed one by one.
function toUndiciArguments(input, init, dispatcher) {
  if (!(input instanceof Request)) {
    return [input, { ...init, dispatcher }];
  }

  const fromRequest = {
    method: input.method,
    headers: input.headers,
    signal: input.signal,
    body: input.body,
    duplex: input.body === null ? undefined : 'half',
  };
  return [input.url, { ...fromRequest, ...init, dispatcher }];
}
