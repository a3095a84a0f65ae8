import { toDispatcher, type Plugin } from '@sightline/core';
import { combineMetricsSources, renderMetrics } from '@sightline/core/internal';
import { httpMetrics, MetricsCollector, prometheus, PrometheusMonitor } from '../src/index.js';
import { get, parseSamples } from './helpers.js';

describe('prometheus() plugin', () => {
  it('brings hooks, a PrometheusMonitor sensor and a metrics source over one collector', async () => {
    const plugin: Plugin = prometheus({ instanceId: 'node-1' });
    const p = plugin as ReturnType<typeof prometheus>;
    expect(plugin.name).toBe('prometheus');
    expect(plugin.sensor).toBeInstanceOf(PrometheusMonitor);
    httpMetrics(p.collector).observe('GET', '/x', 200, 0.01);
    toDispatcher(plugin.hooks).onRequest('read', 0.2);
    plugin.sensor!.onMessageIn!('t/0', 0, null);
    await plugin.start?.({} as never);
    await plugin.close?.();

    const exposition = await renderMetrics(combineMetricsSources(plugin.metrics!), 'application/openmetrics-text');
    expect(exposition.contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    const values = parseSamples(exposition.body);
    expect(values.get('sightline_messages_received_total{instance_id="node-1"}')).toBe(1);
    expect(values.get('sightline_request_duration_seconds_count{op="read",instance_id="node-1"}')).toBe(1);
    expect(values.get('http_requests_total{method="GET",endpoint="/x",status="200",instance_id="node-1"}')).toBe(1);
    expect(exposition.body.endsWith('# EOF\n')).toBe(true);
  });

  it('refuses unknown options (as setupFromEnv passes them) and takes numbers from the environment as text', async () => {
    expect(() => prometheus({ scrapePath: '/m' } as never)).toThrow(
      'unknown option `scrapePath` in prometheus(): expected one of instanceId, enabled, registry, prefix, defaultLabels, collectDefaultMetrics, collector, namespace, buckets, eagerSeries, monitor',
    );
    const p = prometheus({ instanceId: 7, defaultLabels: { zone: 3 } });
    p.collector.gauge('up', 'Up').set(1);
    expect(await p.collector.render()).toContain('up{instance_id="7",zone="3"} 1\n');
  });

  it('uses a collector it is given, and refuses collector options beside it', () => {
    const collector = new MetricsCollector();
    const plugin = prometheus({ collector, namespace: 'app' });
    expect(plugin.metrics).toBe(collector);
    // The sensor's families are defined in the given collector with its first event of their kind.
    expect(collector.get('app_messages_received_total')).toBeUndefined();
    plugin.sensor.onMessageIn('orders/0', 0, null);
    expect(collector.get('app_messages_received_total')).toBeDefined();
    expect(() => prometheus({ collector, prefix: 'x_' })).toThrow(
      'prometheus(): pass either collector or collector options (prefix), not both',
    );
  });

  it('exports process and Node.js runtime metrics by default, and none with collectDefaultMetrics: false', async () => {
    // Families, not samples: the GC histogram has no series until a collection ran.
    const families = (text: string) => [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    const names = families(await prometheus().collector.render());
    for (const name of [
      'process_cpu_seconds_total counter',
      'process_resident_memory_bytes gauge',
      'nodejs_eventloop_lag_p99_seconds gauge',
      'nodejs_gc_duration_seconds histogram',
      'nodejs_heap_size_used_bytes gauge',
      'nodejs_active_handles gauge',
    ]) {
      expect(names).toContain(name);
    }
    // prom-client's *_total gauges are left out: promtool refuses a gauge named like a counter.
    expect(names.filter((n) => /^nodejs_active_\w+_total /.test(n))).toEqual([]);
    const off = families(await prometheus({ collectDefaultMetrics: false }).collector.render());
    expect(off.filter((k) => k.startsWith('process_') || k.startsWith('nodejs_'))).toEqual([]);
  });

  it("with metricsPort, start() opens a listener of its own serving only /metrics (pyWATS's metrics_port); close() closes it", async () => {
    const plugin = prometheus({ metricsPort: 0, collectDefaultMetrics: false });
    expect(plugin.metricsServer).toBeUndefined();
    plugin.collector.counter('orders_total', 'Orders').inc(3);
    await plugin.start!({} as never);
    await plugin.start!({} as never); // bound once
    const server = plugin.metricsServer!;
    expect(server.host).toBe('127.0.0.1');
    const r = await get(`http://127.0.0.1:${server.port}/metrics`);
    expect(r.status).toBe(200);
    expect(parseSamples(r.body).get('orders_total')).toBe(3);
    expect((await get(`http://127.0.0.1:${server.port}/health`)).status).toBe(404);
    await plugin.close!();
    expect(server.server.listening).toBe(false);
    expect(prometheus({ collectDefaultMetrics: false }).metricsServer).toBeUndefined();
  });
});
