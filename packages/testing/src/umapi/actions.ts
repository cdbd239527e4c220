import type { Directory } from './directory.js';
import type { UmapiUser, UserType } from './records.js';
import { StepError } from './step-error.js';
import { runUserGroupCommand } from './user-group-commands.js';

/** Most user or user-group entries UMAPI accepts in one action request. */
export const MAX_ACTIONS_PER_REQUEST = 10;
/** Most groups UMAPI accepts in one add or remove step. */
export const MAX_GROUPS_PER_STEP = 10;
/** Maximum number of groups, users or product profiles in one list of an add or remove step. */
export const MAX_ITEMS_PER_LIST = MAX_GROUPS_PER_STEP;

/** One failed step in an action response. */
export interface ActionError {
  /** Index of the action in the request body, from 0. */
  index: number;
  /** Index of the failed step in the action's `do` list, from 0. */
  step: number;
  /** The action's `requestID`, when it had one. */
  requestID?: string;
  /** The action's `user`, when it had one. */
  user?: string;
  /** UMAPI's error code, such as `error.user.nonexistent`. */
  errorCode: string;
  /** The error message. */
  message: string;
}

/** The body UMAPI returns for `POST /action/{orgId}`. */
export interface ActionResult {
  /** `success` when every action completed, `partial` when some did, `error` when none did. */
  result: 'success' | 'partial' | 'error';
  /** Actions that completed; 0 in test mode. */
  completed: number;
  /** Actions with a failed step. */
  notCompleted: number;
  /** Actions that would have completed, in test mode; 0 otherwise. */
  completedInTestMode: number;
  /** One entry per failed action. */
  errors: ActionError[];
}

/** A request-level rejection: the whole request gets HTTP 400 and nothing runs. */
export interface ActionRejection {
  message: string;
}

type ActionEntry = Record<string, unknown> & { do: unknown[] };

/**
 * Checks the request-level limits and shape. UMAPI rejects the whole request
 * with 400 when it breaks a documented limit, before running any action.
 */
export function validateActionRequest(body: unknown): ActionRejection | ActionEntry[] {
  if (!Array.isArray(body)) {
    return { message: 'The request body must be a JSON array of actions.' };
  }
  if (body.length === 0) {
    return { message: 'The request contains no actions.' };
  }
  if (body.length > MAX_ACTIONS_PER_REQUEST) {
    return {
      message: `The request contains ${body.length} actions, but at most ${MAX_ACTIONS_PER_REQUEST} are allowed per request.`,
    };
  }

  for (const [index, entry] of body.entries()) {
    const shapeProblem = checkEntryShape(entry, index);
    if (shapeProblem) return { message: shapeProblem };

    for (const [step, command] of (entry as ActionEntry).do.entries()) {
      const longest = longestList(command);
      if (longest && longest.count > MAX_ITEMS_PER_LIST) {
        return {
          message: `Action ${index} step ${step} names ${longest.count} entries in "${longest.key}", but at most ${MAX_ITEMS_PER_LIST} are allowed per list of an add or remove step.`,
        };
      }
    }
  }

  return body as ActionEntry[];
}

function checkEntryShape(entry: unknown, index: number): string | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return `Action ${index} must be an object.`;
  }
  const record = entry as Record<string, unknown>;
  if (typeof record.user !== 'string' && typeof record.usergroup !== 'string') {
    return `Action ${index} needs a "user" (email) or "usergroup" (name) string.`;
  }
  if (!Array.isArray(record.do) || record.do.length === 0) {
    return `Action ${index} needs a non-empty "do" array of commands.`;
  }
  for (const [step, command] of record.do.entries()) {
    if (typeof command !== 'object' || command === null || Object.keys(command).length !== 1) {
      return `Action ${index} step ${step} must be an object with exactly one command.`;
    }
  }
  return undefined;
}

/** Returns the name and length of the longest list in an add or remove step, such as `user`. */
function longestList(command: unknown): { key: string; count: number } | undefined {
  const [name, params] = Object.entries(command as object)[0] ?? [];
  if (name !== 'add' && name !== 'remove') return undefined;
  if (typeof params !== 'object' || params === null) return undefined;

  let longest: { key: string; count: number } | undefined;
  for (const [key, list] of Object.entries(params)) {
    if (Array.isArray(list) && list.length > (longest?.count ?? -1)) {
      longest = { key, count: list.length };
    }
  }
  return longest;
}

/**
 * Runs validated actions against `directory`. A failed step ends its action
 * (later steps are skipped) and earlier steps of that action stay applied,
 * as at UMAPI. Pass a clone for test mode.
 */
export function runActions(
  directory: Directory,
  actions: ActionEntry[],
  testOnly: boolean,
): ActionResult {
  const errors: ActionError[] = [];
  let succeeded = 0;

  for (const [index, action] of actions.entries()) {
    const failure = runAction(directory, action);
    if (!failure) {
      succeeded += 1;
      continue;
    }

    // Keys in UMAPI's order: index, step, requestID, user, errorCode, message.
    errors.push({
      index,
      step: failure.step,
      ...(typeof action.requestID === 'string' ? { requestID: action.requestID } : {}),
      ...(typeof action.user === 'string' ? { user: action.user } : {}),
      errorCode: failure.error.errorCode,
      message: failure.error.message,
    });
  }

  const notCompleted = actions.length - succeeded;
  let result: ActionResult['result'] = 'error';
  if (notCompleted === 0) result = 'success';
  else if (succeeded > 0) result = 'partial';

  return {
    result,
    completed: testOnly ? 0 : succeeded,
    notCompleted,
    completedInTestMode: testOnly ? succeeded : 0,
    errors,
  };
}

