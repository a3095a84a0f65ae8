// The in-memory aggregation behind both the client's buffer and a pipeline: counters summed per
// name and tags, gauges last write wins, timers and histograms keep every sample. The hot path for
// a name already seen is one Map lookup and an add; validation, prefixing and tag merging happen
// once, when a series first appears in a flush window.
import { checkStatsdSafeTags, isValidMetricName, METRIC_NAME_PATTERN, type Tags } from '@sightline/stats-protocol';
import type { MetricRecord } from './batch.js';
import { errorText } from '@sightline/core/internal';
import { timeAsyncCalls, timeCalls } from './call-timers.js';

/** Tags as an object (`{ env: 'prod' }`) or, as hot-shots takes them, an array (`['env:prod']`). */
export type TagsInput = Tags | readonly string[];

/** Per-call options: DogStatsD-style tags and a sample rate in (0, 1]. */
export interface MetricCallOptions {
  /** Tags of this call, added to the client's `tags`: an object or hot-shots' `['k:v']` array. Default none. */
  readonly tags?: TagsInput;
  /**
   * The fraction of calls sent, in (0, 1]; the server scales counts back up. Default the client's
   * `sampleRate` (1).
   */
  readonly sampleRate?: number;
}

/**
 * What may follow the value, as in hot-shots: options, a sample rate (then tags), or tags alone.
 * `incr('a', 1, { tags })`, `increment('a', 1, 0.5, ['k:v'])`, `increment('a', 1, { k: 'v' })`.
 */
export type RateOrOptions = MetricCallOptions | number | TagsInput;

/** `['k:v', ...]` as an object; a problem string when an entry is not `key:value`. */
export function tagsFromArray(tags: readonly string[]): Tags | string {
  const out: Record<string, string> = {};
  for (const t of tags) {
    const colon = typeof t === 'string' ? t.indexOf(':') : -1;
    if (colon <= 0) return `tag ${JSON.stringify(t)} is not key:value`;
    out[t.slice(0, colon)] = t.slice(colon + 1);
  }
  return out;
}

/** Tags as an object, whether given as one or as `['k:v']`; a problem string for a bad array entry. */
export function tagsToObject(input: TagsInput): Tags | string {
  return Array.isArray(input) ? tagsFromArray(input as readonly string[]) : (input as Tags);
}

const OPTION_KEYS = new Set(['tags', 'sampleRate']);

/** Folds hot-shots' positional forms into MetricCallOptions (undefined for none: the fast path). */
export function toOptions(rateOrOptions: RateOrOptions | undefined, tags?: TagsInput): MetricCallOptions | undefined {
  if (rateOrOptions === undefined) return tags === undefined ? undefined : { tags };
  if (typeof rateOrOptions === 'number') return tags === undefined ? { sampleRate: rateOrOptions } : { sampleRate: rateOrOptions, tags };
  if (Array.isArray(rateOrOptions)) return { tags: rateOrOptions as readonly string[] };
  if (rateOrOptions !== null && typeof rateOrOptions === 'object') {
    const keys = Object.keys(rateOrOptions);
    if (keys.length > 0 && keys.every((k) => OPTION_KEYS.has(k))) return rateOrOptions as MetricCallOptions;
    return { tags: rateOrOptions as Tags };
  }
  // Anything else is not tags: passed on as such, to be reported as invalid.
  return { tags: rateOrOptions as unknown as Tags };
}

interface ValueEntry {
  readonly name: string;
  readonly tags: Tags | undefined;
  value: number;
  /** A gauge holding a change (only `gaugeDelta` calls in this window), not a value. */
  delta: boolean;
  /** Metric calls aggregated into this value: what delivery counts report as values. */
  calls: number;
}

/** Records of one batch, with the values (calls, samples) each carries. */
export interface RecordChunk {
  readonly metrics: MetricRecord[];
  readonly counts: number[];
}

interface SetEntry {
  readonly name: string;
  readonly tags: Tags | undefined;
  readonly members: Set<string>;
}

