export {
  type BuildEndpointUrlOptions,
  buildEndpointUrl,
  type ParseAuthHostOptions,
  type ParsedAuthHost,
  type ParseEndpointPathOptions,
  parseAuthHost,
  parseEndpointPath,
} from './auth-host.js';
export { isSendableToken } from './bearer-token.js';
export { sanitizeCause } from './redact.js';
export { debug, isDebugEnabled, redactUrl } from './debug.js';
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
  IMS_REQUEST_DEFAULTS,
  type ImsTokenRequest,
  type ImsTokenResponse,
  requestImsToken,
} from './ims-client.js';
export { isAuthenticator } from './is-authenticator.js';
export {
  type DurationRange,
  describeOptionName,
  describeOrgIdProblem,
  describeType,
  describeUnknownOption,
  describeValue,
  editDistance,
  MIN_TIMEOUT_MS,
  OptionChecker,
  type OptionNames,
  ORG_ID_SUFFIX,
  quoteValue,
  type StringCheckOptions,
  suggestOptionName,
} from './option-checks.js';
export {
  type BackoffOptions,
  computeBackoff,
  MAX_RETRY_AFTER_MS,
  MAX_TIMER_DELAY_MS,
  parseRetryAfter,
  sleep,
} from './retry.js';
export {
  BACKGROUND_RETRY_DELAY_MS,
  type CachingAuthenticator,
  type CreateAuthenticatorOptions,
  createAuthenticator,
  TOKEN_CACHE_DEFAULTS,
} from './token-cache.js';
export { MAX_TOKEN_LIFETIME_MS } from './token-lifetime.js';
export {
  createTransport,
  SSL_VERIFY_WARNING_CODE,
  type Transport,
  type TransportOptions,
} from './transport.js';
export type { AccessToken, Authenticator, GetTokenOptions } from './types.js';
