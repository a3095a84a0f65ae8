// Aggregates what arrives (from batches and StatsD lines alike) into Prometheus-shaped series.
// Received names are data: every lookup is a Map, every record handed out has no prototype, so a
// metric named `__proto__` or `constructor` is stored and shown like any other.
import { getLogger } from '@sightline/core';
import type { IngestCounters } from '../ingest-stats.js';
import { MemoryBudget, stringCost } from './memory-budget.js';
import { claimedNames, familyName, OWN_METRIC_PREFIX, sanitizeLabelName, type SeriesKind } from './prometheus-names.js';
import { reject, type Rejection } from './rejection.js';

export type Tags = Readonly<Record<string, string>>;

export interface MetricStoreOptions {
  readonly maxSeries: number;
  /** Upper bounds in seconds for timers. */
  readonly timerBuckets: readonly number[];
  /** Upper bounds for histograms and distributions, in the unit received. */
  readonly histogramBuckets: readonly number[];
  readonly maxSetMembers: number;
  /** Put before every exposed name (`stats_`); empty for none. */
  readonly prefix: string;
  readonly maxNameLength: number;
  readonly maxTags: number;
  readonly maxTagKeyLength: number;
  readonly maxTagValueLength: number;
  readonly maxSetMemberLength: number;
  /** Series, their rendered size and set members are reserved from it; unbounded when absent. */
  readonly budget?: MemoryBudget;
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
  /**
   * Non-cumulative count per bucket; the last slot is +Inf. Always whole numbers. The total count is
   * not kept beside them but summed from them (see `histogramCount`): a total summed in arrival
   * order rounds differently from the buckets once counts pass 2^53 (`|@1e-300`), and could end
   * up below a bucket.
   */
  readonly counts: Float64Array;
  /** In the unit received (milliseconds for timers). */
  sum: number;
  min: number;
  max: number;
  /** The fraction of a sampled observation not yet counted (`|@0.3` weighs 3.33...). */
  carry: number;
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
  /**
   * Counters only: a negative delta arrived (a client's `decr`), so the family is an up/down
   * counter, exposed as a gauge without `_total` (see `exposedName`). It stays one.
   */
  upDown: boolean;
}

