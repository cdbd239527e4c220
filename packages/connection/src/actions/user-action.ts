import { randomUUID } from 'node:crypto';
import type { ConfigurationProblem } from '@umapi/auth-core';
import { ActionValidationError } from './errors.js';
import {
  CREATE_STEP_NAMES,
  type CreateUserFields,
  type UpdateUserFields,
  type UserActionJson,
  type UserStepJson,
} from './types.js';
import {
  checkActionJson,
  checkBuilderOptions,
  checkId,
  checkStep,
  checkUser,
} from './validate.js';

/** The constructor options, and the wire and Python names people pass instead. */
const OPTION_NAMES = {
  known: ['user', 'email', 'domain', 'requestID', 'useAdobeID'],
  renames: { request_id: 'requestID', use_adobe_id: 'useAdobeID', userID: 'user', user_id: 'user' },
};

/** Identifies the user of a {@link UserAction}: `user`, or `email` as a shorthand for it. */
export interface UserActionOptions {
  /** The user ID: an email address, or a username together with `domain`. */
  user?: string;
  /** The user's email address, used as the user ID when `user` is not given. */
  email?: string;
  /** The domain of a Federated ID whose user ID is a username. */
  domain?: string;
  /** An ID UMAPI returns with any error about this action. Default: a random UUID. */
  requestID?: string;
  /** Makes the user ID refer to an Adobe ID even when an Enterprise or Federated ID has the same name. */
  useAdobeID?: boolean;
}

/**
 * A typed builder for one user action: the steps to run for one user, in order.
 *
 * Every method checks its input at once and throws {@link ActionValidationError}
 * naming the field. Create steps default to `option: 'ignoreIfAlreadyExists'`,
 * so a request that is retried after a lost response does not fail on the
 * user it created the first time.
 *
 * @example
 * const action = new UserAction({ email: 'jdoe@example.com' })
 *   .createFederatedID({ email: 'jdoe@example.com', country: 'US', firstname: 'Jane', lastname: 'Doe' })
 *   .addGroups(['Designers', 'Photoshop users']);
 * await connection.execute([action]);
 */
export class UserAction {
  /** The user ID: an email address, or a username together with `domain`. */
  readonly user: string;
  /** The domain of a Federated ID whose user ID is a username. */
  readonly domain: string | undefined;
  /** The ID UMAPI returns with any error about this action; a random UUID unless one was given. */
  readonly requestID: string;
  /** Makes the user ID refer to an Adobe ID even when an Enterprise or Federated ID has the same name. */
  readonly useAdobeID: boolean | undefined;
  readonly #steps: UserStepJson[] = [];

  /** @throws ActionValidationError when the user ID or domain is invalid. */
  constructor(options: UserActionOptions) {
    const problems: ConfigurationProblem[] = [];
    const user = resolveUser(options, problems);
    if (problems.length === 0) {
      checkUser(user, options.domain, '', problems);
    }

    if (typeof options === 'object' && options !== null) {
      checkBuilderOptions(options as unknown as Record<string, unknown>, OPTION_NAMES, problems);
    }

    if (options?.requestID !== undefined) {
      checkId(options.requestID, 'requestID', problems);
    }

    if (options?.useAdobeID !== undefined && typeof options.useAdobeID !== 'boolean') {
      problems.push({ field: 'useAdobeID', message: 'must be true or false' });
    }

    if (problems.length > 0) {
      throw new ActionValidationError(problems);
    }

    this.user = user as string;
    this.domain = options.domain;
    this.requestID = options.requestID ?? randomUUID();
    this.useAdobeID = options.useAdobeID;
  }

  /**
   * Builds an action from its wire form, checking every field.
   *
   * @throws ActionValidationError listing every invalid field.
   */
  static fromJSON(json: UserActionJson): UserAction {
    const problems: ConfigurationProblem[] = [];
    checkActionJson(json, '', problems);
    if (problems.length > 0) {
      throw new ActionValidationError(problems);
    }

    const action = new UserAction({
      user: json.user,
      domain: json.domain,
      requestID: json.requestID,
      useAdobeID: json.useAdobeID,
    });
    for (const step of json.do) {
      action.#steps.push(structuredClone(step));
    }

    return action;
  }

