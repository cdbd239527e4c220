import { type ConfigurationProblem, OptionChecker, type OptionNames } from '@umapi/auth-core';
import { CREATE_STEP_NAMES, STEP_NAMES, type StepName } from './types.js';

type Problems = ConfigurationProblem[];

// Limits from UMAPI's action reference: names are at most 250 characters and
// the country is an upper-case ISO 3166-1 alpha-2 code. Email addresses are
// checked for shape and the 254-character maximum of RFC 5321 only; UMAPI
// checks the rest.
const MAX_NAME_LENGTH = 250;
const MAX_EMAIL_LENGTH = 254;
const MAX_ID_LENGTH = 255;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const COUNTRY_PATTERN = /^[A-Z]{2}$/;
const CREATE_OPTIONS = ['ignoreIfAlreadyExists', 'updateIfAlreadyExists'];

const ACTION_FIELDS = ['user', 'domain', 'requestID', 'useAdobeID', 'do'];
const CREATE_FIELDS = ['email', 'country', 'firstname', 'lastname', 'option'];
const UPDATE_FIELDS = ['email', 'firstname', 'lastname', 'username'];

/**
 * Checks a user action in wire form and appends a problem per invalid field.
 *
 * @param value - The action, of unknown shape.
 * @param path - Path of the action in messages, such as `actions[3]`.
 */
export function checkActionJson(value: unknown, path: string, problems: Problems): void {
  if (!isPlainObject(value)) {
    problems.push({
      field: path,
      message: `must be a user action object such as { user, do: [...] }, got ${describe(value)}`,
    });
    return;
  }

  checkKnownFields(value, ACTION_FIELDS, path, problems, { requestId: 'requestID', steps: 'do' });
  checkUser(value.user, value.domain, path, problems);

  if (value.requestID !== undefined) {
    checkId(value.requestID, join(path, 'requestID'), problems);
  }

  if (value.useAdobeID !== undefined && typeof value.useAdobeID !== 'boolean') {
    problems.push({
      field: join(path, 'useAdobeID'),
      message: `must be true or false, got ${describe(value.useAdobeID)}`,
    });
  }

  checkSteps(value.do, join(path, 'do'), problems);
}

/**
 * Checks the user and domain of an action.
 *
 * @param path - Path of the action in messages; empty for a `UserAction` constructor.
 */
export function checkUser(user: unknown, domain: unknown, path: string, problems: Problems): void {
  const userField = join(path, 'user');
  if (typeof user !== 'string' || user.trim().length === 0) {
    problems.push({
      field: userField,
      message: `must be a non-empty user ID (email address or username), got ${describe(user)}`,
    });
    return;
  }

  if (user !== user.trim()) {
    problems.push({
      field: userField,
      message: `must not start or end with whitespace, got ${describe(user)}`,
    });
  }

  if (user.length > MAX_ID_LENGTH) {
    problems.push({
      field: userField,
      message: `must be at most ${MAX_ID_LENGTH} characters, got ${user.length}`,
    });
  }

  if (domain !== undefined) {
    const domainField = join(path, 'domain');
    if (typeof domain !== 'string' || !/^[^\s@]+\.[^\s@]+$/.test(domain)) {
      problems.push({
        field: domainField,
        message: `must be a domain name such as example.com, got ${describe(domain)}`,
      });
    }
  } else if (!user.includes('@')) {
    problems.push({
      field: userField,
      message: `'${user}' is a username, not an email address; pass domain as well, such as { user: '${user}', domain: 'example.com' }`,
    });
  }
}

/** Checks a step list: an array of at least one valid step, with at most one create and one removeFromOrg. */
export function checkSteps(steps: unknown, path: string, problems: Problems): void {
  if (!Array.isArray(steps)) {
    problems.push({ field: path, message: `must be an array of steps, got ${describe(steps)}` });
    return;
  }

  if (steps.length === 0) {
    problems.push({
      field: path,
      message: 'must contain at least one step; an action without steps does nothing',
    });
    return;
  }

  let creates = 0;
  let removals = 0;
  steps.forEach((step, index) => {
    const name = checkStep(step, `${path}[${index}]`, problems);
    if (name !== undefined && CREATE_STEP_NAMES.includes(name)) {
      creates += 1;
    }

    if (name === 'removeFromOrg') {
      removals += 1;
    }
  });

  // UMAPI accepts one create and one removal per entry; splitting keeps each in one entry.
  if (creates > 1) {
    problems.push({
      field: path,
      message: `must contain at most one create step (createFederatedID, createEnterpriseID or addAdobeID), got ${creates}`,
    });
  }

  if (removals > 1) {
    problems.push({
      field: path,
      message: `must contain at most one removeFromOrg step, got ${removals}`,
    });
  }
}

