/**
 * Behaviour of a create step when the user already exists.
 * `ignoreIfAlreadyExists` skips the create and runs the other steps, and
 * `updateIfAlreadyExists` updates the names from the create step. Without an
 * option UMAPI reports an error.
 */
export type CreateOption = 'ignoreIfAlreadyExists' | 'updateIfAlreadyExists';

/** Fields of a `createFederatedID`, `createEnterpriseID` or `addAdobeID` step. */
export interface CreateUserFields {
  /** The user's email address. Required. */
  email: string;
  /** ISO 3166-1 alpha-2 country code in upper case, such as `US`. Required for Federated IDs; it cannot be changed later. */
  country?: string;
  /** Given name, at most 250 characters. */
  firstname?: string;
  /** Family name, at most 250 characters. */
  lastname?: string;
  /** Behaviour when the user exists. The builder sends `ignoreIfAlreadyExists` unless you choose. */
  option?: CreateOption;
}

/** Fields of an `update` step; at least one is required. UMAPI does not update `country`. */
export interface UpdateUserFields {
  /** New email address. */
  email?: string;
  /** New given name, at most 250 characters. */
  firstname?: string;
  /** New family name, at most 250 characters. */
  lastname?: string;
  /** The login name of a Federated ID, when it differs from the email address. */
  username?: string;
}

/** Group list of an `add` or `remove` step: product profiles, user groups or admin groups. */
export interface GroupListJson {
  /** Group names, at least one. `execute()` splits a list longer than 10 into several steps. */
  group: string[];
}

/** One step of a user action, as UMAPI receives it: an object with exactly one key. */
export type UserStepJson =
  | {
      /** Creates a Federated ID, whose sign-in goes through the org's identity provider. */
      createFederatedID: CreateUserFields;
    }
  | {
      /** Creates an Enterprise ID, an account the org owns with an Adobe-managed password. */
      createEnterpriseID: CreateUserFields;
    }
  | {
      /** Adds an existing Adobe ID (a personal account) to the org. */
      addAdobeID: CreateUserFields;
    }
  | {
      /** Changes the user's email address, names or username. */
      update: UpdateUserFields;
    }
  | {
      /** Adds the user to groups or product profiles. */
      add: GroupListJson;
    }
  | {
      /** Removes the user from the named groups, or from every group with `'all'`. */
      remove: GroupListJson | 'all';
    }
  | {
      /** Removes the user from the org. */
      removeFromOrg: {
        /** When true, also deletes the account, for Enterprise and Federated IDs the org owns. */
        deleteAccount?: boolean;
      };
    };

/**
 * A user action in UMAPI's wire form: one user and the steps to run for that
 * user, in order.
 *
 * @example
 * const action: UserActionJson = {
 *   user: 'jdoe@example.com',
 *   requestID: 'onboard-jdoe',
 *   do: [{ add: { group: ['Designers'] } }],
 * };
 */
export interface UserActionJson {
  /** The user ID: an email address, or a username together with `domain`. */
  user: string;
  /** The domain of a Federated ID whose `user` is a username, not an email address. */
  domain?: string;
  /** An ID of your choice that UMAPI returns with any error about this action. */
  requestID?: string;
  /** Makes `user` refer to an Adobe ID even when an Enterprise or Federated ID has the same name. */
  useAdobeID?: boolean;
  /** The steps, run in order. */
  do: UserStepJson[];
}

/** Names of the step kinds, as the keys of {@link UserStepJson}. */
export const STEP_NAMES = [
  'createFederatedID',
  'createEnterpriseID',
  'addAdobeID',
  'update',
  'add',
  'remove',
  'removeFromOrg',
] as const;

/** One of the step names in {@link STEP_NAMES}. */
export type StepName = (typeof STEP_NAMES)[number];

/** Step names that create or add a user; an action may contain one of them. */
export const CREATE_STEP_NAMES: readonly StepName[] = [
  'createFederatedID',
  'createEnterpriseID',
  'addAdobeID',
];

/** UMAPI's limits per request: entries per request, steps per entry, groups per add or remove step. */
export const UMAPI_LIMITS = Object.freeze({
  /** Actions (entries) per action request: 10. */
  entriesPerRequest: 10,
  /** Steps per entry: 10. */
  stepsPerEntry: 10,
  /** Groups per `add` or `remove` step: 10. */
  groupsPerStep: 10,
});
