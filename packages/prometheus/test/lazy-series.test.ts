// prometheus() exposes the stream, consumer, request and WebSocket families only once an event of
// their kind arrives (issue #25: an HTTP-only service had ~27 always-zero series), or all at zero
// with `eagerSeries: true`.
import { toDispatcher } from '@sightline/core';
import {
  DuplicateMetricError,
  MetricsCollector,
  monitorMetricNames,
  hookMetricNames,
  prometheus,
  PrometheusMonitor,
} from '../src/index.js';
import { parseSamples } from './helpers.js';

const LAZY_FAMILIES = [...Object.values(monitorMetricNames()), ...Object.values(hookMetricNames())];

/** The families the text exposition declares (`# TYPE <name> ...`). */
function declared(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
}

const noRuntime = { collectDefaultMetrics: false } as const;

describe('prometheus(): families appear with their first event', () => {
  it('renders none of the stream, consumer, request or WebSocket families before any event', async () => {
    const p = prometheus(noRuntime);
    const text = await p.collector.render();
    const families = declared(text);
    for (const name of LAZY_FAMILIES) expect({ name, declared: families.has(name) }).toEqual({ name, declared: false });
    expect(text).not.toContain('sightline_');
  });

  it('after one message, renders the message families with their values and nothing of the other kinds', async () => {
    const p = prometheus(noRuntime);
    p.sensor.onMessageIn('orders/3', 41, null);
    const text = await p.collector.render();
    const values = parseSamples(text);
    expect(values.get('sightline_messages_received_total')).toBe(1);
    expect(values.get('sightline_messages_sent_total')).toBe(0);
    expect(values.get('sightline_topic_messages_received_total{topic="orders",partition="3"}')).toBe(1);
    const families = declared(text);
    expect([...families].sort()).toEqual(
      [
        'sightline_consumer_lag',
        'sightline_messages_received_total',
        'sightline_messages_sent_total',
        'sightline_topic_buffer_full_total',
        'sightline_topic_messages_received_total',
        'sightline_topic_messages_sent_total',
      ].sort(),
    );
  });

  it('after a commit, a WebSocket connection and a request, renders those kinds with their values', async () => {
    const p = prometheus(noRuntime);
    const hooks = toDispatcher(p.hooks);
    p.sensor.onCommitCompleted(null, p.sensor.onCommitInitiated(null));
    hooks.onWsConnect('127.0.0.1');
    hooks.onWsMessageSent('quote', 120);
    hooks.onRequest('read', 0.2);
    const text = await p.collector.render();
    const values = parseSamples(text);
    expect(values.get('sightline_commits_total')).toBe(1);
    expect(values.get('sightline_commit_latency_seconds_count')).toBe(1);
    expect(values.get('sightline_ws_connections_total')).toBe(1);
    expect(values.get('sightline_ws_connections_active')).toBe(1);
    expect(values.get('sightline_ws_bytes_sent_total{op="quote"}')).toBe(120);
    expect(values.get('sightline_request_duration_seconds_count{op="read"}')).toBe(1);
    const families = declared(text);
    expect(families.has('sightline_messages_received_total')).toBe(false);
    expect(families.has('sightline_rebalances_total')).toBe(false);
    expect(families.has('sightline_table_operations_total')).toBe(false);
  });

  it('with eagerSeries: true, renders every family at zero before any event, as before', async () => {
    const p = prometheus({ ...noRuntime, eagerSeries: true });
    const text = await p.collector.render();
    const families = declared(text);
    for (const name of LAZY_FAMILIES) {
      expect({ name, declared: families.has(name) }).toEqual({ name, declared: true });
    }
    const values = parseSamples(text);
    expect(values.get('sightline_rebalances_total')).toBe(0);
    expect(values.get('sightline_commits_total')).toBe(0);
    expect(values.get('sightline_ws_connections_total')).toBe(0);
    expect(values.get('sightline_assignment_latency_seconds_count')).toBe(0);
  });

  it('still refuses a second monitor over the same names at construction', () => {
    const collector = new MetricsCollector();
    new PrometheusMonitor({ collector });
    expect(() => new PrometheusMonitor({ collector })).toThrow(DuplicateMetricError);
  });
});
