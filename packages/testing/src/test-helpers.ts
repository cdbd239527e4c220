import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { onTestFinished } from 'vitest';
import type { FakeIms, FakeImsOptions, JwtCredentials } from './ims/fake-ims.js';
import { startFakeIms } from './ims/fake-ims.js';
import { type FakeUmapi, type FakeUmapiOptions, startFakeUmapi } from './umapi/fake-umapi.js';

/** Starts a fake IMS that closes when the current test ends. */
export async function useFakeIms(options?: FakeImsOptions): Promise<FakeIms> {
  const ims = await startFakeIms(options);
  onTestFinished(() => ims.close());
  return ims;
}

/** Starts a fake UMAPI that closes when the current test ends. */
export async function useFakeUmapi(options: FakeUmapiOptions): Promise<FakeUmapi> {
  const umapi = await startFakeUmapi(options);
  onTestFinished(() => umapi.close());
  return umapi;
}

/** Claims of a client assertion, each overridable; `undefined` removes a claim. */
export interface AssertionOverrides {
  iss?: string | undefined;
  sub?: string | undefined;
  aud?: string | undefined;
  /** `exp` in epoch seconds. Default: 5 minutes after `nowMs`. */
  exp?: number | undefined;
  iat?: number | undefined;
  /** `nbf` in epoch seconds. Default: not set. */
  nbf?: number | undefined;
  metascopes?: string[];
  /** Origin used in the metascope claim names. Default the fake's URL. */
  metascopeOrigin?: string;
  key?: KeyObject;
  nowMs?: number;
}

/**
 * Signs a client assertion with jose directly, the way a service-account
 * client does, independent of any package in this repository.
 */
export async function signAssertion(
  ims: FakeIms,
  credentials: JwtCredentials,
  overrides: AssertionOverrides = {},
): Promise<string> {
  const nowSeconds = Math.floor((overrides.nowMs ?? ims.now()) / 1000);
  const origin = overrides.metascopeOrigin ?? ims.url;
  const claims: Record<string, unknown> = {
    iss: credentials.orgId,
    sub: credentials.techAcctId,
    aud: `${ims.url}/c/${credentials.clientId}`,
    exp: nowSeconds + 300,
  };
  for (const metascope of overrides.metascopes ?? ['ent_user_sdk'])
    claims[`${origin}/s/${metascope}`] = true;

  for (const name of ['iss', 'sub', 'aud', 'exp', 'iat', 'nbf'] as const) {
    if (!(name in overrides)) continue;
    if (overrides[name] === undefined) delete claims[name];
    else claims[name] = overrides[name];
  }

  const key =
    overrides.key ??
    createPrivateKey({ key: credentials.privateKey, passphrase: credentials.passphrase });
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(key);
}

/** POSTs form fields url-encoded or as multipart/form-data. */
export function postForm(
  url: string,
  fields: Record<string, string>,
  encoding: 'urlencoded' | 'multipart' = 'urlencoded',
  headers: Record<string, string> = {},
): Promise<Response> {
  let body: URLSearchParams | FormData;
  if (encoding === 'urlencoded') {
    body = new URLSearchParams(fields);
  } else {
    body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
  }
  return fetch(url, { method: 'POST', body, headers });
}

/** Exchanges a fresh assertion for an access token and returns the parsed response body. */
export async function exchangeJwt(
  ims: FakeIms,
  credentials: JwtCredentials,
): Promise<Record<string, unknown>> {
  const response = await postForm(`${ims.url}/ims/exchange/jwt/`, {
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    jwt_token: await signAssertion(ims, credentials),
  });
  return (await response.json()) as Record<string, unknown>;
}

/** Gets an OAuth server-to-server access token from the fake IMS for a new client. */
export async function oauthToken(ims: FakeIms): Promise<{ clientId: string; token: string }> {
  const credentials = await ims.createOAuthCredentials();
  const response = await postForm(`${ims.url}/ims/token/v3`, {
    grant_type: 'client_credentials',
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
  });
  const body = (await response.json()) as { access_token: string };
  return { clientId: credentials.clientId, token: body.access_token };
}
