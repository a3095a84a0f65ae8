// StatsDMonitor: a Monitor (the read API: totals, rates, latencies) that also hands what changed to a
// stats client before each flush, so an event costs the Monitor's field updates, not a metric call.
import type { SensorState } from '@sightline/core';
import { Monitor } from '@sightline/sensors';
import type { Shape } from '@sightline/core/internal';
import { StatsConfigError } from './errors.js';
import type { MetricCallOptions } from './metric-recorder.js';
import { STATSD_MONITOR_CTOR_SHAPE, type StatsDMonitorOptions } from './options.js';
import { StatsClient } from './stats-client.js';

const CALLER = 'new StatsDMonitor()';

/** What the monitor needs of a client. */
export interface MonitorClient {
  /** Adds to a counter. */
  incr(name: string, value?: number, options?: MetricCallOptions): void;
  /** Sets a gauge. */
  gauge(name: string, value: number, options?: MetricCallOptions): void;
  /** Records a duration, in milliseconds. */
  time(name: string, ms: number, options?: MetricCallOptions): void;
  /** Records a histogram value. */
  histogram(name: string, value: number, options?: MetricCallOptions): void;
  /** Records a distribution value (DogStatsD `|d`). */
  distribution(name: string, value: number, options?: MetricCallOptions): void;
  /** Counts a unique member of a set. */
  set(name: string, member: string | number, options?: MetricCallOptions): void;
  /** Runs `collector` before each flush; returns a function that unregisters it. */
  onBeforeFlush(collector: () => void): () => void;
  /** Flushes and closes; called by `close()` only for the client the monitor made itself. */
  close?(): Promise<void>;
}

/** A StatsD type for `sendMetric`: counter, gauge, timer (ms), histogram, distribution or set. */
export type StatsDMetricType = 'c' | 'g' | 'ms' | 'h' | 'd' | 's';

class Samples {
  readonly values: number[] = [];
  overflow = 0;
  constructor(private readonly max: number) {}
  add(ms: number): void {
    if (this.values.length < this.max) this.values.push(ms);
    else this.overflow++;
  }
}

interface TopicReported {
  readonly options: MetricCallOptions;
  in: number;
  out: number;
}

type Reader = (m: StatsDMonitor) => number;

// Each counter sent, and the public read method it comes from.
const TOTALS: ReadonlyArray<readonly [name: string, read: Reader]> = [
  ['messages_received', (m) => m.messagesReceivedTotal()],
  ['messages_sent', (m) => m.messagesSentTotal()],
  ['events_in', (m) => m.eventsTotal()],
  ['events', (m) => m.eventsTotal() - m.eventsActive()],
  ['table.get', (m) => m.tablesGetTotal()],
  ['table.set', (m) => m.tablesSetTotal()],
  ['table.del', (m) => m.tablesDelTotal()],
  ['table.contains', (m) => m.tablesContainsTotal()],
  ['commits', (m) => m.commitsTotal()],
  ['sends', (m) => m.sendsTotal()],
  ['send_errors', (m) => m.sendErrorsTotal()],
  ['assignments', (m) => m.assignmentsCompletedTotal()],
  ['assignment_errors', (m) => m.assignmentErrorTotal()],
  ['rebalances', (m) => m.rebalancesTotal()],
  ['topic_buffer_full', (m) => m.topicBufferFullTotal()],
];

const isClient = (v: unknown): v is MonitorClient =>
  typeof v === 'object' && v !== null && typeof (v as { onBeforeFlush?: unknown }).onBeforeFlush === 'function';

/**
 * A Monitor whose figures also go to StatsD (or a Sightline stats server): everything a Monitor reads
 * (`messagesReceivedTotal()`, `eventsPerSecond()`, `commitLatencyAvg()`...), and before each flush of
 * its client the counts since the last one (`<prefix>.messages_received`...), latency samples as timers
 * (`<prefix>.commit_latency`...) and `<prefix>.events_active`.
 *
 * `new StatsDMonitor(client, options)` reports through your client; with `host`, `port` and `prefix`
 * options and no client it makes a StatsD UDP client of its own, which `close()` flushes and closes.
 */
