import {
  ConfigurationError,
  ImsError,
  isUmapiError,
  NetworkError,
  ProxyError,
  TimeoutError,
} from '@umapi/auth-core';
import { HttpError, ListingError, UnavailableError } from '@umapi/connection';
import { escapeControls } from './output/record-writer.js';
import { UsageError } from './usage-error.js';

/** Exit codes of the `umapi` command. */
export const ExitCode = {
  /** The command succeeded. */
  ok: 0,
  /** IMS or UMAPI rejected a request, or could not be reached. */
  remoteFailure: 1,
  /** The command line or the configuration is invalid. */
  usage: 2,
} as const;

/** A failure report: the exit code and the lines for stderr. */
export interface FailureReport {
  exitCode: number;
  lines: string[];
  /** The same failure for `--json` output. */
  json: FailureJson;
}

/** The `error` object of `--json` output. */
export interface FailureJson {
  /** `code` of the deepest umapi error in the chain: the one that names the cause. */
  code: string;
  message: string;
  /** `code` of each umapi error in the chain, outermost first. */
  codes?: string[];
  /** The wait UMAPI or IMS advised, in milliseconds, when it throttled the client. */
  retryAfterMs?: number;
  /** The earliest time to run again, as an ISO 8601 UTC time, when UMAPI or IMS throttled the client. */
  retryAt?: string;
  problems?: { field: string; message: string }[];
}

// Next steps to suggest, by IMS error code. IMS codes follow OAuth 2.0 (RFC 6749, section 5.2).
const IMS_HINTS: Record<string, string> = {
  invalid_client: 'check the client ID and client secret; a rotated secret must be copied again from the Adobe Developer Console',
  invalid_scope: 'the credential lacks a requested scope; add the User Management API to the project in the Adobe Developer Console',
  unauthorized_client: 'the credential is not allowed this grant; check its type in the Adobe Developer Console',
  invalid_grant:
    'IMS rejected the JWT assertion; check the org ID, the technical account ID and that the private key matches the certificate on the credential',
  invalid_token: 'IMS rejected the JWT assertion; check the private key and the clock of this machine',
};

/** Turns an error from a command into its exit code and message lines, without any secret. */
export function describeFailure(error: unknown, command: string | undefined): FailureReport {
  if (error instanceof UsageError) {
    const help = error.command ?? command;
    return {
      exitCode: ExitCode.usage,
      lines: [`umapi: ${error.message}`, `Run "umapi ${help === undefined ? '' : `${help} `}--help" for usage.`],
      json: { code: 'ERR_UMAPI_USAGE', message: error.message },
    };
  }

  if (error instanceof ConfigurationError) {
    return {
      exitCode: ExitCode.usage,
      lines: [
        `umapi: the configuration is invalid (${error.problems.length === 1 ? '1 problem' : `${error.problems.length} problems`}):`,
        ...error.problems.map((problem) => `  - ${problem.field}: ${problem.message}`),
      ],
      json: { code: error.code, message: 'the configuration is invalid', problems: [...error.problems] },
    };
  }

  // The top-level message comes first because it carries the advice (such as when to try again),
  // and each cause follows so the user also sees what the server sent.
  const chain = causeChain(error);
  const root = chain.at(-1);
  // Server text in a message may hold terminal escape sequences, so they are shown, not run.
  const lines = [`umapi: ${describe(error)}`, ...chain.slice(1).map((cause) => `  caused by: ${describe(cause)}`)].map(escapeControls);

  if (root instanceof ImsError) {
    lines.push(...imsDetails(root));
  }

  const throttled = findThrottle(chain);
  if (throttled !== undefined) {
    lines.push(`  hint: ${retryHint(throttled.retryAfterMs, Date.now(), throttled.service)}`);
  } else if (root instanceof ProxyError) {
    lines.push(`  hint: ${proxyHint(root)}`);
  } else if (root instanceof NetworkError || root instanceof TimeoutError || root instanceof UnavailableError) {
    lines.push(
      '  hint: check the host settings (--host, --ims-host or the server: section) and that this machine can reach them; ' +
        'if a proxy is required, set HTTPS_PROXY (HTTP_PROXY for http:// hosts)',
    );
  }

  const code = isUmapiError(root) ? root.code : 'ERR_UMAPI_UNEXPECTED';
  const codes = chain.filter(isUmapiError).map((link) => link.code);
  // A script that schedules itself reads the advised wait here instead of parsing the hint.
  const retry =
    throttled === undefined
      ? {}
      : {
          retryAfterMs: throttled.retryAfterMs,
          retryAt: new Date(Date.now() + throttled.retryAfterMs).toISOString(),
        };
  return {
    exitCode: ExitCode.remoteFailure,
    lines,
    json: { code, message: lines.join(' ').replace(/\s+/g, ' '), codes, ...retry },
  };
}

