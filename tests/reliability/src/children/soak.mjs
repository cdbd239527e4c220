// Soak run in a child process: many UMAPI calls through one Connection while
// tokens rotate and about 5% of the calls meet an injected fault. Prints one
// JSON summary line and then returns without calling process.exit(), so the
// parent sees whether anything keeps the process alive.
//
// Imports the built packages (run `npm run build` first).
import { OAuthS2S } from '@umapi/auth-oauth';
import { Connection, UserAction } from '@umapi/connection';
import { startFakeIms, startFakeUmapi } from '@umapi/testing';

const CALLS = Number(process.env.SOAK_CALLS ?? 20_000);
const CONCURRENCY = 16;
const FAULT_RATE = 0.05;
const PAGE_SIZE = 20;
const TIMEOUT_MS = 1_000;
const SLOW_ANSWER_MS = 1_500;

// The token cache stops using a token `expiryMarginMs` before its expiry, and
// starts a background refresh `refreshWindowMs` before it. With a lifetime of
// 8 s, a window of 7 s and a margin of 2 s, each token is replaced about one
// second after it was issued and is used for at most six, so tokens really
// expire during the run while none is sent after its expiry.
const TOKEN_LIFETIME_MS = 8_000;
const REFRESH_WINDOW_MS = 7_000;
const EXPIRY_MARGIN_MS = 2_000;
const ROTATION_MS = TOKEN_LIFETIME_MS - REFRESH_WINDOW_MS;

// A small deterministic generator (mulberry32), so a failing run can be replayed.
const seed = Number(process.env.SOAK_SEED ?? 20_261_204);
let state = seed >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

const ims = await startFakeIms({ tokenLifetimeMs: TOKEN_LIFETIME_MS });
const umapi = await startFakeUmapi({ ims, users: 2_000, pageSize: PAGE_SIZE });
const credentials = await ims.createOAuthCredentials();
const auth = new OAuthS2S({
  ...credentials,
  refreshWindowMs: REFRESH_WINDOW_MS,
  expiryMarginMs: EXPIRY_MARGIN_MS,
});
const connection = new Connection({
  auth,
  endpoint: umapi.url,
  rateLimits: false,
  timeout: TIMEOUT_MS,
  maxRetries: 10,
  retryBaseDelayMs: 10,
});

const groupName = umapi.listGroups()[0].groupName;
const faults = { retryAfter: 0, unavailable: 0, dropped: 0, slow: 0 };
const failures = [];
const createdUsers = [];
let started = 0;

function injectFault() {
  const kind = Math.floor(random() * 4);
  if (kind === 0) {
    // Mostly `Retry-After: 0`; every fifth asks for one second.
    const retryAfter = faults.retryAfter % 5 === 4 ? 1 : 0;
    faults.retryAfter += 1;
    umapi.failNext({ status: 429, retryAfter });
  } else if (kind === 1) {
    faults.unavailable += 1;
    umapi.failNext({ status: 503 });
  } else if (kind === 2) {
    faults.dropped += 1;
    umapi.failNext({ drop: true });
  } else {
    faults.slow += 1;
    umapi.failNext({ delayMs: SLOW_ANSWER_MS });
  }
}

async function oneCall(index) {
  const choice = random();
  if (choice < 0.7) {
    const user = await connection.user(
      `user${String(index % 2_000).padStart(6, '0')}@${index % 2 === 0 ? 'example.com' : 'example.org'}`,
    );
    if (user === null) {
      throw new Error(`user lookup ${index} found nobody`);
    }
  } else if (choice < 0.9) {
    const page = Math.floor(random() * (2_000 / PAGE_SIZE));
    const response = await connection.request(`users/${encodeURIComponent(umapi.orgId)}/${page}`);
    if (response.body.users.length !== PAGE_SIZE) {
      throw new Error(`page ${page} had ${response.body.users.length} users`);
    }
  } else {
    const email = `soak-${index}@example.net`;
    createdUsers.push(email);
    const action = new UserAction({ email })
      .createFederatedID({ email, country: 'US', firstname: 'Soak', lastname: String(index) })
      .addGroups([groupName]);
    const result = await connection.execute([action]);
    if (result.errors.length > 0 || result.completed !== 1) {
      throw new Error(
        `action ${index}: ${result.errors.map((error) => error.errorCode).join(', ')}`,
      );
    }
  }
}

async function worker() {
  while (started < CALLS) {
    const index = started;
    started += 1;
    if (random() < FAULT_RATE) {
      injectFault();
    }
    try {
      await oneCall(index);
    } catch (error) {
      failures.push(`${index}: ${error?.code ?? ''} ${error?.message ?? String(error)}`);
    }
  }
}

const startedAt = Date.now();
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const elapsedMs = Date.now() - startedAt;

// Every created user must exist once, with the group once: a replayed create
// is skipped (ignoreIfAlreadyExists) and a replayed add changes nothing.
const stateProblems = [];
for (const email of createdUsers) {
  const user = umapi.getUser(email);
  if (user === undefined) {
    stateProblems.push(`${email} missing`);
  } else if (user.groups.filter((name) => name === groupName).length !== 1) {
    stateProblems.push(`${email} groups ${JSON.stringify(user.groups)}`);
  }
}

// An action may reach UMAPI twice only when the first delivery lost its
// response: a dropped connection or an answer slower than the timeout.
const actionDeliveries = new Map();
for (const request of umapi.requests) {
  if (request.method === 'POST' && request.status === 200 && Array.isArray(request.body)) {
    for (const entry of request.body) {
      actionDeliveries.set(entry.user, (actionDeliveries.get(entry.user) ?? 0) + 1);
    }
  }
}
const repeatedDeliveries = [...actionDeliveries.values()].reduce(
  (sum, count) => sum + (count - 1),
  0,
);

const exchanges = ims.exchanges.filter(
  (exchange) => exchange.clientId === auth.clientId && exchange.outcome === 'issued',
).length;
const status = await connection.status();

await connection.close();
await umapi.close();
await ims.close();

console.log(
  JSON.stringify({
    calls: started,
    elapsedMs,
    failures: failures.slice(0, 20),
    failureCount: failures.length,
    faults,
    createdUsers: createdUsers.length,
    stateProblems: stateProblems.slice(0, 20),
    repeatedDeliveries,
    exchanges,
    rotationMs: ROTATION_MS,
    retries: status.local.retries,
    requestsSent: status.local.requestsSent,
  }),
);
