// Reading a prom-client counter, gauge or histogram straight from its series table, a few hundred
// series per step, instead of through get(), which copies every series in one synchronous call
// (40,000 series: tens of milliseconds the application cannot run). The samples are the ones
// prom-client's get() / getForPromString() return; test/exposition/prom-client-internals.test.ts and
// the render-equivalence tests fail when a prom-client upgrade changes that.
import { Counter, Gauge, Histogram } from 'prom-client';
import type { ExemplarSnapshot, LabelSet, MetricSnapshot, SampleSnapshot } from '@sightline/exposition';
import { LONG_STEP_NEXT } from '@sightline/exposition/internal';

interface ValueEntry {
  readonly value: number;
  readonly labels: LabelSet;
}
interface HistogramEntry {
  readonly labels: LabelSet;
  readonly bucketValues: Readonly<Record<number, number>>;
  readonly sum: number;
  readonly count: number;
  readonly bucketExemplars?: Readonly<Record<number, ExemplarSnapshot | null | undefined>>;
}
interface Internals {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly aggregator?: string;
  readonly hashMap: Readonly<Record<string, ValueEntry | HistogramEntry>>;
  readonly upperBounds?: readonly number[];
  readonly collect?: () => unknown;
}

/** Series read between two looks at the clock. */
const SERIES_PER_STEP = 128;

/** Whether `metric` is one of prom-client's own counters, gauges or histograms, readable in steps. */
export function readableInSteps(metric: unknown): boolean {
  return (
    (metric instanceof Counter || metric instanceof Gauge || metric instanceof Histogram) &&
    typeof (metric as unknown as Internals).hashMap === 'object'
  );
}

/** Runs the metric's collect() callback, as get() would first. */
export function collectOf(metric: unknown): unknown {
  const collect = (metric as Internals).collect;
  return typeof collect === 'function' ? collect.call(metric) : undefined;
}

const EMPTY: LabelSet = Object.freeze({});
const INF_LE: LabelSet = Object.freeze({ le: '+Inf' });
const leLabels = new Map<number, LabelSet>();
function leOf(bound: number): LabelSet {
  let labels = leLabels.get(bound);
  if (labels === undefined) {
    labels = Object.freeze({ le: bound });
    if (leLabels.size < 10_000) leLabels.set(bound, labels);
  }
  return labels;
}

/**
 * Fills `snapshot.values` from the metric's series, pausing every SERIES_PER_STEP series. Keys are
 * enumerated once up front (as get() does); a series removed meanwhile is skipped, one added is
 * left to the next scrape.
 */
export function* readSeries(metric: unknown, into: SampleSnapshot[]): Generator<boolean | void, MetricSnapshot, void> {
  const m = metric as Internals;
  const table = m.hashMap;
  // Starting for-in lists every key at once (about 5 ms for 40,000): in a slice of its own.
  yield LONG_STEP_NEXT;
  const bounds = m.upperBounds;
  const histogram = metric instanceof Histogram && bounds !== undefined;
  let untilPause = SERIES_PER_STEP;
  for (const key in table) {
    if (--untilPause === 0) {
      untilPause = SERIES_PER_STEP;
      yield;
    }
    const entry = table[key];
    if (entry === undefined) continue;
    if (!histogram) {
      into.push(entry as ValueEntry);
      continue;
    }
    const h = entry as HistogramEntry;
    const name = `${m.name}_bucket`;
    const exemplars = h.bucketExemplars;
    let cumulative = 0;
    for (let b = 0; b < bounds.length; b++) {
      const bound = bounds[b]!;
      cumulative += h.bucketValues[bound] ?? 0;
      into.push({ labels: leOf(bound), sharedLabels: h.labels, metricName: name, value: cumulative, exemplar: exemplars?.[bound] ?? null });
    }
    into.push({ labels: INF_LE, sharedLabels: h.labels, metricName: name, value: h.count, exemplar: exemplars?.[-1] ?? null });
    into.push({ labels: EMPTY, sharedLabels: h.labels, metricName: `${m.name}_sum`, value: h.sum });
    into.push({ labels: EMPTY, sharedLabels: h.labels, metricName: `${m.name}_count`, value: h.count });
  }
  return { name: m.name, help: m.help, type: m.type, values: into };
}
