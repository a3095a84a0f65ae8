import { backoffDelay } from '../src/index.js';

const options = { initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5, maxAttempts: Infinity };

describe('backoffDelay', () => {
  it('doubles from the initial delay and caps at the maximum, without jitter at random() = 0', () => {
    expect([0, 1, 2, 3, 4, 5, 60].map((n) => backoffDelay(n, options, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('takes up to `jitter` of the delay off', () => {
    expect(backoffDelay(2, options, () => 1)).toBe(200);
    expect(backoffDelay(2, options, () => 0.5)).toBe(300);
    expect(backoffDelay(4, options, () => 0.999)).toBe(500);
  });

  it('is exactly exponential with jitter 0', () => {
    expect(backoffDelay(3, { ...options, jitter: 0 }, () => 0.7)).toBe(800);
  });

  it('stays finite for very large attempt numbers', () => {
    expect(backoffDelay(10_000, options, () => 0)).toBe(1000);
  });
});
