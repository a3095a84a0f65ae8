// One byte budget for what the server holds on behalf of its peers: series, set members, bodies
// being received and remembered batch ids. Reservations are estimates of the heap they cost.

export class MemoryBudget {
  private usedBytes = 0;

  constructor(readonly limitBytes: number) {}

  get used(): number {
    return this.usedBytes;
  }

  /** Takes `bytes` from the budget; false (nothing taken) when they do not fit. */
  tryReserve(bytes: number): boolean {
    if (this.usedBytes + bytes > this.limitBytes) return false;
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
