export {
  Connection,
  type ExecuteOptions,
  type UmapiGroup,
  type UmapiUser,
  type UsersQuery,
} from './connection.js';
export {
  ConnectionClosedError,
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
export {
  CONNECTION_DEFAULTS,
  type ConnectionLogger,
  type ConnectionOptions,
  MAX_RETRIES,
} from './options.js';
export type { HttpMethod, RequestOptions, UmapiResponse } from './request.js';
export { RETRYABLE_STATUSES } from './retry.js';
export type { ConnectionStatus, LocalStatus, ServerStatus } from './status.js';
export { buildUserAgent, CLIENT_VERSION } from './user-agent.js';
export {
  type Action,
  type ActionError,
  type ActionJson,
  ActionValidationError,
  type ActionWarning,
  type CreateOption,
  type CreateUserFields,
  type CreateUserGroupFields,
  type ExecuteResult,
  type GroupListJson,
  type ProductListJson,
  type SyncMarker,
  UMAPI_LIMITS,
  type UpdateUserFields,
  type UpdateUserGroupFields,
  UserAction,
  type UserActionJson,
  type UserActionOptions,
  UserGroupAction,
  type UserGroupActionJson,
  type UserGroupActionOptions,
  type UserGroupStepJson,
  type UserListJson,
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

// The authenticator contract and the error family, re-exported from
// @umapi/auth-core so that code installing only this package (and an
// authenticator) can catch and test every error. These are the same classes,
// so `instanceof` works whichever package they are imported from.
export {
  type AccessToken,
  type Authenticator,
  CertificateError,
  ConfigurationError,
  type ConfigurationProblem,
  createAuthenticator,
  type CreateAuthenticatorOptions,
  type GetTokenOptions,
  ImsError,
  isAuthenticator,
  isUmapiError,
  NetworkError,
  ProxyError,
  TimeoutError,
  UmapiError,
} from '@umapi/auth-core';
