// Monitor: totals, rates, latencies and per-partition figures of a message-processing loop. Events
// land in plain numeric fields, fixed rings and one record per topic-partition; rates, averages and
// maxima are computed when read.
import { getLogger, type SensorState } from '@sightline/core';
import { describeValue, type ResolvedOf, type SensorEventName, type Shape } from '@sightline/core/internal';
import { type Clock } from './clock.js';
import { MONITOR_SHAPE, resolveSensorOptions, type MonitorOptions } from './options.js';
import { RingBuffer } from './ring-buffer.js';
import { BaseSensor } from './base-sensor.js';
import { SlidingWindow } from './sliding-window.js';
import { TopicPartitionRecord, type TopicPartitionStats } from './topic-partition-stats.js';

// Indexes of the totals the sliding window snapshots.
const RECEIVED = 0;
const SENT = 1;
const EVENTS = 2;
const SENDS_FINISHED = 3;
const SEND_ERRORS = 4;
const WINDOW_WIDTH = 5;

const log = getLogger('sightline.sensors.monitor');

/** A usable offset: a finite number, at least 0 (NaN, Infinity, -1 and non-numbers are not). */
export const isOffset = (offset: unknown): offset is number => typeof offset === 'number' && offset >= 0 && offset < Infinity;

const byTp = (
  map: ReadonlyMap<string, TopicPartitionRecord>,
  pick: (s: TopicPartitionRecord) => number,
  keep: (v: number) => boolean = () => true,
): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [tp, s] of map) {
    const v = pick(s);
    if (keep(v)) out[tp] = v;
  }
  return out;
};

/**
 * Collects totals, rates, latencies and per-partition offsets from the sensor events it receives.
 * Rates need snapshots of the totals: `start()` takes one every `sampleIntervalMs` on an unref'd
 * timer until `close()`, and a rate read takes one when the last is older than that.
 */
export class Monitor extends BaseSensor {
  /**
   * The options this class accepts. A subclass with options of its own declares a shape extending
   * it, and reads them, defaults applied, from `resolvedOptions`.
   */
  static readonly optionsShape: Shape = MONITOR_SHAPE;

  /** The options this monitor runs with: its class's `optionsShape` applied to what it was given. */
  protected readonly resolvedOptions: Readonly<Record<string, unknown>>;

  /** The clock timings and rates are read from (option `clock`). */
  protected readonly clock: Clock;
  /** How often the rate window is sampled, in milliseconds (option `sampleIntervalMs`). */
  protected readonly sampleIntervalMs: number;

  // Totals. Plain fields so a subclass (an exporter) reads them at scrape time for free.
  /** Messages received, since start. */
  protected messagesReceivedCount = 0;
  /** Messages sent, since start. */
  protected messagesSentCount = 0;
  /** Events finished, since start. */
  protected eventsCount = 0;
  /** Events started and not finished, now. */
  protected eventsActiveCount = 0;
  /** Table reads, since start. */
  protected tableGetCount = 0;
  /** Table writes, since start. */
  protected tableSetCount = 0;
  /** Table deletions, since start. */
  protected tableDelCount = 0;
  /** Table membership tests, since start. */
  protected tableContainsCount = 0;
  /** Commits started, since start. */
  protected commitsInitiatedCount = 0;
  /** Commits finished, since start. */
  protected commitsCompletedCount = 0;
  /** Sends started, since start. */
  protected sendsInitiatedCount = 0;
  /** Sends finished, since start. */
  protected sendsCompletedCount = 0;
  /** Sends failed, since start. */
  protected sendErrorsCount = 0;
  /** Assignments finished, since start. */
  protected assignmentsCompletedCount = 0;
  /** Assignments failed, since start. */
  protected assignmentErrorsCount = 0;
  /** Rebalances started, since start. */
  protected rebalancesCount = 0;
  /** Rebalance callbacks returned, since start. */
  protected rebalancesReturnedCount = 0;
  /** Rebalances ended, since start. */
  protected rebalancesEndedCount = 0;
  /** Assignments started, since start. */
  protected assignmentsStartedCount = 0;
  /** Topic buffers found full, since start. */
  protected topicBufferFullCount = 0;
  /** Events whose partition was past `maxTopicPartitions`, counted in `overflowStats`. */
  protected untrackedTopicPartitionEventsCount = 0;
  /** Closing callbacks with no opening one outstanding (a commit completed twice): ignored. */
  protected unpairedEventsCount = 0;
  /** Closing callbacks whose state was not a start time at or before now: counted, latency not recorded. */
  protected invalidStatesCount = 0;
  /** Offsets that were not finite numbers \>= 0: the last good offset is kept. */
  protected invalidOffsetsCount = 0;