export class StatsDMonitor extends Monitor {
  /** The options shape, for core's options rule: a Monitor's, the StatsD ones, and host/port. */
  static override readonly optionsShape: Shape = STATSD_MONITOR_CTOR_SHAPE;

  /** The client the figures go to (the monitor's own in the host/port form). */
  readonly client: MonitorClient;
  /** The name prefix, under the client's own prefix (`stream` unless given). */
  readonly prefix: string;
  private readonly ownsClient: boolean;
  private readonly maxTopics: number;
  /** Totals already handed to the client, in the order of TOTALS. */
  private readonly reported: number[] = TOTALS.map(() => 0);
  private readonly topicsReported = new Map<string, TopicReported>();
  private readonly eventLatency: Samples;
  private readonly commitLatencySamples: Samples;
  private readonly sendLatencySamples: Samples;
  private droppedSamples = 0;
  private lastActive = 0;
  private readonly unregister: () => void;
  private closingStats: Promise<void> | undefined;

  /** Reports through `client`; `host` and `port` are then not allowed. */
  constructor(client: MonitorClient, options?: StatsDMonitorOptions);
  /** Reports over StatsD UDP to `host:port` (default `127.0.0.1:8125`) through a client of its own. */
  constructor(options?: StatsDMonitorOptions);
  constructor(clientOrOptions?: MonitorClient | StatsDMonitorOptions, maybeOptions: StatsDMonitorOptions = {}) {
    const given = isClient(clientOrOptions) ? clientOrOptions : undefined;
    const options = given ? maybeOptions : ((clientOrOptions as StatsDMonitorOptions | undefined) ?? {});
    // Monitor's constructor checks every option against the whole shape (unknown keys, ranges).
    super(options);
    const { host, port } = options;
    if (given && (host !== undefined || port !== undefined)) {
      const setting = host !== undefined ? 'host' : 'port';
      throw new StatsConfigError(
        setting,
        'options',
        CALLER,
        "host and port make a client of the monitor's own: leave them out when passing a client",
      );
    }
    const o = this.resolvedOptions as { prefix: string; maxSamplesPerFlush: number; maxTopics: number };
    this.ownsClient = given === undefined;
    this.client =
      given ??
      new StatsClient({
        protocol: 'udp',
        ...(host !== undefined ? { destHost: host } : {}),
        ...(port !== undefined ? { destPort: port } : {}),
      });
    this.prefix = o.prefix;
    this.maxTopics = o.maxTopics;
    this.eventLatency = new Samples(o.maxSamplesPerFlush);
    this.commitLatencySamples = new Samples(o.maxSamplesPerFlush);
    this.sendLatencySamples = new Samples(o.maxSamplesPerFlush);
    this.unregister = this.client.onBeforeFlush(() => this.report());
  }

  /** The latency since `state` into `samples`, when the Monitor counted the closing event (`after` moved) and `state` is a start time. */
  private addSample(samples: Samples, before: number, after: number, state: SensorState): void {
    if (after === before || typeof state !== 'number') return;
    const ms = this.clock.now() - state;
    if (ms >= 0 && ms < Infinity) samples.add(ms);
  }

  /** A stream event finished, as a Monitor counts it; a timed one's run time is also a `<prefix>.event_latency` sample. */
  override onStreamEventOut(tp: string, offset: number, stream: unknown, event: unknown, state?: SensorState): void {
    const before = this.eventsActive();
    super.onStreamEventOut(tp, offset, stream, event, state);
    this.addSample(this.eventLatency, before, this.eventsActive(), state);
  }

  /** A commit finished, as a Monitor counts it; its latency is also a `<prefix>.commit_latency` sample. */
  override onCommitCompleted(consumer: unknown, state: SensorState): void {
    const before = this.commitsTotal();
    super.onCommitCompleted(consumer, state);
    this.addSample(this.commitLatencySamples, before, this.commitsTotal(), state);
  }

  /** A send finished, as a Monitor counts it; its latency is also a `<prefix>.send_latency` sample. */
  override onSendCompleted(producer: unknown, state: SensorState): void {
    const before = this.sendsTotal();
    super.onSendCompleted(producer, state);
    this.addSample(this.sendLatencySamples, before, this.sendsTotal(), state);
  }

