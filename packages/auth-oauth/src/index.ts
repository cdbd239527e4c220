export { OAuthS2S } from './oauth-s2s.js';
export { DEFAULT_SCOPES, type OAuthS2SOptions } from './options.js';
