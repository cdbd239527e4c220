// Listing 100,000 users: Connection.users() against a raw fetch loop over the
// same pages, and the heap growth while the iterator runs.
import { OAuthS2S } from '@umapi/auth-oauth';
import { Connection } from '@umapi/connection';
import { startFakeIms, startFakeUmapi } from '@umapi/testing';
import { collectGarbage, formatBytes, formatMs, formatRate, row, timeOnce } from './measure.mjs';

const USER_COUNT = 100_000;
const PAGE_SIZE = 200;
const ROUNDS = 7;
const TARGET_RATIO = 1.3;
const TARGET_HEAP_BYTES = 50 * 2 ** 20;
// A User-Agent of the same length as the connection's, so that the header bytes match.
const RAW_USER_AGENT = `umapi-client/0.0.0 Node.js/${process.versions.node} (${process.platform})`;

export async function benchListUsers() {
  const ims = await startFakeIms();
  const umapi = await startFakeUmapi({ ims, users: USER_COUNT, pageSize: PAGE_SIZE });

  try {
    const auth = new OAuthS2S(await ims.createOAuthCredentials());
    const connection = new Connection({ auth, endpoint: umapi.url, rateLimits: false });
    const { token } = await auth.getAccessToken();
    const pagesUrl = `${umapi.url}/users/${encodeURIComponent(umapi.orgId)}`;

    // The raw loop sends the same six headers as the connection, with a new
    // X-Request-Id per page, so that both loops put the same bytes on the wire.
    async function rawLoop() {
      let users = 0;
      for (let page = 0; ; page += 1) {
        const headers = {
          Accept: 'application/json',
          'Content-Type': 'application/json',
          'User-Agent': RAW_USER_AGENT,
          Authorization: `Bearer ${token}`,
          'x-api-key': auth.clientId,
          'X-Request-Id': `${connection.connectionId}_${Date.now()}`,
        };
        const response = await fetch(`${pagesUrl}/${page}`, { headers });
        const body = await response.json();
        users += body.users.length;
        if (body.lastPage) {
          return { users, pages: page + 1 };
        }
      }
    }

    async function connectionLoop() {
      let users = 0;
      for await (const _user of connection.users()) {
        users += 1;
      }
      return users;
    }

    // Alternate the two loops and keep the best round of each, so that a
    // burst of other work on the machine does not decide the ratio.
    let bestRawMs = Number.POSITIVE_INFINITY;
    let bestClientMs = Number.POSITIVE_INFINITY;
    let pages = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      let result;
      bestRawMs = Math.min(bestRawMs, await timeOnce(async () => (result = await rawLoop())));
      pages = result.pages;
      assertCount('raw fetch loop', result.users);

      let listed = 0;
      bestClientMs = Math.min(
        bestClientMs,
        await timeOnce(async () => (listed = await connectionLoop())),
      );
      assertCount('Connection.users()', listed);
    }

    const heapGrowth = await peakHeapGrowth(connection, false);
    const retainedGrowth = await peakHeapGrowth(connection, true);
    await connection.close();

    const ratio = bestClientMs / bestRawMs;
    return [
      row({
        name: `list ${USER_COUNT.toLocaleString('en-US')} users (${pages} pages): time`,
        measured: `${formatMs(bestClientMs)}, ${formatRate((pages / bestClientMs) * 1000, ' req/s')}`,
        baseline: `raw fetch loop: ${formatMs(bestRawMs)}, ${formatRate((pages / bestRawMs) * 1000, ' req/s')}`,
        ratio,
        target: `within ${TARGET_RATIO}x`,
        pass: ratio <= TARGET_RATIO,
      }),
      row({
        name: `list ${USER_COUNT.toLocaleString('en-US')} users: peak heap growth`,
        measured: formatBytes(heapGrowth),
        baseline: 'heap after gc, before the loop',
        target: '< 50 MiB',
        pass: heapGrowth < TARGET_HEAP_BYTES,
      }),
      row({
        name: `list ${USER_COUNT.toLocaleString('en-US')} users: retained heap growth`,
        measured: formatBytes(retainedGrowth),
        baseline: 'heap after gc, before the loop',
      }),
    ];
  } finally {
    await umapi.close();
    await ims.close();
  }
}

// Samples heapUsed once per page. Without forced collection the peak
// includes garbage not yet collected, an upper bound of what the iterator
// costs. With `collect`, the heap is collected before each sample, so the
// figure is what the iteration keeps alive.
async function peakHeapGrowth(connection, collect) {
  collectGarbage();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  let users = 0;
  for await (const _user of connection.users()) {
    users += 1;
    if (users % PAGE_SIZE === 0) {
      if (collect) {
        collectGarbage();
      }
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
  }
  assertCount('Connection.users() with heap sampling', users);
  return peak - baseline;
}

function assertCount(label, count) {
  if (count !== USER_COUNT) {
    throw new Error(`${label} listed ${count} users, expected ${USER_COUNT}`);
  }
}