/** The name a family is exposed under: an up/down counter `x_total` is the gauge `x`. */
export function exposedName(family: Family): string {
  return family.upDown ? family.name.slice(0, -'_total'.length) : family.name;
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
  /** Counter totals since the server started (up/down counters, which took a negative delta, too). */
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

const log = getLogger('sightline.stats-server');

const NAME_CACHE_LIMIT = 10_000;
const EMPTY_LABELS: Readonly<Record<string, string>> = Object.freeze(Object.create(null) as Record<string, string>);
// Heap estimates: a series' objects and map entries, a set member's entry.
const SERIES_OVERHEAD = 200;
const FAMILY_OVERHEAD = 400;
const MEMBER_OVERHEAD = 48;
// A rendered sample beyond its name and labels: braces, quotes, the value, a newline.
const SAMPLE_OVERHEAD = 32;

function nullRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

export class MetricStore {
  private readonly families = new Map<string, Family>();
  // Every name a family uses (see claimedNames) -> the family.
  private readonly claimed = new Map<string, Family>();
  // Received name -> its family, per kind: one lookup on the hot path instead of sanitizing the name.
  private readonly nameIndex = new Map<SeriesKind, Map<string, Family>>();
  // Frozen tag objects (the StatsD parser shares one per distinct tag text) are checked and sanitized once.
  private readonly labelMemo = new WeakMap<Tags, LabelSet | Rejection>();
  private readonly budget: MemoryBudget;
  private readonly prefix: string;
  private count = 0;
  // What each bucket gains from a multi-value observe(), reused: a batch's timers must not allocate per metric.
  private readonly addsBuffer: Float64Array;

  constructor(
    private readonly options: MetricStoreOptions,
    private readonly counters: IngestCounters,
  ) {
    this.budget = options.budget ?? new MemoryBudget(Infinity);
    this.prefix = options.prefix;
    this.addsBuffer = new Float64Array(Math.max(options.timerBuckets.length, options.histogramBuckets.length) + 1);
  }

  /** Distinct series currently held. */
  get seriesCount(): number {
    return this.count;
  }

  /** Each method returns `undefined` when stored, or why not (nothing is stored then). */
  addCounter(name: string, tags: Tags | undefined, delta: number): Rejection | undefined {
    if (!Number.isFinite(delta))
      return reject('non_finite', `counter "${clip(name)}": increment is not finite (value / sample rate = ${delta})`);
    const s = this.resolve('counter', name, tags);
    if (!isSeries(s)) return s;
    const v = s as ValueSeries;
    const next = v.value + delta;
    if (!Number.isFinite(next)) return reject('non_finite', `counter "${clip(name)}": the total would overflow to ${next}`);
    // A decrement (a client's decr) is applied, as OpenTelemetry's UpDownCounter does: the family is
    // exposed as a gauge from now on, since a Prometheus counter that goes down reads as a reset.
    if (delta < 0) {
      // resolve() just put the name in the index.
      const family = this.nameIndex.get('counter')?.get(name);
      if (family && !family.upDown) {
        family.upDown = true;
        log.info(
          `counter "${clip(name)}" received a negative delta (${delta}): exposed from now on as the up/down counter (gauge) ${exposedName(family)} instead of ${family.name}`,
          { metric: clip(name), exposedAs: exposedName(family) },
        );
      }
    }
    v.value = next;
    return undefined;
  }

  /** `delta` true: `value` is added to the current value (StatsD `+3` / `-3`); otherwise it replaces it. */
  setGauge(name: string, tags: Tags | undefined, value: number, delta = false): Rejection | undefined {
    if (!Number.isFinite(value)) return reject('non_finite', `gauge "${clip(name)}": value ${value} is not finite`);
    const s = this.resolve('gauge', name, tags);
    if (!isSeries(s)) return s;
    const g = s as ValueSeries;
    const next = delta ? g.value + value : value;
    if (!Number.isFinite(next)) return reject('non_finite', `gauge "${clip(name)}": the value would overflow to ${next}`);
    g.value = next;
    return undefined;
  }

  /**
   * Records samples of a timer (milliseconds) or histogram, sampled at `rate`: each value counts
   * 1 / rate times, in whole observations (the fraction is carried to the next sample), so bucket
   * counts stay integers. Negative values are dropped; all values are checked before any is applied.
   */
  observe(kind: 'timer' | 'histogram', name: string, tags: Tags | undefined, values: readonly number[], rate = 1): Rejection | undefined {
    const weight = 1 / rate;
    if (!Number.isFinite(weight) || !(rate > 0))
      return reject('non_finite', `${kind} "${clip(name)}": sample rate ${rate} gives a weight that is not finite`);
    for (const value of values) {
      if (!Number.isFinite(value)) return reject('non_finite', `${kind} "${clip(name)}": value ${value} is not finite`);
      // A histogram's sum is counter-like (OpenMetrics refuses a negative one): durations and sizes are never below 0.
      if (value < 0)
        return reject(
          'negative_observation',
          `${kind} "${clip(name)}": negative value ${value} dropped (histograms and timers take values >= 0)`,
        );
    }
    const s = this.resolve(kind, name, tags);
    if (!isSeries(s)) return s;
    const h = s as HistogramSeries;
    const bounds = kind === 'timer' ? this.options.timerBuckets : this.options.histogramBuckets;
    const scale = kind === 'timer' ? 1000 : 1;
    // Dry run: what each bucket gains (one slot for the common single value, an array for several);
    // the count, summed as the exposition sums it, and the sum must stay finite, or nothing is applied.
    let carry = h.carry;
    let addSum = 0;
    let single = -1;
    let singleN = 0;
    let adds: Float64Array | undefined;
    for (const value of values) {
      carry += weight;
      const n = Math.floor(carry);
      carry -= n;
      const i = bucketIndex(bounds, value / scale);
      if (values.length === 1) {
        single = i;
        singleN = n;
      } else {
        if (!adds) {
          adds = this.addsBuffer;
          adds.fill(0, 0, h.counts.length);
        }
        adds[i]! += n;
      }
      addSum += value * n;
    }
    let total = 0;
    for (let i = 0; i < h.counts.length; i++) total += h.counts[i]! + (adds ? adds[i]! : i === single ? singleN : 0);
    if (!Number.isFinite(total) || !Number.isFinite(h.sum + addSum)) {
      return reject('non_finite', `${kind} "${clip(name)}": count or sum would overflow`);
    }
    if (adds) for (let i = 0; i < h.counts.length; i++) h.counts[i]! += adds[i]!;
    else if (single >= 0) h.counts[single]! += singleN;
    h.carry = carry;
    h.sum += addSum;
    for (const value of values) {
      if (value < h.min) h.min = value;
      if (value > h.max) h.max = value;
    }
    return undefined;
  }

  addToSet(name: string, tags: Tags | undefined, members: readonly string[]): Rejection | undefined {
    for (const member of members) {
      if (member.length > this.options.maxSetMemberLength) {
        this.counters.setMembersDropped += members.length;
        return reject(
          'set_member_length',
          `set "${clip(name)}": member of ${member.length} characters over maxSetMemberLength (${this.options.maxSetMemberLength}); ${members.length} member(s) dropped`,
        );
      }
    }
    const s = this.resolve('set', name, tags);
    if (!isSeries(s)) return s;
    const set = (s as SetSeries).members;
    let full = 0;
    let overBudget = 0;
    for (const member of members) {
      if (set.has(member)) continue;
      if (set.size >= this.options.maxSetMembers) full++;
      else if (!this.budget.tryReserve(MEMBER_OVERHEAD + stringCost(member), this.budget.storeLimitBytes)) overBudget++;
      else set.add(member);
    }
    if (full + overBudget === 0) return undefined;
    this.counters.setMembersDropped += full + overBudget;
    if (overBudget > 0) {
      return reject(
        'memory_budget',
        `set "${clip(name)}": memory budget (${this.budget.storeLimitBytes} of ${this.budget.limitBytes} bytes for series and members) reached: ${overBudget + full} new member(s) dropped`,
      );
    }
    return reject(
      'set_members_limit',
      `set "${clip(name)}" holds maxSetMembers (${this.options.maxSetMembers}) members: ${full} new member(s) dropped`,
    );
  }

  /** Every family, in the order first seen. */
  familyList(): readonly Family[] {
    return [...this.families.values()];
  }

  snapshot(): StoreSnapshot {
    const out: StoreSnapshot = {
      counters: nullRecord(),
      gauges: nullRecord(),
      timers: nullRecord(),
      histograms: nullRecord(),
      sets: nullRecord(),
    };
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
            const summary = { count: histogramCount(h.counts), sum: h.sum, min: h.min, max: h.max };
            (family.kind === 'timer' ? out.timers : out.histograms)[s.display] = summary;
          }
        }
      }
    }
    return out;
  }

  private resolve(kind: SeriesKind, name: string, tags: Tags | undefined): AnySeries | Rejection {
    if (name.length > this.options.maxNameLength) {
      return reject('name_length', `name of ${name.length} characters over maxNameLength (${this.options.maxNameLength}): "${clip(name)}"`);
    }
    let index = this.nameIndex.get(kind);
    if (!index) {
      index = new Map();
      this.nameIndex.set(kind, index);
    }
    let family = index.get(name);
    const labelSet = this.labelsOf(name, tags);
    if (!isLabelSet(labelSet)) return labelSet;
    const { key, labels } = labelSet;
    let series = family?.series.get(key);
    if (series) return series;

    const promName = family?.name ?? familyName(kind, name, this.prefix);
    family ??= this.families.get(promName);
    if (family && family.kind !== kind) {
      return reject(
        'name_clash',
        `"${clip(name)}" as a ${kind} clashes with the ${family.kind} "${clip(family.sourceName)}" exposed as ${promName}`,
      );
    }
    if (family) {
      if (index.size >= NAME_CACHE_LIMIT) index.clear();
      index.set(name, family);
      series = family.series.get(key);
      if (series) return series;
    } else {
      if (promName.startsWith(OWN_METRIC_PREFIX)) {
        return reject(
          'reserved_name',
          `"${clip(name)}" is reserved: names exposed with the prefix ${OWN_METRIC_PREFIX} belong to the server`,
        );
      }
      for (const claim of claimedNames(kind, promName)) {
        const other = this.claimed.get(claim);
        if (other) {
          return reject(
            'name_clash',
            `"${clip(name)}" as a ${kind} (exposed as ${promName}) clashes with the ${other.kind} "${clip(other.sourceName)}" exposed as ${other.name}: both would write ${claim}`,
          );
        }
      }
    }

    if (this.count >= this.options.maxSeries) {
      this.counters.seriesDropped++;
      return reject(
        'series_limit',
        `series limit reached (maxSeries ${this.options.maxSeries}): new series ${clip(displayOf(name, tags))} dropped`,
      );
    }
    const buckets = kind === 'timer' ? this.options.timerBuckets : kind === 'histogram' ? this.options.histogramBuckets : [];
    const display = displayOf(name, tags);
    // What the series holds, and what it adds to every scrape: the rendered size is bounded too.
    const samples = kind === 'timer' || kind === 'histogram' ? buckets.length + 3 : 1;
    const labelBytes = labelTextLength(labels);
    const cost =
      SERIES_OVERHEAD +
      stringCost(display) +
      2 * labelBytes +
      (kind === 'timer' || kind === 'histogram' ? 8 * (buckets.length + 1) : 0) +
      samples * (promName.length + 8 + labelBytes + SAMPLE_OVERHEAD) +
      (family ? 0 : FAMILY_OVERHEAD + 4 * promName.length + 2 * name.length);
    if (!this.budget.tryReserve(cost, this.budget.storeLimitBytes)) {
      this.counters.seriesDropped++;
      return reject(
        'memory_budget',
        `memory budget (${this.budget.storeLimitBytes} of ${this.budget.limitBytes} bytes for series and members) reached: new series ${clip(display)} dropped`,
      );
    }
    if (!family) {
      family = { name: promName, kind, sourceName: name, series: new Map(), buckets, upDown: false };
      this.families.set(promName, family);
      for (const claim of claimedNames(kind, promName)) this.claimed.set(claim, family);
      if (index.size >= NAME_CACHE_LIMIT) index.clear();
      index.set(name, family);
    }
    if (kind === 'timer' || kind === 'histogram') {
      const counts = new Float64Array(family.buckets.length + 1);
      series = { display, labels, counts, sum: 0, min: Infinity, max: -Infinity, carry: 0 } satisfies HistogramSeries;
    } else if (kind === 'set') {
      series = { display, labels, members: new Set<string>() } satisfies SetSeries;
    } else {
      series = { display, labels, value: 0 } satisfies ValueSeries;
    }
    family.series.set(key, series);
    this.count++;
    return series;
  }

  private labelsOf(name: string, tags: Tags | undefined): LabelSet | Rejection {
    if (!tags) return NO_LABELS;
    const frozen = Object.isFrozen(tags);
    if (frozen) {
      const memo = this.labelMemo.get(tags);
      if (memo) return memo;
    }
    const set = this.computeLabels(name, tags);
    if (frozen) this.labelMemo.set(tags, set);
    return set;
  }

  private computeLabels(name: string, tags: Tags): LabelSet | Rejection {
    const keys = Object.keys(tags);
    if (keys.length === 0) return NO_LABELS;
    const { maxTags, maxTagKeyLength, maxTagValueLength } = this.options;
    if (keys.length > maxTags) return reject('too_many_tags', `"${clip(name)}" has ${keys.length} tags, over maxTags (${maxTags})`);
    for (const k of keys) {
      const v = tags[k]!;
      if (k.length > maxTagKeyLength)
        return reject('tag_length', `"${clip(name)}": tag key of ${k.length} characters over maxTagKeyLength (${maxTagKeyLength})`);
      if (v.length > maxTagValueLength) {
        return reject(
          'tag_length',
          `"${clip(name)}": tag ${clip(k)} value of ${v.length} characters over maxTagValueLength (${maxTagValueLength})`,
        );
      }
    }
    // An empty label value is no label to Prometheus: `{canary=""}` and `{}` are one series.
    const pairs: [string, string][] = [];
    for (const k of keys) if (tags[k] !== '') pairs.push([sanitizeLabelName(k), tags[k]!]);
    if (pairs.length === 0) return NO_LABELS;
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const labels = nullRecord<string>();
    // Two keys that sanitize alike (`a.b`, `a_b`): the later one wins, as in a JSON object.
    for (const [k, v] of pairs) labels[k] = v;
    let key = '';
    for (const k of Object.keys(labels)) key += `${k}\u0001${labels[k]}\u0002`;
    return { key, labels };
  }
}

