// The stats client: metric calls go into an aggregation buffer (never sent one by one), flushed every
// `flushIntervalMs` (its samples also when it holds `maxBatchSize` of them), through a bounded queue to
// the transport.
// A metric call never throws and never blocks; failures are logged, counted and reported.
import { inspect } from 'node:util';
import { getLogger } from '@sightline/core';
import { errorText, resolveOptions, runSettled, settleWithin, WarningThrottle } from '@sightline/core/internal';
import { checkStatsdSafeTags, type Tags } from '@sightline/stats-protocol';
import { makeBatch, type Batch } from './batch.js';
import { InvalidMetricError, type StatsTransportError, type StatsTransportErrorKind } from './errors.js';
import { givenName, MetricRecorder, tagsToObject, type RecordChunk, type RecorderContext, type TagsInput } from './metric-recorder.js';
import { finishConfig, originsOfOptions } from './client-config.js';
import { describeConfig, STATS_CLIENT_SHAPE, statsOptionsError, type ResolvedConfig, type StatsClientOptions } from './options.js';
import { Pipeline } from './pipeline.js';
import { SendQueue, type DeliveryCounts } from './send-queue.js';
import { ChildClient, type ChildClientOptions } from './child-client.js';
import { encodeCheck, encodeEvent, encodeStatsdLines, type CheckOptions, type EventOptions } from './statsd-encoder.js';
import { createTransport } from './transports/create-transport.js';
import { InMemoryTransport } from './transports/in-memory-transport.js';
import { StatsdTransport } from './transports/statsd-transport.js';
import type { Transport } from './transports/transport.js';

const log = getLogger('sightline.stats');

/** What `onError` receives: a delivery problem or a dropped metric call. */
export type StatsError = StatsTransportError | InvalidMetricError;

/**
 * Counts since the client started. `...Metrics` count records (one per series in a batch);
 * `...Values` count what they carried: every metric call aggregated into a counter or gauge, every
 * timer and histogram sample (500 `incr('x')` calls sent as one record are 1 metric, 500 values).
 */
export interface StatsClientStats {
  /** Batches / metric records / values the server (or socket) took. */
  readonly sentBatches: number;
  /** Metric records in the batches sent. */
  readonly sentMetrics: number;
  /** Values in the batches sent (see above). */
  readonly sentValues: number;
  /** Dropped from a full queue (past `maxQueuedBytes` while the receiver is away), or after close. */
  readonly droppedBatches: number;
  /** Metric records in the batches dropped. */
  readonly droppedMetrics: number;
  /** Values in the batches dropped. */
  readonly droppedValues: number;
  /** Refused (4xx, 401) or given up after retries. */
  readonly failedBatches: number;
  /** Metric records in the batches that failed. */
  readonly failedMetrics: number;
  /** Values in the batches that failed. */
  readonly failedValues: number;
  /** Metric calls dropped for a bad name, tags, value or sample rate, or after close. */
  readonly invalidMetrics: number;
  /** Metrics a server took in a batch but refused on their own (from its response). */
  readonly rejectedMetrics: number;
  /** Attempts made again after a network error or a 5xx. */
  readonly retries: number;
  /** Batches waiting or in flight now. */
  readonly queuedBatches: number;
  /** Estimated memory of the batches queued now (bounded by `maxQueuedBytes`). */
  readonly queuedBytes: number;
}

const CALLER = 'new StatsClient()';

/**
 * Set (to true) by the hot-shots entry only: every StatsD sample on its own line, as hot-shots sends
 * them. A symbol key: options validation reads string keys, and no user can name it.
 */
export const ONE_VALUE_PER_LINE: unique symbol = Symbol('sightline.stats.oneValuePerLine');

