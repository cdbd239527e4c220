import type { OptionNames } from '@umapi/auth-core';

const CREDENTIALS_MESSAGE = {
  message:
    'is not an option; credentials belong to the authenticator, so pass them to OAuthS2S or JWTAuth and give the connection its `auth`',
};

const AUTHENTICATOR_HOST_MESSAGE = {
  message:
    'is not an option; set authHost on the authenticator (JWTAuth or OAuthS2S), not on the connection',
};

const AUTHENTICATOR_ENDPOINT_MESSAGE = {
  message:
    'is not an option; set authEndpoint on the authenticator (JWTAuth or OAuthS2S), not on the connection',
};

/**
 * The options of `new Connection()`, and the names people copy from the Python
 * umapi-client (3.x and 2.x `Connection` keywords), from the User Sync Tool's
 * configuration and from near-miss spellings, with what to write instead.
 */
export const CONNECTION_OPTION_NAMES: OptionNames = {
  known: [
    'auth',
    'orgId',
    'endpoint',
    'testMode',
    'timeout',
    'maxRetries',
    'maxRetryWaitMs',
    'retryBaseDelayMs',
    'rateLimits',
    'rateLimitTiming',
    'userAgent',
    'sslVerify',
    'ca',
    'fetch',
    'logger',
  ],
  renames: {
    // Python umapi-client 3.x Connection keywords whose name changed.
    org_id: 'orgId',
    test_mode: 'testMode',
    max_retries: 'maxRetries',
    ssl_verify: 'sslVerify',
    user_agent: 'userAgent',

    // Python 2.x Connection keywords and User Sync Tool settings.
    auth_dict: {
      message: "is not an option; use 'auth' with an authenticator object (see the 'auth' problem)",
    },
    user_management_endpoint: 'endpoint',
    endpoint_url: 'endpoint',
    timeout_seconds: {
      message: 'is not an option; use timeout instead, in milliseconds (60 seconds is 60000)',
    },
    retry_max_attempts: {
      message: 'is not an option; use maxRetries instead (retries after the first attempt)',
    },
    retries: {
      message: 'is not an option; use maxRetries instead (retries after the first attempt)',
    },
    retry_first_delay: {
      message: 'is not an option; use retryBaseDelayMs instead, in milliseconds',
    },
    retry_random_delay: {
      message: 'is not an option; remove it, because backoff jitter is built in',
    },
    throttle_actions: {
      message:
        'is not an option; remove it, because UMAPI accepts at most 10 actions per request and the connection batches that way',
    },
    throttle_commands: {
      message:
        'is not an option; remove it, because UMAPI accepts at most 10 commands per action and the connection splits that way',
    },

    // Options of the Python authenticators, passed to the connection by mistake.
    ims_host: AUTHENTICATOR_HOST_MESSAGE,
    auth_host: AUTHENTICATOR_HOST_MESSAGE,
    authHost: AUTHENTICATOR_HOST_MESSAGE,
    ims_endpoint_jwt: AUTHENTICATOR_ENDPOINT_MESSAGE,
    auth_endpoint: AUTHENTICATOR_ENDPOINT_MESSAGE,
    authEndpoint: AUTHENTICATOR_ENDPOINT_MESSAGE,
    clientId: CREDENTIALS_MESSAGE,
    client_id: CREDENTIALS_MESSAGE,
    api_key: CREDENTIALS_MESSAGE,
    clientSecret: CREDENTIALS_MESSAGE,
    client_secret: CREDENTIALS_MESSAGE,
    techAcctId: CREDENTIALS_MESSAGE,
    tech_acct_id: CREDENTIALS_MESSAGE,
    privateKey: CREDENTIALS_MESSAGE,
    priv_key_data: CREDENTIALS_MESSAGE,
    priv_key_path: CREDENTIALS_MESSAGE,
    private_key_file: CREDENTIALS_MESSAGE,

    // Names that leave out the unit suffix or spell the unit another way.
    retryBaseDelay: 'retryBaseDelayMs',
    maxRetryWait: 'maxRetryWaitMs',
    timeoutMs: 'timeout',
    orgID: 'orgId',
  },
};
