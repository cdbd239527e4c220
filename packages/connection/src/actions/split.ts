import {
  CREATE_STEP_NAMES,
  UMAPI_LIMITS,
  type UserActionJson,
  type UserStepJson,
} from './types.js';

/** One wire entry made from a caller's action, with the way back to the caller's steps. */
export interface ActionPiece {
  /** The entry as sent: the caller's user fields and at most 10 steps. */
  entry: UserActionJson;
  /** For each step of `entry`, the index of the caller's step it came from. */
  stepMap: number[];
}

/**
 * Splits a valid action into wire entries that fit UMAPI's limits. Add and
 * remove steps with more than 10 groups become several steps. Then the step
 * list is cut into entries of at most 10 steps, for the same user and in the
 * caller's order.
 *
 * Create steps without an `option` get `ignoreIfAlreadyExists`, so every entry
 * can be sent again after a lost response without failing on "already exists".
 * The caller's object is not changed.
 */
export function splitAction(action: UserActionJson): ActionPiece[] {
  const steps: UserStepJson[] = [];
  const origins: number[] = [];

  action.do.forEach((step, index) => {
    for (const part of splitStep(withReplaySafeCreate(step))) {
      steps.push(part);
      origins.push(index);
    }
  });

  const pieces: ActionPiece[] = [];
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

function chunk(groups: readonly string[]): string[][] {
  const chunks: string[][] = [];
  for (let start = 0; start < groups.length; start += UMAPI_LIMITS.groupsPerStep) {
    chunks.push(groups.slice(start, start + UMAPI_LIMITS.groupsPerStep));
  }

  return chunks;
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
