import type { IncomingMessage, ServerResponse } from 'node:http';
import { createClock } from '../clock.js';
import { newClientId, newClientSecret, newOrgId, newTechAcctId } from '../ids.js';
import { logServeFailure } from '../server/debug-log.js';
import { DelayTimers, type FailNextOptions, FaultQueue } from '../server/faults.js';
import { type ListenOptions, listen } from '../server/http-server.js';
import { sendJson } from '../server/respond.js';
import { AccessTokenIssuer, type AccessTokenInfo } from './access-token.js';
import {
  ClientRegistry,
  DEFAULT_METASCOPES,
  type RegisterJwtClientOptions,
  type RegisterOAuthClientOptions,
} from './clients.js';
import { generateRsaKeyPair, type PrivateKeyFormat } from './credentials.js';
import type { TokenExchange } from './exchange-log.js';
import { serveImsRequest } from './ims-handler.js';
import type { TokenEndpointContext } from './outcome.js';

/** Options of {@link startFakeIms}. */
export interface FakeImsOptions extends ListenOptions {
  /** Org ID that `createJwtCredentials` and `createOAuthCredentials` use by default. Default: a new random one. */
  orgId?: string;
  /** Lifetime of issued access tokens in milliseconds. Default 24 hours, as IMS issues them. */
  tokenLifetimeMs?: number;
  /** Leeway in milliseconds when checking a JWT's `exp`, `iat` and `nbf`. Default 30 seconds. */
  clockToleranceMs?: number;
  /** Time source in epoch milliseconds. Default `Date.now`. `setNow` and `advance` move it further. */
  now?: () => number;
}

/** Options of {@link FakeIms.createJwtCredentials}. Every field has a generated default. */
export interface CreateJwtCredentialsOptions {
  /** The org ID. Default: the fake's default org ID (`FakeImsOptions.orgId`). */
  orgId?: string;
  /** The client ID. Default: 32 random hex digits. */
  clientId?: string;
  /** The client secret. Default: a random `p8e-` secret. */
  clientSecret?: string;
  /** The technical account ID. Default: a random `...@techacct.adobe.com` ID. */
  techAcctId?: string;
  /** Metascopes granted to the client. Default `['ent_user_sdk']`. Returned for `JWTAuth` only when given. */
  metascopes?: string[];
  /** Encoding of the returned private key. Default `'pkcs1'`, as the Adobe Developer Console hands it out. */
  keyFormat?: PrivateKeyFormat;
  /** Passphrase for `keyFormat: 'encrypted-pkcs8'`. Default: a random one, returned. */
  passphrase?: string;
  /** RSA key size in bits. Default 2048. */
  modulusLength?: number;
}

/** Options for `new JWTAuth({...})`, as {@link FakeIms.createJwtCredentials} returns them. */
export interface JwtCredentials {
  /** The org ID the client is registered in. */
  orgId: string;
  /** The client ID (API key). */
  clientId: string;
  /** The client secret. */
  clientSecret: string;
  /** The technical account ID. */
  techAcctId: string;
  /** The private key as PEM. A secret: it never leaves the test process. */
  privateKey: string;
  /** The passphrase of an encrypted private key, present only for `encrypted-pkcs8`. */
  passphrase?: string;
  /** Present only when `metascopes` was given, so the default object stays minimal. */
  metascopes?: string[];
  /** The fake's origin, such as `http://127.0.0.1:40123`. */
  authHost: string;
  /** The CA certificate (PEM) to trust, present when the fake serves HTTPS. */
  ca?: string;
}

/** Options of {@link FakeIms.createOAuthCredentials}. Every field has a generated default. */
export interface CreateOAuthCredentialsOptions {
  /** The org ID. Default: the fake's default org ID (`FakeImsOptions.orgId`). */
  orgId?: string;
  /** The client ID. Default: 32 random hex digits. */
  clientId?: string;
  /** The client secret. Default: a random `p8e-` secret. */
  clientSecret?: string;
  /** Scopes granted to the client. Default `['openid', 'AdobeID', 'user_management_sdk']`. Returned for `OAuthS2S` only when given. */
  scopes?: string[];
}

/** Options for `new OAuthS2S({...})`, as {@link FakeIms.createOAuthCredentials} returns them. */
export interface OAuthCredentials {
  /** The client ID (API key). */
  clientId: string;
  /** The client secret. */
  clientSecret: string;
  /** The org ID the client is registered in. */
  orgId: string;
  /** The fake's origin. */
  authHost: string;
  /** Present only when `scopes` was given. */
  scopes?: string[];
  /** The CA certificate (PEM) to trust, present when the fake serves HTTPS. */
  ca?: string;
}

