// `@sightline/stats/hot-shots`: hot-shots' `StatsD` class (its constructor options and method names)
// on top of StatsClient, so that switching from hot-shots is one import line. Values are aggregated
// per flush window as StatsClient does; the README's migration table lists what differs, and why.
import { getLogger } from '@sightline/core';
import { errorText, resolveOptions } from '@sightline/core/internal';
import type { Tags as TagMap } from '@sightline/stats-protocol';
import type { ChildClient } from './child-client.js';
import { StatsConfigError } from './errors.js';
import { tagsToObject, type MetricCallOptions, type TagsInput } from './metric-recorder.js';
import { HOT_SHOTS_SHAPE, statsOptionsError, type StatsClientOptions, type StatsDOptions } from './options.js';
import { ONE_VALUE_PER_LINE, StatsClient } from './stats-client.js';
import type { CheckOptions, EventOptions } from './statsd-encoder.js';

export type { StatsDOptions } from './options.js';
export type { CheckOptions, EventOptions } from './statsd-encoder.js';
export type { StatsClient } from './stats-client.js';
export type { TagsInput } from './metric-recorder.js';

const log = getLogger('sightline.stats');
const CALLER = 'new StatsD()';

/** hot-shots' tags: `{ k: 'v' }` or `['k:v']`. */
export type StatsDTags = TagsInput;

/**
 * hot-shots' per-call callback. Values are aggregated, not sent one by one, so it is called once the
 * value is recorded, with no error and 0 bytes; delivery problems go to `errorHandler`.
 */
export type StatsDCallback = (error?: Error | null, bytes?: number) => void;

/** hot-shots' options-object form: `increment('a', 1, { sampleRate: 0.5, tags: ['k:v'] })`. */
export interface StatsDCallOptions {
  /** The fraction of calls kept, in (0, 1]. */
  readonly sampleRate?: number;
  /** Tags of this call. */
  readonly tags?: StatsDTags;
}

/** What hot-shots takes after the value: a sample rate, tags, an options object or a callback. */
export type StatsDRateArg = number | StatsDTags | StatsDCallOptions | StatsDCallback;
/** What hot-shots takes in the tags position: tags or a callback. */
export type StatsDTagsArg = StatsDTags | StatsDCallback;

/** Passed as the last argument to a function wrapped by `timer`, `asyncTimer` or `asyncDistTimer`. */
export interface StatsDTimerContext {
  /** Adds tags to the duration recorded when the function returns (or settles). */
  addTags(tags: StatsDTags): void;
}

/** Options of `childClient()`: hot-shots' names. */
export interface StatsDChildOptions {
  /** Put before every name, before the parent's prefix. */
  readonly prefix?: string;
  /** Put after every name, after the parent's suffix. */
  readonly suffix?: string;
  /** Tags on every call of the child, over the parent's. */
  readonly globalTags?: StatsDTags;
}

// hot-shots' names for these types, so that TypeScript code switches with its import line too.
/** hot-shots' name for {@link StatsDOptions}. */
export type ClientOptions = StatsDOptions;
/** hot-shots' name for {@link StatsDChildOptions}. */
export type ChildClientOptions = StatsDChildOptions;
/** hot-shots' name for {@link StatsDTimerContext}. */
export type TimerContext = StatsDTimerContext;
/** hot-shots' name for {@link StatsDCallback}. */
export type StatsCb = StatsDCallback;
/** hot-shots' name for {@link StatsDCallOptions}. */
export type MetricOptions = StatsDCallOptions;
/** hot-shots' name for {@link StatsDTags}. */
export type Tags = StatsDTags;

/** DD_* variables hot-shots turns into tags (its `includeDataDogTags`). */
const DD_TAG_VARIABLES = { DD_ENTITY_ID: 'dd.internal.entity_id', DD_ENV: 'env', DD_SERVICE: 'service', DD_VERSION: 'version' } as const;

