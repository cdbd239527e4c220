export { type ClassStats, PauseTooLongError } from './class-scheduler.js';
export { classifyRequest } from './classify.js';
export {
  type Budgets,
  DEFAULT_BUDGETS,
  type EndpointClass,
  type RateLimitOptions,
} from './options.js';
export type { RateLimiter } from './rate-limiter.js';
export { getRateLimiter } from './registry.js';
export { checkRateLimitTiming, type RateLimitTiming } from './timing.js';
