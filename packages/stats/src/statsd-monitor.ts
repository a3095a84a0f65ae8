// StatsDMonitor: a Sensor that counts stream activity in plain fields and hands the figures to a
// stats client when it flushes, so an event costs an increment, not a metric call.
import type { SensorState } from '@sightline/core';
import { resolveOptions, type CompleteSensor } from '@sightline/core/internal';
import type { MetricCallOptions } from './metric-recorder.js';
import { STATSD_MONITOR_SHAPE, statsOptionsError, type StatsDMonitorOptions } from './options.js';

const CALLER = 'new StatsDMonitor()';

/** What the monitor needs of a client. */
export interface MonitorClient {
  /** Adds to a counter. */
  incr(name: string, value?: number, options?: MetricCallOptions): void;
  /** Sets a gauge. */
  gauge(name: string, value: number, options?: MetricCallOptions): void;
  /** Records a duration, in milliseconds. */
  time(name: string, ms: number, options?: MetricCallOptions): void;
  /** Runs `collector` before each flush; returns a function that unregisters it. */
  onBeforeFlush(collector: () => void): () => void;
}

class Samples {
  readonly values: number[] = [];
  overflow = 0;
  constructor(private readonly max: number) {}
  add(ms: number): void {
    if (this.values.length < this.max) this.values.push(ms);
    else this.overflow++;
  }
}

interface TopicCounts {
  readonly options: MetricCallOptions;
  in: number;
  out: number;
}

const TOTALS = [
  'messagesReceived',
  'messagesSent',
  'eventsIn',
  'eventsOut',
  'tableGets',
  'tableSets',
  'tableDels',
  'tableContains',
  'commits',
  'sends',
  'sendErrors',
  'assignments',
  'assignmentErrors',
  'rebalances',
  'topicBufferFull',
] as const;
type Total = (typeof TOTALS)[number];

const NAMES: Readonly<Record<Total, string>> = {
  messagesReceived: 'messages_received',
  messagesSent: 'messages_sent',
  eventsIn: 'events_in',
  eventsOut: 'events',
  tableGets: 'table.get',
  tableSets: 'table.set',
  tableDels: 'table.del',
  tableContains: 'table.contains',
  commits: 'commits',
  sends: 'sends',
  sendErrors: 'send_errors',
  assignments: 'assignments',
  assignmentErrors: 'assignment_errors',
  rebalances: 'rebalances',
  topicBufferFull: 'topic_buffer_full',
};

/**
 * A stream sensor that counts messages, events, table operations, commits, sends, assignments and rebalances
 * in plain fields and hands the figures to a stats client before each flush (`<prefix>.messages_received`,
 * `<prefix>.commit_latency`, ...), so an event costs an increment, not a metric call.
 */
export class StatsDMonitor implements CompleteSensor {
  private readonly prefix: string;
  private readonly maxTopics: number;
  /** Cumulative totals since start. */
  private readonly totals: Record<Total, number>;
  /** Totals already handed to the client. */
  private readonly reported: Record<Total, number>;
  private readonly topics = new Map<string, TopicCounts>();
  private readonly eventLatency: Samples;
  private readonly commitLatency: Samples;
  private readonly sendLatency: Samples;
  private droppedSamples = 0;
  private lastActive = 0;
  private readonly unregister: () => void;
  private closed: Promise<void> | undefined;

  /** Starts counting and registers with `client.onBeforeFlush`; `close()` unregisters. */
  constructor(
    private readonly client: MonitorClient,
    options: StatsDMonitorOptions = {},
  ) {
    const resolved = resolveOptions(STATSD_MONITOR_SHAPE, options, { source: CALLER, error: statsOptionsError(CALLER) });
    this.prefix = resolved.prefix;
    this.maxTopics = resolved.maxTopics;
    const max = resolved.maxSamplesPerFlush;
    this.totals = Object.fromEntries(TOTALS.map((t) => [t, 0])) as Record<Total, number>;
    this.reported = { ...this.totals };
    this.eventLatency = new Samples(max);
    this.commitLatency = new Samples(max);
    this.sendLatency = new Samples(max);
    this.unregister = client.onBeforeFlush(() => this.report());
  }

