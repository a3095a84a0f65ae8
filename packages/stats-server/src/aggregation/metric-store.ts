// Aggregates what arrives (from batches and StatsD lines alike) into Prometheus-shaped series.
import type { IngestCounters } from '../ingest-stats.js';
import { familyName, OWN_METRIC_PREFIX, sanitizeLabelName, type SeriesKind } from './prometheus-names.js';

export type Tags = Readonly<Record<string, string>>;

export interface MetricStoreOptions {
  readonly maxSeries: number;
  /** Upper bounds in seconds for timers. */
  readonly timerBuckets: readonly number[];
  /** Upper bounds for histograms and distributions, in the unit received. */
  readonly histogramBuckets: readonly number[];
  readonly maxSetMembers: number;
}

interface SeriesBase {
  /** `name` or `name{k=v,...}` with the name and tags as first received: the snapshot key. */
  readonly display: string;
  /** Sanitized label names and values, sorted by name. */
  readonly labels: Readonly<Record<string, string>>;
}
interface ValueSeries extends SeriesBase {
  value: number;
}
interface HistogramSeries extends SeriesBase {
  /** Non-cumulative count per bucket; the last slot is +Inf. */
  readonly counts: Float64Array;
  count: number;
  /** In the unit received (milliseconds for timers). */
  sum: number;
  min: number;
  max: number;
}
interface SetSeries extends SeriesBase {
  readonly members: Set<string>;
}
type AnySeries = ValueSeries | HistogramSeries | SetSeries;

/** One metric family as exposed: every series under one Prometheus name. */
export interface Family {
  readonly name: string;
  readonly kind: SeriesKind;
  /** The first received name that mapped here, for the HELP text. */
  readonly sourceName: string;
  readonly series: Map<string, AnySeries>;
  /** Upper bounds in exposed units (seconds for timers). */
  readonly buckets: readonly number[];
}

/** A timer's or histogram's samples summed up. */
export interface DistributionSummary {
  /** Samples received. */
  readonly count: number;
  /** Their sum, in the unit received (milliseconds for timers). */
  readonly sum: number;
  /** The smallest sample. */
  readonly min: number;
  /** The largest sample. */
  readonly max: number;
}

/** Everything the server holds, by series key (`name{tag=value,...}`). */
export interface StoreSnapshot {
  /** Counter totals since the server started. */
  readonly counters: Record<string, number>;
  /** Gauges' last values. */
  readonly gauges: Record<string, number>;
  /** Timer samples in milliseconds, as received. */
  readonly timers: Record<string, DistributionSummary>;
  /** Histograms and distributions. */
  readonly histograms: Record<string, DistributionSummary>;
  /** Distinct members seen per set. */
  readonly sets: Record<string, number>;
}

const NAME_CACHE_LIMIT = 10_000;
const EMPTY_LABELS: Readonly<Record<string, string>> = Object.freeze({});

export class MetricStore {
  private readonly families = new Map<string, Family>();
  // Received name -> its family, per kind: one lookup on the hot path instead of sanitizing the name.
  private readonly nameIndex = new Map<SeriesKind, Map<string, Family>>();
  private count = 0;

  constructor(
    private readonly options: MetricStoreOptions,
    private readonly counters: IngestCounters,
  ) {}

  /** Distinct series currently held. */
  get seriesCount(): number {
    return this.count;
  }

  /** Each method returns `undefined` when stored, or why not. */
  addCounter(name: string, tags: Tags | undefined, delta: number): string | undefined {
    const s = this.resolve('counter', name, tags);
    if (typeof s === 'string') return s;
    (s as ValueSeries).value += delta;
    return undefined;
  }

  /** `delta` true: `value` is added to the current value (StatsD `+3` / `-3`); otherwise it replaces it. */
  setGauge(name: string, tags: Tags | undefined, value: number, delta = false): string | undefined {
    const s = this.resolve('gauge', name, tags);
    if (typeof s === 'string') return s;
    const g = s as ValueSeries;
    g.value = delta ? g.value + value : value;
    return undefined;
  }

  /** Records samples of a timer (milliseconds) or histogram; `weight` is 1 / sample rate. */
  observe(kind: 'timer' | 'histogram', name: string, tags: Tags | undefined, values: readonly number[], weight = 1): string | undefined {
    const s = this.resolve(kind, name, tags);
    if (typeof s === 'string') return s;
    const h = s as HistogramSeries;
    const bounds = kind === 'timer' ? this.options.timerBuckets : this.options.histogramBuckets;
    const scale = kind === 'timer' ? 1000 : 1;
    for (const value of values) {
      const scaled = value / scale;
      let i = 0;
      while (i < bounds.length && scaled > bounds[i]!) i++;
      h.counts[i]! += weight;
      h.count += weight;
      h.sum += value * weight;
      if (value < h.min) h.min = value;
      if (value > h.max) h.max = value;
    }
    return undefined;
  }

