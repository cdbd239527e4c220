import { randomUUID } from 'node:crypto';
import type { ConfigurationProblem } from '@umapi/auth-core';
import { ActionValidationError } from './errors.js';
import type {
  CreateUserGroupFields,
  UpdateUserGroupFields,
  UserGroupActionJson,
  UserGroupStepJson,
} from './types.js';
import { checkBuilderOptions, checkId } from './validate.js';
import {
  CREATE_AFTER_DELETE,
  checkGroupName,
  checkNewGroupName,
  checkUserGroupActionJson,
  checkUserGroupStep,
} from './validate-user-group.js';

const SUBJECT = 'user group action';

/** The constructor options, and the wire and Python names people pass instead. */
const OPTION_NAMES = {
  known: ['groupName', 'requestID'],
  renames: {
    usergroup: 'groupName',
    group: 'groupName',
    group_name: 'groupName',
    name: 'groupName',
    request_id: 'requestID',
  },
};

/** Identifies the group of a {@link UserGroupAction}. */
export interface UserGroupActionOptions {
  /** The name of the user group. Required. */
  groupName: string;
  /** An ID UMAPI returns with any error about this action. Default: a random UUID. */
  requestID?: string;
}

/**
 * A typed builder for one user group action: the steps to run for one user
 * group, in order. It is the counterpart of `UserGroupAction` in Adobe's
 * Python umapi-client v3.
 *
 * Every method checks its input at once and throws {@link ActionValidationError}
 * naming the field. As in the Python client, `create()` puts its step first
 * and defaults to `option: 'ignoreIfAlreadyExists'`. The name rules (at most
 * 255 characters, no leading `_`) apply only to `create()` and to a new name
 * in `update()`, so members of existing system groups can still be changed.
 *
 * @example
 * const group = new UserGroupAction({ groupName: 'Contractors' })
 *   .create({ description: 'External staff' })
 *   .addUsers(['jdoe@example.com', 'asmith@example.com'])
 *   .addToProducts(['Default All Apps configuration']);
 * await connection.execute([group]);
 */
export class UserGroupAction {
  /** The name of the user group, as sent in `usergroup`. */
  readonly groupName: string;
  /** The ID UMAPI returns with any error about this action; a random UUID unless one was given. */
  readonly requestID: string;
  readonly #steps: UserGroupStepJson[] = [];

  /** @throws ActionValidationError when the group name or request ID is invalid. */
  constructor(options: UserGroupActionOptions) {
    const problems: ConfigurationProblem[] = [];
    if (typeof options !== 'object' || options === null) {
      problems.push({
        field: 'options',
        message: "must be an object such as { groupName: 'Contractors' }",
      });
      throw new ActionValidationError(problems, SUBJECT);
    }

    checkBuilderOptions(options as unknown as Record<string, unknown>, OPTION_NAMES, problems);
    checkGroupName(options.groupName, 'groupName', problems);
    if (options.requestID !== undefined) {
      checkId(options.requestID, 'requestID', problems);
    }

    if (problems.length > 0) {
      throw new ActionValidationError(problems, SUBJECT);
    }

    this.groupName = options.groupName;
    this.requestID = options.requestID ?? randomUUID();
  }

  /**
   * Builds an action from its wire form, checking every field with the
   * builder's rules: at most one create and one delete step, and no create
   * after a delete. The steps keep their order, so a create step need not be first.
   *
   * @throws ActionValidationError listing every invalid field.
   */
  static fromJSON(json: UserGroupActionJson): UserGroupAction {
    const problems: ConfigurationProblem[] = [];
    checkUserGroupActionJson(json, '', problems);
    if (problems.length > 0) {
      throw new ActionValidationError(problems, SUBJECT);
    }

    const action = new UserGroupAction({ groupName: json.usergroup, requestID: json.requestID });
    for (const step of json.do) {
      action.#steps.push(structuredClone(step));
    }

    return action;
  }

