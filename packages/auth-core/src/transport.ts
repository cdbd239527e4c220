import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher, ProxyAgent, fetch as undiciFetch } from 'undici';
import { debug } from './debug.js';
import { ConfigurationError, type ConfigurationProblem } from './errors.js';
import { extraCaCertificates } from './extra-ca.js';
import { toNetworkError } from './network-errors.js';
import {
  type ProxyEnvironment,
  type ProxySettings,
  readProxyEnvironment,
  selectProxy,
} from './proxy-env.js';

/** Transport options shared by authenticators and `Connection`. */
export interface TransportOptions {
  /** Verify TLS certificates. Default true; false emits one process warning naming the host. */
  sslVerify?: boolean;
  /** Extra trusted CA certificates (PEM), added to Node's default roots. */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** A fetch implementation to use instead of the built-in one. */
  fetch?: typeof globalThis.fetch;
}

/** A fetch function bound to one set of transport options, with typed network errors. */
export interface Transport {
  /** Like `fetch`, but network failures reject with `NetworkError`, `CertificateError` or `ProxyError`. */
  fetch: typeof globalThis.fetch;
  /** Closes the agents this transport created. */
  close(): Promise<void>;
}

/** Code of the process warning emitted when `sslVerify` is false. */
export const SSL_VERIFY_WARNING_CODE = 'UMAPI_SSL_VERIFY_DISABLED';

type FetchInput = Parameters<typeof globalThis.fetch>[0];
type FetchInit = Parameters<typeof globalThis.fetch>[1];

/** Agents of one transport: built once, used by every request. */
interface Dispatchers {
  direct: Agent;
  byProxy: Map<ProxySettings, ProxyAgent>;
}

/**
 * Builds the transport for one authenticator or connection. Agents are built once, here.
 *
 * - Without options and without proxy variables, requests go through the
 *   global `fetch`.
 * - `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (either case, lower case
 *   first) are read once, now, from `env` (default `process.env`). Node 20's
 *   global `fetch` ignores them, so a proxy, `ca` or `sslVerify: false` makes
 *   the transport use undici's `fetch` with its own agents.
 * - Requests to `localhost` and loopback addresses (127.0.0.0/8, `::1`) never
 *   use a proxy, whatever `NO_PROXY` contains: a proxy cannot reach this
 *   machine's loopback interface.
 * - `ca` adds certificates to Node's bundled roots and to those of
 *   `NODE_EXTRA_CA_CERTS` rather than replacing them.
 * - A `fetch` option is used as given, without proxy or TLS handling; its
 *   network failures are still mapped to typed errors.
 *
 * Network failures reject with `NetworkError`, `CertificateError` (never
 * worth retrying) or `ProxyError`; an abort of the caller's signal rejects
 * with the signal's reason, unchanged.
 *
 * @param options - Transport options, plus `env` to read proxy variables from.
 * @throws ConfigurationError listing every invalid option or proxy variable.
 *
 * @example
 * const transport = createTransport({ ca: readFileSync('corporate-root.pem', 'utf8') });
 * const response = await transport.fetch('https://ims-na1.adobelogin.com/ims/token/v3', { method: 'POST' });
 * await transport.close();
 */
export function createTransport(
  options: TransportOptions & { env?: NodeJS.ProcessEnv } = {},
): Transport {
  const problems: ConfigurationProblem[] = [];
  const settings = validateOptions(options ?? {}, problems);
  const proxies = readProxyEnvironment(settings.env, problems);

  if (problems.length > 0) {
    throw new ConfigurationError(problems, { subject: 'transport options' });
  }

  if (settings.fetch !== undefined) {
    if (proxies.https !== undefined || proxies.http !== undefined) {
      debug('transport uses the fetch option as given; proxy variables are left to it');
    }
    return wrapFetch(settings.fetch);
  }

  const usesUndici =
    settings.sslVerify === false || settings.ca !== undefined || proxies.https || proxies.http;
  if (!usesUndici) {
    return wrapFetch(globalThis.fetch);
  }

  return createUndiciTransport(settings, proxies);
}

