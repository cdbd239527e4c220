import type { ConfigurationProblem } from '@umapi/auth-core';
import type { RawSettings } from './setting.js';

/** The settings that name a host or an endpoint path, which `check` prints once they are valid. */
const SERVER_TEXT_SETTINGS = ['host', 'endpointPath', 'authHost', 'authEndpoint', 'jwtEndpoint'] as const;

/** Maximum host name length DNS allows (RFC 1035), and a path limit far above UMAPI's and IMS's paths. */
const MAX_HOST_LENGTH = 253;
const MAX_PATH_LENGTH = 255;

const LINE_BREAK = /[\r\n\u2028\u2029]/;

// Host labels and path segments in real settings are lowercase words or numbers. A run of 16 or
// more characters mixing upper case, lower case and digits is what keys, secrets and tokens look
// like (a PEM line, `eyJ...`), so such a value is not printed or sent anywhere.
const SECRET_LIKE_RUN = /[A-Za-z0-9+/=_-]{16,}/g;

// Adobe's OAuth client secrets start with this prefix.
const CLIENT_SECRET_PREFIX = /(?:^|[^A-Za-z0-9])p8e-/i;

/**
 * Checks the host and endpoint settings for text that must not be printed: a line break, a
 * PEM block or a run that looks like a secret. Each such setting gets a problem that
 * describes the value without quoting it, and is removed from `raw`, so the later checks,
 * which may quote a short value, never see it.
 *
 * @returns the problems found, one per setting; none when every value is plain text.
 */
export function rejectUnsafeServerText(raw: RawSettings): ConfigurationProblem[] {
  const problems: ConfigurationProblem[] = [];

  for (const key of SERVER_TEXT_SETTINGS) {
    const setting = raw[key];
    if (setting === undefined) {
      continue;
    }

    const maxLength = key === 'host' || key === 'authHost' ? MAX_HOST_LENGTH : MAX_PATH_LENGTH;
    const reason = describeUnsafeText(setting.value, maxLength);
    if (reason !== undefined) {
      const expected = key === 'host' || key === 'authHost' ? 'a host name or origin URL' : 'an endpoint path';
      problems.push({ field: setting.source, message: `${reason}, so it is not shown; give ${expected} here` });
      delete raw[key];
    }
  }

  return problems;
}

/**
 * Says why a host or path value must not be shown, or returns `undefined` when it is plain text.
 *
 * @param maxLength - The longest value accepted, in characters.
 */
export function describeUnsafeText(value: string, maxLength: number): string | undefined {
  const text = value.trim();

  if (text.includes('-----BEGIN') || text.includes('PRIVATE KEY-----')) {
    return 'contains a PEM block (-----BEGIN ...), which belongs in the private key settings';
  }

  if (LINE_BREAK.test(text)) {
    return `contains a line break (a value of ${[...text].length} characters)`;
  }

  if ([...text].length > maxLength) {
    return `is ${[...text].length} characters long, more than the ${maxLength} allowed`;
  }

  if (CLIENT_SECRET_PREFIX.test(text) || hasSecretLikeRun(text)) {
    return `looks like a secret or key (a value of ${[...text].length} characters)`;
  }

  return undefined;
}

function hasSecretLikeRun(text: string): boolean {
  return [...text.matchAll(SECRET_LIKE_RUN)].some(([run]) => /[A-Z]/.test(run) && /[a-z]/.test(run) && /\d/.test(run));
}