/** Why this client cannot send a gauge change: only StatsD lines (and memory) carry `+n` / `-n`. */
function gaugeDeltaRefusal(custom: Transport | undefined, mock: boolean, protocol: string): string | undefined {
  if (custom !== undefined) {
    if (custom instanceof StatsdTransport || custom instanceof InMemoryTransport) return undefined;
    return `gaugeDelta needs a StatsD transport (udp, tcp, uds); transport ${custom.protocol} takes gauge values only: use gauge()`;
  }
  if (mock || (protocol !== 'http' && protocol !== 'ws')) return undefined;
  return `gaugeDelta needs protocol udp, tcp or uds; the ${protocol} protocol carries gauge values, not changes: use gauge()`;
}

/**
 * A StatsD-style metrics client (`incr`, `gauge`, `time`, `hist`) that aggregates in memory and sends batches
 * on a timer over http or ws to a Sightline stats server (HMAC-signed), or as StatsD lines over udp, tcp or
 * uds; failures are retried with backoff, counted and reported through `onError`, never thrown.
 */
export class StatsClient extends MetricRecorder {
  /** The transport in use: one of {@link PROTOCOLS}, or a custom transport's name. */
  readonly protocol: string;
  /** Prepended to every metric name as `prefix.name`; empty for none. */
  readonly prefix: string;
  readonly #config: ResolvedConfig;
  readonly #transport: Transport;
  readonly #queue: SendQueue;
  readonly #counts: DeliveryCounts & { invalidMetrics: number };
  readonly #onError: ((error: StatsError) => void) | undefined;
  /** Invalid metric names reported so far: once per name, in bounded memory. */
  readonly #invalidNames = new WarningThrottle(log);
  readonly #loggedKinds = new Set<StatsTransportErrorKind>();
  /** Metrics the server refused on their own, logged once per distinct message. */
  readonly #refusals = new WarningThrottle(log);
  readonly #collectors = new Set<() => void>();
  readonly #timer: NodeJS.Timeout | undefined;
  #seq = 0;
  /** Events and checks of a mock client (not metrics: never aggregated). */
  readonly #mockLines: string[] = [];
  /** `droppedValues` when the current outage began (for the line logged when it ends). */
  #droppedAtOutage = 0;
  #closing: Promise<void> | undefined;
  readonly #oneValuePerLine: boolean;

