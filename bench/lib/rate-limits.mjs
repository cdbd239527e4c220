// Rate-limit scheduler against the fake UMAPI enforcing UMAPI's budgets, with
// time compressed so that one budget minute passes in two real seconds.
import { OAuthS2S } from '@umapi/auth-oauth';
import { Connection, UserAction } from '@umapi/connection';
import { startFakeIms, startFakeUmapi } from '@umapi/testing';
import { row, timeOnce } from './measure.mjs';

// One budget minute in 2 real seconds. At 60 (one second) the safety margin
// shrinks to 33 ms, less than loopback latency varies on a loaded machine.
const TIME_SCALE = 30;
const BUDGET_MINUTE_MS = 60_000;
const USER_COUNT = 20_000;
const PAGE_SIZE = 200;
const ACTION_COUNT = 1_000;
const BUDGETS = { users: 25, actions: 10 };
const TARGET_FRACTION = 0.95;

export async function benchRateLimits() {
  const ims = await startFakeIms();
  const umapi = await startFakeUmapi({
    ims,
    users: USER_COUNT,
    pageSize: PAGE_SIZE,
    rateLimits: true,
    timeScale: TIME_SCALE,
  });

  try {
    const groupName = umapi.listGroups()[0].groupName;
    const scheduled = await runMode(ims, umapi, 'scheduler', true, groupName);
    const reactive = await runMode(ims, umapi, 'reactive', false, groupName);
    return [...scheduled, ...reactive];
  } finally {
    await umapi.close();
    await ims.close();
  }
}

async function runMode(ims, umapi, mode, useScheduler, groupName) {
  const auth = new OAuthS2S(await ims.createOAuthCredentials());

  // Reactive mode leans on retries alone: enough of them, and a backoff short
  // next to the compressed minute, so that no call gives up.
  const connection = new Connection({
    auth,
    endpoint: umapi.url,
    rateLimits: useScheduler ? BUDGETS : false,
    // The scheduler counts its budgets in the fake's compressed minute.
    rateLimitTiming: { windowMs: BUDGET_MINUTE_MS / TIME_SCALE },
    maxRetries: 20,
    retryBaseDelayMs: 50,
  });

  // Group changes on existing users, so that the listing running at the same
  // time sees the same 20,000 users. Each mode works on its own users.
  const firstUser = useScheduler ? 0 : ACTION_COUNT;
  const actions = Array.from({ length: ACTION_COUNT }, (_, offset) =>
    new UserAction({ email: generatedEmail(firstUser + offset) }).addGroups([groupName]),
  );

  let listed = 0;
  let result;
  const elapsedMs = await timeOnce(() =>
    Promise.all([
      (async () => {
        for await (const _user of connection.users()) {
          listed += 1;
        }
      })(),
      (async () => {
        result = await connection.execute(actions);
      })(),
    ]),
  );
  await connection.close();

  if (listed !== USER_COUNT) {
    throw new Error(`${mode}: listed ${listed} users, expected at least ${USER_COUNT}`);
  }
  if (result.errors.length > 0 || result.completed !== ACTION_COUNT) {
    throw new Error(
      `${mode}: ${result.errors.length} action errors, ${result.completed} completed`,
    );
  }
  const changed = umapi.getUser(generatedEmail(firstUser + ACTION_COUNT - 1));
  if (!changed?.groups.includes(groupName)) {
    throw new Error(`${mode}: the last action was not applied`);
  }

  const stats = umapi.rateLimitStats(auth.clientId);
  const totalMinutes = (elapsedMs * TIME_SCALE) / BUDGET_MINUTE_MS;
  return ['users', 'actions'].map((budgetClass) => {
    const fraction = achievedFraction(umapi, auth.clientId, budgetClass);
    const throttled = stats[budgetClass].throttled;
    const served = stats[budgetClass].served;
    return row({
      name: `rate limits, ${mode}: ${budgetClass === 'users' ? 'list 20,000 users' : 'send 1,000 actions'}`,
      measured: `${(fraction * 100).toFixed(1)}% of ${BUDGETS[budgetClass]}/min, ${served} served, ${throttled} x 429`,
      baseline: `budget; both classes took ${totalMinutes.toFixed(1)} budget min (${(elapsedMs / 1000).toFixed(1)} s)`,
      target: useScheduler ? `>= ${TARGET_FRACTION * 100}%, zero 429s` : '(comparison)',
      pass: useScheduler ? fraction >= TARGET_FRACTION && throttled === 0 : undefined,
    });
  });
}

// Requests the fake served per budget minute, from the first to the last one
// of the class, as a fraction of the budget. The fake stamps requests on its
// compressed clock.
function achievedFraction(umapi, clientId, budgetClass) {
  const pathPart = budgetClass === 'users' ? '/users/' : '/action/';
  const times = umapi.requests
    .filter(
      (request) =>
        request.clientId === clientId && request.status === 200 && request.path.includes(pathPart),
    )
    .map((request) => request.time);
  const spanMinutes = (times.at(-1) - times[0]) / BUDGET_MINUTE_MS;
  return (times.length - 1) / spanMinutes / BUDGETS[budgetClass];
}

// The fake UMAPI's generated user i: even indexes at example.com, odd at example.org.
function generatedEmail(index) {
  const domain = index % 2 === 0 ? 'example.com' : 'example.org';
  return `user${String(index).padStart(6, '0')}@${domain}`;
}
