// hot-shots' `childClient()`: a view of a client with its own prefix, suffix and tags, sharing the
// parent's buffer, queue and transport. Names are `prefix.name.suffix` with the child's prefix
// before the parent's and its suffix after the parent's, as hot-shots 17 does (a trailing or
// leading dot in either is tolerated); the child's tags are under each call's own.
import { asFullName, tagsToObject, toOptions, type MetricCallOptions, type RateOrOptions, type TagsInput } from './metric-recorder.js';
import type { Tags } from '@sightline/stats-protocol';
import { timeAsyncCalls, timeCalls } from './call-timers.js';

/** The calls a child forwards: what StatsClient records. */
export interface MetricCalls {
  incr(name: string, value?: number | TagsInput, rateOrOptions?: RateOrOptions, tags?: TagsInput): void;
  decr(name: string, value?: number | TagsInput, rateOrOptions?: RateOrOptions, tags?: TagsInput): void;
  gauge(name: string, value: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void;
  gaugeDelta(name: string, delta: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void;
  time(name: string, ms: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void;
  hist(name: string, value: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void;
  set(name: string, member: string | number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void;
}

/** Options of `childClient()`. Default: no prefix, suffix or tags of its own. */
export interface ChildClientOptions {
  /** Put before every name, parent's prefix included, as hot-shots does: `svc` or `svc.` under a client prefixed `orders` gives `svc.orders.name`. */
  readonly prefix?: string;
  /** Put after every name, after the parent's suffix: `eu` or `.eu` gives `name.eu`. */
  readonly suffix?: string;
  /** Tags on every call of the child, under the call's own and over the parent's (same key: the child's wins). */
  readonly globalTags?: TagsInput;
}

/** What a child records on: the client at the root, whose prefix it takes over. */
export interface ChildRoot extends MetricCalls {
  /** The root client's prefix, without its dot; empty for none. */
  readonly prefix: string;
}

/**
 * A view of a client (hot-shots' `childClient`) with its own prefix, suffix and tags: every call is
 * renamed `childPrefix.parentPrefix.name.parentSuffix.childSuffix` (hot-shots' order), its tags
 * merged, and recorded by the root client.
 */
export class ChildClient implements MetricCalls {
  readonly #root: MetricCalls;
  /** The whole prefix, the root's included, ending in a dot (or empty). */
  readonly #prefix: string;
  /** The whole suffix, starting with a dot (or empty). */
  readonly #suffix: string;
  readonly #tags: TagsInput | undefined;

  constructor(parent: ChildRoot | ChildClient, options: ChildClientOptions = {}) {
    const prefix = (options.prefix ?? '').replace(/^\.+|\.+$/g, '');
    const suffix = (options.suffix ?? '').replace(/^\.+|\.+$/g, '');
    const own = prefix ? `${prefix}.` : '';
    const ownSuffix = suffix ? `.${suffix}` : '';
    if (parent instanceof ChildClient) {
      this.#root = parent.#root;
      this.#prefix = own + parent.#prefix;
      this.#suffix = parent.#suffix + ownSuffix;
      this.#tags = mergeTagInputs(parent.#tags, options.globalTags);
    } else {
      this.#root = parent;
      this.#prefix = own + (parent.prefix ? `${parent.prefix}.` : '');
      this.#suffix = ownSuffix;
      this.#tags = options.globalTags;
    }
  }

  /** The name as the root records it: whole, its own prefix not added again. */
  private name(name: string): string {
    return typeof name === 'string' ? asFullName(`${this.#prefix}${name}${this.#suffix}`) : name;
  }
  private options(rateOrOptions: RateOrOptions | undefined, tags: TagsInput | undefined): MetricCallOptions | undefined {
    const options = toOptions(rateOrOptions, tags);
    if (this.#tags === undefined) return options;
    const own = toTagObject(this.#tags);
    const call = options?.tags === undefined ? undefined : toTagObject(options.tags);
    const merged = call === undefined ? own : { ...own, ...call };
    return options?.sampleRate === undefined ? { tags: merged } : { sampleRate: options.sampleRate, tags: merged };
  }

  /** Adds `value` (default 1) to a counter; `incr(name, tags)` is taken too. */
  incr(name: string, value?: number | TagsInput, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    if (value !== null && typeof value === 'object') return this.#root.incr(this.name(name), 1, this.options(value, undefined));
    this.#root.incr(this.name(name), value, this.options(rateOrOptions, tags));
  }

  /** Same as {@link ChildClient.incr} (hot-shots' name). */
  increment(name: string, value?: number | TagsInput, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.incr(name, value, rateOrOptions, tags);
  }

  /** Subtracts `value` (default 1) from a counter; `decr(name, tags)` is taken too. */
  decr(name: string, value?: number | TagsInput, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    if (value !== null && typeof value === 'object') return this.#root.decr(this.name(name), 1, this.options(value, undefined));
    this.#root.decr(this.name(name), value, this.options(rateOrOptions, tags));
  }

  /** Same as {@link ChildClient.decr} (hot-shots' name). */
  decrement(name: string, value?: number | TagsInput, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.decr(name, value, rateOrOptions, tags);
  }

  /** Sets a gauge to `value` (the last value in a flush interval wins). */
  gauge(name: string, value: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.#root.gauge(this.name(name), value, this.options(rateOrOptions, tags));
  }

  /** Moves a gauge by `delta` (StatsD `+n` / `-n`; see the client's `gaugeDelta`). */
  gaugeDelta(name: string, delta: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.#root.gaugeDelta(this.name(name), delta, this.options(rateOrOptions, tags));
  }

  /** Records a timer sample, in milliseconds. */
  time(name: string, ms: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.#root.time(this.name(name), ms, this.options(rateOrOptions, tags));
  }

  /** Same as {@link ChildClient.time} (hot-shots' name). */
  timing(name: string, ms: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.time(name, ms, rateOrOptions, tags);
  }

  /** Records a histogram sample (a plain number, no unit assumed). */
  hist(name: string, value: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.#root.hist(this.name(name), value, this.options(rateOrOptions, tags));
  }

  /** Same as {@link ChildClient.hist} (hot-shots' name). */
  histogram(name: string, value: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.hist(name, value, rateOrOptions, tags);
  }

  /** Same as {@link ChildClient.hist} (hot-shots' DogStatsD distribution, recorded as a histogram). */
  distribution(name: string, value: number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.hist(name, value, rateOrOptions, tags);
  }

  /** Adds `member` to a StatsD set (distinct members counted per flush interval). */
  set(name: string, member: string | number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.#root.set(this.name(name), member, this.options(rateOrOptions, tags));
  }

  /** Same as {@link ChildClient.set} (hot-shots' name). */
  unique(name: string, member: string | number, rateOrOptions?: RateOrOptions, tags?: TagsInput): void {
    this.set(name, member, rateOrOptions, tags);
  }

  /** Wraps `fn` so each call records its duration in ms as a timer (hot-shots' `timer`); returns and throws what `fn` does. */
  timer<A extends unknown[], R>(fn: (...args: A) => R, name: string, rateOrOptions?: RateOrOptions, tags?: TagsInput): (...args: A) => R {
    return timeCalls(fn, (ms) => this.time(name, ms, rateOrOptions, tags));
  }

  /** Wraps an async `fn` so each call records the time until its promise settles (hot-shots' `asyncTimer`). */
  asyncTimer<A extends unknown[], R>(
    fn: (...args: A) => Promise<R>,
    name: string,
    rateOrOptions?: RateOrOptions,
    tags?: TagsInput,
  ): (...args: A) => Promise<R> {
    return timeAsyncCalls(fn, (ms) => this.time(name, ms, rateOrOptions, tags));
  }

  /** A child of this child: prefixes and suffixes nest, tags merge. */
  childClient(options: ChildClientOptions = {}): ChildClient {
    return new ChildClient(this, options);
  }
}

/** A parent's tags under a child's; an invalid array is kept as given, for the client to report on every call. */
function mergeTagInputs(parent: TagsInput | undefined, child: TagsInput | undefined): TagsInput | undefined {
  if (parent === undefined || child === undefined) return child ?? parent;
  const own = tagsToObject(child);
  if (typeof own === 'string') return child;
  const under = tagsToObject(parent);
  return typeof under === 'string' ? parent : { ...under, ...own };
}

/** Tags as an object; an invalid array is passed on unchanged, for the client to report. */
function toTagObject(tags: TagsInput): Tags {
  const parsed = tagsToObject(tags);
  return typeof parsed === 'string' ? (tags as unknown as Tags) : parsed;
}
