/**
 * Turns the `authHost` option into an origin such as `https://ims-na1.adobelogin.com`.
 *
 * A bare host (with an optional port) gets `https://`. An origin URL such as
 * `http://127.0.0.1:4000` is kept as given, so tests can point at a local fake
 * IMS. Paths, query strings, fragments and credentials are rejected because the
 * origin is also written into the assertion's `aud` and metascope claims.
 *
 * @returns the origin, or a message saying what is wrong with the value.
 */
export function resolveAuthOrigin(value: string): { origin: string } | { problem: string } {
  const trimmed = value.trim();
  if (trimmed === '') {
    return { problem: 'must be a host name such as ims-na1.adobelogin.com or an origin URL' };
  }

  if (/\s/.test(trimmed)) {
    return { problem: 'must not contain whitespace' };
  }

  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  let url: URL;
  try {
    url = new URL(hasScheme ? trimmed : `https://${trimmed}`);
  } catch {
    return { problem: `"${trimmed}" is not a valid host name or origin URL` };
  }

  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: `must use https: or http:, not ${url.protocol}` };
  }

  if (url.username !== '' || url.password !== '') {
    return { problem: 'must not contain a user name or password' };
  }

  // `new URL('https://host')` has pathname '/', so anything longer is a real path.
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    return {
      problem: `must be a host or an origin without a path or query (got "${url.origin}${url.pathname}"); set the path with authEndpoint`,
    };
  }

  return { origin: url.origin };
}

/** Joins an origin and an endpoint path as `<origin>/<path without surrounding slashes>/`. */
export function buildEndpointUrl(origin: string, endpointPath: string): string {
  const path = endpointPath.replace(/^\/+|\/+$/g, '');
  return path === '' ? `${origin}/` : `${origin}/${path}/`;
}