interface TransportSettings {
  sslVerify: boolean;
  ca: string[] | undefined;
  fetch: typeof globalThis.fetch | undefined;
  env: NodeJS.ProcessEnv;
}

function validateOptions(
  options: TransportOptions & { env?: NodeJS.ProcessEnv },
  problems: ConfigurationProblem[],
): TransportSettings {
  const { sslVerify = true, ca, fetch, env = process.env } = options;

  if (typeof sslVerify !== 'boolean') {
    problems.push({
      field: 'sslVerify',
      message: `must be true or false, got ${typeof sslVerify}`,
    });
  }

  const certificates = ca === undefined ? undefined : readCertificates(ca, problems);

  if (fetch !== undefined && typeof fetch !== 'function') {
    problems.push({ field: 'fetch', message: `must be a fetch function, got ${typeof fetch}` });
  }

  if (typeof fetch === 'function' && (certificates !== undefined || sslVerify === false)) {
    problems.push({
      field: 'fetch',
      message:
        'cannot be combined with ca or sslVerify: false, because a custom fetch does its own TLS; ' +
        'configure TLS in that fetch, or drop the fetch option',
    });
  }

  if (typeof env !== 'object' || env === null) {
    problems.push({
      field: 'env',
      message: 'must be an object of environment variables, such as process.env',
    });
  }

  return { sslVerify: sslVerify !== false, ca: certificates, fetch, env: env ?? {} };
}

function readCertificates(
  ca: NonNullable<TransportOptions['ca']>,
  problems: ConfigurationProblem[],
): string[] | undefined {
  const items = Array.isArray(ca) ? ca : [ca];
  const certificates: string[] = [];

  for (const [index, item] of items.entries()) {
    const field = Array.isArray(ca) ? `ca[${index}]` : 'ca';
    if (typeof item !== 'string' && !Buffer.isBuffer(item)) {
      problems.push({ field, message: 'must be a PEM string or Buffer' });
      continue;
    }

    const text = item.toString('utf8');
    if (!text.includes('-----BEGIN CERTIFICATE-----')) {
      problems.push({
        field,
        message:
          'is not a PEM certificate (no -----BEGIN CERTIFICATE----- line); pass the file contents, not its path',
      });
      continue;
    }

    certificates.push(text);
  }

  return certificates;
}

/**
 * Builds the TLS options of the agents. An agent's `ca` replaces Node's trust
 * store, so the `ca` certificates are added to `tls.rootCertificates` and to
 * those of `NODE_EXTRA_CA_CERTS`, which would otherwise stop being trusted.
 */
export function tlsOptionsFor(
  sslVerify: boolean,
  ca: readonly string[] | undefined,
  extra: readonly string[] = extraCaCertificates(),
): {
  rejectUnauthorized: boolean;
  ca?: string[];
} {
  return {
    rejectUnauthorized: sslVerify,
    ...(ca === undefined ? {} : { ca: [...rootCertificates, ...extra, ...ca] }),
  };
}

function createUndiciTransport(settings: TransportSettings, proxies: ProxyEnvironment): Transport {
  const tls = tlsOptionsFor(settings.sslVerify, settings.ca);

  const dispatchers: Dispatchers = { direct: new Agent({ connect: tls }), byProxy: new Map() };
  for (const proxy of new Set([proxies.https, proxies.http])) {
    if (proxy === undefined) {
      continue;
    }

    dispatchers.byProxy.set(
      proxy,
      new ProxyAgent({
        uri: proxy.uri,
        ...(proxy.authorization === undefined ? {} : { token: proxy.authorization }),
        requestTls: tls,
        proxyTls: tls,
      }),
    );
  }

  const warnedHosts = new Set<string>();

  const fetch = async (input: FetchInput, init?: FetchInit): Promise<Response> => {
    const url = requestUrl(input);
    const proxy = selectProxy(proxies, url);
    const dispatcher: Dispatcher = (proxy && dispatchers.byProxy.get(proxy)) || dispatchers.direct;

    if (!settings.sslVerify && url.protocol === 'https:' && !warnedHosts.has(url.host)) {
      warnedHosts.add(url.host);
      process.emitWarning(
        `TLS certificate verification is disabled for ${url.host} (sslVerify: false). ` +
          'Anyone on the network path can read and change this traffic; pass the issuing CA with the ca option instead.',
        { code: SSL_VERIFY_WARNING_CODE },
      );
    }

    const [target, options] = await toUndiciArguments(input, init);
    try {
      const response = await undiciFetch(target, { ...options, dispatcher } as Parameters<
        typeof undiciFetch
      >[1]);
      return response as unknown as Response;
    } catch (error) {
      throw toNetworkError(error, {
        url,
        signal: options.signal,
        proxy,
        secrets: requestSecrets(options, proxy),
      });
    }
  };

  return {
    fetch: fetch as typeof globalThis.fetch,
    async close() {
      await Promise.all([
        dispatchers.direct.close(),
        ...[...dispatchers.byProxy.values()].map((agent) => agent.close()),
      ]);
    },
  };
}

