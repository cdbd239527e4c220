/**
 * A custom authenticator built on `createAuthenticator`.
 *
 * Some deployments keep the client secret out of the application: a secrets
 * manager agent or a sidecar container exchanges it for an access token and
 * writes the token to a file that the application can read. This
 * authenticator reads that file.
 *
 * Because `createAuthenticator` wraps the read, the application gets the
 * shared token cache for free. The file is read once, then again only inside
 * the refresh window. Concurrent callers share one read (single-flight), and
 * `invalidate()` after a 401 forces a fresh read.
 *
 * The file holds JSON such as
 * `{ "access_token": "eyJ…", "expires_at": 1767225600 }`, where `expires_at`
 * is the expiry in epoch seconds, the unit most token writers use.
 */
import { readFile } from 'node:fs/promises';
import {
  type AccessToken,
  type Authenticator,
  ConfigurationError,
  createAuthenticator,
  UmapiError,
} from '@umapi/auth-core';

/** Options for {@link createFileTokenAuthenticator}. */
export interface FileTokenAuthenticatorOptions {
  /** The client ID (API key) the token was issued to, sent as `x-api-key`. */
  clientId: string;
  /** The org ID, so that `Connection` needs none of its own. */
  orgId?: string;
  /** Path of the JSON token file. */
  path: string;
  /** How long before expiry the file is read again, in milliseconds. Default 5 minutes. */
  refreshWindowMs?: number;
}

/**
 * Thrown when the token file is missing, unreadable, malformed or contains an
 * expired token. The message names the file and never contains its content,
 * because the content is an access token.
 */
export class TokenFileError extends UmapiError {
  /** The token file's path. */
  readonly path: string;

  constructor(message: string, path: string, cause?: unknown) {
    super(message, 'ERR_TOKEN_FILE', { cause });
    this.path = path;
  }
}

// Epoch seconds stay below this value until the year 5138, while epoch
// milliseconds passed it in 1973, so a larger value is a unit mistake.
const MAX_EPOCH_SECONDS = 1e11;

/**
 * Creates an authenticator that reads an access token from a file another
 * process keeps up to date.
 *
 * @throws ConfigurationError when `clientId` or `path` is missing.
 */
export function createFileTokenAuthenticator(
  options: FileTokenAuthenticatorOptions,
): Authenticator {
  if (typeof options.path !== 'string' || options.path.length === 0) {
    throw new ConfigurationError([
      { field: 'path', message: 'is required: pass the token file path' },
    ]);
  }

  const { path } = options;

  return createAuthenticator({
    clientId: options.clientId,
    ...(options.orgId === undefined ? {} : { orgId: options.orgId }),
    ...(options.refreshWindowMs === undefined ? {} : { refreshWindowMs: options.refreshWindowMs }),
    fetchToken: (signal) => readTokenFile(path, signal),
  });
}

/** Reads and checks the token file. Exported for the tests. */
export async function readTokenFile(path: string, signal?: AbortSignal): Promise<AccessToken> {
  let text: string;
  try {
    // Passing the signal lets a caller that gives up stop the read.
    text = await readFile(path, { encoding: 'utf8', ...(signal === undefined ? {} : { signal }) });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new TokenFileError(`Cannot read the token file ${path}: ${describe(error)}`, path, error);
  }

  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch {
    // The JSON parser's message quotes the text, which contains the token, so leave it out.
    throw new TokenFileError(`The token file ${path} is not valid JSON`, path);
  }

  const { access_token: token, expires_at: expiresAtSeconds } = (content ?? {}) as Record<
    string,
    unknown
  >;

  if (typeof token !== 'string' || token.length === 0) {
    throw new TokenFileError(`The token file ${path} has no access_token string`, path);
  }

  if (typeof expiresAtSeconds !== 'number' || !Number.isFinite(expiresAtSeconds)) {
    throw new TokenFileError(
      `The token file ${path} has no numeric expires_at (epoch seconds)`,
      path,
    );
  }

  if (expiresAtSeconds > MAX_EPOCH_SECONDS) {
    throw new TokenFileError(
      `The token file ${path} has expires_at ${expiresAtSeconds}, which looks like milliseconds: write epoch seconds`,
      path,
    );
  }

  // The contract reports expiry in epoch milliseconds.
  const expiresAt = expiresAtSeconds * 1000;

  if (expiresAt <= Date.now()) {
    throw new TokenFileError(
      `The token in ${path} expired at ${new Date(expiresAt).toISOString()}: check the process that writes it`,
      path,
    );
  }

  return { token, expiresAt };
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String(error);
}