  // Bounded histories, in milliseconds.
  /** Recent commit latencies, in milliseconds (at most `maxCommitLatencyHistory`). */
  protected readonly commitLatency: RingBuffer;
  /** Recent send latencies, in milliseconds (at most `maxSendLatencyHistory`). */
  protected readonly sendLatency: RingBuffer;
  /** Recent event run times, in milliseconds (at most `maxAvgHistory`). */
  protected readonly eventRuntime: RingBuffer;
  /** Recent assignment latencies, in milliseconds (at most `maxAvgHistory`). */
  protected readonly assignmentLatency: RingBuffer;
  /** Recent times from rebalance start to its callback's return, in milliseconds. */
  protected readonly rebalanceReturnLatency: RingBuffer;
  /** Recent times from rebalance start to its end, in milliseconds. */
  protected readonly rebalanceEndLatency: RingBuffer;

  /** Figures per topic-partition, at most `maxTopicPartitions`. */
  protected readonly tpStats = new Map<string, TopicPartitionRecord>();
  /** Shared record for partitions past `maxTopicPartitions`. */
  protected readonly overflowStats = new TopicPartitionRecord('(untracked)');
  private readonly maxTopicPartitions: number;
  // Consumers mostly see one partition many times in a row: skip the map for a repeat.
  private lastTp: string | undefined;
  private lastTpStats: TopicPartitionRecord = this.overflowStats;

  private readonly timeEventsEvery: number;
  private untilTimedEvent: number;

  /** Samples of the counters over `rateWindowMs`, for the per-second rates. */
  protected readonly window: SlidingWindow;
  private readonly snapshot = new Float64Array(WINDOW_WIDTH);
  private lastSampleAt: number;
  private sampler: ReturnType<typeof setInterval> | undefined;
  private closing: Promise<void> | undefined;

  private readonly historySizes: { readonly avg: number; readonly commit: number; readonly send: number };

  constructor(options: MonitorOptions = {}) {
    super();
    const resolved = resolveSensorOptions(new.target.optionsShape, options, `new ${new.target.name}()`);
    this.resolvedOptions = resolved;
    const o = resolved as ResolvedOf<typeof MONITOR_SHAPE>;
    const maxAvgHistory = o.maxAvgHistory;
    const commit = o.maxCommitLatencyHistory;
    const send = o.maxSendLatencyHistory;
    this.sampleIntervalMs = o.sampleIntervalMs;
    this.timeEventsEvery = o.timeEventsEvery;
    this.untilTimedEvent = this.timeEventsEvery;
    this.maxTopicPartitions = o.maxTopicPartitions;
    this.clock = o.clock;
    this.historySizes = { avg: maxAvgHistory, commit, send };

    this.commitLatency = new RingBuffer(commit);
    this.sendLatency = new RingBuffer(send);
    this.eventRuntime = new RingBuffer(maxAvgHistory);
    this.assignmentLatency = new RingBuffer(maxAvgHistory);
    this.rebalanceReturnLatency = new RingBuffer(maxAvgHistory);
    this.rebalanceEndLatency = new RingBuffer(maxAvgHistory);
    // maxAvgHistory intervals need maxAvgHistory + 1 snapshots to span them.
    this.window = new SlidingWindow(maxAvgHistory + 1, WINDOW_WIDTH);
    this.lastSampleAt = this.clock.now();
    this.window.record(this.lastSampleAt, this.snapshot);
  }

