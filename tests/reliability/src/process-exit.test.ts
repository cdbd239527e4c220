import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type FakeIms, type FakeUmapi, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

// How long the child may live after its work is done. A keep-alive socket,
// an agent or a timer left behind would hold it for seconds.
const EXIT_GRACE_MS = 1_000;

let ims: FakeIms;
let umapi: FakeUmapi;
let setup: string;

beforeAll(async () => {
  // The fakes run in this process, so the child holds only its client side.
  ims = await startFakeIms();
  umapi = await startFakeUmapi({ ims, users: 5 });
  setup = JSON.stringify({
    oauth: await ims.createOAuthCredentials(),
    jwt: await ims.createJwtCredentials(),
    endpoint: umapi.url,
    email: 'user000000@example.com',
  });
});

afterAll(async () => {
  await umapi.close();
  await ims.close();
});

interface ExitTiming {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the child's `done` line to its exit; undefined without that line. */
  afterDoneMs: number | undefined;
}

function runOneCall(mode: 'oauth' | 'jwt'): Promise<ExitTiming> {
  const script = fileURLToPath(new URL('./children/one-call.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, mode], {
    env: { ...process.env, ONE_CALL_SETUP: setup },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let stdout = '';
  let stderr = '';
  let doneAt: number | undefined;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (doneAt === undefined && /^done$/m.test(stdout)) {
      doneAt = performance.now();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });

  // A child that never exits is killed after 20 s, and then fails the checks below.
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 20_000);

  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(killTimer);
      const afterDoneMs = doneAt === undefined ? undefined : performance.now() - doneAt;
      resolve({ code, stdout, stderr, afterDoneMs });
    });
  });
}

it.each(['oauth', 'jwt'] as const)('%s script exits on its own', async (mode) => {
  const result = await runOneCall(mode);

  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain('{"found":true}');
  expect(result.afterDoneMs).toBeDefined();
  expect(result.afterDoneMs).toBeLessThan(EXIT_GRACE_MS);
});
