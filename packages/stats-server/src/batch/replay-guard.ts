// Remembers the batches accepted within the freshness window, so the same signed batch is applied
// once however often it is sent again. Bounded by the server's memory budget.
import { stringCost, type MemoryBudget } from '../aggregation/memory-budget.js';

export type ReplayVerdict = 'fresh' | 'replay' | 'full';

const ENTRY_OVERHEAD = 80;
const SWEEP_INTERVAL_MS = 1_000;

export class ReplayGuard {
  // Key -> when it may be forgotten: its timestamp plus the window, after which the batch is stale anyway.
  private readonly seen = new Map<string, number>();
  private lastSweep = 0;

  constructor(
    private readonly windowMs: number,
    private readonly budget: MemoryBudget,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.seen.size;
  }

  /**
   * `fresh`: not seen within the window, remembered from now on; `replay`: seen; `full`: the memory
   * budget has no room to remember it (the batch must be refused, or a replay could pass later).
   */
  admit(key: string, timestampMs: number): ReplayVerdict {
    const now = this.now();
    const until = this.seen.get(key);
    if (until !== undefined && until >= now) return 'replay';
    const forgetAt = Math.max(timestampMs, now) + this.windowMs;
    if (until !== undefined) {
      this.seen.set(key, forgetAt);
      return 'fresh';
    }
    const cost = ENTRY_OVERHEAD + stringCost(key);
    if (!this.budget.tryReserve(cost)) {
      this.sweep(now, true);
      if (!this.budget.tryReserve(cost)) return 'full';
    } else {
      this.sweep(now, false);
    }
    this.seen.set(key, forgetAt);
    return 'fresh';
  }

  private sweep(now: number, force: boolean): void {
    if (!force && now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const [key, until] of this.seen) {
      if (until < now) {
        this.seen.delete(key);
        this.budget.release(ENTRY_OVERHEAD + stringCost(key));
      }
    }
  }
}