  /** Event run times and assignment latencies kept for averages (option `maxAvgHistory`). */
  get maxAvgHistory(): number {
    return this.historySizes.avg;
  }
  /** Commit latencies kept (option `maxCommitLatencyHistory`). */
  get maxCommitLatencyHistory(): number {
    return this.historySizes.commit;
  }
  /** Send latencies kept (option `maxSendLatencyHistory`). */
  get maxSendLatencyHistory(): number {
    return this.historySizes.send;
  }

  // ---- events -----------------------------------------------------------------------------------

  /**
   * The record of topic-partition `tp`, created on first use (the shared overflow record past
   * `maxTopicPartitions`).
   */
  protected statsFor(tp: string): TopicPartitionRecord {
    if (tp === this.lastTp) return this.lastTpStats;
    let stats = this.tpStats.get(tp);
    if (stats === undefined) {
      if (this.tpStats.size >= this.maxTopicPartitions) {
        this.untrackedTopicPartitionEventsCount++;
        return this.overflowStats;
      }
      stats = new TopicPartitionRecord(tp);
      this.tpStats.set(tp, stats);
    }
    this.lastTp = tp;
    this.lastTpStats = stats;
    return stats;
  }

  /** A message received on `tp` at `offset`: counted in the totals and the partition's, which keeps the offset as its last read one. */
  override onMessageIn(tp: string, offset: number, _message: unknown): void {
    this.messagesReceivedCount++;
    const stats = this.statsFor(tp);
    stats.messagesReceived++;
    if (isOffset(offset)) stats.lastReadOffset = offset;
    else this.invalidOffset('onMessageIn', offset);
  }

  /**
   * A message acknowledged or produced on `tp` at `offset`: counted in the totals and the partition's,
   * which keeps the offset as its last sent one.
   */
  override onMessageOut(tp: string, offset: number, _message: unknown): void {
    this.messagesSentCount++;
    const stats = this.statsFor(tp);
    stats.messagesSent++;
    if (isOffset(offset)) stats.lastSentOffset = offset;
    else this.invalidOffset('onMessageOut', offset);
  }

  /** A stream event started: counted as active. Returns a start time for one event in `timeEventsEvery`, and nothing for the others. */
  override onStreamEventIn(_tp: string, _offset: number, _stream: unknown, _event: unknown): SensorState {
    this.eventsCount++;
    this.eventsActiveCount++;
    if (this.timeEventsEvery !== 0 && --this.untilTimedEvent === 0) {
      this.untilTimedEvent = this.timeEventsEvery;
      return this.clock.now();
    }
  }

  /** A stream event finished: no longer active; its run time is recorded when `state` is a start time. */
  override onStreamEventOut(_tp: string, _offset: number, _stream: unknown, _event: unknown, state?: SensorState): void {
    if (this.eventsActiveCount === 0) return this.unpaired('onStreamEventOut');
    this.eventsActiveCount--;
    // Most events are not timed: no state is no latency, not a bad one.
    if (state !== undefined) this.recordLatency(this.eventRuntime, 'onStreamEventOut', state);
  }

  /** A table read, counted in `tablesGetTotal()`. */
  override onTableGet(_table: unknown, _key: unknown): void {
    this.tableGetCount++;
  }
  /** A table write, counted in `tablesSetTotal()`. */
  override onTableSet(_table: unknown, _key: unknown, _value: unknown): void {
    this.tableSetCount++;
  }
  /** A table deletion, counted in `tablesDelTotal()`. */
  override onTableDel(_table: unknown, _key: unknown): void {
    this.tableDelCount++;
  }
  /** A table membership test, counted in `tablesContainsTotal()`. */
  override onTableContains(_table: unknown, _key: unknown): void {
    this.tableContainsCount++;
  }

  /** A consumer commit started; returns its start time, for the commit latency. */
  override onCommitInitiated(_consumer: unknown): number {
    this.commitsInitiatedCount++;
    return this.clock.now();
  }
  /** A consumer commit finished: counted, and its latency since `state` recorded. */
  override onCommitCompleted(_consumer: unknown, state: SensorState): void {
    if (this.commitsCompletedCount >= this.commitsInitiatedCount) return this.unpaired('onCommitCompleted');
    this.commitsCompletedCount++;
    this.recordLatency(this.commitLatency, 'onCommitCompleted', state);
  }

