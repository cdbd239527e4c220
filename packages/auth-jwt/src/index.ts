export { JWTAuth } from './jwt-auth.js';
export { JWT_AUTH_DEFAULTS, type JWTAuthOptions } from './options.js';
