export { ActionValidationError } from './errors.js';
export {
  type ActionError,
  type ActionExecutor,
  type ActionExecutorOptions,
  type ActionSender,
  type ActionSendOptions,
  type ActionWarning,
  createActionExecutor,
  type ExecuteOptions,
  type ExecuteResult,
  type SyncMarker,
} from './executor.js';
export type {
  CreateOption,
  CreateUserFields,
  GroupListJson,
  UpdateUserFields,
  UserActionJson,
  UserStepJson,
} from './types.js';
export { UMAPI_LIMITS } from './types.js';
export { UserAction, type UserActionOptions } from './user-action.js';
