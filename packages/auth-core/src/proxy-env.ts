import { BlockList, isIP } from 'node:net';
import { redactUrl } from './debug.js';
import type { ConfigurationProblem } from './errors.js';

/** A proxy read from the environment, with its credentials kept apart from its URL. */
export interface ProxySettings {
  /** The variable it came from, such as `HTTPS_PROXY`, for messages. */
  variable: string;
  /** The proxy origin without user name or password, such as `http://proxy.example:3128`. */
  uri: string;
  hostname: string;
  /** The port as a string; the scheme's default when the URL has none. */
  port: string;
  /** `Basic ...` header value built from the URL's user name and password, if any. */
  authorization: string | undefined;
}

/** Proxy settings for one transport, read once from `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`. */
export interface ProxyEnvironment {
  https: ProxySettings | undefined;
  http: ProxySettings | undefined;
  noProxy: NoProxyMatcher;
}

/**
 * Reads the proxy variables. The lower-case spelling wins over the upper-case
 * one, as in curl, because some CGI servers set `HTTP_PROXY` from a request
 * header. Problems are appended to `problems` with the password redacted.
 */
export function readProxyEnvironment(
  env: NodeJS.ProcessEnv,
  problems: ConfigurationProblem[],
): ProxyEnvironment {
  return {
    https: readProxyVariable(env, 'HTTPS_PROXY', problems),
    http: readProxyVariable(env, 'HTTP_PROXY', problems),
    noProxy: new NoProxyMatcher(readVariable(env, 'NO_PROXY') ?? ''),
  };
}

/**
 * Returns the proxy to use for `url`, or undefined to connect directly.
 * Requests to `localhost` and loopback addresses always connect directly,
 * whatever `NO_PROXY` contains, because a proxy cannot reach this machine's
 * loopback interface (the rule of Go's `net/http` ProxyFromEnvironment).
 */
export function selectProxy(proxies: ProxyEnvironment, url: URL): ProxySettings | undefined {
  if (isLoopbackHost(url.hostname)) {
    return undefined;
  }

  let proxy: ProxySettings | undefined;
  if (url.protocol === 'https:') {
    proxy = proxies.https;
  } else if (url.protocol === 'http:') {
    proxy = proxies.http;
  }

  if (proxy === undefined || proxies.noProxy.matches(url)) {
    return undefined;
  }

  return proxy;
}

/**
 * Returns true for `localhost` and loopback addresses: 127.0.0.0/8, `::1`
 * and IPv4-mapped 127.0.0.0/8 such as `::ffff:127.0.0.1`. Other names that
 * may resolve to loopback, such as `app.localhost`, still follow `NO_PROXY`,
 * as in Go.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = stripBrackets(hostname.toLowerCase()).replace(/\.$/, '');
  if (host === 'localhost') {
    return true;
  }

  const family = isIP(host);
  if (family === 4) {
    return host.startsWith('127.');
  }

  return family === 6 && loopbackV6.check(host, 'ipv6');
}

const loopbackV6 = new BlockList();
loopbackV6.addAddress('::1', 'ipv6');
loopbackV6.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

function readVariable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name];
  return value === undefined || value.trim().length === 0 ? undefined : value.trim();
}

function readProxyVariable(
  env: NodeJS.ProcessEnv,
  name: string,
  problems: ConfigurationProblem[],
): ProxySettings | undefined {
  const value = readVariable(env, name);
  if (value === undefined) {
    return undefined;
  }

  // `proxy.example:3128` without a scheme is common in these variables; curl reads it as http.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;

  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    problems.push({
      field: name,
      message: 'is not a valid proxy URL; expected a value such as http://proxy.example:3128',
    });
    return undefined;
  }

  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push({
      field: name,
      message: `uses the unsupported scheme ${url.protocol} (${redactUrl(url)}); use an http:// or https:// proxy URL`,
    });
    return undefined;
  }

  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const authorization =
    url.username === '' && url.password === ''
      ? undefined
      : `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;

  return {
    variable: name,
    uri: `${url.protocol}//${url.host}`,
    hostname: url.hostname,
    port,
    authorization,
  };
}

interface HostRule {
  /** Lower-case host name without a leading dot; matches the name and its subdomains. */
  suffix: string;
  port: number | undefined;
}

/**
 * Matches URLs against a `NO_PROXY` list: `*`, host names (a leading `.` or
 * `*.` is ignored, subdomains match), IP addresses (IPv6 with or without
 * brackets), CIDR ranges such as `127.0.0.0/8`, each optionally with `:port`.
 */
export class NoProxyMatcher {
  readonly #all: boolean;
  readonly #hosts: HostRule[] = [];
  readonly #addresses = new BlockList();
  readonly #addressPorts: Array<{ list: BlockList; port: number }> = [];

  constructor(value: string) {
    const entries = value
      .split(/[\s,]+/)
      .map((entry) => entry.trim().toLowerCase())
      .filter((entry) => entry.length > 0);

    this.#all = entries.includes('*');
    for (const entry of entries) {
      this.#add(entry);
    }
  }

  /** Returns true when requests to `url` bypass the proxy. */
  matches(url: URL): boolean {
    if (this.#all) {
      return true;
    }

    const hostname = stripBrackets(url.hostname.toLowerCase());
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const family = isIP(hostname);

    if (family !== 0) {
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (this.#addresses.check(hostname, type)) {
        return true;
      }

      if (
        this.#addressPorts.some((rule) => rule.port === port && rule.list.check(hostname, type))
      ) {
        return true;
      }
    }

    return this.#hosts.some(
      (rule) =>
        (rule.port === undefined || rule.port === port) &&
        (hostname === rule.suffix || hostname.endsWith(`.${rule.suffix}`)),
    );
  }

  #add(entry: string): void {
    const { host, port } = splitPort(entry);
    const [address, prefixText] = host.split('/', 2) as [string, string | undefined];
    const family = isIP(address);

    if (family !== 0) {
      const type = family === 4 ? 'ipv4' : 'ipv6';
      const list = port === undefined ? this.#addresses : new BlockList();
      const prefix = prefixText === undefined ? undefined : Number(prefixText);

      if (prefix === undefined) {
        list.addAddress(address, type);
      } else if (Number.isInteger(prefix) && prefix >= 0 && prefix <= (family === 4 ? 32 : 128)) {
        list.addSubnet(address, prefix, type);
      } else {
        return;
      }

      if (port !== undefined) {
        this.#addressPorts.push({ list, port });
      }
      return;
    }

    const suffix = host.replace(/^\*?\./, '');
    if (suffix.length > 0 && suffix !== '*') {
      this.#hosts.push({ suffix, port });
    }
  }
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Splits `host:port`, `[v6]:port`, a bare IPv6 address or a CIDR into host and optional port. */
function splitPort(entry: string): { host: string; port: number | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed !== null) {
    return {
      host: bracketed[1] as string,
      port: bracketed[2] === undefined ? undefined : Number(bracketed[2]),
    };
  }

  // More than one colon without brackets is a bare IPv6 address, which has no port.
  const colons = entry.split(':').length - 1;
  if (colons === 1) {
    const [host, portText] = entry.split(':') as [string, string];
    const port = Number(portText);
    return { host, port: /^\d+$/.test(portText) ? port : undefined };
  }

  return { host: entry, port: undefined };
}