function runAction(
  directory: Directory,
  action: ActionEntry,
): { step: number; error: StepError } | undefined {
  // A rename step changes the name that the action's later steps find the group by.
  let groupName = String(action.usergroup);
  for (const [step, command] of action.do.entries()) {
    const [name, params] = Object.entries(command as object)[0]!;
    try {
      if (typeof action.user === 'string') runUserCommand(directory, action.user, name, params);
      else groupName = runUserGroupCommand(directory, groupName, name, params);
    } catch (error) {
      if (error instanceof StepError) return { step, error };
      throw error;
    }
  }
  return undefined;
}

const CREATE_COMMANDS: Record<string, UserType> = {
  createFederatedID: 'federatedID',
  createEnterpriseID: 'enterpriseID',
  addAdobeID: 'adobeID',
};

function runUserCommand(directory: Directory, email: string, name: string, params: unknown): void {
  const options = (typeof params === 'object' && params !== null ? params : {}) as Record<
    string,
    unknown
  >;

  const createdType = CREATE_COMMANDS[name];
  if (createdType) {
    createUser(directory, email, createdType, options);
    return;
  }

  const found = directory.findUser(email);
  if (!found) {
    throw new StepError(
      'error.user.nonexistent',
      `User ${email} does not exist in this organization.`,
    );
  }

  if (name === 'update') {
    directory.replaceUser(found.ref, applyUpdate(directory, found.user, options));
  } else if (name === 'add') {
    const names = groupNames(directory, params, true);
    const groups = [...found.user.groups];
    for (const groupName of names) if (!groups.includes(groupName)) groups.push(groupName);
    directory.replaceUser(found.ref, { ...found.user, groups });
  } else if (name === 'remove') {
    const removed = params === 'all' ? found.user.groups : groupNames(directory, params, false);
    const lowered = new Set(removed.map((groupName) => groupName.toLowerCase()));
    const groups = found.user.groups.filter((groupName) => !lowered.has(groupName.toLowerCase()));
    directory.replaceUser(found.ref, { ...found.user, groups });
  } else if (name === 'removeFromOrg') {
    directory.removeUser(found.ref);
  } else {
    throw new StepError('error.command.unknown', `Unknown user command ${name}.`);
  }
}

function createUser(
  directory: Directory,
  email: string,
  type: UserType,
  options: Record<string, unknown>,
): void {
  const address = typeof options.email === 'string' ? options.email : email;
  const existing = directory.findUser(address);

  if (existing) {
    if (options.option === 'ignoreIfAlreadyExists') return;
    if (options.option === 'updateIfAlreadyExists') {
      directory.replaceUser(existing.ref, applyUpdate(directory, existing.user, options));
      return;
    }
    throw new StepError(
      'error.user.already_exists',
      `User ${address} already exists in this organization.`,
    );
  }

  if (!address.includes('@')) {
    throw new StepError(
      'error.user.email.invalid',
      `User email ${address} is not a valid email address.`,
    );
  }

  const domain = address.split('@')[1]!;
  directory.addUser({
    id: directory.nextUserId(),
    email: address,
    status: 'active',
    username: typeof options.username === 'string' ? options.username : address,
    domain,
    firstname: stringOr(options.firstname, ''),
    lastname: stringOr(options.lastname, ''),
    country: stringOr(options.country, 'UD'),
    type,
    groups: [],
  });
}

function applyUpdate(
  directory: Directory,
  user: UmapiUser,
  options: Record<string, unknown>,
): UmapiUser {
  const email = stringOr(options.email, user.email);
  if (email.toLowerCase() !== user.email.toLowerCase() && directory.findUser(email)) {
    throw new StepError(
      'error.user.already_exists',
      `Cannot change the email to ${email}: another user has it.`,
    );
  }

  return {
    ...user,
    email,
    username: stringOr(options.username, user.username),
    firstname: stringOr(options.firstname, user.firstname),
    lastname: stringOr(options.lastname, user.lastname),
    country: stringOr(options.country, user.country),
  };
}

/** Collects the group names of an add or remove step. `product` lists count as group names too. */
function groupNames(directory: Directory, params: unknown, mustExist: boolean): string[] {
  if (typeof params !== 'object' || params === null) {
    throw new StepError('error.command.invalid', 'add and remove need { "group": [names] }.');
  }

  const names: string[] = [];
  for (const [key, list] of Object.entries(params)) {
    if (key !== 'group' && key !== 'product' && key !== 'productConfiguration') continue;
    if (!Array.isArray(list)) {
      throw new StepError('error.command.invalid', `${key} must be an array of group names.`);
    }
    for (const groupName of list) names.push(String(groupName));
  }

  return names.map((groupName) => {
    const group = directory.findGroup(groupName);
    if (group) return group.groupName;
    if (!mustExist) return groupName;
    throw new StepError(
      'error.group.not_found',
      `Group ${groupName} does not exist in this organization.`,
    );
  });
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}
