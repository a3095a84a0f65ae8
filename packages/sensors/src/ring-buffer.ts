// A bounded history of numbers: pushing past capacity overwrites the oldest, so memory stays flat.
// Storage starts at `initialCapacity` and doubles as values arrive, up to `capacity`: a ring that
// sees one value never holds room for a thousand.

export class RingBuffer {
  private values: Float64Array;
  private next = 0;
  private count = 0;
  /** Every value ever pushed, summed: with `pushedCount`, an average that aggregates across processes. */
  pushedSum = 0;
  /** How many values were ever pushed (never reset). */
  pushedCount = 0;

  constructor(
    readonly capacity: number,
    initialCapacity: number = capacity,
  ) {
    this.values = new Float64Array(Math.min(capacity, Math.max(1, initialCapacity)));
  }

  push(value: number): void {
    this.pushedSum += value;
    this.pushedCount++;
    // Until the ring wraps, `next === count`: it is full only once it holds `capacity` values.
    if (this.count === this.values.length && this.count < this.capacity) this.grow();
    this.values[this.next] = value;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    if (this.count < this.capacity) this.count++;
  }

  private grow(): void {
    const grown = new Float64Array(Math.min(this.capacity, this.values.length * 2));
    grown.set(this.values);
    this.values = grown;
  }

  /** How many values are held: at most `capacity`. */
  get size(): number {
    return this.count;
  }

  /** Mean of the held values, 0 when empty. */
  avg(): number {
    if (this.count === 0) return 0;
    let sum = 0;
    for (let i = 0; i < this.count; i++) sum += this.values[i]!;
    return sum / this.count;
  }

  /** Largest held value, 0 when empty. */
  max(): number {
    if (this.count === 0) return 0;
    let max = -Infinity;
    for (let i = 0; i < this.count; i++) if (this.values[i]! > max) max = this.values[i]!;
    return max;
  }

  /** The held values, oldest first. */
  toArray(): number[] {
    const out: number[] = [];
    const start = this.count < this.capacity ? 0 : this.next;
    for (let i = 0; i < this.count; i++) out.push(this.values[(start + i) % this.capacity]!);
    return out;
  }

  clear(): void {
    this.next = 0;
    this.count = 0;
  }
}