  /** A producer send started; returns its start time, for the send latency. */
  override onSendInitiated(_producer: unknown, _topic: string, _message: unknown): number {
    this.sendsInitiatedCount++;
    return this.clock.now();
  }
  /** A producer send finished: counted, and its latency since `state` recorded. */
  override onSendCompleted(_producer: unknown, state: SensorState): void {
    if (this.sendsCompletedCount + this.sendErrorsCount >= this.sendsInitiatedCount) return this.unpaired('onSendCompleted');
    this.sendsCompletedCount++;
    this.recordLatency(this.sendLatency, 'onSendCompleted', state);
  }
  /** A producer send failed: counted in `sendErrorsTotal()` and the error rate. */
  override onSendError(_producer: unknown, _error: unknown, _state: SensorState): void {
    if (this.sendsCompletedCount + this.sendErrorsCount >= this.sendsInitiatedCount) return this.unpaired('onSendError');
    this.sendErrorsCount++;
  }

  /** A partition assignment started; returns its start time, for the assignment latency. */
  override onAssignmentStart(_assignor: unknown): number {
    this.assignmentsStartedCount++;
    return this.clock.now();
  }
  /** A partition assignment finished: counted, and its latency since `state` recorded. */
  override onAssignmentCompleted(_assignor: unknown, state: SensorState): void {
    if (this.assignmentsCompletedCount + this.assignmentErrorsCount >= this.assignmentsStartedCount) {
      return this.unpaired('onAssignmentCompleted');
    }
    this.assignmentsCompletedCount++;
    this.recordLatency(this.assignmentLatency, 'onAssignmentCompleted', state);
  }
  /** A partition assignment failed, counted in `assignmentErrorTotal()`. */
  override onAssignmentError(_assignor: unknown, _error: unknown, _state: SensorState): void {
    if (this.assignmentsCompletedCount + this.assignmentErrorsCount >= this.assignmentsStartedCount) {
      return this.unpaired('onAssignmentError');
    }
    this.assignmentErrorsCount++;
  }

  /** A consumer rebalance started; returns its start time, for the rebalance latencies. */
  override onRebalanceStart(_app: unknown): number {
    this.rebalancesCount++;
    return this.clock.now();
  }
  /** The rebalance callback returned: the time since `state` is recorded. */
  override onRebalanceReturn(_app: unknown, state: SensorState): void {
    if (this.rebalancesReturnedCount >= this.rebalancesCount) return this.unpaired('onRebalanceReturn');
    this.rebalancesReturnedCount++;
    this.recordLatency(this.rebalanceReturnLatency, 'onRebalanceReturn', state);
  }
  /** The rebalance is over: the time since `state` is recorded. */
  override onRebalanceEnd(_app: unknown, state: SensorState): void {
    if (this.rebalancesEndedCount >= this.rebalancesCount) return this.unpaired('onRebalanceEnd');
    this.rebalancesEndedCount++;
    this.recordLatency(this.rebalanceEndLatency, 'onRebalanceEnd', state);
  }

  /** The consumer paused `tp`, its buffer full: counted in the totals and the partition's. */
  override onTopicBufferFull(tp: string): void {
    this.topicBufferFullCount++;
    this.statsFor(tp).bufferFull++;
  }

  // ---- what cannot be paired or measured: ignored, counted, logged once per kind -----------------
  // Pairing is by count: a closing callback with no opening one of its kind outstanding is ignored,
  // so totals never exceed what was opened and `eventsActive` never goes below 0. A duplicate
  // closing while another of its kind is open takes that one's place; the totals stay right.

  /** Pushes the latency since `state` into `ring`, or counts a state that is not a start time at or before now. */
  private recordLatency(ring: RingBuffer, event: SensorEventName, state: SensorState): void {
    if (typeof state === 'number') {
      const ms = this.clock.now() - state;
      // NaN fails both comparisons.
      if (ms >= 0 && ms < Infinity) return ring.push(ms);
    }
    if (this.invalidStatesCount++ === 0) {
      log.warn(
        `${this.constructor.name} ignored the latency of ${event}: state ${describeValue(state)} is not a start time at or before now (counted in invalid_states_total; logged once)`,
        { event },
      );
    }
  }