/** Wraps a fetch that needs no agent of ours, to map its network failures. */
function wrapFetch(base: typeof globalThis.fetch): Transport {
  const fetch = async (input: FetchInput, init?: FetchInit): Promise<Response> => {
    const url = requestUrl(input);
    try {
      return await base(input, init);
    } catch (error) {
      const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
      const headers = init?.headers ?? (input instanceof Request ? input.headers : undefined);
      throw toNetworkError(error, {
        url,
        signal,
        proxy: undefined,
        secrets: requestSecrets({ ...init, ...(headers === undefined ? {} : { headers }) }, undefined),
      });
    }
  };

  return {
    fetch: fetch as typeof globalThis.fetch,
    async close() {},
  };
}

/** Headers whose values are credentials, blanked out of error causes. */
const credentialHeaders = ['authorization', 'proxy-authorization', 'x-api-key', 'cookie'];

/** Form fields whose values are credentials, blanked out of error causes. */
const credentialFieldPattern = /secret|token|assertion|password|key|code/i;

/**
 * Collects the credentials a request carries, for redaction: credential
 * header values and their last word (the token of `Bearer <token>`), secret
 * fields of a URL-encoded string body, and the proxy's `Basic` credentials.
 */
export function requestSecrets(init: FetchInit, proxy: ProxySettings | undefined): string[] {
  const secrets: string[] = [];
  let headers: Headers | undefined;
  try {
    headers = new Headers(init?.headers);
  } catch {
    headers = undefined;
  }

  for (const name of credentialHeaders) {
    const value = headers?.get(name);
    if (value) {
      secrets.push(value, value.split(' ').at(-1) ?? value);
    }
  }

  if (typeof init?.body === 'string') {
    for (const [name, value] of new URLSearchParams(init.body)) {
      if (credentialFieldPattern.test(name) && value.length > 0) {
        secrets.push(value);
      }
    }
  }

  if (proxy?.authorization !== undefined) {
    const encoded = proxy.authorization.replace(/^Basic /, '');
    const [user = '', ...password] = Buffer.from(encoded, 'base64').toString('utf8').split(':');
    secrets.push(encoded, password.join(':'), user);
  }

  return secrets.filter((secret) => secret.length > 0);
}

function requestUrl(input: FetchInput): URL {
  if (input instanceof URL) {
    return input;
  }

  if (typeof input === 'string') {
    return new URL(input);
  }

  return new URL(input.url);
}

/**
 * Turns a global `Request`, as fetch wrappers such as ky pass, into arguments for undici's own fetch.
 * Undici 7 does not recognise the Request class of the undici copy bundled
 * with Node 20, so it would read the object as the string "[object Request]".
 */
async function toUndiciArguments(
  input: FetchInput,
  init: FetchInit,
): Promise<[string | URL, RequestInit]> {
  if (typeof input === 'string' || input instanceof URL) {
    return [input, { ...init }];
  }

  const body = input.body === null ? undefined : await input.arrayBuffer();
  const fromRequest: RequestInit = {
    method: input.method,
    headers: [...input.headers],
    signal: input.signal,
    redirect: input.redirect,
    ...(body === undefined ? {} : { body }),
  };

  return [input.url, { ...fromRequest, ...init }];
}
