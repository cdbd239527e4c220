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

/** UMAPI's limits per request: entries per request, steps per entry, list items per add or remove step. */
export const UMAPI_LIMITS = Object.freeze({
  /** Actions (entries) per action request: 10. */
  entriesPerRequest: 10,
  /** Steps per entry: 10. */
  stepsPerEntry: 10,
  /** Groups or product profiles per `add` or `remove` step: 10. */
  groupsPerStep: 10,
  /** Users per `add` or `remove` step of a user group action: 10. */
  usersPerStep: 10,
});

/** Fields of a `createUserGroup` step. */
export interface CreateUserGroupFields {
  /** Behaviour when the group exists. The builder and `execute()` send `ignoreIfAlreadyExists` unless you choose. */
  option?: CreateOption;
  /** Description of the group, shown in the Admin Console. */
  description?: string;
}

/** Fields of an `updateUserGroup` step; at least one is required. */
export interface UpdateUserGroupFields {
  /** New group name: at most 255 characters, not starting with `_`. Members and product profiles stay with the group. */
  name?: string;
  /** New description. */
  description?: string;
}

/** User list of an `add` or `remove` step of a user group action. */
export interface UserListJson {
  /** Email addresses of the users, at least one. `execute()` splits a list longer than 10 into several steps. */
  user: string[];
}

/** Product profile list of an `add` or `remove` step of a user group action. */
export interface ProductListJson {
  /** Product profile names, at least one. `execute()` splits a list longer than 10 into several steps. */
  productConfiguration: string[];
}

/** One step of a user group action, as UMAPI receives it: an object with exactly one key. */
export type UserGroupStepJson =
  | {
      /** Creates the user group. */
      createUserGroup: CreateUserGroupFields;
    }
  | {
      /** Renames the group or changes its description. */
      updateUserGroup: UpdateUserGroupFields;
    }
  | {
      /** Deletes the group. Its members stay in the org. */
      deleteUserGroup: Record<string, never>;
    }
  | {
      /** Adds users to the group, or assigns product profiles to it (`'all'`: every product profile). */
      add: UserListJson | ProductListJson | 'all';
    }
  | {
      /** Removes users from the group, or product profiles from it (`'all'`: every product profile). */
      remove: UserListJson | ProductListJson | 'all';
    };

/**
 * A user group action in UMAPI's wire form: one user group and the steps to
 * run for it, in order.
 *
 * @example
 * const action: UserGroupActionJson = {
 *   usergroup: 'Contractors',
 *   do: [{ createUserGroup: { option: 'ignoreIfAlreadyExists' } }, { add: { user: ['jdoe@example.com'] } }],
 * };
 */
export interface UserGroupActionJson {
  /** The name of the user group. */
  usergroup: string;
  /** An ID of your choice that UMAPI returns with any error about this action. */
  requestID?: string;
  /** The steps, run in order. */
  do: UserGroupStepJson[];
}

/** Names of the step kinds, as the keys of {@link UserGroupStepJson}. */
export const USER_GROUP_STEP_NAMES = [
  'createUserGroup',
  'updateUserGroup',
  'deleteUserGroup',
  'add',
  'remove',
] as const;

/** One of the step names in {@link USER_GROUP_STEP_NAMES}. */
export type UserGroupStepName = (typeof USER_GROUP_STEP_NAMES)[number];

/** Any action in UMAPI's wire form: a user action or a user group action. */
export type ActionJson = UserActionJson | UserGroupActionJson;