  /** Adds a step that creates a Federated ID. `email` and `country` are required. */
  createFederatedID(fields: CreateUserFields): this {
    return this.#add({ createFederatedID: withDefaultOption(fields) });
  }

  /** Adds a step that creates an Enterprise ID. `email` is required. */
  createEnterpriseID(fields: CreateUserFields): this {
    return this.#add({ createEnterpriseID: withDefaultOption(fields) });
  }

  /** Adds a step that adds an existing Adobe ID to the organization. `email` is required. */
  addAdobeID(fields: CreateUserFields): this {
    return this.#add({ addAdobeID: withDefaultOption(fields) });
  }

  /** Adds a step that changes the user's email, names or username. */
  update(fields: UpdateUserFields): this {
    return this.#add({ update: { ...fields } });
  }

  /** Adds a step that adds the user to groups (product profiles, user groups, admin groups). Any number of groups; the executor splits lists longer than 10. */
  addGroups(groups: readonly string[]): this {
    return this.#add({ add: { group: copyGroups(groups) } });
  }

  /** Adds a step that removes the user from groups, or from every group with `'all'`. */
  removeGroups(groups: readonly string[] | 'all'): this {
    return this.#add({ remove: groups === 'all' ? 'all' : { group: copyGroups(groups) } });
  }

  /**
   * Adds a step that removes the user from the organization.
   *
   * @param options.deleteAccount - Also delete the account (Enterprise and Federated IDs the organization owns). Default false.
   */
  removeFromOrg(options: { deleteAccount?: boolean } = {}): this {
    return this.#add({ removeFromOrg: { deleteAccount: options.deleteAccount ?? false } });
  }

  /** Number of steps added so far. */
  get stepCount(): number {
    return this.#steps.length;
  }

  /** Returns the action in UMAPI's wire form, as a copy. */
  toJSON(): UserActionJson {
    const json: UserActionJson = { user: this.user, do: [] };
    if (this.domain !== undefined) {
      json.domain = this.domain;
    }

    json.requestID = this.requestID;
    if (this.useAdobeID !== undefined) {
      json.useAdobeID = this.useAdobeID;
    }

    json.do = this.#steps.map((step) => structuredClone(step));
    return json;
  }

  #add(step: UserStepJson): this {
    const problems: ConfigurationProblem[] = [];
    const name = checkStep(step, '', problems);

    // Checked here rather than at send time, so the error points at the line that adds the step.
    if (name !== undefined && CREATE_STEP_NAMES.includes(name) && this.#steps.some(isCreateStep)) {
      problems.push({
        field: name,
        message:
          'cannot be added: this action already has a create step, and UMAPI accepts one per action',
      });
    }

    if (name === 'removeFromOrg' && this.#steps.some((existing) => 'removeFromOrg' in existing)) {
      problems.push({ field: name, message: 'cannot be added twice to one action' });
    }

    if (problems.length > 0) {
      throw new ActionValidationError(problems);
    }

    this.#steps.push(step);
    return this;
  }
}

function isCreateStep(step: UserStepJson): boolean {
  return CREATE_STEP_NAMES.some((name) => name in step);
}

function resolveUser(options: UserActionOptions, problems: ConfigurationProblem[]): unknown {
  if (typeof options !== 'object' || options === null) {
    problems.push({
      field: 'options',
      message: "must be an object such as { email: 'jdoe@example.com' }",
    });
    return undefined;
  }

  if (options.user !== undefined && options.email !== undefined && options.user !== options.email) {
    problems.push({
      field: 'email',
      message: 'must not differ from user; pass one of them as the user ID',
    });
    return undefined;
  }

  if (options.user === undefined && options.email === undefined) {
    problems.push({
      field: 'user',
      message: 'is missing; pass user (or email) to identify the user',
    });
    return undefined;
  }

  return options.user ?? options.email;
}

function withDefaultOption(fields: CreateUserFields): CreateUserFields {
  if (typeof fields !== 'object' || fields === null) {
    return fields;
  }

  return { ...fields, option: fields.option ?? 'ignoreIfAlreadyExists' };
}

function copyGroups(groups: readonly string[]): string[] {
  return Array.isArray(groups) ? [...groups] : (groups as unknown as string[]);
}