/** Options of {@link FakeIms.issueAccessToken}. */
export interface IssueAccessTokenOptions {
  /** A registered client ID. */
  clientId: string;
  /** Default: the client's granted scopes or metascopes. */
  scopes?: string[];
  /** Default: the fake's `tokenLifetimeMs`. */
  lifetimeMs?: number;
}

/** A running fake Adobe IMS. */
export interface FakeIms {
  /** The origin, such as `http://127.0.0.1:40123`, usable as `authHost`. */
  readonly url: string;
  /** The CA certificate (PEM) to pass as `ca`, when started with `https: true`. */
  readonly ca: string | undefined;
  /** The default org ID of generated credentials, and of a fake UMAPI started on this IMS. */
  readonly orgId: string;
  /** Every request received, failures and injected faults included, oldest first. */
  readonly exchanges: readonly TokenExchange[];
  /** Lifetime of access tokens issued from now on, in milliseconds. */
  tokenLifetimeMs: number;
  /** Leeway for a JWT's `exp`, `iat` and `nbf`, in milliseconds. */
  clockToleranceMs: number;
  /** The fake's clock, epoch milliseconds. */
  now(): number;
  /** Sets the fake's clock to `epochMs`, and it keeps running from there. */
  setNow(epochMs: number): void;
  /** Moves the fake's clock by `ms` milliseconds. */
  advance(ms: number): void;
  /** Generates an RSA key pair, registers a JWT client for it and returns options for `JWTAuth`. */
  createJwtCredentials(options?: CreateJwtCredentialsOptions): Promise<JwtCredentials>;
  /** Registers an OAuth server-to-server client and returns options for `OAuthS2S`. */
  createOAuthCredentials(options?: CreateOAuthCredentialsOptions): Promise<OAuthCredentials>;
  /** Registers a JWT client for a public key or certificate the test supplies. */
  registerJwtClient(options: RegisterJwtClientOptions): void;
  /** Registers an OAuth server-to-server client. */
  registerOAuthClient(options: RegisterOAuthClientOptions): void;
  /** Issues an access token without an HTTP exchange, for tests that only need a valid token. */
  issueAccessToken(options: IssueAccessTokenOptions): Promise<string>;
  /**
   * Injects a fault into the next request(s).
   *
   * @throws TypeError naming the option for an unknown key, a status outside 100..599,
   *   or `drop` with `status` or `body`.
   */
  failNext(fault?: FailNextOptions): void;
  /** Checks a token this fake issued: its grant, or `null` if it is invalid, foreign or expired on the fake's clock. */
  verifyAccessToken(token: string): AccessTokenInfo | null;
  /** Empties `exchanges`. */
  clearExchanges(): void;
  /** Stops listening and ends every connection. Safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;
const DEFAULT_CLOCK_TOLERANCE_MS = 30_000;

/**
 * Starts a fake Adobe IMS on 127.0.0.1 and a free port. It serves the JWT
 * exchange (`/ims/exchange/jwt`) and the OAuth server-to-server token endpoints
 * (`/ims/token/v3`, `/ims/token/v2`) with the checks, error codes and statuses
 * of the real service. Close it when the test ends.
 *
 * @example
 * ```ts
 * const ims = await startFakeIms();
 * const auth = new JWTAuth(await ims.createJwtCredentials());
 * await auth.getAccessToken();
 * await ims.close();
 * ```
 */
export async function startFakeIms(options: FakeImsOptions = {}): Promise<FakeIms> {
  const clock = createClock(options.now);
  const registry = new ClientRegistry();
  const issuer = new AccessTokenIssuer();
  const faults = new FaultQueue();
  const delays = new DelayTimers();
  const exchanges: TokenExchange[] = [];
  const settings = {
    tokenLifetimeMs: checkPositive(
      options.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS,
      'tokenLifetimeMs',
    ),
    clockToleranceMs: checkNonNegative(
      options.clockToleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS,
      'clockToleranceMs',
    ),
  };
  let acceptedOrigins: string[] = [];

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const context = (): TokenEndpointContext => ({
      registry,
      issuer,
      nowMs: clock.now(),
      clockToleranceMs: settings.clockToleranceMs,
      tokenLifetimeMs: settings.tokenLifetimeMs,
      acceptedOrigins,
    });
    serveImsRequest(request, response, { clock, faults, delays, exchanges, context }).catch(
      (error) => {
        logServeFailure('fake IMS', request.method, request.url, error);
        if (!response.headersSent) {
          sendJson(response, 500, { error: 'server_error', error_description: 'Fake IMS failed' });
        }
      },
    );
  };