  private unpaired(event: SensorEventName): void {
    if (this.unpairedEventsCount++ === 0) {
      log.warn(`${this.constructor.name} ignored ${event} with no matching opening event (counted in unpaired_events_total; logged once)`, {
        event,
      });
    }
  }

  /** Counts an offset that is not a finite number \>= 0; the partition keeps its last good one. */
  protected invalidOffset(event: SensorEventName | 'reportEndOffset', offset: unknown): void {
    if (this.invalidOffsetsCount++ === 0) {
      log.warn(
        `${this.constructor.name} ignored offset ${describeValue(offset)} in ${event} (counted in invalid_offsets_total; logged once)`,
        { event },
      );
    }
  }

  // ---- sampling ---------------------------------------------------------------------------------

  /** Takes a snapshot of the totals now; rates are measured between snapshots and the present. */
  sample(now: number = this.clock.now()): void {
    const s = this.snapshot;
    s[RECEIVED] = this.messagesReceivedCount;
    s[SENT] = this.messagesSentCount;
    s[EVENTS] = this.eventsCount;
    s[SENDS_FINISHED] = this.sendsCompletedCount + this.sendErrorsCount;
    s[SEND_ERRORS] = this.sendErrorsCount;
    this.window.record(now, s);
    this.lastSampleAt = now;
    this.onSample(now);
  }

  /** Called after each snapshot; subclasses hook periodic work here. */
  protected onSample(_now: number): void {}

  /**
   * Samples every `sampleIntervalMs` on an unref'd timer (it never keeps the process alive) until
   * `close()`. Calling it again, or after `close()`, does nothing.
   */
  start(): Promise<void> {
    if (this.sampler === undefined && this.closing === undefined) {
      this.sampler = setInterval(() => this.sample(), this.sampleIntervalMs);
      this.sampler.unref();
    }
    return Promise.resolve();
  }

  /** Whether `close()` was called. */
  protected get closed(): boolean {
    return this.closing !== undefined;
  }

  /**
   * Stops the timers `start()` started; the figures stay readable, and rates are still sampled on
   * read. A second call returns the same promise.
   */
  close(): Promise<void> {
    if (this.closing === undefined) {
      if (this.sampler !== undefined) clearInterval(this.sampler);
      this.sampler = undefined;
      this.closing = Promise.resolve();
    }
    return this.closing;
  }

  /** `await using monitor = new Monitor()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Width of the rate window: `maxAvgHistory` sample intervals. */
  get rateWindowMs(): number {
    return this.historySizes.avg * this.sampleIntervalMs;
  }

  /** Reads the clock, and takes a snapshot when the last one is an interval old. */
  protected nowForRead(): number {
    const now = this.clock.now();
    if (now - this.lastSampleAt >= this.sampleIntervalMs) this.sample(now);
    return now;
  }

  private current(index: number): number {
    switch (index) {
      case RECEIVED:
        return this.messagesReceivedCount;
      case SENT:
        return this.messagesSentCount;
      case EVENTS:
        return this.eventsCount;
      case SENDS_FINISHED:
        return this.sendsCompletedCount + this.sendErrorsCount;
      default:
        return this.sendErrorsCount;
    }
  }

  /** Change of total `index` over the last `windowMs` (or as much of it as is known), per second. */
  protected ratePerSecond(index: number, windowMs: number = this.rateWindowMs): number {
    const now = this.nowForRead();
    const slot = this.window.base(now, windowMs);
    if (slot < 0) return 0;
    const elapsed = now - this.window.timeAt(slot);
    if (elapsed <= 0) return 0;
    return ((this.current(index) - this.window.valueAt(slot, index)) * 1000) / elapsed;
  }

  /** Send errors over finished sends (completed + failed) in the last `windowMs`, 0..1; 0 with no sends. */
  protected sendErrorRatio(windowMs: number): number {
    const now = this.nowForRead();
    const slot = this.window.base(now, windowMs);
    if (slot < 0) return 0;
    const finished = this.current(SENDS_FINISHED) - this.window.valueAt(slot, SENDS_FINISHED);
    if (finished <= 0) return 0;
    return (this.sendErrorsCount - this.window.valueAt(slot, SEND_ERRORS)) / finished;
  }

