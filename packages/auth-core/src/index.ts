export type { AccessToken, Authenticator, GetTokenOptions } from './types.js';
export { isAuthenticator } from './is-authenticator.js';
export { createAuthenticator, type CreateAuthenticatorOptions } from './token-cache.js';
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
export { createTransport, type Transport, type TransportOptions } from './transport.js';
export {
  computeBackoff,
  type BackoffOptions,
  MAX_TIMER_DELAY_MS,
  parseRetryAfter,
  sleep,
} from './retry.js';
export { requestImsToken, type ImsTokenRequest, type ImsTokenResponse } from './ims-client.js';
export { debug } from './debug.js';
