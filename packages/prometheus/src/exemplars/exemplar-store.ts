// The latest exemplar of each bucket of each series of one histogram, attached to its snapshot at
// scrape. Kept beside prom-client's histogram rather than in it: prom-client's own exemplars need an
// OpenMetrics-only registry and another observe() signature.
import type { ExemplarLabels } from './active-trace.js';
import type { ExemplarSnapshot, LabelSet, MetricSnapshot, SampleSnapshot } from '@sightline/exposition';

/** OpenMetrics caps an exemplar's label names and values at 128 characters in all. */
const MAX_LABEL_CHARS = 128;

function labelChars(labels: ExemplarLabels): number {
  let n = 0;
  for (const key in labels) n += key.length + labels[key]!.length;
  return n;
}

export class ExemplarStore {
  readonly #labelNames: readonly string[];
  readonly #bounds: readonly number[];
  // series key -> one slot per bucket, +Inf last. Bounded by the histogram's own series count.
  readonly #series = new Map<string, Array<ExemplarSnapshot | undefined>>();

  constructor(labelNames: readonly string[], bounds: readonly number[]) {
    this.#labelNames = labelNames;
    this.#bounds = bounds;
  }

  #key(labels: LabelSet | undefined): string {
    let key = '';
    for (const name of this.#labelNames) key += `${labels?.[name] ?? ''}\u0000`;
    return key;
  }

  /** Keeps `exemplar` as the latest of the bucket `value` falls in. */
  record(labels: Readonly<Record<string, string>>, value: number, exemplar: ExemplarLabels): void {
    if (labelChars(exemplar) > MAX_LABEL_CHARS || !Number.isFinite(value)) return;
    const key = this.#key(labels);
    let slots = this.#series.get(key);
    if (slots === undefined) {
      slots = new Array<ExemplarSnapshot | undefined>(this.#bounds.length + 1);
      this.#series.set(key, slots);
    }
    let bucket = 0;
    while (bucket < this.#bounds.length && value > this.#bounds[bucket]!) bucket++;
    slots[bucket] = { labelSet: exemplar, value, timestamp: Date.now() / 1000 };
  }

  /** Sets `exemplar` on the snapshot's bucket samples that have one. */
  attach(snapshot: MetricSnapshot): void {
    if (this.#series.size === 0) return;
    // prom-client lists each series as its buckets in bound order (+Inf last), then _sum and _count.
    let slots: Array<ExemplarSnapshot | undefined> | undefined;
    let bucket = -1;
    for (const sample of snapshot.values as Array<{ -readonly [K in keyof SampleSnapshot]: SampleSnapshot[K] }>) {
      if (sample.labels?.le === undefined) {
        bucket = -1;
        continue;
      }
      if (bucket === -1) {
        slots = this.#series.get(this.#key(sample.sharedLabels ?? sample.labels));
        bucket = 0;
      }
      const exemplar = slots?.[bucket++];
      if (exemplar !== undefined) sample.exemplar = exemplar;
    }
  }

  /** Forgets every exemplar (a histogram reset). */
  clear(): void {
    this.#series.clear();
  }
}