  constructor(options: StatsClientOptions = {}) {
    const resolved = resolveOptions(STATS_CLIENT_SHAPE, options, { source: CALLER, error: statsOptionsError(CALLER) });
    const { mock } = resolved;
    const origins = originsOfOptions(options, CALLER);
    // A mock needs no secret: it speaks StatsD lines to memory.
    const mockUdp = mock && options.protocol === undefined;
    if (mockUdp) origins.protocol = { source: 'default', origin: 'default (mock)' };
    const { config } = finishConfig(mockUdp ? { ...resolved, protocol: 'udp' } : resolved, origins, CALLER);
    const counts = {
      sentBatches: 0,
      sentMetrics: 0,
      sentValues: 0,
      droppedBatches: 0,
      droppedMetrics: 0,
      droppedValues: 0,
      failedBatches: 0,
      failedMetrics: 0,
      failedValues: 0,
      retries: 0,
      rejectedMetrics: 0,
      invalidMetrics: 0,
    };
    // `this` is not usable before super(): the context calls through a slot filled in after it.
    const report = { invalid: (_metric: string, _problem: string): void => undefined };
    const ctx: RecorderContext = {
      gaugeDeltaRefused: gaugeDeltaRefusal(resolved.transport, mock, config.protocol),
      prefix: config.prefix,
      globalTags: config.tags,
      defaultRate: config.sampleRate,
      maxBatchSize: config.maxBatchSize,
      reportInvalid: (metric, problem) => report.invalid(metric, problem),
      reportClosed: () => {
        counts.invalidMetrics++;
      },
    };
    super(ctx);
    report.invalid = (metric, problem) => this.reportInvalid(metric, problem);
    this.#config = config;
    this.#counts = counts;
    this.#onError = resolved.onError;
    this.#oneValuePerLine = (options as { readonly [ONE_VALUE_PER_LINE]?: boolean })[ONE_VALUE_PER_LINE] === true;
    this.#transport =
      resolved.transport ??
      (mock ? new InMemoryTransport() : createTransport(config, resolved.tlsOptions, { oneValuePerLine: this.#oneValuePerLine }));
    this.protocol = resolved.transport || mock ? this.#transport.protocol : config.protocol;
    this.prefix = config.prefix;
    this.#queue = new SendQueue(this.#transport, config, counts, {
      delivered: (_batch, _rejected, refused) => this.onDelivered(refused),
      failed: (error, batch) => this.onFailed(error, batch),
    });
    if (config.flushIntervalMs > 0) {
      this.#timer = setInterval(() => this.cut(), config.flushIntervalMs);
      this.#timer.unref();
    }
  }

  /** Where batches go, e.g. `http://127.0.0.1:8125/v1/batch` (never the secret). */
  get target(): string {
    return this.#transport.target;
  }

  /**
   * A pipeline: its metrics are aggregated apart and sent as one batch (or batch-sized parts) when
   * it ends. Its batches wait for room in the queue while the receiver keeps pace, so a burst of
   * any size is not dropped.
   * - `await client.pipeline(pipe => { ... })`: sync or async body; sent when it returns or settles
   *   (even if it throws); resolves to what the body returns once its values are delivered or given
   *   up. A sync body that throws throws at once (after sending what it recorded).
   * - `using pipe = client.pipeline()`: sent when the block exits.
   * - `await using pipe = client.pipeline()`: sent when the block exits, and awaited.
   */
  pipeline(): Pipeline;
  /**
   * Runs `body` with a fresh pipeline and sends it when `body` returns or settles; the promise resolves
   * to what `body` returns once that delivery is done (or rejects with what `body` threw).
   */
  pipeline<R>(body: (pipe: Pipeline) => R): Promise<Awaited<R>>;
  pipeline<R>(body?: (pipe: Pipeline) => R): Pipeline | Promise<Awaited<R>> {
    const pipe = new Pipeline(this.ctx, (chunks) => this.submit(chunks, true));
    if (body === undefined) return pipe;
    // The pipeline is sent when the body ends, either way; the promise settles after that delivery.
    let sent: Promise<void> = Promise.resolve();
    const send = (): void => {
      sent = pipe.send();
    };
    const result = runSettled(() => body(pipe), send, send);
    return Promise.resolve(result).finally(() => sent);
  }

  /**
   * A view of this client with its own prefix, suffix and tags (hot-shots' `childClient`), sharing
   * this client's buffer, queue and transport.
   */
  childClient(options: ChildClientOptions = {}): ChildClient {
    return new ChildClient(this, options);
  }

  /**
   * A DogStatsD event (flavour `dogstatsd` over udp, tcp or uds), sent at once. Elsewhere, or with an
   * unusable title, the call is dropped, counted and reported as an invalid metric.
   */
  event(title: string, text = '', options: EventOptions = {}, tags?: TagsInput): void {
    this.sendDogLine('event', (t) => encodeEvent(title, text, options, t), tags);
  }

  /** A DogStatsD service check, status 0 ok, 1 warning, 2 critical, 3 unknown (flavour `dogstatsd`). */
  check(name: string, status: 0 | 1 | 2 | 3, options: CheckOptions = {}, tags?: TagsInput): void {
    this.sendDogLine('check', (t) => encodeCheck(name, status, options, t), tags);
  }

  /** With `mock: true`: every StatsD line delivered so far (hot-shots' `mockBuffer`). */
  get mockBuffer(): string[] {
    const t = this.#transport;
    if (!(t instanceof InMemoryTransport)) return [];
    return [...this.#mockLines, ...encodeStatsdLines(t.metrics, this.#config.flavour, 65_536, [], this.#oneValuePerLine)];
  }

  private sendDogLine(what: 'event' | 'check', encode: (tags: Tags | undefined) => string | undefined, tags: TagsInput | undefined): void {
    try {
      if (this.closedForRecording) return this.reportInvalid(what, 'the client is closed');
      const t = this.#transport;
      const dog = this.#config.flavour === 'dogstatsd' && (t instanceof StatsdTransport || t instanceof InMemoryTransport);
      if (!dog) return this.reportInvalid(what, `DogStatsD ${what}s need flavour dogstatsd over udp, tcp or uds`);
      const own = tags === undefined ? undefined : tagsToObject(tags);
      if (typeof own === 'string') return this.reportInvalid(what, own);
      const merged = own === undefined ? this.#config.tags : { ...this.#config.tags, ...own };
      const problem = merged === undefined ? undefined : checkStatsdSafeTags(merged);
      if (problem) return this.reportInvalid(what, problem);
      const line = encode(merged);
      if (line === undefined) return this.reportInvalid(what, `the ${what} has no usable ${what === 'event' ? 'title' : 'name or status'}`);
      if (t instanceof InMemoryTransport) {
        this.#mockLines.push(line);
        return;
      }
      void t.sendLines([line]).then(
        (result) => {
          if (result.ok) this.#counts.sentValues++;
          else {
            this.#counts.failedValues++;
            this.onFailed(result.error, { seq: 0, metrics: [], size: 1 });
          }
        },
        () => undefined,
      );
    } catch (error) {
      this.reportInvalid(what, `sending failed: ${errorText(error)}`);
    }
  }

  /**
   * Registers a function run before every flush, to record figures aggregated elsewhere (the
   * StatsDMonitor does). Returns a function that unregisters it.
   */
  onBeforeFlush(collector: () => void): () => void {
    this.#collectors.add(collector);
    return () => this.#collectors.delete(collector);
  }

  /** Sends what is buffered now; resolves when it (and everything queued before) is delivered or given up. Never rejects. */
  flush(): Promise<void> {
    this.cut();
    return this.#queue.settled(this.#seq);
  }

  /** Moves the buffer to the queue without waiting. */
  private cut(): void {
    this.runCollectors();
    if (!this.isEmpty()) this.enqueue(this.drain(), false);
  }

  /**
   * Flushes, waits for delivery or give-up, and releases sockets; resolves within `closeTimeoutMs`
   * (what is still undelivered then is dropped and counted). Later metric calls are dropped and counted.
   * A second call returns the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.shutDown();
    return this.#closing;
  }

  private async shutDown(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.runCollectors();
    const chunks = this.isEmpty() ? [] : this.drain();
    this.closedForRecording = true;
    const { timedOut } = await settleWithin(this.submit(chunks), this.#config.closeTimeoutMs);
    if (timedOut) this.#queue.abandon(`the client closed (closeTimeoutMs ${this.#config.closeTimeoutMs})`);
    this.#queue.close();
    this.logOutageCost();
    try {
      await this.#transport.close();
    } catch (error) {
      log.debug('closing the transport failed', { error: errorText(error) });
    }
  }

  /** Closed during an outage: the line that would have ended it says what it cost. */
  private logOutageCost(): void {
    const dropped = this.#counts.droppedValues - this.#droppedAtOutage;
    if (this.#loggedKinds.size > 0 && dropped > 0) {
      log.warn(
        `stats client closed while delivery to ${this.#transport.target} was failing; ${dropped} values were dropped during the outage`,
        { droppedValues: dropped },
      );
    }
  }

  /** `await using client = new StatsClient(...)`: closes the client. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Counts since the client started: batches and metrics sent, dropped, failed, rejected, retries, and the
   * queue's length.
   */
  stats(): StatsClientStats {
    const c = this.#counts;
    return {
      sentBatches: c.sentBatches,
      sentMetrics: c.sentMetrics,
      sentValues: c.sentValues,
      droppedBatches: c.droppedBatches,
      droppedMetrics: c.droppedMetrics,
      droppedValues: c.droppedValues,
      failedBatches: c.failedBatches,
      failedMetrics: c.failedMetrics,
      failedValues: c.failedValues,
      invalidMetrics: c.invalidMetrics,
      rejectedMetrics: c.rejectedMetrics,
      retries: c.retries,
      queuedBatches: this.#queue.length,
      queuedBytes: this.#queue.bytes,
    };
  }

  /** Cuts a batch when the buffer holds `maxBatchSize` samples (counters and gauges wait for the flush). */
  protected onFull(): void {
    this.enqueue(this.takeFull(), false);
  }

  private runCollectors(): void {
    for (const collect of this.#collectors) {
      try {
        collect();
      } catch (error) {
        log.debug('a flush collector threw; ignored', { error: errorText(error) });
      }
    }
  }

  /** Queues chunks as batches; resolves when they and every earlier batch are settled. */
  private submit(chunks: readonly RecordChunk[], wait = false): Promise<void> {
    this.enqueue(chunks, wait);
    return this.#queue.settled(this.#seq);
  }

  /** `wait`: a pipeline's batches wait for room rather than push older ones out. */
  private enqueue(chunks: readonly RecordChunk[], wait: boolean): void {
    for (const chunk of chunks) this.#queue.push(makeBatch(++this.#seq, chunk.metrics, chunk.counts), wait);
  }

  private reportInvalid(given: string, problem: string): void {
    this.#counts.invalidMetrics++;
    const metric = givenName(given);
    if (this.#invalidNames.admit(metric) < 0) return;
    const error = new InvalidMetricError(metric, problem);
    log.warn(error.message, { metric });
    this.callOnError(error);
  }

  private onDelivered(refused?: StatsTransportError): void {
    if (refused) {
      // Once per distinct first refusal: a metric refused at every flush logs one line, onError hears each.
      if (this.#refusals.admit(refused.message.slice(0, 300)) >= 0) log.warn(refused.message, { target: this.#transport.target });
      this.callOnError(refused);
    }
    if (this.#loggedKinds.size > 0) {
      const dropped = this.#counts.droppedValues - this.#droppedAtOutage;
      const lost = dropped > 0 ? `; ${dropped} values were dropped during the outage` : '';
      log.info(`stats delivery to ${this.#transport.target} works again${lost}`, dropped > 0 ? { droppedValues: dropped } : {});
      this.#loggedKinds.clear();
    }
  }

  private onFailed(error: StatsTransportError, batch: Batch): void {
    // Once per kind until delivery works again: an outage logs a line, not a line per retry.
    if (this.#loggedKinds.size === 0) this.#droppedAtOutage = this.#counts.droppedValues - (error.kind === 'dropped' ? batch.size : 0);
    if (!this.#loggedKinds.has(error.kind)) {
      this.#loggedKinds.add(error.kind);
      const fields = { kind: error.kind, target: this.#transport.target, ...(error.status === undefined ? {} : { status: error.status }) };
      if (error.kind === 'auth')
        log.error(`stats authentication failed: ${error.message}; batches are dropped until this is fixed`, fields);
      else log.warn(`stats delivery problem (${error.kind}): ${error.message}${error.retryable ? '; retrying' : ''}`, fields);
    } else if (log.isEnabled('debug')) {
      log.debug(`stats delivery problem (${error.kind}): ${error.message}`);
    }
    this.callOnError(error);
  }

  private callOnError(error: StatsError): void {
    if (!this.#onError) return;
    try {
      this.#onError(error);
    } catch {
      // The user's handler must not break the client either.
    }
  }

  /** A one-line summary: protocol, target and prefix (never the secret). */
  override toString(): string {
    return `StatsClient(${this.#transport.target}${this.prefix ? `, prefix ${this.prefix}` : ''}${this.#config.secret === undefined ? '' : ', secret <redacted>'})`;
  }

  /** The client's settings (the secret redacted) and counts: what `JSON.stringify` prints. */
  toJSON(): Record<string, unknown> {
    return { target: this.#transport.target, ...describeConfig(this.#config) };
  }

  /** What `console.log` and `util.inspect` print: as `toJSON()`. */
  [inspect.custom](): string {
    return `StatsClient ${inspect(this.toJSON())}`;
  }
}
