// One byte budget for what the server holds on behalf of its peers: series, set members, bodies
// being received and remembered batch ids. Reservations are estimates of the heap they cost.

/** The share of the budget series and set members may take. */
export const STORE_SHARE = 0.75;

export class MemoryBudget {
  private usedBytes = 0;

  /**
   * What is held for long (series, set members) may use this much of the budget, so bodies being
   * received always have room left: a full store never stops updates to the series it has.
   */
  readonly storeLimitBytes: number;

  constructor(readonly limitBytes: number) {
    this.storeLimitBytes = Math.floor(limitBytes * STORE_SHARE);
  }

  get used(): number {
    return this.usedBytes;
  }

  /** Takes `bytes` from the budget; false (nothing taken) when they would pass `ceiling`. */
  tryReserve(bytes: number, ceiling = this.limitBytes): boolean {
    if (this.usedBytes + bytes > ceiling) return false;
    this.usedBytes += bytes;
    return true;
  }

  release(bytes: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - bytes);
  }
}

/** Heap held by a string: two bytes a character (V8 may use one; the estimate errs high) plus a header. */
export function stringCost(text: string): number {
  return 24 + 2 * text.length;
}
