/**
 * Maximum lifetime of an access token that the token cache and the IMS client
 * accept: 365 days, in milliseconds.
 *
 * IMS access tokens live 24 hours. A lifetime beyond a year comes from a unit
 * mistake, such as `expires_in` milliseconds read as seconds or `expiresAt` in
 * epoch microseconds, and caching such a token would keep it long after IMS
 * stopped honouring it.
 */
export const MAX_TOKEN_LIFETIME_MS = 365 * 24 * 60 * 60 * 1000;
