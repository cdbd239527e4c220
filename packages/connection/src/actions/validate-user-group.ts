import type { ConfigurationProblem } from '@umapi/auth-core';
import { USER_GROUP_STEP_NAMES, type UserGroupStepName } from './types.js';
import {
  checkEmail,
  checkId,
  checkKnownFields,
  describe,
  isPlainObject,
  join,
} from './validate.js';

type Problems = ConfigurationProblem[];

// The rules Adobe's Python umapi-client v3 applies before it sends a name:
// at most 255 characters, and no leading underscore, which marks the
// Admin Console's system groups. They are checked where a name is created
// (create and rename) only, so steps on an existing system group still pass.
const MAX_GROUP_NAME_LENGTH = 255;
const CREATE_OPTIONS = ['ignoreIfAlreadyExists', 'updateIfAlreadyExists'];

const ACTION_FIELDS = ['usergroup', 'requestID', 'do'];

/** Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point of this pattern.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const UPDATE_FIELDS = ['name', 'description'];

/**
 * Checks a user group action in wire form and appends a problem per invalid field.
 *
 * @param value - The action, of unknown shape.
 * @param path - Path of the action in messages, such as `actions[3]`.
 */
export function checkUserGroupActionJson(value: unknown, path: string, problems: Problems): void {
  if (!isPlainObject(value)) {
    problems.push({
      field: path,
      message: `must be a user group action object such as { usergroup, do: [...] }, got ${describe(value)}`,
    });
    return;
  }

  checkKnownFields(value, ACTION_FIELDS, path, problems, {
    userGroup: 'usergroup',
    group: 'usergroup',
    requestId: 'requestID',
    steps: 'do',
  });

  const nameField = join(path, 'usergroup');
  checkGroupName(value.usergroup, nameField, problems);

  if (value.requestID !== undefined) {
    checkId(value.requestID, join(path, 'requestID'), problems);
  }

  const creates = checkUserGroupSteps(value.do, join(path, 'do'), problems);
  if (creates > 0 && typeof value.usergroup === 'string') {
    checkNewGroupName(value.usergroup, nameField, problems);
  }
}

/**
 * Checks that a group name is a non-empty string without whitespace at its
 * ends or control characters, which no Admin Console name has: such a name is
 * a copying slip and UMAPI would not find the group. The stricter rules for a
 * new name are in {@link checkNewGroupName}.
 *
 * @returns whether the name passed.
 */
export function checkGroupName(name: unknown, field: string, problems: Problems): boolean {
  if (typeof name !== 'string' || name.trim().length === 0) {
    problems.push({
      field,
      message: `must be a non-empty user group name, got ${describe(name)}`,
    });
    return false;
  }

  if (name.trim() !== name) {
    problems.push({
      field,
      message: `must not start or end with whitespace, got ${describe(name)}; remove it`,
    });
    return false;
  }

  const control = [...name].findIndex((character) => CONTROL_CHARACTER.test(character));
  if (control >= 0) {
    const codePoint = [...name][control]!.codePointAt(0)!;
    const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
    problems.push({
      field,
      message: `must not contain control characters such as line breaks or tabs (found U+${hex} at character ${control + 1})`,
    });
    return false;
  }

  return true;
}

/**
 * Checks a name that a create or rename step gives to a group: at most 255
 * characters, counted in code points as Python's `len()` counts them, and no
 * leading `_`.
 */
export function checkNewGroupName(name: unknown, field: string, problems: Problems): void {
  if (!checkGroupName(name, field, problems)) {
    return;
  }

  if ((name as string).startsWith('_')) {
    problems.push({
      field,
      message: `must not start with '_', which marks system groups, got ${describe(name)}; choose a name that starts with another character`,
    });
  }

  const length = [...(name as string)].length;
  if (length > MAX_GROUP_NAME_LENGTH) {
    problems.push({
      field,
      message: `must be at most ${MAX_GROUP_NAME_LENGTH} characters, got ${length}`,
    });
  }
}

/**
 * The problem of a create step after a delete step. The builder puts a create
 * step first, as Adobe's Python client does, so the create would run before
 * the delete and the delete would remove the new group. The wire form follows
 * the same rule, so an action means the same in both forms.
 */
export const CREATE_AFTER_DELETE =
  'cannot come after deleteUserGroup in the same action; to replace a group, send the delete and the create in two execute() calls';

/**
 * Checks a step list: an array of at least one valid step with at most one
 * create step. Returns the number of create steps.
 */
function checkUserGroupSteps(steps: unknown, path: string, problems: Problems): number {
  if (!Array.isArray(steps)) {
    problems.push({ field: path, message: `must be an array of steps, got ${describe(steps)}` });
    return 0;
  }

  if (steps.length === 0) {
    problems.push({
      field: path,
      message: 'must contain at least one step; an action without steps does nothing',
    });
    return 0;
  }

  let creates = 0;
  let deletes = 0;
  steps.forEach((step, index) => {
    const stepPath = `${path}[${index}]`;
    const name = checkUserGroupStep(step, stepPath, problems);
    if (name === 'createUserGroup') {
      creates += 1;
      if (deletes > 0) {
        problems.push({ field: stepPath, message: CREATE_AFTER_DELETE });
      }
    } else if (name === 'deleteUserGroup') {
      deletes += 1;
    }
  });

  if (creates > 1) {
    problems.push({
      field: path,
      message: `must contain at most one createUserGroup step, got ${creates}`,
    });
  }

  if (deletes > 1) {
    problems.push({
      field: path,
      message: `must contain at most one deleteUserGroup step, got ${deletes}`,
    });
  }

  return creates;
}