  /**
   * Adds a step that creates the group, placed before every other step.
   *
   * @param options.option - Behaviour when the group exists. Default `'ignoreIfAlreadyExists'`;
   *   `'updateIfAlreadyExists'` also sets the description.
   * @param options.description - Description shown in the Admin Console.
   * @throws ActionValidationError when the group name breaks the name rules, an option is
   *   invalid, or the action already has a create or a delete step. Placed first, a create
   *   after `delete()` would run before the delete, which would then remove the new group.
   */
  create(options: CreateUserGroupFields = {}): this {
    const problems: ConfigurationProblem[] = [];
    checkNewGroupName(this.groupName, 'groupName', problems);
    const step: UserGroupStepJson = {
      createUserGroup:
        typeof options === 'object' && options !== null
          ? { ...options, option: options.option ?? 'ignoreIfAlreadyExists' }
          : options,
    };
    checkUserGroupStep(step, '', problems);

    // Checked here rather than at send time, so the error points at the second create() call.
    if (this.#steps.some((existing) => 'createUserGroup' in existing)) {
      problems.push({
        field: 'createUserGroup',
        message:
          'cannot be added: this action already has a create step, and UMAPI accepts one per action',
      });
    }

    if (this.#steps.some((existing) => 'deleteUserGroup' in existing)) {
      problems.push({ field: 'createUserGroup', message: CREATE_AFTER_DELETE });
    }

    if (problems.length > 0) {
      throw new ActionValidationError(problems, SUBJECT);
    }

    this.#steps.unshift(step);
    return this;
  }

  /**
   * Adds a step that renames the group or changes its description. Members
   * and product profiles stay with the renamed group, and later steps of this
   * action apply to it under its new name.
   *
   * @throws ActionValidationError when neither field is set or the new name breaks the name rules.
   */
  update(fields: UpdateUserGroupFields): this {
    return this.#add({
      updateUserGroup: typeof fields === 'object' && fields !== null ? { ...fields } : fields,
    });
  }

  /** Adds a step that deletes the group. Its members stay in the org. */
  delete(): this {
    return this.#add({ deleteUserGroup: {} });
  }

  /**
   * Adds a step that adds users to the group, by email address. Any number of
   * users: `execute()` splits lists longer than 10 into several steps.
   */
  addUsers(emails: readonly string[]): this {
    return this.#add({ add: { user: copyList(emails) } });
  }

  /** Adds a step that removes users from the group, by email address. */
  removeUsers(emails: readonly string[]): this {
    return this.#add({ remove: { user: copyList(emails) } });
  }

  /**
   * Adds a step that assigns product profiles to the group, so its members
   * get those products. `'all'` assigns every product profile of the org.
   */
  addToProducts(profiles: readonly string[] | 'all'): this {
    return this.#add({
      add: profiles === 'all' ? 'all' : { productConfiguration: copyList(profiles) },
    });
  }

  /** Adds a step that removes product profiles from the group, or every one with `'all'`. */
  removeFromProducts(profiles: readonly string[] | 'all'): this {
    return this.#add({
      remove: profiles === 'all' ? 'all' : { productConfiguration: copyList(profiles) },
    });
  }

  /** Number of steps added so far. */
  get stepCount(): number {
    return this.#steps.length;
  }

  /** Returns the action in UMAPI's wire form, as a copy. Step indexes in errors refer to this order. */
  toJSON(): UserGroupActionJson {
    return {
      usergroup: this.groupName,
      requestID: this.requestID,
      do: this.#steps.map((step) => structuredClone(step)),
    };
  }

  #add(step: UserGroupStepJson): this {
    const problems: ConfigurationProblem[] = [];
    const name = checkUserGroupStep(step, '', problems);

    if (
      name === 'deleteUserGroup' &&
      this.#steps.some((existing) => 'deleteUserGroup' in existing)
    ) {
      problems.push({ field: name, message: 'cannot be added twice to one action' });
    }

    if (problems.length > 0) {
      throw new ActionValidationError(problems, SUBJECT);
    }

    this.#steps.push(step);
    return this;
  }
}

function copyList(items: readonly string[]): string[] {
  return Array.isArray(items) ? [...items] : (items as unknown as string[]);
}
