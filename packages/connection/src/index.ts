export {
  Connection,
  type ExecuteOptions,
  type UmapiGroup,
  type UmapiUser,
  type UsersQuery,
} from './connection.js';
export {
  HttpError,
  type HttpErrorDetails,
  ListingError,
  type ListingErrorDetails,
  MAX_BODY_EXCERPT,
  RequestError,
  ResponseError,
  ServerError,
  UnavailableError,
  type UnavailableErrorDetails,
} from './errors.js';
export { CONNECTION_DEFAULTS, type ConnectionLogger, type ConnectionOptions } from './options.js';
export type { HttpMethod, RequestOptions, UmapiResponse } from './request.js';
export { RETRYABLE_STATUSES } from './retry.js';
export type { ConnectionStatus, LocalStatus, ServerStatus } from './status.js';
export { buildUserAgent, CLIENT_VERSION } from './user-agent.js';
export {
  ActionValidationError,
  type ActionError,
  type ActionWarning,
  type CreateOption,
  type CreateUserFields,
  type ExecuteResult,
  type GroupListJson,
  type SyncMarker,
  UMAPI_LIMITS,
  type UpdateUserFields,
  UserAction,
  type UserActionJson,
  type UserActionOptions,
  type UserStepJson,
} from './actions/index.js';
export {
  type Budgets,
  type ClassStats,
  DEFAULT_BUDGETS,
  type EndpointClass,
  type RateLimitOptions,
  type RateLimitTiming,
} from './rate-limit/index.js';
