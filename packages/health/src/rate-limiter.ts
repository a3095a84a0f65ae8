// A fixed-window counter: cheap, allocation-free, and enough to keep /metrics from being hammered.

export class FixedWindowRateLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #count = 0;

  constructor(max: number, windowMs: number) {
    this.#max = max;
    this.#windowMs = windowMs;
  }

  /** Takes one slot; false when the window is full. */
  take(now: number = performance.now()): boolean {
    if (now - this.#windowStart >= this.#windowMs) {
      this.#windowStart = now;
      this.#count = 0;
    }
    if (this.#count >= this.#max) return false;
    this.#count++;
    return true;
  }

  /** Whole seconds until the current window ends (at least 1), for `Retry-After`. */
  retryAfterSeconds(now: number = performance.now()): number {
    return Math.max(1, Math.ceil((this.#windowStart + this.#windowMs - now) / 1000));
  }
}
