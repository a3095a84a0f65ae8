// Logging a recurring problem without flooding the log: at most once per key per interval (or once
// per key), with a count of what was held back, in bounded memory.
import type { LogFields } from '../logging/log-record.js';
import type { Logger } from '../logging/logger.js';

/** Options of `new WarningThrottle(options)`. */
export interface WarningThrottleOptions {
  /** Least time between two warnings of one key, in ms. Default Infinity: once per key. */
  readonly intervalMs?: number;
  /**
   * Keys tracked apart, at most. Past it, new keys share one slot, so they are throttled together
   * (and told once that keys are being merged) instead of logging on every call. Default 1000.
   */
  readonly maxKeys?: number;
  /** The clock, in ms. Default `Date.now`. */
  readonly now?: () => number;
}

interface Slot {
  last: number;
  suppressed: number;
}

const OVERFLOW = Symbol('overflow');

/** Warns through `logger` at most once per key per interval; the held-back count goes in `suppressed`. */
export class WarningThrottle {
  private readonly slots = new Map<string | typeof OVERFLOW, Slot>();
  private readonly intervalMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private suppressedTotal = 0;

  constructor(
    private readonly logger: Logger,
    options: WarningThrottleOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? Infinity;
    this.maxKeys = options.maxKeys ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Whether a warning for `key` may go out now. When it may, returns how many were held back for it
   * since the last one (0 the first time); when not, counts this one and returns -1.
   */
  admit(key: string): number {
    let slot = this.slots.get(key);
    if (slot === undefined && this.slots.size >= this.maxKeys + (this.slots.has(OVERFLOW) ? 1 : 0)) {
      if (!this.slots.has(OVERFLOW)) {
        this.logger.warn(`more than ${this.maxKeys} distinct warnings; further kinds are throttled together`);
      }
      slot = this.slots.get(OVERFLOW);
      if (slot === undefined) {
        slot = { last: -Infinity, suppressed: 0 };
        this.slots.set(OVERFLOW, slot);
      }
    }
    const t = this.now();
    if (slot === undefined) {
      this.slots.set(key, { last: t, suppressed: 0 });
      return 0;
    }
    if (slot.last !== -Infinity && t - slot.last < this.intervalMs) {
      slot.suppressed++;
      this.suppressedTotal++;
      return -1;
    }
    const held = slot.suppressed;
    slot.suppressed = 0;
    slot.last = t;
    return held;
  }

  /** Logs `message` at warn unless `key` was warned about within the interval; true when logged. */
  warn(key: string, message: string, fields?: LogFields): boolean {
    const held = this.admit(key);
    if (held < 0) return false;
    this.logger.warn(message, held > 0 ? { ...fields, suppressed: held } : fields);
    return true;
  }

  /** Forgets `key` (its owner is gone), freeing its slot; what it held back stays in `suppressed`. */
  forget(key: string): void {
    this.slots.delete(key);
  }

  /** Warnings held back so far, all keys together. */
  get suppressed(): number {
    return this.suppressedTotal;
  }
}
