// Time-stamped snapshots of a few running totals, kept in a fixed ring. A rate over the last W ms is
// the change between now and the newest snapshot at least W ms old: nothing is read from the clock
// on the hot path, only when a snapshot is taken or a rate is read.

export class SlidingWindow {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  /** Slot of the newest snapshot. */
  private newest = -1;
  private count = 0;

  constructor(
    readonly capacity: number,
    readonly width: number,
  ) {
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity * width);
  }

  get size(): number {
    return this.count;
  }

  get newestTime(): number {
    return this.newest < 0 ? -Infinity : this.times[this.newest]!;
  }

  /** Stores `current` as taken at `now`; a second snapshot at the same instant replaces the first. */
  record(now: number, current: Float64Array): void {
    if (this.newest < 0 || this.times[this.newest] !== now) {
      this.newest = this.newest + 1 === this.capacity ? 0 : this.newest + 1;
      if (this.count < this.capacity) this.count++;
    }
    this.times[this.newest] = now;
    this.values.set(current.subarray(0, this.width), this.newest * this.width);
  }

  /**
   * The slot to measure from for a window of `windowMs` ending at `now`: the newest snapshot taken at
   * or before `now - windowMs`, or the oldest one held when none is that old. -1 when empty.
   */
  base(now: number, windowMs: number): number {
    if (this.count === 0) return -1;
    const start = now - windowMs;
    let slot = this.newest;
    for (let i = 0; i < this.count; i++) {
      if (this.times[slot]! <= start) return slot;
      if (i + 1 < this.count) slot = slot === 0 ? this.capacity - 1 : slot - 1;
    }
    return slot;
  }

  timeAt(slot: number): number {
    return this.times[slot]!;
  }

  valueAt(slot: number, index: number): number {
    return this.values[slot * this.width + index]!;
  }
}