/**
 * Checks one step and returns its name, or `undefined` when it is not a step.
 *
 * @param path - Path of the step in messages, such as `actions[0].do[2]`; empty for a builder method.
 */
export function checkStep(step: unknown, path: string, problems: Problems): StepName | undefined {
  const keys = isPlainObject(step) ? Object.keys(step) : [];
  const [name] = keys;
  if (!isPlainObject(step) || keys.length !== 1 || !STEP_NAMES.includes(name as StepName)) {
    problems.push({
      field: path,
      message: `must be an object with exactly one of ${STEP_NAMES.join(', ')}, got ${describeStep(step)}`,
    });
    return undefined;
  }

  const stepName = name as StepName;
  const body = step[stepName];
  const bodyPath = join(path, stepName);

  if (CREATE_STEP_NAMES.includes(stepName)) {
    checkCreateFields(body, bodyPath, stepName === 'createFederatedID', problems);
  } else if (stepName === 'update') {
    checkUpdateFields(body, bodyPath, problems);
  } else if (stepName === 'add') {
    checkGroupList(body, bodyPath, problems);
  } else if (stepName === 'remove') {
    if (body !== 'all') {
      checkGroupList(body, bodyPath, problems);
    }
  } else {
    checkRemoveFromOrg(body, bodyPath, problems);
  }

  return stepName;
}

function checkCreateFields(
  fields: unknown,
  path: string,
  countryRequired: boolean,
  problems: Problems,
): void {
  if (!isPlainObject(fields)) {
    problems.push({
      field: path,
      message: `must be an object such as { email, country, firstname, lastname }, got ${describe(fields)}`,
    });
    return;
  }

  checkKnownFields(fields, CREATE_FIELDS, path, problems, {
    firstName: 'firstname',
    lastName: 'lastname',
  });
  checkEmail(fields.email, join(path, 'email'), true, problems);

  if (fields.country !== undefined || countryRequired) {
    checkCountry(fields.country, join(path, 'country'), problems);
  }

  checkName(fields.firstname, join(path, 'firstname'), problems);
  checkName(fields.lastname, join(path, 'lastname'), problems);

  if (fields.option !== undefined && !CREATE_OPTIONS.includes(fields.option as string)) {
    problems.push({
      field: join(path, 'option'),
      message: `must be one of ${CREATE_OPTIONS.join(', ')}, got ${describe(fields.option)}`,
    });
  }
}

function checkUpdateFields(fields: unknown, path: string, problems: Problems): void {
  if (!isPlainObject(fields)) {
    problems.push({
      field: path,
      message: `must be an object with email, firstname, lastname or username, got ${describe(fields)}`,
    });
    return;
  }

  if (fields.country !== undefined) {
    problems.push({
      field: join(path, 'country'),
      message: 'cannot be updated: UMAPI sets the country only when it creates the user',
    });
  }

  checkKnownFields(fields, [...UPDATE_FIELDS, 'country'], path, problems, {
    firstName: 'firstname',
    lastName: 'lastname',
  });

  const present = UPDATE_FIELDS.filter((key) => fields[key] !== undefined);
  if (present.length === 0) {
    problems.push({ field: path, message: `must set at least one of ${UPDATE_FIELDS.join(', ')}` });
  }

  checkEmail(fields.email, join(path, 'email'), false, problems);
  checkName(fields.firstname, join(path, 'firstname'), problems);
  checkName(fields.lastname, join(path, 'lastname'), problems);
  if (fields.username !== undefined) {
    checkId(fields.username, join(path, 'username'), problems);
  }
}

function checkGroupList(body: unknown, path: string, problems: Problems): void {
  if (!isPlainObject(body) || !Array.isArray(body.group)) {
    problems.push({
      field: path,
      message: `must be { group: ['Group name', ...] }, got ${describe(body)}`,
    });
    return;
  }

  checkKnownFields(body, ['group'], path, problems, { groups: 'group' });
  const groups: unknown[] = body.group;
  if (groups.length === 0) {
    problems.push({ field: join(path, 'group'), message: 'must name at least one group' });
  }

  groups.forEach((group, index) => {
    if (typeof group !== 'string' || group.trim().length === 0) {
      problems.push({
        field: `${join(path, 'group')}[${index}]`,
        message: `must be a non-empty group name, got ${describe(group)}`,
      });
    }
  });
}

