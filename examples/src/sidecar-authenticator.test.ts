// Runs the hand-written authenticator against a small token sidecar on
// 127.0.0.1 that hands out tokens from the fake IMS, and the fake UMAPI.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { isAuthenticator } from '@umapi/auth-core';
import { Connection } from '@umapi/connection';
import { type FakeIms, type FakeUmapi, startFakeIms, startFakeUmapi } from '@umapi/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { SidecarAuthenticator, SidecarError } from './sidecar-authenticator.js';

let ims: FakeIms;
let umapi: FakeUmapi;

beforeAll(async () => {
  ims = await startFakeIms();
  umapi = await startFakeUmapi({
    ims,
    users: [{ email: 'ada@example.com' }, { email: 'grace@example.com' }],
  });
});

afterAll(async () => {
  await umapi?.close();
  await ims?.close();
});

interface Sidecar {
  url: string;
  clientId: string;
  orgId: string;
  /** Requests the sidecar received. */
  readonly requests: number;
  /** Holds every response from now on until `release()`, to keep requests in flight. */
  hold(): void;
  /** Answers the held request with this index (0 is the first held), or every held request. */
  release(index?: number): void;
  /** Answers the next requests with this HTTP status. */
  failWith(status: number): void;
}

/** Starts a token sidecar for a new fake IMS client, closed when the test ends. */
async function startSidecar(): Promise<Sidecar> {
  const credentials = await ims.createOAuthCredentials();
  let requests = 0;
  let failStatus: number | undefined;
  let holding = false;
  const held: Array<() => void> = [];

  const server: Server = createServer(async (_request, response) => {
    requests += 1;
    if (holding) await new Promise<void>((resolve) => held.push(resolve));
    if (failStatus !== undefined) {
      response.writeHead(failStatus).end();
      return;
    }

    const token = await ims.issueAccessToken({ clientId: credentials.clientId });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ access_token: token, expires_in: 3600 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token`,
    clientId: credentials.clientId,
    orgId: credentials.orgId,
    get requests() {
      return requests;
    },
    hold() {
      holding = true;
    },
    release(index) {
      if (index !== undefined) {
        held[index]?.();
        return;
      }

      holding = false;
      for (const resolve of held) resolve();
    },
    failWith(status) {
      failStatus = status;
    },
  };
}

describe('sidecar authenticator', () => {
  it('meets the Authenticator contract', async () => {
    const sidecar = await startSidecar();

    expect(isAuthenticator(new SidecarAuthenticator(sidecar))).toBe(true);
  });

  it('lists users through a Connection', async () => {
    const sidecar = await startSidecar();
    const auth = new SidecarAuthenticator(sidecar);
    const connection = new Connection({ auth, endpoint: umapi.url });
    onTestFinished(() => connection.close());

    const emails: string[] = [];
    for await (const user of connection.users()) emails.push(user.email);

    expect(emails.sort()).toEqual(['ada@example.com', 'grace@example.com']);
    expect(sidecar.requests).toBe(1);
  });

  it('shares one request among concurrent callers', async () => {
    const sidecar = await startSidecar();
    const auth = new SidecarAuthenticator(sidecar);

    sidecar.hold();
    const calls = Array.from({ length: 10 }, () => auth.getAccessToken());
    sidecar.release();
    const results = await Promise.all(calls);

    expect(sidecar.requests).toBe(1);
    expect(new Set(results.map((result) => result.token)).size).toBe(1);
  });

  it('ends only the aborted wait', async () => {
    const sidecar = await startSidecar();
    const auth = new SidecarAuthenticator(sidecar);
    const controller = new AbortController();

    sidecar.hold();
    const aborted = auth.getAccessToken({ signal: controller.signal });
    const patient = auth.getAccessToken();
    controller.abort();

    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    sidecar.release();
    const token = await patient;
    expect(ims.verifyAccessToken(token.token)?.clientId).toBe(sidecar.clientId);
    expect(sidecar.requests).toBe(1);
  });

  it('sends nothing for an already aborted signal', async () => {
    const sidecar = await startSidecar();
    const auth = new SidecarAuthenticator(sidecar);

    await expect(auth.getAccessToken({ signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(sidecar.requests).toBe(0);
  });

  it('requests a new token after invalidate', async () => {
    const sidecar = await startSidecar();
    const auth = new SidecarAuthenticator(sidecar);

    await auth.getAccessToken();
    await auth.getAccessToken();
    auth.invalidate();
    await auth.getAccessToken();

    expect(sidecar.requests).toBe(2);
  });

  it('drops a token whose request started before invalidate', async () => {
    const sidecar = await startSidecar();
    const auth = new SidecarAuthenticator(sidecar);

    sidecar.hold();
    const early = auth.getAccessToken();
    await vi.waitFor(() => expect(sidecar.requests).toBe(1), { timeout: 10_000 });
    auth.invalidate();
    const late = auth.getAccessToken();
    await vi.waitFor(() => expect(sidecar.requests).toBe(2), { timeout: 10_000 });

    // The late request finishes first; the early one must not overwrite its token.
    sidecar.release(1);
    const lateToken = await late;
    sidecar.release(0);
    const earlyToken = await early;
    const cached = await auth.getAccessToken();

    expect(earlyToken.token).not.toBe(lateToken.token);
    expect(cached.token).toBe(lateToken.token);
    expect(sidecar.requests).toBe(2);
  });

  it('reports expiry in epoch milliseconds', async () => {
    const sidecar = await startSidecar();
    const before = Date.now();

    const { expiresAt } = await new SidecarAuthenticator(sidecar).getAccessToken();

    expect(expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it('keeps the token out of JSON and inspect output', async () => {
    const sidecar = await startSidecar();
    const auth = new SidecarAuthenticator(sidecar);
    const { token } = await auth.getAccessToken();

    expect(JSON.stringify(auth)).not.toContain(token);
    expect(inspect(auth, { showHidden: true, depth: 10 })).not.toContain(token);
    expect(JSON.parse(JSON.stringify(auth))).toEqual({
      clientId: sidecar.clientId,
      orgId: sidecar.orgId,
    });
  });

  it('raises SidecarError for an error status', async () => {
    const sidecar = await startSidecar();
    sidecar.failWith(503);

    const error = await new SidecarAuthenticator(sidecar)
      .getAccessToken()
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SidecarError);
    expect((error as SidecarError).code).toBe('ERR_TOKEN_SIDECAR');
    expect((error as Error).message).toContain('HTTP 503');
  });

  it('raises SidecarError when the sidecar is unreachable', async () => {
    const sidecar = await startSidecar();
    const auth = new SidecarAuthenticator({ ...sidecar, url: 'http://127.0.0.1:1/token' });

    const error = await auth.getAccessToken().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SidecarError);
    expect((error as Error).message).toContain('unreachable');
  });
});
