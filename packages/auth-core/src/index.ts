export type { AccessToken, Authenticator, GetTokenOptions } from './types.js';
export { isAuthenticator } from './is-authenticator.js';
export {
  BACKGROUND_RETRY_DELAY_MS,
  type CachingAuthenticator,
  createAuthenticator,
  type CreateAuthenticatorOptions,
  TOKEN_CACHE_DEFAULTS,
} from './token-cache.js';
export { MAX_TOKEN_LIFETIME_MS } from './token-lifetime.js';
export {
  CertificateError,
  ConfigurationError,
  type ConfigurationProblem,
  ImsError,
  type ImsErrorDetails,
  isUmapiError,
  NetworkError,
  ProxyError,
  TimeoutError,
  UmapiError,
  type UmapiErrorOptions,
} from './errors.js';
export {
  createTransport,
  SSL_VERIFY_WARNING_CODE,
  type Transport,
  type TransportOptions,
} from './transport.js';
export {
  computeBackoff,
  type BackoffOptions,
  MAX_RETRY_AFTER_MS,
  MAX_TIMER_DELAY_MS,
  parseRetryAfter,
  sleep,
} from './retry.js';
export {
  IMS_REQUEST_DEFAULTS,
  requestImsToken,
  type ImsTokenRequest,
  type ImsTokenResponse,
} from './ims-client.js';
export { debug, isDebugEnabled, redactUrl } from './debug.js';
export {
  buildEndpointUrl,
  type BuildEndpointUrlOptions,
  type ParseAuthHostOptions,
  parseAuthHost,
  type ParsedAuthHost,
  parseEndpointPath,
  type ParseEndpointPathOptions,
} from './auth-host.js';
export {
  describeType,
  describeOrgIdProblem,
  describeUnknownOption,
  describeValue,
  type DurationRange,
  MIN_TIMEOUT_MS,
  OptionChecker,
  type OptionNames,
  ORG_ID_SUFFIX,
  type StringCheckOptions,
  editDistance,
  suggestOptionName,
} from './option-checks.js';
