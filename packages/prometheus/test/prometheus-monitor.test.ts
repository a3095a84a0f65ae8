import { BaseSensor, SensorDelegate } from '@sightline/sensors';
import { Registry } from 'prom-client';
import { MetricsCollector, monitorMetricNames, PrometheusMonitor } from '../src/index.js';
import { samples } from './helpers.js';

function fakeClock() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

class Counting extends BaseSensor {
  seen = 0;
  override onMessageIn(): void {
    this.seen++;
  }
}

describe('PrometheusMonitor', () => {
  it('exports its figures at scrape time, inside a delegate of three sensors', async () => {
    const clock = fakeClock();
    const collector = new MetricsCollector();
    const monitor = new PrometheusMonitor({ collector, clock, timeEventsEvery: 1 });
    const other = new Counting();
    const delegate = new SensorDelegate(other, monitor, new BaseSensor());

    for (let offset = 0; offset < 5; offset++) delegate.onMessageIn('orders/0', offset, null);
    delegate.onMessageIn('orders/1', 41, null);
    delegate.onMessageOut('shipments/2', 9, null);
    const ev = delegate.onStreamEventIn('orders/0', 4, null, null);
    clock.advance(30);
    delegate.onStreamEventOut('orders/0', 4, null, null, ev);
    delegate.onStreamEventIn('orders/1', 41, null, null);
    delegate.onTableGet(null, 'k');
    delegate.onTableGet(null, 'k');
    delegate.onTableSet(null, 'k', 1);
    delegate.onTableDel(null, 'k');
    delegate.onTableContains(null, 'k');
    let state = delegate.onCommitInitiated(null) as number;
    clock.advance(20);
    delegate.onCommitCompleted(null, state);
    state = delegate.onCommitInitiated(null) as number;
    clock.advance(60);
    delegate.onCommitCompleted(null, state);
    state = delegate.onSendInitiated(null, 'shipments', null) as number;
    clock.advance(5);
    delegate.onSendCompleted(null, state);
    state = delegate.onSendInitiated(null, 'shipments', null) as number;
    delegate.onSendError(null, new Error('broker down'), state);
    state = delegate.onRebalanceStart(null) as number;
    clock.advance(100);
    delegate.onRebalanceReturn(null, state);
    clock.advance(400);
    delegate.onRebalanceEnd(null, state);
    delegate.onTopicBufferFull('orders/1');
    monitor.reportEndOffset('orders/0', 15);
    monitor.reportEndOffset('orders/1', 42);

    expect(other.seen).toBe(6);
    expect(await samples(collector)).toEqual({
      sightline_messages_received_total: 6,
      sightline_messages_sent_total: 1,
      sightline_events_total: 2,
      sightline_events_active: 1,
      sightline_events_runtime_seconds_sum: 0.03,
      sightline_events_runtime_seconds_count: 1,
      'sightline_table_operations_total{operation="get"}': 2,
      'sightline_table_operations_total{operation="set"}': 1,
      'sightline_table_operations_total{operation="del"}': 1,
      'sightline_table_operations_total{operation="contains"}': 1,
      sightline_commits_total: 2,
      sightline_commit_latency_seconds_sum: 0.08,
      sightline_commit_latency_seconds_count: 2,
      sightline_commit_latency_max_seconds: 0.06,
      sightline_sends_total: 1,
      sightline_send_errors_total: 1,
      sightline_send_latency_seconds_sum: 0.005,
      sightline_send_latency_seconds_count: 1,
      sightline_send_latency_max_seconds: 0.005,
      // No assignment event: no assignment family (only with eagerSeries: true).
      sightline_rebalances_total: 1,
      sightline_rebalance_return_latency_seconds_sum: 0.1,
      sightline_rebalance_return_latency_seconds_count: 1,
      sightline_rebalance_end_latency_seconds_sum: 0.5,
      sightline_rebalance_end_latency_seconds_count: 1,
      'sightline_topic_buffer_full_total{topic="orders",partition="0"}': 0,
      'sightline_topic_buffer_full_total{topic="orders",partition="1"}': 1,
      'sightline_topic_buffer_full_total{topic="shipments",partition="2"}': 0,
      'sightline_topic_messages_received_total{topic="orders",partition="0"}': 5,
      'sightline_topic_messages_received_total{topic="orders",partition="1"}': 1,
      'sightline_topic_messages_received_total{topic="shipments",partition="2"}': 0,
      'sightline_topic_messages_sent_total{topic="orders",partition="0"}': 0,
      'sightline_topic_messages_sent_total{topic="orders",partition="1"}': 0,
      'sightline_topic_messages_sent_total{topic="shipments",partition="2"}': 1,
      // orders/0 read up to offset 4 of 15 (next to read: 5); orders/1 caught up.
      'sightline_consumer_lag{topic="orders",partition="0"}': 10,
      'sightline_consumer_lag{topic="orders",partition="1"}': 0,
    });

    // Later events show in the next scrape.
    delegate.onMessageIn('orders/0', 5, null);
    expect(await samples(collector, 'sightline_messages_received', 'sightline_consumer_lag')).toEqual({
      sightline_messages_received_total: 7,
      'sightline_consumer_lag{topic="orders",partition="0"}': 9,
      'sightline_consumer_lag{topic="orders",partition="1"}': 0,
    });
  });

  it('never touches prom-client on the event path', () => {
    const collector = new MetricsCollector();
    // Every family defined at start, so that each one's methods can be watched.
    const monitor = new PrometheusMonitor({ collector, eagerSeries: true });
    const spies: jest.SpyInstance[] = [];
    for (const metric of collector.registry.getMetricsAsArray() as unknown as Record<string, unknown>[]) {
      for (const method of ['inc', 'dec', 'set', 'observe', 'reset', 'labels']) {
        if (typeof metric[method] === 'function') spies.push(jest.spyOn(metric as never, method as never));
      }
    }
    expect(spies.length).toBeGreaterThan(40);
    const delegate = new SensorDelegate(monitor);
    for (let i = 0; i < 100; i++) {
      delegate.onMessageIn('t/0', i, null);
      delegate.onTableGet(null, i);
      delegate.onCommitCompleted(null, delegate.onCommitInitiated(null));
    }
    for (const spy of spies) {
      expect(spy).not.toHaveBeenCalled();
      spy.mockRestore();
    }
    expect(monitor.messagesReceivedTotal()).toBe(100);
  });

  it('uses its namespace, a collector of its own by default, and exports the collector exposition', async () => {
    const monitor = new PrometheusMonitor({ namespace: 'stream' });
    monitor.onMessageIn('a/0', 0, null);
    expect(monitor.metricNames).toEqual(monitorMetricNames('stream'));
    const text = await monitor.exportMetrics();
    expect(text).toContain('# TYPE stream_messages_received_total counter\nstream_messages_received_total 1\n');
    expect(monitor.collector.registry).toBeInstanceOf(Registry);
    expect(() => new PrometheusMonitor({ namespace: 'bad-ns' })).toThrow(
      'PrometheusMonitor namespace must match [a-zA-Z_][a-zA-Z0-9_]*, got "bad-ns"',
    );
  });

  it('refuses to define its metrics twice in one collector', () => {
    const collector = new MetricsCollector();
    new PrometheusMonitor({ collector });
    expect(() => new PrometheusMonitor({ collector })).toThrow('metric "sightline_messages_received_total": already registered');
    expect(() => new PrometheusMonitor({ collector, namespace: 'second' })).not.toThrow();
  });
});