  // ---- read API ---------------------------------------------------------------------------------

  /** Messages received, since start. */
  messagesReceivedTotal(): number {
    return this.messagesReceivedCount;
  }
  /** Messages sent, since start. */
  messagesSentTotal(): number {
    return this.messagesSentCount;
  }
  /** Messages received per second over the rate window. */
  messagesReceivedPerSecond(): number {
    return this.ratePerSecond(RECEIVED);
  }
  /** Messages sent per second, over the rate window. */
  messagesSentPerSecond(): number {
    return this.ratePerSecond(SENT);
  }
  /** Stream events started (`onStreamEventIn`). */
  eventsTotal(): number {
    return this.eventsCount;
  }
  /** Stream events started and not yet finished. */
  eventsActive(): number {
    return this.eventsActiveCount;
  }
  /** Events finished per second, over the rate window. */
  eventsPerSecond(): number {
    return this.ratePerSecond(EVENTS);
  }
  /** Mean processing time of the timed events in history, in seconds. */
  eventsRuntimeAvg(): number {
    return this.eventRuntime.avg() / 1000;
  }

  /** Table reads, since start. */
  tablesGetTotal(): number {
    return this.tableGetCount;
  }
  /** Table writes, since start. */
  tablesSetTotal(): number {
    return this.tableSetCount;
  }
  /** Table deletions, since start. */
  tablesDelTotal(): number {
    return this.tableDelCount;
  }
  /** Table key lookups (`onTableContains`). */
  tablesContainsTotal(): number {
    return this.tableContainsCount;
  }

  /** Commits completed. */
  commitsTotal(): number {
    return this.commitsCompletedCount;
  }
  /** Mean of the last `maxCommitLatencyHistory` commit latencies, in seconds. */
  commitLatencyAvg(): number {
    return this.commitLatency.avg() / 1000;
  }
  /** Largest of the last `maxCommitLatencyHistory` commit latencies, in seconds. */
  commitLatencyMax(): number {
    return this.commitLatency.max() / 1000;
  }

  /** Sends completed. */
  sendsTotal(): number {
    return this.sendsCompletedCount;
  }
  /** Sends failed, since start. */
  sendErrorsTotal(): number {
    return this.sendErrorsCount;
  }
  /** Mean of the last `maxSendLatencyHistory` send latencies, in seconds. */
  sendLatencyAvg(): number {
    return this.sendLatency.avg() / 1000;
  }
  /** Largest of the last `maxSendLatencyHistory` send latencies, in seconds. */
  sendLatencyMax(): number {
    return this.sendLatency.max() / 1000;
  }

  /** Assignments finished, since start. */
  assignmentsCompletedTotal(): number {
    return this.assignmentsCompletedCount;
  }
  /** Mean of the last `maxAvgHistory` assignment latencies, in seconds. */
  assignmentLatencyAvg(): number {
    return this.assignmentLatency.avg() / 1000;
  }
  /** Assignments failed, since start. */
  assignmentErrorTotal(): number {
    return this.assignmentErrorsCount;
  }

  /** Rebalances started. */
  rebalancesTotal(): number {
    return this.rebalancesCount;
  }
  /** Mean time from rebalance start to the rebalance callback returning, in seconds. */
  rebalanceReturnLatencyAvg(): number {
    return this.rebalanceReturnLatency.avg() / 1000;
  }
  /** Mean time from rebalance start to its end, in seconds. */
  rebalanceEndLatencyAvg(): number {
    return this.rebalanceEndLatency.avg() / 1000;
  }

  /** Topic buffers found full, since start. */
  topicBufferFullTotal(): number {
    return this.topicBufferFullCount;
  }