function checkRemoveFromOrg(body: unknown, path: string, problems: Problems): void {
  if (!isPlainObject(body)) {
    problems.push({
      field: path,
      message: `must be an object such as { deleteAccount: false }, got ${describe(body)}`,
    });
    return;
  }

  checkKnownFields(body, ['deleteAccount'], path, problems, {});
  if (body.deleteAccount !== undefined && typeof body.deleteAccount !== 'boolean') {
    problems.push({
      field: join(path, 'deleteAccount'),
      message: `must be true or false, got ${describe(body.deleteAccount)}`,
    });
  }
}

export function checkEmail(
  value: unknown,
  field: string,
  required: boolean,
  problems: Problems,
): void {
  if (value === undefined && !required) {
    return;
  }

  if (typeof value !== 'string' || !EMAIL_PATTERN.test(value) || value.length > MAX_EMAIL_LENGTH) {
    problems.push({
      field,
      message: `must be an email address such as jdoe@example.com, got ${describe(value)}`,
    });
  }
}

function checkCountry(value: unknown, field: string, problems: Problems): void {
  if (typeof value !== 'string' || !COUNTRY_PATTERN.test(value)) {
    const hint =
      typeof value === 'string' && COUNTRY_PATTERN.test(value.toUpperCase())
        ? ` (use '${value.toUpperCase()}')`
        : '';
    problems.push({
      field,
      message: `must be a two-letter upper-case country code such as US, got ${describe(value)}${hint}`,
    });
  }
}

function checkName(value: unknown, field: string, problems: Problems): void {
  if (value === undefined) {
    return;
  }

  if (typeof value !== 'string') {
    problems.push({ field, message: `must be a string, got ${describe(value)}` });
  } else if (value.length > MAX_NAME_LENGTH) {
    problems.push({
      field,
      message: `must be at most ${MAX_NAME_LENGTH} characters, got ${value.length}`,
    });
  }
}

export function checkId(value: unknown, field: string, problems: Problems): void {
  if (typeof value !== 'string' || value.trim().length === 0) {
    problems.push({ field, message: `must be a non-blank string, got ${describe(value)}` });
  } else if (value.length > MAX_ID_LENGTH) {
    problems.push({
      field,
      message: `must be at most ${MAX_ID_LENGTH} characters, got ${value.length}`,
    });
  }
}

/**
 * Reports the unknown options of a builder constructor with auth-core's rules,
 * as the connection reports its own: the name to use from `names.renames`, or
 * else the closest known name, and a long or random-looking name by its length only.
 */
export function checkBuilderOptions(
  options: Record<string, unknown>,
  names: OptionNames,
  problems: Problems,
): void {
  const check = new OptionChecker(options);
  check.checkNames(names);
  problems.push(...check.problems);
}

/** Reports fields UMAPI does not know, with the right spelling for common slips. */
export function checkKnownFields(
  value: Record<string, unknown>,
  known: readonly string[],
  path: string,
  problems: Problems,
  corrections: Record<string, string>,
): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) {
      continue;
    }

    const correction = Object.hasOwn(corrections, key)
      ? `; did you mean ${corrections[key]}?`
      : `; known fields are ${known.join(', ')}`;
    problems.push({
      field: join(path, key),
      message: `is not a field UMAPI accepts here${correction}`,
    });
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function join(path: string, key: string): string {
  return path.length === 0 ? key : `${path}.${key}`;
}

function describeStep(step: unknown): string {
  if (!isPlainObject(step)) {
    return describe(step);
  }

  const keys = Object.keys(step);
  return keys.length === 0
    ? 'an empty object'
    : `an object with ${keys.map((key) => `'${key}'`).join(', ')}`;
}

/** Describes a value for a message without echoing long input. */
export function describe(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 60 ? `'${value.slice(0, 57)}...'` : `'${value}'`;
  }

  if (
    value === null ||
    value === undefined ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return String(value);
  }

  return Array.isArray(value) ? 'an array' : typeof value;
}