/**
 * Finds the advised wait of a throttled request in the chain: UMAPI's, or IMS's when the
 * token request was throttled (ImsError.retryAfterMs is set for a 429 or 5xx response with Retry-After).
 */
function findThrottle(chain: unknown[]): { retryAfterMs: number; service: 'UMAPI' | 'IMS' } | undefined {
  for (const link of chain) {
    if (link instanceof UnavailableError && link.retryAfterMs !== undefined) {
      return { retryAfterMs: link.retryAfterMs, service: 'UMAPI' };
    }

    if (link instanceof ImsError && link.retryAfterMs !== undefined) {
      return { retryAfterMs: link.retryAfterMs, service: 'IMS' };
    }
  }

  return undefined;
}

// Names the variable that chose the proxy, so the user fixes or unsets the right one.
function proxyHint(error: ProxyError): string {
  const variable = error.proxyVariable ?? 'HTTPS_PROXY or HTTP_PROXY';
  return `the request went through the proxy set by ${variable}; check that proxy, fix ${variable}, or add the host to NO_PROXY`;
}

function imsDetails(error: ImsError): string[] {
  const details = [`  IMS error ${error.code} (HTTP ${error.status}) at ${error.endpoint}`];
  if (error.requestId !== undefined) {
    details.push(`  IMS request ID: ${error.requestId}`);
  }

  const hint = IMS_HINTS[error.code];
  if (hint !== undefined) {
    details.push(`  hint: ${hint}`);
  }

  return details;
}

function describe(error: unknown): string {
  if (error instanceof ListingError) {
    return `listing ${error.listing} failed at page ${error.page} after ${error.itemsRead} items`;
  }

  // The connection already puts UMAPI's message into its own, so it is added only when missing.
  if (error instanceof HttpError && error.serverMessage !== undefined && !error.message.includes(error.serverMessage)) {
    return `${error.message} (UMAPI says: ${error.serverMessage})`;
  }

  if (error instanceof NetworkError) {
    const systemCode = error.systemCode === undefined || error.message.includes(error.systemCode) ? '' : ` (${error.systemCode})`;
    return `${error.message}${systemCode}`;
  }

  if (error instanceof UnavailableError || error instanceof TimeoutError) {
    return error.message;
  }

  return error instanceof Error ? error.message : String(error);
}

/**
 * Returns `error` followed by the umapi errors in its `cause` chain, at most 5 deep.
 * A listing or request error can wrap the umapi error that explains it, such as an ImsError from a token refresh.
 */
function causeChain(error: unknown): unknown[] {
  const chain = [error];
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    const cause = current instanceof Error ? current.cause : undefined;
    if (!isUmapiError(cause)) {
      break;
    }

    chain.push(cause);
    current = cause;
  }

  return chain;
}

/**
 * Says when to try again after the server advised a wait, in words and as a UTC time.
 *
 * @param retryAfterMs - The advised wait, in milliseconds.
 * @param now - The current time, in milliseconds since the epoch.
 * @param service - The server that advised the wait. Default `UMAPI`.
 */
export function retryHint(retryAfterMs: number, now: number, service: 'UMAPI' | 'IMS' = 'UMAPI'): string {
  const retryAt = new Date(now + retryAfterMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return `${service} throttled this client; try again in ${describeDuration(retryAfterMs)}, at ${retryAt} or later`;
}

/** Describes a duration in milliseconds in the largest fitting units, rounded up to whole seconds. */
export function describeDuration(ms: number): string {
  const totalSeconds = Math.max(1, Math.ceil(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const parts = [
    hours > 0 ? plural(hours, 'hour') : '',
    minutes > 0 ? plural(minutes, 'minute') : '',
    seconds > 0 ? plural(seconds, 'second') : '',
  ].filter((part) => part !== '');
  return parts.join(' ');
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