/** Set members go on StatsD lines and in JSON: none of `| : , #` or a newline, 1 to 200 characters. */
const BAD_MEMBER = /[|:,#\n\r]/;

interface SamplesEntry {
  readonly name: string;
  readonly tags: Tags | undefined;
  readonly sampleRate: number;
  readonly values: number[];
}

/** What every recorder of one client shares: naming rules, defaults and the invalid-metric report. */
export interface RecorderContext {
  readonly prefix: string;
  readonly globalTags: Tags | undefined;
  readonly defaultRate: number;
  readonly maxBatchSize: number;
  /** Counts and reports (once per name) a dropped metric call. */
  reportInvalid(metric: string, problem: string): void;
  /** Counts a call dropped because the client is closed. */
  reportClosed(): void;
  /** Why `gaugeDelta` is refused (a transport that carries only absolute gauges); undefined when it is not. */
  readonly gaugeDeltaRefused?: string | undefined;
}

// Tags are read by content on every call: a caller may reuse one object or array and change it
// between calls. The key of the last content seen is kept per object, with a copy of that content;
// it is used only when the object (frozen, or compared entry by entry) still holds the same.
interface SeenTags {
  readonly entries: readonly string[];
  /** The global tags the key was computed under. */
  readonly global: Tags | undefined;
  readonly key: string;
}
const seenTagKeys = new WeakMap<object, SeenTags>();
interface SeenArray {
  readonly items: readonly string[];
  readonly tags: Tags;
}
const seenArrayTags = new WeakMap<readonly string[], SeenArray>();

/** A stable key for a tag set: sorted `k=v` pairs. */
function tagsKey(tags: Tags): string {
  const keys = Object.keys(tags);
  if (keys.length > 1) keys.sort();
  let out = '';
  for (const k of keys) out += `${out ? ',' : ''}${k}=${tags[k]}`;
  return out;
}

/** Whether `tags` holds exactly `entries` (`[k1, v1, k2, v2, ...]`, in its own key order). */
function sameEntries(tags: Tags, entries: readonly string[]): boolean {
  let i = 0;
  for (const k in tags) {
    if (entries[i] !== k || entries[i + 1] !== tags[k]) return false;
    i += 2;
  }
  return i === entries.length;
}

/**
 * The key of the tag set a call's tags make under the client's global tags: what the series is, so
 * `{}`, or tags the global ones already hold, key the same series as no tags.
 */
function keyOfTags(tags: Tags, global: Tags | undefined): string {
  const seen = seenTagKeys.get(tags);
  if (seen !== undefined && seen.global === global && (Object.isFrozen(tags) || sameEntries(tags, seen.entries))) return seen.key;
  const entries: string[] = [];
  for (const k of Object.keys(tags)) entries.push(k, tags[k] as string);
  const key = tagsKey(global === undefined ? tags : { ...global, ...tags });
  seenTagKeys.set(tags, { entries, global, key });
  return key;
}

function sameItems(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Marks a name as whole, the recorder's prefix not to be added: how a child client, whose prefix
 * goes before its parent's, records on the root. The mark (a control character) is never part of a
 * valid name, so such series never meet the root's own.
 */
export function asFullName(name: string): string {
  return `\u0001${name}`;
}

/** The name a user gave, without the whole-name mark: what problems are reported under. */
export function givenName(name: string): string {
  return name.charCodeAt(0) === 1 ? name.slice(1) : name;
}

/**
 * Counter and gauge series a window holds, in multiples of `maxBatchSize`, before it is cut early:
 * their memory grows with distinct series, not calls, so they are held longer than samples are.
 */
export const SERIES_PER_BATCH = 10;

const NAME_FORM = `a name matching ${METRIC_NAME_PATTERN} (prefix included), at most 200 characters`;

export abstract class MetricRecorder {
  private counters = new Map<string, ValueEntry>();
  private gauges = new Map<string, ValueEntry>();
  private timers = new Map<string, SamplesEntry>();
  private hists = new Map<string, SamplesEntry>();
  private sets = new Map<string, SetEntry>();
  /** Samples held: timer and histogram samples, set members. Cut into a batch at `maxBatchSize`. */
  protected size = 0;
  /** Counter and gauge series held: each goes out once per window, whatever its number of calls. */
  private series = 0;
  protected closedForRecording = false;
  /** Untagged, unsampled calls can take the one-lookup path. */
  private readonly plain: boolean;
  /** The key of the global tags alone: a call whose tags add nothing to them is keyed by its name alone. */
  private readonly globalKey: string;

  protected constructor(protected readonly ctx: RecorderContext) {
    this.plain = ctx.defaultRate === 1;
    this.globalKey = ctx.globalTags === undefined ? '' : tagsKey(ctx.globalTags);
  }

  /**
   * Called when the buffer holds `maxBatchSize` samples, or `SERIES_PER_BATCH` times that many
   * counter and gauge series: the subclass hands {@link takeFull}'s chunks on.
   */
  protected abstract onFull(): void;

  /** Adds `value` (default 1) to a counter. */
  incr(name: string, value?: number | TagsInput, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    if (value !== null && typeof value === 'object') return this.incr(name, 1, value);
    const options = rateOrOptions === undefined && tags === undefined ? undefined : toOptions(rateOrOptions, tags);
    const v = value === undefined ? 1 : value;
    if (options === undefined && this.plain && Number.isFinite(v)) {
      const entry = this.counters.get(name);
      if (entry !== undefined) {
        entry.value += v;
        entry.calls++;
        return;
      }
    }
    this.recordValue(this.counters, 'counter', name, v, options);
  }

  /** hot-shots' name for `incr`. */
  increment(name: string, value?: number | TagsInput, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.incr(name, value, rateOrOptions, tags);
  }

  /** Subtracts `value` (default 1) from a counter. */
  decr(name: string, value?: number | TagsInput, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    if (value !== null && typeof value === 'object') return this.incr(name, -1, value);
    this.incr(name, value === undefined ? -1 : typeof value === 'number' ? -value : value, rateOrOptions, tags);
  }

  /** hot-shots' name for `decr`. */
  decrement(name: string, value?: number | TagsInput, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.decr(name, value, rateOrOptions, tags);
  }

  /** Sets a gauge; the last value in a flush window wins. */
  gauge(name: string, value: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    const options = rateOrOptions === undefined && tags === undefined ? undefined : toOptions(rateOrOptions, tags);
    if (options === undefined && this.plain && Number.isFinite(value)) {
      const entry = this.gauges.get(name);
      if (entry !== undefined) {
        entry.value = value;
        entry.delta = false;
        entry.calls++;
        return;
      }
    }
    this.recordValue(this.gauges, 'gauge', name, value, options);
  }

  /**
   * Moves a gauge by `delta` (hot-shots' `gaugeDelta`, StatsD `+n` / `-n`): added to the value set
   * in this window if there is one, else sent as a change. StatsD only (udp, tcp, uds, `mock`):
   * over http and ws, whose protocol carries values, the call is dropped and reported to `onError`.
   */
  gaugeDelta(name: string, delta: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    const refused = this.ctx.gaugeDeltaRefused;
    if (refused !== undefined && !this.closedForRecording) return this.ctx.reportInvalid(String(name), refused);
    const options = rateOrOptions === undefined && tags === undefined ? undefined : toOptions(rateOrOptions, tags);
    this.recordValue(this.gauges, 'delta', name, delta, options);
  }

  /** Records a duration in milliseconds; every sample is kept. */
  time(name: string, ms: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.recordSample(this.timers, name, ms, rateOrOptions, tags);
  }

  /** Alias of `time`, for hot-shots users. */
  timing(name: string, ms: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.time(name, ms, rateOrOptions, tags);
  }

  /** Records a histogram sample; every sample is kept. */
  hist(name: string, value: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.recordSample(this.hists, name, value, rateOrOptions, tags);
  }

  /** Alias of `hist`. */
  histogram(name: string, value: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.hist(name, value, rateOrOptions, tags);
  }

  /** hot-shots' `distribution`: recorded and sent as a histogram (every sample kept). */
  distribution(name: string, value: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.hist(name, value, rateOrOptions, tags);
  }

  /** Counts distinct members (a StatsD set); members are strings or numbers. */
  set(name: string, member: string | number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    try {
      const options = toOptions(rateOrOptions, tags);
      const rate = this.rateOf(name, options, true);
      if (rate === 0) return;
      const text = typeof member === 'number' && Number.isFinite(member) ? String(member) : member;
      if (typeof text !== 'string' || text.length === 0 || text.length > 200 || BAD_MEMBER.test(text)) {
        this.ctx.reportInvalid(
          String(name),
          `set member ${JSON.stringify(String(member)).slice(0, 60)} must be 1 to 200 characters without | : , # or a newline`,
        );
        return;
      }
      const key = this.keyOf(name, options?.tags, 1);
      if (key === undefined) return;
      let entry = this.sets.get(key);
      if (entry === undefined) {
        const full = this.fullName(name);
        if (full === undefined) return;
        const merged = this.mergeTags(name, options?.tags);
        if (merged === null) return;
        entry = { name: full, tags: merged, members: new Set() };
        this.sets.set(key, entry);
      }
      if (entry.members.has(text)) return;
      entry.members.add(text);
      if (++this.size >= this.ctx.maxBatchSize) this.full();
    } catch (error) {
      this.ctx.reportInvalid(String(name), `recording failed: ${errorText(error)}`);
    }
  }

  /** hot-shots' name for `set`. */
  unique(name: string, member: string | number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.set(name, member, rateOrOptions, tags);
  }

  /**
   * Wraps a function so each call records its duration in ms as a timer (hot-shots' `timer`). The
   * wrapper returns and throws what `fn` does.
   */
  timer<A extends unknown[], R>(fn: (...args: A) => R, name: string, rateOrOptions?: RateOrOptions, tags?: TagsInput): (...args: A) => R {
    return timeCalls(fn, (ms) => this.time(name, ms, rateOrOptions, tags));
  }

  /** Wraps an async function so each call records the time until its promise settles (hot-shots' `asyncTimer`). */
  asyncTimer<A extends unknown[], R>(
    fn: (...args: A) => Promise<R>,
    name: string,
    rateOrOptions?: RateOrOptions,
    tags?: TagsInput,
  ): (...args: A) => Promise<R> {
    return timeAsyncCalls(fn, (ms) => this.time(name, ms, rateOrOptions, tags));
  }

  private recordSample(
    map: Map<string, SamplesEntry>,
    name: string,
    value: number,
    rateOrOptions: RateOrOptions | undefined,
    callTags: TagsInput | undefined,
  ): void {
    const options = rateOrOptions === undefined && callTags === undefined ? undefined : toOptions(rateOrOptions, callTags);
    if (options === undefined && this.plain && Number.isFinite(value)) {
      const entry = map.get(name);
      if (entry !== undefined) {
        entry.values.push(value);
        if (++this.size >= this.ctx.maxBatchSize) this.full();
        return;
      }
    }
    try {
      const rate = this.rateOf(name, options);
      if (rate === 0) return;
      if (!this.checkValue(name, value)) return;
      const tags = options?.tags;
      const key = this.keyOf(name, tags, rate);
      if (key === undefined) return;
      let entry = map.get(key);
      if (entry === undefined) {
        const series = this.newSeries(name, tags);
        if (series === undefined) return;
        entry = { name: series.name, tags: series.tags, sampleRate: rate, values: [] };
        map.set(key, entry);
      }
      entry.values.push(value);
      if (++this.size >= this.ctx.maxBatchSize) this.full();
    } catch (error) {
      this.ctx.reportInvalid(String(name), `recording failed: ${errorText(error)}`);
    }
  }

  private recordValue(
    map: Map<string, ValueEntry>,
    type: 'counter' | 'gauge' | 'delta',
    name: string,
    value: number,
    options: MetricCallOptions | undefined,
  ): void {
    try {
      const rate = type === 'counter' ? this.rateOf(name, options) : this.rateOf(name, options, true);
      if (rate === 0) return;
      if (!this.checkValue(name, value)) return;
      const tags = options?.tags;
      const key = this.keyOf(name, tags, 1);
      if (key === undefined) return;
      let entry = map.get(key);
      if (entry === undefined) {
        const series = this.newSeries(name, tags);
        if (series === undefined) return;
        entry = {
          name: series.name,
          tags: series.tags,
          value: type === 'counter' ? value / rate : value,
          delta: type === 'delta',
          calls: 1,
        };
        map.set(key, entry);
        if (++this.series >= this.ctx.maxBatchSize * SERIES_PER_BATCH) this.full();
        return;
      }
      if (type === 'counter') entry.value += value / rate;
      else if (type === 'delta') entry.value += value;
      else {
        entry.value = value;
        entry.delta = false;
      }
      entry.calls++;
    } catch (error) {
      this.ctx.reportInvalid(String(name), `recording failed: ${errorText(error)}`);
    }
  }

  private full(): void {
    try {
      this.onFull();
    } catch (error) {
      this.ctx.reportInvalid('(buffer)', `flush failed: ${errorText(error)}`);
    }
  }

  /** The rate for this call, 0 when the call is sampled out or invalid. Gauges are never sampled. */
  private rateOf(name: string, options: MetricCallOptions | undefined, ignore = false): number {
    if (this.closedForRecording) {
      this.ctx.reportClosed();
      return 0;
    }
    if (ignore) return 1;
    const rate = options?.sampleRate ?? this.ctx.defaultRate;
    if (rate === 1) return 1;
    if (typeof rate !== 'number' || !(rate > 0 && rate <= 1)) {
      this.ctx.reportInvalid(String(name), `sample rate ${String(rate)} is not a number in (0, 1]`);
      return 0;
    }
    return Math.random() < rate ? rate : 0;
  }

  private checkValue(name: string, value: number): boolean {
    if (typeof value === 'number' && Number.isFinite(value)) return true;
    this.ctx.reportInvalid(String(name), `value ${String(value)} is not a finite number`);
    return false;
  }

  private keyOf(name: string, input: TagsInput | undefined, rate: number): string | undefined {
    const tags = this.tagsOf(name, input);
    if (tags === null) return undefined;
    if (typeof name !== 'string') {
      this.ctx.reportInvalid(String(name), `name must be a string, got ${typeof name}`);
      return undefined;
    }
    if (tags === undefined && rate === 1) return name;
    let key = name;
    if (tags !== undefined) {
      if (tags === null || typeof tags !== 'object') {
        this.ctx.reportInvalid(name, `tags must be an object of string values, got ${tags === null ? 'null' : typeof tags}`);
        return undefined;
      }
      const tagKey = keyOfTags(tags, this.ctx.globalTags);
      if (tagKey !== this.globalKey) key += `\u0000${tagKey}`;
    }
    return rate === 1 ? key : `${key}\u0000@${rate}`;
  }

  /** The prefixed name and merged tags of a series seen for the first time; undefined when either is refused (and reported). */
  private newSeries(name: string, tags: TagsInput | undefined): { readonly name: string; readonly tags: Tags | undefined } | undefined {
    const full = this.fullName(name);
    if (full === undefined) return undefined;
    const merged = this.mergeTags(name, tags);
    if (merged === null) return undefined;
    return { name: full, tags: merged };
  }

  private fullName(name: string): string | undefined {
    const full = name.charCodeAt(0) === 1 ? name.slice(1) : this.ctx.prefix ? `${this.ctx.prefix}.${name}` : name;
    if (isValidMetricName(full)) return full;
    this.ctx.reportInvalid(givenName(name), `expected ${NAME_FORM}`);
    return undefined;
  }

  /** Per-call tags as an object (an array converted again only when its content changed); null when invalid (reported). */
  private tagsOf(name: string, input: TagsInput | undefined): Tags | undefined | null {
    if (!Array.isArray(input)) return input as Tags | undefined;
    const seen = seenArrayTags.get(input);
    if (seen !== undefined && (Object.isFrozen(input) || sameItems(input, seen.items))) return seen.tags;
    const parsed = tagsFromArray(input);
    if (typeof parsed === 'string') {
      this.ctx.reportInvalid(String(name), parsed);
      return null;
    }
    seenArrayTags.set(input, { items: input.slice() as string[], tags: parsed });
    return parsed;
  }

  /** Global tags under per-call tags; null when the call's tags are invalid. */
  private mergeTags(name: string, input: TagsInput | undefined): Tags | undefined | null {
    const tags = this.tagsOf(name, input);
    if (tags === null) return null;
    if (tags === undefined) return this.ctx.globalTags;
    const problem = checkStatsdSafeTags(tags);
    if (problem) {
      this.ctx.reportInvalid(name, problem);
      return null;
    }
    const merged = this.ctx.globalTags ? { ...this.ctx.globalTags, ...tags } : { ...tags };
    return Object.freeze(merged);
  }

  /**
   * What a full buffer sends: the samples and set members alone while the counter and gauge series
   * are below their bound, so a counter called across many cuts still goes out once per window
   * (a burst of timings does not re-send every counter line); everything past that bound.
   */
  protected takeFull(): RecordChunk[] {
    return this.series >= this.ctx.maxBatchSize * SERIES_PER_BATCH ? this.drain() : this.drain(false);
  }

  /** True when nothing is buffered. */
  protected isEmpty(): boolean {
    return this.counters.size === 0 && this.gauges.size === 0 && this.timers.size === 0 && this.hists.size === 0 && this.sets.size === 0;
  }

  /**
   * Takes everything buffered as records, in chunks of at most `maxBatchSize` values (a timer with
   * more samples than that is split), and starts a new window. `withSeries` false: the samples and
   * set members only; counters and gauges stay for the rest of the window.
   */
  protected drain(withSeries = true): RecordChunk[] {
    const max = this.ctx.maxBatchSize;
    const chunks: RecordChunk[] = [];
    let chunk: RecordChunk = { metrics: [], counts: [] };
    let room = max;
    const next = (): void => {
      chunks.push(chunk);
      chunk = { metrics: [], counts: [] };
      room = max;
    };
    const push = (record: MetricRecord, calls: number): void => {
      if (room < 1) next();
      chunk.metrics.push(record);
      chunk.counts.push(calls);
      room -= 1;
    };
    if (withSeries)
      for (const e of this.counters.values()) push(withTags({ type: 'counter', name: e.name, value: e.value }, e.tags), e.calls);
    if (withSeries)
      for (const e of this.gauges.values()) {
        push(
          withTags(
            e.delta ? { type: 'gauge', name: e.name, value: e.value, delta: true } : { type: 'gauge', name: e.name, value: e.value },
            e.tags,
          ),
          e.calls,
        );
      }
    const samples = (type: 'timer' | 'histogram', map: Map<string, SamplesEntry>): void => {
      for (const e of map.values()) {
        let start = 0;
        while (start < e.values.length) {
          if (room === 0) next();
          const take = Math.min(room, e.values.length - start);
          const values = start === 0 && take === e.values.length ? e.values : e.values.slice(start, start + take);
          const record = withTags({ type, name: e.name, values }, e.tags);
          chunk.metrics.push(e.sampleRate < 1 ? { ...record, sampleRate: e.sampleRate } : record);
          chunk.counts.push(take);
          room -= take;
          start += take;
        }
      }
    };
    samples('timer', this.timers);
    samples('histogram', this.hists);
    for (const e of this.sets.values()) {
      const members = [...e.members];
      let start = 0;
      while (start < members.length) {
        if (room === 0) next();
        const take = Math.min(room, members.length - start);
        chunk.metrics.push(withTags({ type: 'set', name: e.name, values: members.slice(start, start + take) }, e.tags));
        chunk.counts.push(take);
        room -= take;
        start += take;
      }
    }
    if (chunk.metrics.length > 0) chunks.push(chunk);
    if (withSeries) {
      this.counters = new Map();
      this.gauges = new Map();
      this.series = 0;
    }
    this.timers = new Map();
    this.hists = new Map();
    this.sets = new Map();
    this.size = 0;
    return chunks;
  }
}

function withTags<T extends MetricRecord>(record: T, tags: Tags | undefined): T {
  return tags === undefined ? record : { ...record, tags };
}
