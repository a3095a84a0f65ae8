// PrometheusMonitor: a Monitor whose figures Prometheus scrapes. Events only touch the Monitor's
// plain fields; prom-client is involved only at scrape time, through `collect()` callbacks.
import { SightlineConfigError, type SensorState } from '@sightline/core';
import { resolveOptions, type OptionsOf, type Shape } from '@sightline/core/internal';
import { Monitor, type TopicPartitionStats } from '@sightline/sensors';
import type { Counter, Gauge } from 'prom-client';
import { LazyFamilies, type FamilyKind } from './lazy-families.js';
import { MetricsCollector } from './metrics-collector.js';
import { PROMETHEUS_MONITOR_OWN_SHAPE, PROMETHEUS_MONITOR_SHAPE, type PrometheusMonitorOptions } from './options.js';

const NAMESPACE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The metric names a PrometheusMonitor defines for a namespace. */
export function monitorMetricNames(namespace = 'sightline') {
  const n = (s: string) => `${namespace}_${s}`;
  return {
    messagesReceived: n('messages_received_total'),
    messagesSent: n('messages_sent_total'),
    events: n('events_total'),
    eventsActive: n('events_active'),
    eventsRuntime: n('events_runtime_seconds'),
    tableOperations: n('table_operations_total'),
    commits: n('commits_total'),
    commitLatency: n('commit_latency_seconds'),
    commitLatencyMax: n('commit_latency_max_seconds'),
    sends: n('sends_total'),
    sendErrors: n('send_errors_total'),
    sendLatency: n('send_latency_seconds'),
    sendLatencyMax: n('send_latency_max_seconds'),
    assignments: n('assignments_total'),
    assignmentErrors: n('assignment_errors_total'),
    assignmentLatency: n('assignment_latency_seconds'),
    rebalances: n('rebalances_total'),
    rebalanceReturnLatency: n('rebalance_return_latency_seconds'),
    rebalanceEndLatency: n('rebalance_end_latency_seconds'),
    topicBufferFull: n('topic_buffer_full_total'),
    topicMessagesReceived: n('topic_messages_received_total'),
    topicMessagesSent: n('topic_messages_sent_total'),
    consumerLag: n('consumer_lag'),
  } as const;
}