  const server = await listen(options, handle);
  server.onClose(() => {
    delays.clear();
    faults.clear();
  });
  acceptedOrigins = originAliases(server.origin);
  const defaultOrgId = options.orgId ?? newOrgId();

  const extras = (): { ca?: string } => (server.ca ? { ca: server.ca } : {});

  return {
    url: server.origin,
    ca: server.ca,
    orgId: defaultOrgId,
    exchanges,
    get tokenLifetimeMs() {
      return settings.tokenLifetimeMs;
    },
    set tokenLifetimeMs(value: number) {
      settings.tokenLifetimeMs = checkPositive(value, 'tokenLifetimeMs');
    },
    get clockToleranceMs() {
      return settings.clockToleranceMs;
    },
    set clockToleranceMs(value: number) {
      settings.clockToleranceMs = checkNonNegative(value, 'clockToleranceMs');
    },
    now: clock.now,
    setNow: clock.setNow,
    advance: clock.advance,

    async createJwtCredentials(request = {}) {
      const keys = await generateRsaKeyPair(
        request.keyFormat ?? 'pkcs1',
        request.modulusLength ?? 2048,
        request.passphrase,
      );
      const client = registry.registerJwt({
        clientId: request.clientId ?? newClientId(),
        clientSecret: request.clientSecret ?? newClientSecret(),
        orgId: request.orgId ?? defaultOrgId,
        techAcctId: request.techAcctId ?? newTechAcctId(),
        publicKey: keys.publicKey,
        metascopes: request.metascopes ?? DEFAULT_METASCOPES,
      });

      const credentials: JwtCredentials = {
        orgId: client.orgId,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        techAcctId: client.techAcctId,
        privateKey: keys.privateKey,
        authHost: server.origin,
        ...extras(),
      };
      if (keys.passphrase !== undefined) credentials.passphrase = keys.passphrase;
      if (request.metascopes) credentials.metascopes = [...request.metascopes];
      return credentials;
    },

    async createOAuthCredentials(request = {}) {
      const client = registry.registerOAuth({
        clientId: request.clientId ?? newClientId(),
        clientSecret: request.clientSecret ?? newClientSecret(),
        orgId: request.orgId ?? defaultOrgId,
        ...(request.scopes ? { scopes: request.scopes } : {}),
      });

      const credentials: OAuthCredentials = {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        orgId: client.orgId ?? defaultOrgId,
        authHost: server.origin,
        ...extras(),
      };
      if (request.scopes) credentials.scopes = [...request.scopes];
      return credentials;
    },

    registerJwtClient(registration) {
      registry.registerJwt(registration);
    },

    registerOAuthClient(registration) {
      registry.registerOAuth(registration);
    },

    async issueAccessToken(grant) {
      const jwtClient = registry.jwt.get(grant.clientId);
      const oauthClient = registry.oauth.get(grant.clientId);
      if (!jwtClient && !oauthClient) {
        throw new TypeError(
          `issueAccessToken(): client ID ${grant.clientId} is not registered with this fake IMS.`,
        );
      }

      await issuer.ready();
      return issuer.issue({
        clientId: grant.clientId,
        orgId: jwtClient?.orgId ?? oauthClient?.orgId,
        userId: jwtClient?.techAcctId,
        scopes: grant.scopes ?? jwtClient?.metascopes ?? oauthClient?.scopes ?? [],
        createdAt: clock.now(),
        lifetimeMs: checkPositive(grant.lifetimeMs ?? settings.tokenLifetimeMs, 'lifetimeMs'),
      });
    },

    failNext: (fault) => faults.add(fault),
    verifyAccessToken: (token) => issuer.verify(token, clock.now()),
    clearExchanges: () => {
      exchanges.length = 0;
    },
    close: () => server.close(),
  };
}

/** Lists the fake's origin and the same port under the other loopback name, since clients use either. */
function originAliases(origin: string): string[] {
  const url = new URL(origin);
  const aliases = [origin];
  if (url.hostname === '127.0.0.1') aliases.push(origin.replace('127.0.0.1', 'localhost'));
  if (url.hostname === 'localhost') aliases.push(origin.replace('localhost', '127.0.0.1'));
  return aliases;
}

function checkPositive(value: number, name: string): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new TypeError(`${name} must be a positive number of milliseconds, got ${String(value)}.`);
  }
  return value;
}

function checkNonNegative(value: number, name: string): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new TypeError(`${name} must be a number of milliseconds >= 0, got ${String(value)}.`);
  }
  return value;
}