  private topic(tp: string): TopicCounts | undefined {
    let t = this.topics.get(tp);
    if (t === undefined && this.topics.size < this.maxTopics) {
      t = { options: Object.freeze({ tags: Object.freeze({ topic: String(tp).replace(/[|,#\n\r]/g, '_') }) }), in: 0, out: 0 };
      this.topics.set(tp, t);
    }
    return t;
  }

  /** A message received: `<prefix>.messages_received`, and per topic-partition (up to `maxTopics`) `<prefix>.topic.messages_received{topic}`. */
  onMessageIn(tp: string, _offset?: number, _message?: unknown): void {
    this.totals.messagesReceived++;
    const t = this.topic(tp);
    if (t) t.in++;
  }

  /** A message sent: `<prefix>.messages_sent`, and per topic-partition `<prefix>.topic.messages_sent{topic}`. */
  onMessageOut(tp: string, _offset?: number, _message?: unknown): void {
    this.totals.messagesSent++;
    const t = this.topic(tp);
    if (t) t.out++;
  }

  /** An event entering a stream: `<prefix>.events_in`; returns its start time for `onStreamEventOut`. */
  onStreamEventIn(_tp?: string, _offset?: number, _stream?: unknown, _event?: unknown): number {
    this.totals.eventsIn++;
    return performance.now();
  }

  /** An event leaving a stream: `<prefix>.events`, its latency in `<prefix>.event_latency`; `<prefix>.events_active` is in minus out. */
  onStreamEventOut(_tp: string, _offset: number, _stream: unknown, _event: unknown, state?: SensorState): void {
    this.totals.eventsOut++;
    if (typeof state === 'number') this.eventLatency.add(performance.now() - state);
  }

  /** A table read: `<prefix>.table.get`. */
  onTableGet(_table?: unknown, _key?: unknown): void {
    this.totals.tableGets++;
  }

  /** A table write: `<prefix>.table.set`. */
  onTableSet(_table?: unknown, _key?: unknown, _value?: unknown): void {
    this.totals.tableSets++;
  }

  /** A table deletion: `<prefix>.table.del`. */
  onTableDel(_table?: unknown, _key?: unknown): void {
    this.totals.tableDels++;
  }

  /** A table membership test: `<prefix>.table.contains`. */
  onTableContains(_table?: unknown, _key?: unknown): void {
    this.totals.tableContains++;
  }

  /** A partition assignment starts; returns its start time. */
  onAssignmentStart(_assignor?: unknown): number {
    return performance.now();
  }

  /** A partition assignment done: `<prefix>.assignments`. */
  onAssignmentCompleted(_assignor?: unknown, _state?: SensorState): void {
    this.totals.assignments++;
  }

  /** A partition assignment failed: `<prefix>.assignment_errors`. */
  onAssignmentError(_assignor?: unknown, _error?: unknown, _state?: SensorState): void {
    this.totals.assignmentErrors++;
  }

  /** A rebalance starts: `<prefix>.rebalances`; returns its start time. */
  onRebalanceStart(_app?: unknown): number {
    this.totals.rebalances++;
    return performance.now();
  }

  /** Not counted: rebalances are counted at their start. */
  onRebalanceReturn(_app?: unknown, _state?: SensorState): void {}

  /** Not counted: rebalances are counted at their start. */
  onRebalanceEnd(_app?: unknown, _state?: SensorState): void {}

  /** A topic buffer found full: `<prefix>.topic_buffer_full`. */
  onTopicBufferFull(_tp?: string): void {
    this.totals.topicBufferFull++;
  }

  /** An offset commit starts; returns its start time. */
  onCommitInitiated(_consumer?: unknown): number {
    return performance.now();
  }

  /** A commit done: `<prefix>.commits`, its latency in `<prefix>.commit_latency`. */
  onCommitCompleted(_consumer: unknown, state: SensorState): void {
    this.totals.commits++;
    if (typeof state === 'number') this.commitLatency.add(performance.now() - state);
  }

  /** A send starts; returns its start time. */
  onSendInitiated(_producer?: unknown, _topic?: string, _message?: unknown): number {
    return performance.now();
  }

  /** A send done: `<prefix>.sends`, its latency in `<prefix>.send_latency`. */
  onSendCompleted(_producer: unknown, state: SensorState): void {
    this.totals.sends++;
    if (typeof state === 'number') this.sendLatency.add(performance.now() - state);
  }

  /** A send failed: `<prefix>.send_errors`, its latency in `<prefix>.send_latency`. */
  onSendError(_producer: unknown, _error: unknown, state: SensorState): void {
    this.totals.sendErrors++;
    if (typeof state === 'number') this.sendLatency.add(performance.now() - state);
  }

  /** Hands what happened since the last flush to the client (run by the client before it flushes). */
  report(): void {
    const p = this.prefix;
    for (const t of TOTALS) {
      const delta = this.totals[t] - this.reported[t];
      if (delta !== 0) this.client.incr(`${p}.${NAMES[t]}`, delta);
      this.reported[t] = this.totals[t];
    }
    const active = this.totals.eventsIn - this.totals.eventsOut;
    if (active !== this.lastActive) this.client.gauge(`${p}.events_active`, active);
    this.lastActive = active;
    for (const t of this.topics.values()) {
      if (t.in) this.client.incr(`${p}.topic.messages_received`, t.in, t.options);
      if (t.out) this.client.incr(`${p}.topic.messages_sent`, t.out, t.options);
      t.in = 0;
      t.out = 0;
    }
    const flushSamples = (name: string, s: Samples): void => {
      for (const v of s.values) this.client.time(`${p}.${name}`, v);
      s.values.length = 0;
      this.droppedSamples += s.overflow;
      s.overflow = 0;
    };
    flushSamples('event_latency', this.eventLatency);
    flushSamples('commit_latency', this.commitLatency);
    flushSamples('send_latency', this.sendLatency);
  }

  /** Cumulative totals, for the JSON /metrics fallback and tests. */
  asDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const t of TOTALS) out[NAMES[t]] = this.totals[t];
    out.events_active = this.totals.eventsIn - this.totals.eventsOut;
    out.latency_samples_dropped =
      this.droppedSamples + this.eventLatency.overflow + this.commitLatency.overflow + this.sendLatency.overflow;
    return out;
  }

  /**
   * Stops reporting through the client: figures counted after it are never sent. Close the client
   * first to have it send the last ones. A second call returns the same promise.
   */
  close(): Promise<void> {
    if (this.closed === undefined) {
      this.unregister();
      this.closed = Promise.resolve();
    }
    return this.closed;
  }

  /** `await using monitor = new StatsDMonitor(client)`: closes the monitor. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
