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

/** Builds the transport for one authenticator or connection. Agents are built once, here. */
export function createTransport(
  options: TransportOptions & { env?: NodeJS.ProcessEnv } = {},
): Transport {
  // TODO: implemented by the auth-core work.
  void options;
  throw new Error('not implemented');
}
