// Bounded history: one ring of timestamps and one Float64Array ring per series, all the same
// length (15 minutes at 1 s by default). A series with no value for a whole window is dropped.
import type { SeriesMeta } from './charts.js';

interface SeriesRing {
  readonly meta: SeriesMeta;
  readonly values: Float64Array;
  /** Samples pushed since the series last had a value. */
  idle: number;
}

export interface SeriesHistory {
  /** Seconds since the epoch, oldest first. */
  readonly times: readonly number[];
  readonly series: readonly { readonly meta: SeriesMeta; readonly values: readonly (number | null)[] }[];
}

export class SeriesStore {
  readonly capacity: number;
  readonly maxSeries: number;
  readonly #times: Float64Array;
  readonly #series = new Map<string, SeriesRing>();
  #head = 0;
  #count = 0;
  /** Series refused because `maxSeries` were already kept. */
  refused = 0;

  constructor(capacity: number, maxSeries: number) {
    this.capacity = capacity;
    this.maxSeries = maxSeries;
    this.#times = new Float64Array(capacity);
  }

  get size(): number {
    return this.#series.size;
  }

  get length(): number {
    return this.#count;
  }

  has(key: string): boolean {
    return this.#series.has(key);
  }

  /** Bytes held by the rings (timestamps and values). */
  get bytes(): number {
    return (this.#series.size + 1) * this.capacity * Float64Array.BYTES_PER_ELEMENT;
  }

  metas(): SeriesMeta[] {
    return [...this.#series.values()].map((s) => s.meta);
  }

  /**
   * Appends one sample time with the values known at it. Series absent from `values` get a gap.
   * Returns the metas of series seen for the first time (the page is told about them).
   */
  push(timeSeconds: number, values: ReadonlyMap<string, { readonly meta: SeriesMeta; readonly value: number }>): SeriesMeta[] {
    const slot = this.#head;
    this.#times[slot] = timeSeconds;
    this.#head = (slot + 1) % this.capacity;
    if (this.#count < this.capacity) this.#count++;
    const added: SeriesMeta[] = [];
    for (const [key, point] of values) {
      let ring = this.#series.get(key);
      if (!ring) {
        if (this.#series.size >= this.maxSeries) {
          this.refused++;
          continue;
        }
        ring = { meta: point.meta, values: new Float64Array(this.capacity).fill(NaN), idle: 0 };
        this.#series.set(key, ring);
        added.push(point.meta);
      }
      ring.values[slot] = point.value;
      ring.idle = -1;
    }
    for (const [key, ring] of this.#series) {
      if (ring.idle === -1) {
        ring.idle = 0;
        continue;
      }
      ring.values[slot] = NaN;
      if (++ring.idle >= this.capacity) this.#series.delete(key);
    }
    return added;
  }

  remove(key: string): boolean {
    return this.#series.delete(key);
  }

  /** Everything held, oldest first; NaN and infinities become null (JSON has neither). */
  history(): SeriesHistory {
    const start = this.#count < this.capacity ? 0 : this.#head;
    const order: number[] = [];
    for (let i = 0; i < this.#count; i++) order.push((start + i) % this.capacity);
    return {
      times: order.map((i) => this.#times[i]!),
      series: [...this.#series.values()].map((ring) => ({
        meta: ring.meta,
        values: order.map((i) => finiteOrNull(ring.values[i]!)),
      })),
    };
  }
}

export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
