// Starting and closing one fake IMS against a bare node:http server.
import { createServer } from 'node:http';
import { startFakeIms } from '@umapi/testing';
import { formatMs, median, row, timeOnce } from './measure.mjs';

const REPEATS = 200;
const HTTPS_REPEATS = 20;
const TARGET_MS = 100;

async function bareServer() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
}

async function fakeIms() {
  const ims = await startFakeIms();
  await ims.close();
}

// HTTPS generates a new CA and server certificate on every start.
async function fakeImsHttps() {
  const ims = await startFakeIms({ https: true });
  await ims.close();
}

export async function benchFakeStart() {
  const bare = [];
  const fake = [];
  for (let index = 0; index < REPEATS; index += 1) {
    bare.push(await timeOnce(bareServer));
    fake.push(await timeOnce(fakeIms));
  }

  const https = [];
  for (let index = 0; index < HTTPS_REPEATS; index += 1) {
    https.push(await timeOnce(fakeImsHttps));
  }

  const bareMedian = median(bare);
  const fakeMedian = median(fake);
  const fakeMax = Math.max(...fake);
  return [
    row({
      name: 'fake IMS start + close (HTTP)',
      measured: `median ${formatMs(fakeMedian)}, max ${formatMs(fakeMax)}`,
      baseline: `http.createServer listen+close: median ${formatMs(bareMedian)}`,
      ratio: fakeMedian / bareMedian,
      target: `well under ${TARGET_MS} ms`,
      pass: fakeMax < TARGET_MS,
    }),
    row({
      name: 'fake IMS start + close (HTTPS, new CA)',
      measured: `median ${formatMs(median(https))}, max ${formatMs(Math.max(...https))}`,
      baseline: `http.createServer listen+close: median ${formatMs(bareMedian)}`,
      ratio: median(https) / bareMedian,
    }),
  ];
}
