// Requests per API key (issue 14): a key that sends more than `requests` in `windowSeconds` gets
// 429 problem+json with Retry-After until the window moves on. Counted per API process, in memory
// (rate-limiter-flexible): with N API processes a key may send N times the limit; a shared store
// (its PostgreSQL or Redis limiter) would make it global.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from './errors';

export interface RateLimit {
  /** Requests a key may make per window; 0 turns the limit off. */
  requests: number;
  windowSeconds: number;
}

/** Counts one request of the key; throws the 429 when it is over its limit. */
export type KeyLimiter = (keyId: string) => Promise<void>;

export function keyLimiter(limit: RateLimit): KeyLimiter | undefined {
  if (limit.requests <= 0) return undefined;
  const limiter = new RateLimiterMemory({ points: limit.requests, duration: limit.windowSeconds });
  return async (keyId) => {
    try {
      await limiter.consume(keyId);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new HttpError(
        429,
        'Too Many Requests',
        `this key made more than ${limit.requests} requests in ${limit.windowSeconds} s; retry after ${seconds} s`,
        { limit: limit.requests, windowSeconds: limit.windowSeconds },
        { 'retry-after': String(seconds) },
      );
    }
  };
}