/**
 * Checks one step of a user group action and returns its name, or `undefined`
 * when it is not a step.
 *
 * @param path - Path of the step in messages, such as `actions[0].do[2]`; empty for a builder method.
 */
export function checkUserGroupStep(
  step: unknown,
  path: string,
  problems: Problems,
): UserGroupStepName | undefined {
  const keys = isPlainObject(step) ? Object.keys(step) : [];
  const [name] = keys;
  if (
    !isPlainObject(step) ||
    keys.length !== 1 ||
    !USER_GROUP_STEP_NAMES.includes(name as UserGroupStepName)
  ) {
    problems.push({
      field: path,
      message: `must be an object with exactly one of ${USER_GROUP_STEP_NAMES.join(', ')}, got ${describeKeys(step)}`,
    });
    return undefined;
  }

  const stepName = name as UserGroupStepName;
  const body = step[stepName];
  const bodyPath = join(path, stepName);

  if (stepName === 'createUserGroup') {
    checkCreateFields(body, bodyPath, problems);
  } else if (stepName === 'updateUserGroup') {
    checkUpdateFields(body, bodyPath, problems);
  } else if (stepName === 'deleteUserGroup') {
    checkDeleteFields(body, bodyPath, problems);
  } else if (body !== 'all') {
    checkMemberList(body, bodyPath, problems);
  }

  return stepName;
}

function checkCreateFields(fields: unknown, path: string, problems: Problems): void {
  if (!isPlainObject(fields)) {
    problems.push({
      field: path,
      message: `must be an object such as { option: 'ignoreIfAlreadyExists' }, got ${describe(fields)}`,
    });
    return;
  }

  checkKnownFields(fields, ['option', 'description'], path, problems, {});
  if (fields.option !== undefined && !CREATE_OPTIONS.includes(fields.option as string)) {
    problems.push({
      field: join(path, 'option'),
      message: `must be one of ${CREATE_OPTIONS.join(', ')}, got ${describe(fields.option)}`,
    });
  }

  checkDescription(fields.description, join(path, 'description'), problems);
}

function checkUpdateFields(fields: unknown, path: string, problems: Problems): void {
  if (!isPlainObject(fields)) {
    problems.push({
      field: path,
      message: `must be an object with name or description, got ${describe(fields)}`,
    });
    return;
  }

  checkKnownFields(fields, UPDATE_FIELDS, path, problems, { groupName: 'name', usergroup: 'name' });
  if (UPDATE_FIELDS.every((key) => fields[key] === undefined)) {
    problems.push({ field: path, message: `must set at least one of ${UPDATE_FIELDS.join(', ')}` });
  }

  if (fields.name !== undefined) {
    checkNewGroupName(fields.name, join(path, 'name'), problems);
  }

  checkDescription(fields.description, join(path, 'description'), problems);
}

function checkDeleteFields(fields: unknown, path: string, problems: Problems): void {
  if (!isPlainObject(fields)) {
    problems.push({ field: path, message: `must be an empty object {}, got ${describe(fields)}` });
    return;
  }

  checkKnownFields(fields, [], path, problems, {});
}

/** Checks the body of an add or remove step: `{ user: [...] }` or `{ productConfiguration: [...] }`. */
function checkMemberList(body: unknown, path: string, problems: Problems): void {
  const keys = isPlainObject(body) ? Object.keys(body) : [];
  const [key] = keys;
  if (
    !isPlainObject(body) ||
    keys.length !== 1 ||
    (key !== 'user' && key !== 'productConfiguration')
  ) {
    problems.push({
      field: path,
      message: `must be { user: ['jdoe@example.com', ...] }, { productConfiguration: ['Profile name', ...] } or 'all', got ${describeKeys(body)}; put users and product profiles in separate steps`,
    });
    return;
  }

  const list = body[key];
  const listPath = join(path, key);
  if (!Array.isArray(list)) {
    problems.push({ field: listPath, message: `must be an array, got ${describe(list)}` });
    return;
  }

  if (list.length === 0) {
    const noun = key === 'user' ? 'user' : 'product profile';
    problems.push({ field: listPath, message: `must name at least one ${noun}` });
  }

  list.forEach((item: unknown, index) => {
    const itemPath = `${listPath}[${index}]`;
    if (key === 'user') {
      checkEmail(item, itemPath, true, problems);
    } else if (typeof item !== 'string' || item.trim().length === 0) {
      problems.push({
        field: itemPath,
        message: `must be a non-empty product profile name, got ${describe(item)}`,
      });
    }
  });
}

function checkDescription(value: unknown, field: string, problems: Problems): void {
  if (value !== undefined && typeof value !== 'string') {
    problems.push({ field, message: `must be a string, got ${describe(value)}` });
  }
}

function describeKeys(value: unknown): string {
  if (!isPlainObject(value)) {
    return describe(value);
  }

  const keys = Object.keys(value);
  return keys.length === 0
    ? 'an empty object'
    : `an object with ${keys.map((key) => `'${key}'`).join(', ')}`;
}
