import { combineHooks, timed, toDispatcher } from '@sightline/core';
import { hookMetricNames, MetricsCollector, prometheusHooks } from '../src/index.js';
import { samples } from './helpers.js';

describe('prometheusHooks', () => {
  it('records durations by op, errors by op and type, connections and bytes', async () => {
    const collector = new MetricsCollector();
    const dispatch = toDispatcher(prometheusHooks(collector, { buckets: [0.1, 1] }));
    dispatch.onWsConnect('10.0.0.1:5000');
    dispatch.onWsConnect('10.0.0.2:5000');
    dispatch.onWsDisconnect('10.0.0.1:5000');
    dispatch.onWsMessageSent('read', 120);
    dispatch.onWsMessageSent('read', 80);
    dispatch.onWsMessageRecv('read', 1000);
    dispatch.onWsMessageRecv('watchSub', 64);
    dispatch.onRequest('read', 0.05);
    dispatch.onRequest('read', 0.5);
    dispatch.onError('read', 'TimeoutError');
    dispatch.onError('read', 'TimeoutError');
    dispatch.onError('hisRead', 'HaystackError');

    expect(await samples(collector)).toEqual({
      'sightline_request_duration_seconds_bucket{op="read",le="0.1"}': 1,
      'sightline_request_duration_seconds_bucket{op="read",le="1"}': 2,
      'sightline_request_duration_seconds_bucket{op="read",le="+Inf"}': 2,
      'sightline_request_duration_seconds_sum{op="read"}': 0.55,
      'sightline_request_duration_seconds_count{op="read"}': 2,
      'sightline_request_errors_total{op="read",error_type="TimeoutError"}': 2,
      'sightline_request_errors_total{op="hisRead",error_type="HaystackError"}': 1,
      sightline_ws_connections_total: 2,
      sightline_ws_connections_active: 1,
      'sightline_ws_bytes_sent_total{op="read"}': 200,
      'sightline_ws_bytes_sent_total{op="watchSub"}': 0,
      'sightline_ws_bytes_received_total{op="read"}': 1000,
      'sightline_ws_bytes_received_total{op="watchSub"}': 64,
      'sightline_ws_messages_sent_total{op="read"}': 2,
      'sightline_ws_messages_sent_total{op="watchSub"}': 0,
      'sightline_ws_messages_received_total{op="read"}': 1,
      'sightline_ws_messages_received_total{op="watchSub"}': 1,
    });
  });

  it('works through core timed() and combineHooks, under another namespace', async () => {
    const collector = new MetricsCollector();
    const seen: string[] = [];
    const hooks = combineHooks(prometheusHooks(collector, { namespace: 'haystack' }), { onError: (op) => seen.push(op) });
    await timed(hooks, 'nav', () => Promise.resolve(1));
    await expect(timed(hooks, 'nav', () => Promise.reject(new RangeError('x')))).rejects.toThrow('x');
    expect(seen).toEqual(['nav']);
    expect(await samples(collector, 'haystack_request_errors', 'haystack_request_duration_seconds_count')).toEqual({
      'haystack_request_duration_seconds_count{op="nav"}': 1,
      'haystack_request_errors_total{op="nav",error_type="RangeError"}': 1,
    });
    expect(hookMetricNames('haystack').wsConnections).toBe('haystack_ws_connections_total');
  });

  it('refuses a namespace that is not a metric name prefix', () => {
    expect(() => prometheusHooks(new MetricsCollector(), { namespace: 'my-app' })).toThrow(
      'prometheusHooks namespace must match [a-zA-Z_][a-zA-Z0-9_]*, got "my-app"',
    );
  });
});