/**
 * A histogram's count: its bucket counts summed in bucket order, exactly as the exposition sums its
 * cumulative buckets, so the count is the `+Inf` bucket. Each step adds a count >= 0 and rounding to
 * nearest is monotone, so cumulative buckets never decrease, whatever the sample rates.
 */
export function histogramCount(counts: Float64Array): number {
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) cumulative += counts[i]!;
  return cumulative;
}

function bucketIndex(bounds: readonly number[], value: number): number {
  let i = 0;
  while (i < bounds.length && value > bounds[i]!) i++;
  return i;
}

interface LabelSet {
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
}
const NO_LABELS: LabelSet = { key: '', labels: EMPTY_LABELS };

function isLabelSet(value: LabelSet | Rejection): value is LabelSet {
  return (value as LabelSet).labels !== undefined;
}

function isSeries(value: AnySeries | Rejection): value is AnySeries {
  return (value as Rejection).reason === undefined;
}

function labelTextLength(labels: Readonly<Record<string, string>>): number {
  let n = 0;
  for (const k of Object.keys(labels)) n += k.length + labels[k]!.length + 4;
  return n;
}

function displayOf(name: string, tags: Tags | undefined): string {
  if (!tags) return name;
  const keys = Object.keys(tags).sort();
  if (keys.length === 0) return name;
  return `${name}{${keys.map((k) => `${k}=${tags[k]}`).join(',')}}`;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