  /** Per-partition figures, live (no copy): read at scrape time, do not keep. */
  topicPartitions(): ReadonlyMap<string, TopicPartitionStats> {
    return this.tpStats;
  }
  /** The figures of topic-partition `tp`, if it is tracked. */
  topicPartition(tp: string): TopicPartitionStats | undefined {
    return this.tpStats.get(tp);
  }
  /** Events for partitions beyond `maxTopicPartitions`, which are not tracked one by one. */
  untrackedTopicPartitionEventsTotal(): number {
    return this.untrackedTopicPartitionEventsCount;
  }
  /**
   * Closing callbacks ignored because nothing of their kind was open: a commit, send, assignment or
   * rebalance closed twice, or never opened; a stream event finished that never started.
   */
  unpairedEventsTotal(): number {
    return this.unpairedEventsCount;
  }
  /** Closings counted without a latency, their state not being a start time at or before now (NaN, an object...). */
  invalidStatesTotal(): number {
    return this.invalidStatesCount;
  }
  /** Offsets ignored for not being finite numbers \>= 0. */
  invalidOffsetsTotal(): number {
    return this.invalidOffsetsCount;
  }

  /** Every figure, with snake_case keys, as plain JSON-able data. */
  override asDict(): Record<string, unknown> {
    const tps = this.tpStats;
    return {
      messages_received_total: this.messagesReceivedTotal(),
      messages_sent_total: this.messagesSentTotal(),
      messages_received_per_second: this.messagesReceivedPerSecond(),
      messages_sent_per_second: this.messagesSentPerSecond(),
      events_total: this.eventsTotal(),
      events_active: this.eventsActive(),
      events_per_second: this.eventsPerSecond(),
      events_runtime_avg: this.eventsRuntimeAvg(),
      tables_get_total: this.tablesGetTotal(),
      tables_set_total: this.tablesSetTotal(),
      tables_del_total: this.tablesDelTotal(),
      tables_contains_total: this.tablesContainsTotal(),
      commits_total: this.commitsTotal(),
      commit_latency_avg: this.commitLatencyAvg(),
      commit_latency_max: this.commitLatencyMax(),
      sends_total: this.sendsTotal(),
      send_errors_total: this.sendErrorsTotal(),
      send_latency_avg: this.sendLatencyAvg(),
      send_latency_max: this.sendLatencyMax(),
      assignments_completed_total: this.assignmentsCompletedTotal(),
      assignment_latency_avg: this.assignmentLatencyAvg(),
      assignment_error_total: this.assignmentErrorTotal(),
      rebalances_total: this.rebalancesTotal(),
      rebalance_return_latency_avg: this.rebalanceReturnLatencyAvg(),
      rebalance_end_latency_avg: this.rebalanceEndLatencyAvg(),
      topic_buffer_full_total: this.topicBufferFullTotal(),
      messages_received_by_tp: byTp(tps, (s) => s.messagesReceived),
      messages_sent_by_tp: byTp(tps, (s) => s.messagesSent),
      topic_read_offsets: byTp(
        tps,
        (s) => s.lastReadOffset,
        (v) => v >= 0,
      ),
      topic_sent_offsets: byTp(
        tps,
        (s) => s.lastSentOffset,
        (v) => v >= 0,
      ),
      topic_end_offsets: byTp(
        tps,
        (s) => s.endOffset,
        (v) => v >= 0,
      ),
      topic_buffer_full: byTp(
        tps,
        (s) => s.bufferFull,
        (v) => v > 0,
      ),
      untracked_topic_partition_events_total: this.untrackedTopicPartitionEventsCount,
      unpaired_events_total: this.unpairedEventsCount,
      invalid_states_total: this.invalidStatesCount,
      invalid_offsets_total: this.invalidOffsetsCount,
    };
  }

  /** Sizes of the bounded histories, for tests and self-monitoring. */
  historyLengths(): Readonly<Record<string, number>> {
    return {
      commitLatency: this.commitLatency.size,
      sendLatency: this.sendLatency.size,
      eventRuntime: this.eventRuntime.size,
      assignmentLatency: this.assignmentLatency.size,
      rebalanceReturnLatency: this.rebalanceReturnLatency.size,
      rebalanceEndLatency: this.rebalanceEndLatency.size,
      rateSnapshots: this.window.size,
      topicPartitions: this.tpStats.size,
    };
  }
}
