import { FixedWindowRateLimiter, KeyedRateLimiter } from '../src/rate-limiter.js';

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

describe('KeyedRateLimiter', () => {
  it('counts per key, each in its own window', () => {
    const limiter = new KeyedRateLimiter(2, 1000);
    limiter.hit('a', 0);
    limiter.hit('a', 10);
    limiter.hit('b', 10);
    expect([limiter.exhausted('a', 20), limiter.exhausted('b', 20)]).toEqual([true, false]);
    expect(limiter.retryAfterSeconds('a', 20)).toBe(1);
    expect(limiter.exhausted('a', 1000)).toBe(false);
  });

  it('stays within maxKeys, forgetting the oldest window', () => {
    const limiter = new KeyedRateLimiter(1, 60_000, 3);
    for (const key of ['a', 'b', 'c', 'd']) limiter.hit(key, 0);
    expect(limiter.size).toBe(3);
    expect([limiter.exhausted('a', 1), limiter.exhausted('d', 1)]).toEqual([false, true]);
  });
});