  /** A send failed, as a Monitor counts it; its latency is also a `<prefix>.send_latency` sample. */
  override onSendError(producer: unknown, error: unknown, state: SensorState): void {
    const before = this.sendErrorsTotal();
    super.onSendError(producer, error, state);
    this.addSample(this.sendLatencySamples, before, this.sendErrorsTotal(), state);
  }

  /**
   * Sends one metric under the monitor's prefix (`<prefix>.<name>`), as Faust's `send_metric`: `c` counter, `g` gauge, `ms` timer, `h` histogram, `d` distribution, `s` set.
   * A bad name or value is dropped and reported by the client, as every metric call is.
   */
  sendMetric(name: string, value: number | string, metricType: StatsDMetricType): void {
    const full = `${this.prefix}.${name}`;
    const c = this.client;
    if (metricType === 's') return c.set(full, value);
    const n = typeof value === 'number' ? value : Number(value);
    switch (metricType) {
      case 'c':
        return c.incr(full, n);
      case 'g':
        return c.gauge(full, n);
      case 'ms':
        return c.time(full, n);
      case 'h':
        return c.histogram(full, n);
      case 'd':
        return c.distribution(full, n);
      default:
        throw new StatsConfigError(
          'metricType',
          'options',
          'StatsDMonitor.sendMetric()',
          `expected one of c, g, ms, h, d, s, got ${JSON.stringify(metricType)}`,
        );
    }
  }

  /** Hands what happened since the last flush to the client (run by the client before it flushes). */
  report(): void {
    const p = this.prefix;
    const c = this.client;
    for (let i = 0; i < TOTALS.length; i++) {
      const [name, read] = TOTALS[i]!;
      const now = read(this);
      const delta = now - this.reported[i]!;
      if (delta !== 0) c.incr(`${p}.${name}`, delta);
      this.reported[i] = now;
    }
    const active = this.eventsActive();
    if (active !== this.lastActive) c.gauge(`${p}.events_active`, active);
    this.lastActive = active;
    for (const [tp, s] of this.topicPartitions()) {
      let t = this.topicsReported.get(tp);
      if (t === undefined) {
        if (this.topicsReported.size >= this.maxTopics) continue;
        t = { options: Object.freeze({ tags: Object.freeze({ topic: tp.replace(/[|,#\n\r]/g, '_') }) }), in: 0, out: 0 };
        this.topicsReported.set(tp, t);
      }
      if (s.messagesReceived !== t.in) c.incr(`${p}.topic.messages_received`, s.messagesReceived - t.in, t.options);
      if (s.messagesSent !== t.out) c.incr(`${p}.topic.messages_sent`, s.messagesSent - t.out, t.options);
      t.in = s.messagesReceived;
      t.out = s.messagesSent;
    }
    const flushSamples = (name: string, s: Samples): void => {
      for (const v of s.values) c.time(`${p}.${name}`, v);
      s.values.length = 0;
      this.droppedSamples += s.overflow;
      s.overflow = 0;
    };
    flushSamples('event_latency', this.eventLatency);
    flushSamples('commit_latency', this.commitLatencySamples);
    flushSamples('send_latency', this.sendLatencySamples);
  }

  /** Latency samples not sent for being past `maxSamplesPerFlush` in one flush, since start. */
  latencySamplesDroppedTotal(): number {
    return this.droppedSamples + this.eventLatency.overflow + this.commitLatencySamples.overflow + this.sendLatencySamples.overflow;
  }

  /** A Monitor's figures, and `latency_samples_dropped`. */
  override asDict(): Record<string, unknown> {
    return { ...super.asDict(), latency_samples_dropped: this.latencySamplesDroppedTotal() };
  }

  /**
   * Stops reporting: with a client of its own, flushes it (the last figures go out) and closes it first;
   * with yours, figures counted after it are never sent (close your client first to send the last
   * ones). The figures stay readable. A second call returns the same promise.
   */
  override close(): Promise<void> {
    this.closingStats ??= (async () => {
      if (this.ownsClient) await this.client.close?.();
      this.unregister();
      await super.close();
    })();
    return this.closingStats;
  }
}
