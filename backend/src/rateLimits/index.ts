export { createRateLimitStore, type RateLimitStore, type RateLimitDecision } from './rateLimitStore';
export { rateLimit } from './rateLimitMiddleware';
export { clientBucketOf } from './clientBucket';