/** The options this class adds to a Monitor's, as given. */
function ownOptions({ collector, namespace, eagerSeries }: PrometheusMonitorOptions): OptionsOf<typeof PROMETHEUS_MONITOR_OWN_SHAPE> {
  return {
    ...(collector !== undefined ? { collector } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
    ...(eagerSeries !== undefined ? { eagerSeries } : {}),
  };
}

/** The kinds of sensor event whose families appear with the first event of the kind. */
type MonitorKind = 'messages' | 'events' | 'tables' | 'commits' | 'sends' | 'assignments' | 'rebalances';

/** `orders/3` -> topic `orders`, partition `3`; a name without `/` is a topic with partition "". */
function splitTp(tp: string): { topic: string; partition: string } {
  const slash = tp.lastIndexOf('/');
  return slash < 0 ? { topic: tp, partition: '' } : { topic: tp.slice(0, slash), partition: tp.slice(slash + 1) };
}

/**
 * A Monitor whose totals, latencies, rebalances and per-partition
 * counts and lag are exported when Prometheus scrapes. Rates are left to PromQL (`rate()`).
 */
export class PrometheusMonitor extends Monitor {
  /** The options shape, for core's options rule (used by the plugin). */
  static override readonly optionsShape: Shape = PROMETHEUS_MONITOR_SHAPE;

  /** The collector the monitor's metrics are defined in. */
  readonly collector: MetricsCollector;
  /** The metric name prefix, e.g. `sightline`. */
  readonly namespace: string;
  /** The full names of the monitor's metrics. */
  readonly metricNames: ReturnType<typeof monitorMetricNames>;
  /** The families of each kind of event, defined at its first event unless `eagerSeries`. */
  readonly #families: LazyFamilies<MonitorKind>;

  constructor(options: PrometheusMonitorOptions = {}) {
    super(options);
    // Monitor's constructor checked every option against the whole shape; only this class's own are read here.
    const { collector, namespace, eagerSeries } = resolveOptions(PROMETHEUS_MONITOR_OWN_SHAPE, ownOptions(options), {
      source: 'new PrometheusMonitor()',
    });
    if (!NAMESPACE.test(namespace)) {
      throw new SightlineConfigError(`PrometheusMonitor namespace must match [a-zA-Z_][a-zA-Z0-9_]*, got ${JSON.stringify(namespace)}`);
    }
    if (collector !== undefined && !(collector instanceof MetricsCollector)) {
      throw new SightlineConfigError('PrometheusMonitor option collector must be a MetricsCollector');
    }
    this.namespace = namespace;
    this.collector = collector ?? new MetricsCollector();
    this.metricNames = monitorMetricNames(namespace);
    this.#families = this.setupPrometheusMetrics(eagerSeries);
  }

  /** Records a partition's end offset (Kafka's high watermark), from which `consumer_lag` is computed. */
  reportEndOffset(tp: string, offset: number): void {
    if (!Number.isFinite(offset)) return;
    this.statsFor(tp).endOffset = offset;
    this.#families.expose('messages');
  }

  /** Lag per partition: end offset minus the next offset to read, never below 0; unknown ones left out. */
  consumerLag(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [tp, s] of this.topicPartitions()) {
      if (s.endOffset < 0 || s.lastReadOffset < 0) continue;
      out.set(tp, Math.max(0, s.endOffset - (s.lastReadOffset + 1)));
    }
    return out;
  }

  /** The exposition of the monitor's collector in the Prometheus text format. */
  exportMetrics(): Promise<string> {
    return this.collector.render();
  }

  private setupPrometheusMetrics(eager: boolean): LazyFamilies<MonitorKind> {
    const c = this.collector;
    const names = this.metricNames;
    const total = (name: string, help: string, read: () => number): void => {
      c.counter(name, help, {
        collect: (counter: Counter<string>) => {
          counter.reset();
          counter.inc(read());
        },
      });
    };
    const gauge = (name: string, help: string, read: () => number, aggregator: 'sum' | 'max' = 'sum'): void => {
      c.gauge(name, help, {
        aggregator,
        collect: (g: Gauge<string>) => {
          g.set(read());
        },
      });
    };
    // An average that aggregates: `_sum` and `_count` over every value since start, so
    // `sum(rate(x_sum[5m])) / sum(rate(x_count[5m]))` is the mean across any set of instances.
    const summary = (name: string, help: string, history: { readonly pushedSum: number; readonly pushedCount: number }): void => {
      c.custom(name, help, {
        type: 'summary',
        read: () => [
          { suffix: '_sum', value: history.pushedSum / 1000 }, // the Monitor's clock counts milliseconds
          { suffix: '_count', value: history.pushedCount },
        ],
      });
    };
    type TpLabel = 'topic' | 'partition';
    const tpLabels = ['topic', 'partition'] as const;
    const perTpCounter = (name: string, help: string, pick: (s: TopicPartitionStats) => number): void => {
      c.counter(name, help, {
        labels: tpLabels,
        collect: (counter: Counter<TpLabel>) => {
          counter.reset();
          for (const [tp, s] of this.topicPartitions()) counter.inc(splitTp(tp), pick(s));
        },
      });
    };

    const kinds: Record<MonitorKind, FamilyKind> = {
      messages: {
        names: [
          names.messagesReceived,
          names.messagesSent,
          names.topicBufferFull,
          names.topicMessagesReceived,
          names.topicMessagesSent,
          names.consumerLag,
        ],
        define: () => {
          total(names.messagesReceived, 'Messages received', () => this.messagesReceivedTotal());
          total(names.messagesSent, 'Messages sent', () => this.messagesSentTotal());
          perTpCounter(names.topicBufferFull, 'Times a topic-partition buffer was full', (s) => s.bufferFull);
          perTpCounter(names.topicMessagesReceived, 'Messages received, by topic and partition', (s) => s.messagesReceived);
          perTpCounter(names.topicMessagesSent, 'Messages sent, by topic and partition', (s) => s.messagesSent);
          c.gauge(names.consumerLag, 'Consumer lag: end offset minus the next offset to read', {
            labels: tpLabels,
            aggregator: 'max',
            collect: (g: Gauge<TpLabel>) => {
              g.reset();
              for (const [tp, lag] of this.consumerLag()) g.set(splitTp(tp), lag);
            },
          });
        },
      },
      events: {
        names: [names.events, names.eventsActive, names.eventsRuntime],
        define: () => {
          total(names.events, 'Stream events started', () => this.eventsTotal());
          gauge(names.eventsActive, 'Stream events in progress', () => this.eventsActive());
          summary(names.eventsRuntime, 'Processing time of timed stream events, in seconds', this.eventRuntime);
        },
      },
      tables: {
        names: [names.tableOperations],
        define: () => {
          c.counter(names.tableOperations, 'Table operations, by operation', {
            labels: ['operation'] as const,
            collect: (counter: Counter<'operation'>) => {
              counter.reset();
              counter.inc({ operation: 'get' }, this.tablesGetTotal());
              counter.inc({ operation: 'set' }, this.tablesSetTotal());
              counter.inc({ operation: 'del' }, this.tablesDelTotal());
              counter.inc({ operation: 'contains' }, this.tablesContainsTotal());
            },
          });
        },
      },
      commits: {
        names: [names.commits, names.commitLatency, names.commitLatencyMax],
        define: () => {
          total(names.commits, 'Consumer commits completed', () => this.commitsTotal());
          summary(names.commitLatency, 'Commit latency, in seconds', this.commitLatency);
          gauge(names.commitLatencyMax, 'Largest recent commit latency, in seconds', () => this.commitLatencyMax(), 'max');
        },
      },
      sends: {
        names: [names.sends, names.sendErrors, names.sendLatency, names.sendLatencyMax],
        define: () => {
          total(names.sends, 'Producer sends completed', () => this.sendsTotal());
          total(names.sendErrors, 'Producer sends failed', () => this.sendErrorsTotal());
          summary(names.sendLatency, 'Send latency, in seconds', this.sendLatency);
          gauge(names.sendLatencyMax, 'Largest recent send latency, in seconds', () => this.sendLatencyMax(), 'max');
        },
      },
      assignments: {
        names: [names.assignments, names.assignmentErrors, names.assignmentLatency],
        define: () => {
          total(names.assignments, 'Partition assignments completed', () => this.assignmentsCompletedTotal());
          total(names.assignmentErrors, 'Partition assignments failed', () => this.assignmentErrorTotal());
          summary(names.assignmentLatency, 'Partition assignment latency, in seconds', this.assignmentLatency);
        },
      },
      rebalances: {
        names: [names.rebalances, names.rebalanceReturnLatency, names.rebalanceEndLatency],
        define: () => {
          total(names.rebalances, 'Consumer rebalances started', () => this.rebalancesTotal());
          summary(
            names.rebalanceReturnLatency,
            'Time from rebalance start to its callback returning, in seconds',
            this.rebalanceReturnLatency,
          );
          summary(names.rebalanceEndLatency, 'Time from rebalance start to its end, in seconds', this.rebalanceEndLatency);
        },
      },
    };
    return new LazyFamilies(c, kinds, eager, 'PrometheusMonitor');
  }

  // ---- each event first exposes its kind's families (a no-op after the first) -------------------

  /** Messages in: counted, and the message families exposed. */
  override onMessageIn(tp: string, offset: number, message: unknown): void {
    super.onMessageIn(tp, offset, message);
    this.#families.expose('messages');
  }
  /** Messages out: counted, and the message families exposed. */
  override onMessageOut(tp: string, offset: number, message: unknown): void {
    super.onMessageOut(tp, offset, message);
    this.#families.expose('messages');
  }
  /** A full buffer: counted, and the message families exposed. */
  override onTopicBufferFull(tp: string): void {
    super.onTopicBufferFull(tp);
    this.#families.expose('messages');
  }
  /** A stream event started: counted, and the event families exposed. */
  override onStreamEventIn(tp: string, offset: number, stream: unknown, event: unknown): SensorState {
    this.#families.expose('events');
    return super.onStreamEventIn(tp, offset, stream, event);
  }
  /** A stream event finished: recorded, and the event families exposed. */
  override onStreamEventOut(tp: string, offset: number, stream: unknown, event: unknown, state?: SensorState): void {
    super.onStreamEventOut(tp, offset, stream, event, state);
    this.#families.expose('events');
  }
  /** A table read: counted, and the table family exposed. */
  override onTableGet(table: unknown, key: unknown): void {
    super.onTableGet(table, key);
    this.#families.expose('tables');
  }
  /** A table write: counted, and the table family exposed. */
  override onTableSet(table: unknown, key: unknown, value: unknown): void {
    super.onTableSet(table, key, value);
    this.#families.expose('tables');
  }
  /** A table deletion: counted, and the table family exposed. */
  override onTableDel(table: unknown, key: unknown): void {
    super.onTableDel(table, key);
    this.#families.expose('tables');
  }
  /** A table membership test: counted, and the table family exposed. */
  override onTableContains(table: unknown, key: unknown): void {
    super.onTableContains(table, key);
    this.#families.expose('tables');
  }
  /** A commit started: the commit families exposed. */
  override onCommitInitiated(consumer: unknown): number {
    this.#families.expose('commits');
    return super.onCommitInitiated(consumer);
  }
  /** A commit finished: recorded, and the commit families exposed. */
  override onCommitCompleted(consumer: unknown, state: SensorState): void {
    super.onCommitCompleted(consumer, state);
    this.#families.expose('commits');
  }
  /** A send started: the send families exposed. */
  override onSendInitiated(producer: unknown, topic: string, message: unknown): number {
    this.#families.expose('sends');
    return super.onSendInitiated(producer, topic, message);
  }
  /** A send finished: recorded, and the send families exposed. */
  override onSendCompleted(producer: unknown, state: SensorState): void {
    super.onSendCompleted(producer, state);
    this.#families.expose('sends');
  }
  /** A send failed: counted, and the send families exposed. */
  override onSendError(producer: unknown, error: unknown, state: SensorState): void {
    super.onSendError(producer, error, state);
    this.#families.expose('sends');
  }
  /** An assignment started: the assignment families exposed. */
  override onAssignmentStart(assignor: unknown): number {
    this.#families.expose('assignments');
    return super.onAssignmentStart(assignor);
  }
  /** An assignment finished: recorded, and the assignment families exposed. */
  override onAssignmentCompleted(assignor: unknown, state: SensorState): void {
    super.onAssignmentCompleted(assignor, state);
    this.#families.expose('assignments');
  }
  /** An assignment failed: counted, and the assignment families exposed. */
  override onAssignmentError(assignor: unknown, error: unknown, state: SensorState): void {
    super.onAssignmentError(assignor, error, state);
    this.#families.expose('assignments');
  }
  /** A rebalance started: the rebalance families exposed. */
  override onRebalanceStart(app: unknown): number {
    this.#families.expose('rebalances');
    return super.onRebalanceStart(app);
  }
  /** A rebalance callback returned: recorded, and the rebalance families exposed. */
  override onRebalanceReturn(app: unknown, state: SensorState): void {
    super.onRebalanceReturn(app, state);
    this.#families.expose('rebalances');
  }
  /** A rebalance ended: recorded, and the rebalance families exposed. */
  override onRebalanceEnd(app: unknown, state: SensorState): void {
    super.onRebalanceEnd(app, state);
    this.#families.expose('rebalances');
  }
}
