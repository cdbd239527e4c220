export { ActionValidationError } from './errors.js';
export {
  type Action,
  type ActionError,
  type ActionExecutor,
  type ActionExecutorOptions,
  ActionRequestNotSent,
  type ActionSender,
  type ActionSendOptions,
  type ActionWarning,
  createActionExecutor,
  type ExecuteOptions,
  type ExecuteResult,
  type SyncMarker,
} from './executor.js';
export type {
  ActionJson,
  CreateOption,
  CreateUserFields,
  CreateUserGroupFields,
  GroupListJson,
  ProductListJson,
  UpdateUserFields,
  UpdateUserGroupFields,
  UserActionJson,
  UserGroupActionJson,
  UserGroupStepJson,
  UserListJson,
  UserStepJson,
} from './types.js';
export { UMAPI_LIMITS } from './types.js';
export { UserAction, type UserActionOptions } from './user-action.js';
export { UserGroupAction, type UserGroupActionOptions } from './user-group-action.js';
