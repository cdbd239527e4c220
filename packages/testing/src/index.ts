export type { FailNextOptions } from './server/faults.js';
export type { ListenOptions } from './server/http-server.js';
export type { AccessTokenInfo } from './ims/access-token.js';
export type { RegisterJwtClientOptions, RegisterOAuthClientOptions } from './ims/clients.js';
export type { PrivateKeyFormat } from './ims/credentials.js';
export type { ExchangeOutcome, TokenExchange } from './ims/exchange-log.js';
export {
  type CreateJwtCredentialsOptions,
  type CreateOAuthCredentialsOptions,
  type FakeIms,
  type FakeImsOptions,
  type IssueAccessTokenOptions,
  type JwtCredentials,
  type OAuthCredentials,
  startFakeIms,
} from './ims/fake-ims.js';
export type { ActionError, ActionResult } from './umapi/actions.js';
export { type FakeUmapi, type FakeUmapiOptions, startFakeUmapi } from './umapi/fake-umapi.js';
export {
  type BudgetClass,
  type BudgetClassStats,
  DEFAULT_RATE_LIMITS,
  type RateLimits,
} from './umapi/rate-limits.js';
export type {
  GroupDetails,
  GroupSeed,
  UmapiGroup,
  UmapiUser,
  UserSeed,
  UserType,
} from './umapi/records.js';
export type { UmapiRequest } from './umapi/request-log.js';
