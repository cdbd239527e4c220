import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startFakeIms } from '../ims/fake-ims.js';
import { useFakeIms, useFakeUmapi } from '../test-helpers.js';

function httpsGet(url: string, ca?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { ca, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('listening', () => {
  it('binds 127.0.0.1 on a free port', async () => {
    const ims = await useFakeIms();
    expect(ims.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('close() frees the port with a keep-alive connection open', async () => {
    const ims = await startFakeIms();
    const port = Number(new URL(ims.url).port);
    const response = await fetch(`${ims.url}/ims/token/v3`, { method: 'POST' });
    await response.text();

    expect(await canListen(port)).toBe(false);
    await ims.close();
    expect(await canListen(port)).toBe(true);
    await ims.close();
  });
});

describe('HTTPS', () => {
  it('serves the fake IMS with a certificate its CA verifies', async () => {
    const ims = await useFakeIms({ https: true });
    expect(ims.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(ims.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);

    const answer = await httpsGet(`${ims.url}/nowhere`, ims.ca);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'not_found' });
  });

  it('fails verification without the CA', async () => {
    const ims = await useFakeIms({ https: true });
    await expect(httpsGet(`${ims.url}/nowhere`)).rejects.toMatchObject({
      code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY|SELF-SIGNED/i),
    });
  });

  it('verifies under the localhost name', async () => {
    const ims = await useFakeIms({ https: true });
    const answer = await httpsGet(`${ims.url.replace('127.0.0.1', 'localhost')}/nowhere`, ims.ca);
    expect(answer.status).toBe(404);
  });

  it('returns the CA with generated credentials', async () => {
    const ims = await useFakeIms({ https: true });
    const credentials = await ims.createOAuthCredentials();
    expect(credentials.ca).toBe(ims.ca);
  });

  it('serves the fake UMAPI status over HTTPS', async () => {
    const ims = await useFakeIms();
    const umapi = await useFakeUmapi({ ims, https: true });
    const answer = await httpsGet(`${umapi.origin}/status`, umapi.ca);

    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 'OK', endpoint: umapi.url });
  });
});