/** As hot-shots writes an environment value into a tag: characters the line format reserves become `_`. */
function envTagValue(value: string): string {
  return value.replace(/[:|@,#\n\r]/g, '_');
}

type Kind = 'incr' | 'gauge' | 'gaugeDelta' | 'time' | 'hist' | 'set';

/** Reads hot-shots' positional arguments after the value, as its `sendAll` does. */
function callArgs(
  rate: unknown,
  tags: unknown,
  callback: unknown,
): { readonly options: MetricCallOptions | undefined; readonly callback: StatsDCallback | undefined } {
  let r = rate;
  let t = tags;
  let cb = callback;
  if (r !== null && typeof r === 'object' && !Array.isArray(r) && ('sampleRate' in r || 'tags' in r)) {
    cb = t;
    t = (r as StatsDCallOptions).tags;
    r = (r as StatsDCallOptions).sampleRate;
  }
  if (r && typeof r !== 'number') {
    if (t !== undefined && t !== null && typeof t === 'object') r = undefined;
    else {
      cb = t;
      t = r;
      r = undefined;
    }
  }
  if (t && typeof t !== 'object') {
    cb = t;
    t = undefined;
  }
  const callbackFn = typeof cb === 'function' ? (cb as StatsDCallback) : undefined;
  if (typeof r !== 'number' && !t) return { options: undefined, callback: callbackFn };
  const options: MetricCallOptions = {
    ...(typeof r === 'number' ? { sampleRate: r } : {}),
    ...(t ? { tags: t as StatsDTags } : {}),
  };
  return { options, callback: callbackFn };
}

function callBack(callback: StatsDCallback | undefined): void {
  if (callback === undefined) return;
  queueMicrotask(() => {
    try {
      callback(null, 0);
    } catch (error) {
      log.debug('a hot-shots callback threw; ignored', { error: errorText(error) });
    }
  });
}

function timerContext(): { readonly ctx: StatsDTimerContext; readonly tags: () => TagMap | undefined } {
  let added: Record<string, string> | undefined;
  return {
    ctx: {
      addTags(tags: StatsDTags): void {
        if (!tags) return;
        const parsed = tagsToObject(tags);
        if (typeof parsed === 'string') return log.debug(`timer addTags ignored: ${parsed}`);
        added = { ...added, ...parsed };
      },
    },
    tags: () => added,
  };
}

/** The tags of a timed call: the call's own, then what the function added. */
function withAdded(options: MetricCallOptions | undefined, added: TagMap | undefined): MetricCallOptions | undefined {
  if (added === undefined) return options;
  const own = options?.tags === undefined ? undefined : tagsToObject(options.tags);
  if (typeof own === 'string') return options;
  return { ...options, tags: { ...own, ...added } };
}

/** Set while `childClient()` builds a child: the constructor adopts it instead of reading options. */
let adopting: Naming | undefined;

/** What a StatsD (root or child) names and tags its calls with. */
interface Naming {
  readonly client: StatsClient;
  readonly view: ChildClient;
  /** Its own tags (over its parents'), for events and checks; undefined at the root. */
  readonly tags: TagMap | undefined;
  /** The whole prefix and suffix, as hot-shots puts them on event titles and check names. */
  readonly prefix: string;
  readonly suffix: string;
}

/** `orders` or `orders.` as `orders.`; `eu` or `.eu` as `.eu` (empty stays empty). */
const asPrefix = (text: string): string => (text.replace(/^\.+|\.+$/g, '') ? `${text.replace(/^\.+|\.+$/g, '')}.` : '');
const asSuffix = (text: string): string => (text.replace(/^\.+|\.+$/g, '') ? `.${text.replace(/^\.+|\.+$/g, '')}` : '');

/**
 * hot-shots' `StatsD` client on Sightline's StatsClient: the same constructor options and methods,
 * values aggregated per `bufferFlushInterval` and sent as StatsD lines (DogStatsD tags by default).
 * No call throws; problems go to `errorHandler`.
 */
export class StatsD {
  readonly #client: StatsClient;
  /** Names calls `prefix.name.suffix` (hot-shots' order), over the client. */
  readonly #view: ChildClient;
  readonly #naming: Naming;

  /** Takes hot-shots' constructor options; unknown ones are refused with the closest known name. */
  constructor(options: StatsDOptions = {}) {
    const child = adopting;
    adopting = undefined;
    if (child !== undefined) {
      this.#client = child.client;
      this.#view = child.view;
      this.#naming = child;
      return;
    }
    const o = resolveOptions(HOT_SHOTS_SHAPE, options, { source: CALLER, error: statsOptionsError(CALLER) });
    const env = process.env;
    let tags: Record<string, string> | undefined;
    if (o.globalTags !== undefined) {
      const parsed = tagsToObject(o.globalTags);
      if (typeof parsed === 'string') throw new StatsConfigError('globalTags', 'options', CALLER, parsed);
      tags = { ...parsed };
    }
    if (o.includeDataDogTags) {
      for (const [variable, tag] of Object.entries(DD_TAG_VARIABLES)) {
        const value = env[variable];
        if (value) tags = { ...tags, [tag]: envTagValue(value) };
      }
    }
    const clientOptions: StatsClientOptions & { readonly [ONE_VALUE_PER_LINE]: true } = {
      protocol: o.protocol,
      destHost: o.host ?? (env.DD_AGENT_HOST || '127.0.0.1'),
      destPort: o.port ?? envPort(env.DD_DOGSTATSD_PORT),
      ...(o.protocol === 'uds' ? { socketPath: o.path } : {}),
      prefix: o.prefix,
      ...(tags === undefined ? {} : { tags }),
      flavour: o.telegraf ? 'telegraf' : 'dogstatsd',
      mock: o.mock,
      ...(o.errorHandler === undefined ? {} : { onError: o.errorHandler }),
      sampleRate: o.sampleRate,
      flushIntervalMs: o.bufferFlushInterval,
      ...(o.maxBufferSize > 0 ? { maxPacketBytes: Math.max(64, o.maxBufferSize) } : {}),
      // Samples one per line, as hot-shots sends them: Etsy statsd, DogStatsD and Telegraf all read that.
      [ONE_VALUE_PER_LINE]: true,
    };
    this.#client = new StatsClient(clientOptions);
    // A view with no prefix of its own names calls `rootPrefix.name.suffix`.
    this.#view = this.#client.childClient({ suffix: o.suffix });
    this.#naming = { client: this.#client, view: this.#view, tags: undefined, prefix: asPrefix(o.prefix), suffix: asSuffix(o.suffix) };
  }

  /** With `mock: true`: the StatsD lines delivered so far (after `flush()` or `close()`: values are aggregated). */
  get mockBuffer(): string[] {
    return this.#client.mockBuffer;
  }

  /** The StatsClient underneath (shared by every child): its `stats()`, `pipeline()`, ... */
  get client(): StatsClient {
    return this.#client;
  }

  #record(kind: Kind, stat: string | readonly string[], value: number | string, rate: unknown, tags: unknown, callback: unknown): void {
    try {
      const call = callArgs(rate, tags, callback);
      for (const name of typeof stat === 'string' ? [stat] : stat) {
        if (kind === 'set') this.#view.set(name, value, call.options);
        else this.#view[kind](name, value as number, call.options);
      }
      callBack(call.callback);
    } catch (error) {
      // The client reports bad input itself; this only guards against the unforeseen.
      log.debug('a hot-shots call failed', { error: errorText(error) });
    }
  }

  /** Adds `value` (default 1) to a counter: `increment(stat)`, `increment(stat, tags)`, `increment(stat, 2, 0.5, tags, cb)`. */
  increment(
    stat: string | readonly string[],
    value?: number | StatsDTags | StatsDCallback,
    sampleRate?: StatsDRateArg,
    tags?: StatsDTagsArg,
    callback?: StatsDCallback,
  ): void {
    this.#count(1, stat, value, sampleRate, tags, callback);
  }

  /** Subtracts `value` (default 1) from a counter (sent as a negative count). */
  decrement(
    stat: string | readonly string[],
    value?: number | StatsDTags | StatsDCallback,
    sampleRate?: StatsDRateArg,
    tags?: StatsDTagsArg,
    callback?: StatsDCallback,
  ): void {
    this.#count(-1, stat, value, sampleRate, tags, callback);
  }

  #count(sign: 1 | -1, stat: string | readonly string[], value: unknown, sampleRate: unknown, tags: unknown, callback: unknown): void {
    let v = value;
    let r = sampleRate;
    let t = tags;
    let cb = callback;
    // As hot-shots: a non-number value with nothing after it (or a callback after it) is the tags.
    if (
      typeof v !== 'number' &&
      ((r === undefined && t === undefined && cb === undefined) || (typeof r === 'function' && t === undefined))
    ) {
      cb = r;
      t = v;
      r = undefined;
      v = undefined;
    }
    const n = v === undefined || v === null ? 1 : (v as number);
    this.#record('incr', stat, typeof n === 'number' ? sign * n : n, r, t, cb);
  }

  /** Sets a gauge (the last value in a flush window is sent). */
  gauge(
    stat: string | readonly string[],
    value: number,
    sampleRate?: StatsDRateArg,
    tags?: StatsDTagsArg,
    callback?: StatsDCallback,
  ): void {
    this.#record('gauge', stat, value, sampleRate, tags, callback);
  }

  /** Moves a gauge by `delta` (`+n` / `-n`; changes in a window add up). */
  gaugeDelta(
    stat: string | readonly string[],
    delta: number,
    sampleRate?: StatsDRateArg,
    tags?: StatsDTagsArg,
    callback?: StatsDCallback,
  ): void {
    this.#record('gaugeDelta', stat, delta, sampleRate, tags, callback);
  }

  /** Records a duration in milliseconds, or the time since a `Date`. */
  timing(
    stat: string | readonly string[],
    time: number | Date,
    sampleRate?: StatsDRateArg,
    tags?: StatsDTagsArg,
    callback?: StatsDCallback,
  ): void {
    this.#record('time', stat, time instanceof Date ? Date.now() - time.getTime() : time, sampleRate, tags, callback);
  }

  /** Records a histogram sample (`|h`). */
  histogram(
    stat: string | readonly string[],
    value: number,
    sampleRate?: StatsDRateArg,
    tags?: StatsDTagsArg,
    callback?: StatsDCallback,
  ): void {
    this.#record('hist', stat, value, sampleRate, tags, callback);
  }

  /** hot-shots' DogStatsD distribution, recorded and sent as a histogram (`|h`). */
  distribution(
    stat: string | readonly string[],
    value: number,
    sampleRate?: StatsDRateArg,
    tags?: StatsDTagsArg,
    callback?: StatsDCallback,
  ): void {
    this.#record('hist', stat, value, sampleRate, tags, callback);
  }

  /** Counts distinct members in a flush window (`|s`). */
  set(
    stat: string | readonly string[],
    value: string | number,
    sampleRate?: StatsDRateArg,
    tags?: StatsDTagsArg,
    callback?: StatsDCallback,
  ): void {
    this.#record('set', stat, value, sampleRate, tags, callback);
  }

  /** Same as {@link StatsD.set}. */
  unique(
    stat: string | readonly string[],
    value: string | number,
    sampleRate?: StatsDRateArg,
    tags?: StatsDTagsArg,
    callback?: StatsDCallback,
  ): void {
    this.#record('set', stat, value, sampleRate, tags, callback);
  }

  /**
   * Wraps `func` so each call records its duration in ms as a timer; `func` gets a context as its last
   * argument whose `addTags()` tags that duration. Returns and throws what `func` does.
   */
  timer<P extends unknown[], R>(
    func: (...args: [...P, StatsDTimerContext]) => R,
    stat: string | readonly string[],
    sampleRate?: StatsDRateArg,
    tags?: StatsDTagsArg,
    callback?: StatsDCallback,
  ): (...args: P) => R {
    return (...args: P): R => {
      const { ctx, tags: added } = timerContext();
      const start = performance.now();
      try {
        return func(...args, ctx);
      } finally {
        this.#timed('time', stat, performance.now() - start, sampleRate, tags, callback, added());
      }
    };
  }

  /** As {@link StatsD.timer}, for an async function: the time until its promise settles. */
  asyncTimer<P extends unknown[], R>(
    func: (...args: [...P, StatsDTimerContext]) => Promise<R>,
    stat: string | readonly string[],
    sampleRate?: StatsDRateArg,
    tags?: StatsDTagsArg,
    callback?: StatsDCallback,
  ): (...args: P) => Promise<R> {
    return this.#asyncTimed('time', func, stat, sampleRate, tags, callback);
  }

  /** As {@link StatsD.asyncTimer}, recorded as a distribution (sent as a histogram). */
  asyncDistTimer<P extends unknown[], R>(
    func: (...args: [...P, StatsDTimerContext]) => Promise<R>,
    stat: string | readonly string[],
    sampleRate?: StatsDRateArg,
    tags?: StatsDTagsArg,
    callback?: StatsDCallback,
  ): (...args: P) => Promise<R> {
    return this.#asyncTimed('hist', func, stat, sampleRate, tags, callback);
  }

  #asyncTimed<P extends unknown[], R>(
    kind: 'time' | 'hist',
    func: (...args: [...P, StatsDTimerContext]) => Promise<R>,
    stat: string | readonly string[],
    sampleRate: unknown,
    tags: unknown,
    callback: unknown,
  ): (...args: P) => Promise<R> {
    return (...args: P): Promise<R> => {
      const { ctx, tags: added } = timerContext();
      const start = performance.now();
      const done = (): void => this.#timed(kind, stat, performance.now() - start, sampleRate, tags, callback, added());
      const promise = func(...args, ctx);
      promise.then(done, done);
      return promise;
    };
  }

  #timed(
    kind: 'time' | 'hist',
    stat: string | readonly string[],
    ms: number,
    rate: unknown,
    tags: unknown,
    callback: unknown,
    added: TagMap | undefined,
  ): void {
    const call = callArgs(rate, tags, callback);
    this.#record(kind, stat, ms, withAdded(call.options, added), undefined, call.callback);
  }

  /**
   * A DogStatsD event, sent at once (not with `telegraf`). As in hot-shots, the title gets this
   * client's prefix and suffix, and an empty text is the title.
   */
  event(title: string, text?: string, options?: EventOptions, tags?: StatsDTagsArg, callback?: StatsDCallback): void {
    const call = callArgs(undefined, tags, callback);
    const { prefix, suffix } = this.#naming;
    this.#client.event(`${prefix}${title}${suffix}`, text || title, options, this.#withOwnTags(call.options?.tags));
    callBack(call.callback);
  }

  /**
   * A DogStatsD service check: status 0 ok, 1 warning, 2 critical, 3 unknown (not with `telegraf`);
   * the name gets this client's prefix and suffix, as in hot-shots.
   */
  check(name: string, status: 0 | 1 | 2 | 3, options?: CheckOptions, tags?: StatsDTagsArg, callback?: StatsDCallback): void {
    const call = callArgs(undefined, tags, callback);
    this.#client.check(`${this.#naming.prefix}${name}${this.#naming.suffix}`, status, options, this.#withOwnTags(call.options?.tags));
    callBack(call.callback);
  }

  #withOwnTags(tags: StatsDTags | undefined): StatsDTags | undefined {
    const mine = this.#naming.tags;
    if (mine === undefined) return tags;
    const own = tags === undefined ? undefined : tagsToObject(tags);
    return typeof own === 'string' ? tags : { ...mine, ...own };
  }

  /**
   * A child with its own prefix (before this one's), suffix (after this one's) and tags, sharing
   * this client's buffer and socket.
   */
  childClient(options: StatsDChildOptions = {}): StatsD {
    const own = options.globalTags === undefined ? undefined : tagsToObject(options.globalTags);
    const mine = this.#naming;
    adopting = {
      client: this.#client,
      view: this.#view.childClient(options),
      tags: own === undefined || typeof own === 'string' ? mine.tags : { ...mine.tags, ...own },
      prefix: asPrefix(options.prefix ?? '') + mine.prefix,
      suffix: mine.suffix + asSuffix(options.suffix ?? ''),
    };
    return new StatsD();
  }

  /** Sends what is aggregated now; `callback` is called once it is delivered or given up. */
  flush(callback?: (error?: Error | null) => void): void {
    void this.#client.flush().then(() => callBack(callback));
  }

  /**
   * Sends what is aggregated, waits for delivery (or give-up) and releases the socket, then calls
   * `callback`. A child closes the client it shares, as in hot-shots.
   */
  close(callback?: (error?: Error | null) => void): void {
    void this.#client.close().then(() => callBack(callback));
  }
}

function envPort(text: string | undefined): number {
  if (!text) return 8125;
  const port = Number(text);
  if (Number.isInteger(port) && port >= 1 && port <= 65_535) return port;
  throw new StatsConfigError('port', 'env', 'DD_DOGSTATSD_PORT', `expected an integer from 1 to 65535, got ${JSON.stringify(text)}`);
}

export default StatsD;
