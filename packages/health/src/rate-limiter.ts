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

interface Window {
  start: number;
  count: number;
}

/**
 * A fixed window per key (a client address), in bounded memory: past `maxKeys` the least recently
 * started window is forgotten. Counts events (failed token attempts) and says when a key has had
 * its `max` in the current window.
 */
export class KeyedRateLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #windows = new Map<string, Window>();

  constructor(max: number, windowMs: number, maxKeys = 1024) {
    this.#max = max;
    this.#windowMs = windowMs;
    this.#maxKeys = maxKeys;
  }

  #current(key: string, now: number): Window | undefined {
    const w = this.#windows.get(key);
    if (w !== undefined && now - w.start >= this.#windowMs) {
      this.#windows.delete(key);
      return undefined;
    }
    return w;
  }

  /** `key` has used up its window. */
  exhausted(key: string, now: number = performance.now()): boolean {
    const w = this.#current(key, now);
    return w !== undefined && w.count >= this.#max;
  }

  /** Counts one event for `key`. */
  hit(key: string, now: number = performance.now()): void {
    const w = this.#current(key, now);
    if (w !== undefined) {
      w.count++;
      return;
    }
    if (this.#windows.size >= this.#maxKeys) {
      // Map order is insertion order: the first key has the oldest window.
      const oldest = this.#windows.keys().next().value;
      if (oldest !== undefined) this.#windows.delete(oldest);
    }
    this.#windows.set(key, { start: now, count: 1 });
  }

  /** Whole seconds until `key`'s window ends (at least 1), for `Retry-After`. */
  retryAfterSeconds(key: string, now: number = performance.now()): number {
    const w = this.#windows.get(key);
    return w === undefined ? 1 : Math.max(1, Math.ceil((w.start + this.#windowMs - now) / 1000));
  }

  /** Keys tracked now (at most `maxKeys`). */
  get size(): number {
    return this.#windows.size;
  }
}
