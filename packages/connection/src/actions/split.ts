import {
  type ActionJson,
  CREATE_STEP_NAMES,
  UMAPI_LIMITS,
  type UserActionJson,
  type UserGroupActionJson,
  type UserGroupStepJson,
  type UserStepJson,
} from './types.js';

/** One wire entry made from a caller's action, with the way back to the caller's steps. */
export interface ActionPiece<Entry extends ActionJson = ActionJson> {
  /** The entry as sent: the caller's user or group fields and at most 10 steps. */
  entry: Entry;
  /** For each step of `entry`, the index of the caller's step it came from. */
  stepMap: number[];
}

/**
 * Splits a valid user or user group action into wire entries that fit UMAPI's
 * limits. Add and remove steps with more than 10 groups, users or product
 * profiles become several steps. Then the step list is cut into entries of at
 * most 10 steps, for the same user or group and in the caller's order.
 *
 * Create steps without an `option` get `ignoreIfAlreadyExists`, so every entry
 * can be sent again after a lost response without failing on "already exists".
 * The caller's object is not changed.
 */
export function splitAction(action: UserActionJson): ActionPiece<UserActionJson>[];
export function splitAction(action: UserGroupActionJson): ActionPiece<UserGroupActionJson>[];
export function splitAction(action: ActionJson): ActionPiece[];
export function splitAction(action: ActionJson): ActionPiece[] {
  return 'usergroup' in action ? splitUserGroupAction(action) : splitUserAction(action);
}

function splitUserAction(action: UserActionJson): ActionPiece<UserActionJson>[] {
  const steps: UserStepJson[] = [];
  const origins: number[] = [];

  action.do.forEach((step, index) => {
    for (const part of splitStep(withReplaySafeCreate(step))) {
      steps.push(part);
      origins.push(index);
    }
  });

  const pieces: ActionPiece<UserActionJson>[] = [];
  for (let start = 0; start < steps.length; start += UMAPI_LIMITS.stepsPerEntry) {
    const end = start + UMAPI_LIMITS.stepsPerEntry;
    pieces.push({
      entry: { ...frameOf(action), do: steps.slice(start, end) },
      stepMap: origins.slice(start, end),
    });
  }

  return pieces;
}

function frameOf(action: UserActionJson): Omit<UserActionJson, 'do'> {
  const frame: Omit<UserActionJson, 'do'> = { user: action.user };
  if (action.domain !== undefined) {
    frame.domain = action.domain;
  }

  if (action.requestID !== undefined) {
    frame.requestID = action.requestID;
  }

  if (action.useAdobeID !== undefined) {
    frame.useAdobeID = action.useAdobeID;
  }

  return frame;
}

function splitStep(step: UserStepJson): UserStepJson[] {
  if ('add' in step) {
    return chunk(step.add.group).map((group) => ({ add: { group } }));
  }

  if ('remove' in step && step.remove !== 'all') {
    return chunk(step.remove.group).map((group) => ({ remove: { group } }));
  }

  return [structuredClone(step)];
}

function chunk(items: readonly string[], size: number = UMAPI_LIMITS.groupsPerStep): string[][] {
  const chunks: string[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }

  return chunks;
}

/**
 * Splits a valid user group action like a user action. A rename step changes
 * the group name of the entries after it: UMAPI finds the group by the name
 * in `usergroup`, and the old name no longer exists once the rename has run.
 */
function splitUserGroupAction(action: UserGroupActionJson): ActionPiece<UserGroupActionJson>[] {
  const steps: UserGroupStepJson[] = [];
  const origins: number[] = [];
  // The group's name when each wire step runs.
  const names: string[] = [];
  let name = action.usergroup;

  action.do.forEach((step, index) => {
    for (const part of splitUserGroupStep(step)) {
      steps.push(part);
      origins.push(index);
      names.push(name);
    }

    if ('updateUserGroup' in step && step.updateUserGroup.name !== undefined) {
      name = step.updateUserGroup.name;
    }
  });

  const pieces: ActionPiece<UserGroupActionJson>[] = [];
  for (let start = 0; start < steps.length; start += UMAPI_LIMITS.stepsPerEntry) {
    const end = start + UMAPI_LIMITS.stepsPerEntry;
    const entry: UserGroupActionJson = { usergroup: names[start]!, do: steps.slice(start, end) };
    if (action.requestID !== undefined) {
      entry.requestID = action.requestID;
    }

    pieces.push({ entry, stepMap: origins.slice(start, end) });
  }

  return pieces;
}

function splitUserGroupStep(step: UserGroupStepJson): UserGroupStepJson[] {
  if ('createUserGroup' in step) {
    return [
      {
        createUserGroup: {
          ...step.createUserGroup,
          option: step.createUserGroup.option ?? 'ignoreIfAlreadyExists',
        },
      },
    ];
  }

  if ('add' in step && step.add !== 'all') {
    return splitMemberList(step.add).map((list) => ({ add: list }));
  }

  if ('remove' in step && step.remove !== 'all') {
    return splitMemberList(step.remove).map((list) => ({ remove: list }));
  }

  return [structuredClone(step)];
}

function splitMemberList(
  list: { user: string[] } | { productConfiguration: string[] },
): Array<{ user: string[] } | { productConfiguration: string[] }> {
  if ('user' in list) {
    return chunk(list.user, UMAPI_LIMITS.usersPerStep).map((user) => ({ user }));
  }

  return chunk(list.productConfiguration).map((productConfiguration) => ({ productConfiguration }));
}

function withReplaySafeCreate(step: UserStepJson): UserStepJson {
  for (const name of CREATE_STEP_NAMES) {
    if (name in step) {
      const fields = (step as Record<string, { option?: string }>)[name]!;
      if (fields.option === undefined) {
        return { [name]: { ...fields, option: 'ignoreIfAlreadyExists' } } as UserStepJson;
      }
    }
  }

  return step;
}
