import { FixedWindowRateLimiter } from '../src/rate-limiter.js';

describe('FixedWindowRateLimiter', () => {
  it('allows max requests per window, then refuses until the window ends', () => {
    const limiter = new FixedWindowRateLimiter(2, 1000);
    expect([limiter.take(0), limiter.take(10), limiter.take(20)]).toEqual([true, true, false]);
    expect(limiter.retryAfterSeconds(20)).toBe(1);
    expect(limiter.take(999)).toBe(false);
    expect(limiter.take(1000)).toBe(true);
  });

  it('rounds Retry-After up to whole seconds', () => {
    const limiter = new FixedWindowRateLimiter(1, 5000);
    limiter.take(0);
    expect(limiter.retryAfterSeconds(100)).toBe(5);
    expect(limiter.retryAfterSeconds(4500)).toBe(1);
  });
});