  addToSet(name: string, tags: Tags | undefined, members: readonly string[]): string | undefined {
    const s = this.resolve('set', name, tags);
    if (typeof s === 'string') return s;
    const set = (s as SetSeries).members;
    let dropped = 0;
    for (const member of members) {
      if (set.has(member)) continue;
      if (set.size >= this.options.maxSetMembers) dropped++;
      else set.add(member);
    }
    if (dropped > 0) {
      this.counters.setMembersDropped += dropped;
      return `set "${name}" holds maxSetMembers (${this.options.maxSetMembers}) members: ${dropped} new member(s) dropped`;
    }
    return undefined;
  }

  /** Every family, in the order first seen. */
  familyList(): readonly Family[] {
    return [...this.families.values()];
  }

  snapshot(): StoreSnapshot {
    const out: StoreSnapshot = { counters: {}, gauges: {}, timers: {}, histograms: {}, sets: {} };
    for (const family of this.families.values()) {
      for (const s of family.series.values()) {
        switch (family.kind) {
          case 'counter':
            out.counters[s.display] = (s as ValueSeries).value;
            break;
          case 'gauge':
            out.gauges[s.display] = (s as ValueSeries).value;
            break;
          case 'set':
            out.sets[s.display] = (s as SetSeries).members.size;
            break;
          default: {
            const h = s as HistogramSeries;
            const summary = { count: h.count, sum: h.sum, min: h.min, max: h.max };
            (family.kind === 'timer' ? out.timers : out.histograms)[s.display] = summary;
          }
        }
      }
    }
    return out;
  }

  private resolve(kind: SeriesKind, name: string, tags: Tags | undefined): AnySeries | string {
    let index = this.nameIndex.get(kind);
    if (!index) {
      index = new Map();
      this.nameIndex.set(kind, index);
    }
    let family = index.get(name);
    const { key, labels } = labelsOf(tags);
    let series = family?.series.get(key);
    if (series) return series;

    const promName = family?.name ?? familyName(kind, name);
    family ??= this.families.get(promName);
    if (family && family.kind !== kind) {
      return `"${name}" as a ${kind} clashes with the ${family.kind} "${family.sourceName}" exposed as ${promName}`;
    }
    if (family) {
      if (index.size >= NAME_CACHE_LIMIT) index.clear();
      index.set(name, family);
      series = family.series.get(key);
      if (series) return series;
    }

    if (promName.startsWith(OWN_METRIC_PREFIX)) {
      return `"${name}" is reserved: names exposed with the prefix ${OWN_METRIC_PREFIX} belong to the server`;
    }
    if (this.count >= this.options.maxSeries) {
      this.counters.seriesDropped++;
      return `series limit reached (maxSeries ${this.options.maxSeries}): new series ${displayOf(name, tags)} dropped`;
    }
    if (!family) {
      const buckets =
        kind === 'timer' ? this.options.timerBuckets : kind === 'histogram' ? this.options.histogramBuckets : [];
      family = { name: promName, kind, sourceName: name, series: new Map(), buckets };
      this.families.set(promName, family);
      if (index.size >= NAME_CACHE_LIMIT) index.clear();
      index.set(name, family);
    }
    const display = displayOf(name, tags);
    if (kind === 'timer' || kind === 'histogram') {
      const counts = new Float64Array(family.buckets.length + 1);
      series = { display, labels, counts, count: 0, sum: 0, min: Infinity, max: -Infinity } satisfies HistogramSeries;
    } else if (kind === 'set') {
      series = { display, labels, members: new Set<string>() } satisfies SetSeries;
    } else {
      series = { display, labels, value: 0 } satisfies ValueSeries;
    }
    family.series.set(key, series);
    this.count++;
    return series;
  }
}

interface LabelSet {
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
}
const NO_LABELS: LabelSet = { key: '', labels: EMPTY_LABELS };
// Frozen tag objects (the StatsD parser shares one per distinct tag text) are sanitized once.
const labelMemo = new WeakMap<Tags, LabelSet>();

function labelsOf(tags: Tags | undefined): LabelSet {
  if (!tags) return NO_LABELS;
  const frozen = Object.isFrozen(tags);
  if (frozen) {
    const memo = labelMemo.get(tags);
    if (memo) return memo;
  }
  const set = computeLabels(tags);
  if (frozen) labelMemo.set(tags, set);
  return set;
}

function computeLabels(tags: Tags): LabelSet {
  const keys = Object.keys(tags);
  if (keys.length === 0) return NO_LABELS;
  const pairs: [string, string][] = keys.map((k) => [sanitizeLabelName(k), tags[k]!]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const labels: Record<string, string> = {};
  // Two keys that sanitize alike (`a.b`, `a_b`): the later one wins, as in a JSON object.
  for (const [k, v] of pairs) labels[k] = v;
  let key = '';
  for (const k of Object.keys(labels)) key += `${k}\u0001${labels[k]}\u0002`;
  return { key, labels };
}

function displayOf(name: string, tags: Tags | undefined): string {
  if (!tags) return name;
  const keys = Object.keys(tags).sort();
  if (keys.length === 0) return name;
  return `${name}{${keys.map((k) => `${k}=${tags[k]}`).join(',')}}`;
}
