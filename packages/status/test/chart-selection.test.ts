// Which charts the page draws (issue #25): those with a family behind them, and the runtime's;
// responses by status class from the HTTP request counter; the 1-minute load average.
import { loadavg } from 'node:os';
import type { MetricsCollector } from '@sightline/prometheus';
import { httpMetrics, prometheus, queueMetrics } from '@sightline/prometheus';
import { chartsOfFamilies, deriveSeries, statusClass } from '../src/derive.js';
import { parseExposition } from '../src/exposition-parser.js';
import { resolveStatusOptions } from '../src/options.js';
import { RuntimeSampler } from '../src/runtime-sampler.js';
import { StatusEngine } from '../src/status-engine.js';
import type { SeriesMeta } from '../src/charts.js';

const sorted = (set: Iterable<string>) => [...set].sort();

describe('chartsOfFamilies', () => {
  test('HTTP request metrics: the request, error, latency and status-class charts, and nothing of streams', () => {
    expect(sorted(chartsOfFamilies(['http_requests_total', 'http_request_duration_seconds', 'http_requests_active']))).toEqual([
      'errors',
      'latency',
      'requests',
      'status',
    ]);
  });

  test('stream, queue, lag and stats-server families each bring their chart', () => {
    expect(sorted(chartsOfFamilies(['sightline_messages_received_total', 'sightline_consumer_lag']))).toEqual(['lag', 'messages']);
    expect(sorted(chartsOfFamilies(['queue_depth', 'sightline_stats_server_series']))).toEqual(['queue', 'stats']);
    expect(sorted(chartsOfFamilies(['sightline_request_duration_seconds', 'sightline_request_errors_total']))).toEqual([
      'errors',
      'latency',
      'requests',
    ]);
  });

  test('OpenTelemetry server duration brings the request, error, latency and status-class charts; unrelated families bring none', () => {
    expect(sorted(chartsOfFamilies(['http_server_request_duration_seconds']))).toEqual(['errors', 'latency', 'requests', 'status']);
    expect(sorted(chartsOfFamilies(['http_client_request_duration_seconds']))).toEqual([]);
    expect(sorted(chartsOfFamilies(['process_cpu_seconds_total', 'nodejs_heap_size_used_bytes', 'up']))).toEqual([]);
  });
});

describe('statusClass and the status-class series', () => {
  test('codes become classes; anything else none', () => {
    expect([200, 201, 304, 404, 500, 599].map((c) => statusClass(String(c)))).toEqual(['2xx', '2xx', '3xx', '4xx', '5xx', '5xx']);
    expect(statusClass('0')).toBeUndefined();
    expect(statusClass('abc')).toBeUndefined();
    expect(statusClass('600')).toBeUndefined();
  });

  test('http_requests_total with codes 200/201/404/500 gives 2xx/4xx/5xx rates', () => {
    const text = (n: number) =>
      [
        '# TYPE http_requests_total counter',
        `http_requests_total{method="GET",endpoint="/a",status="200"} ${10 + 4 * n}`,
        `http_requests_total{method="POST",endpoint="/a",status="201"} ${5 + 2 * n}`,
        `http_requests_total{method="GET",endpoint="/b",status="404"} ${1 + n}`,
        `http_requests_total{method="GET",endpoint="/c",code="500"} ${3 * n}`,
        '',
      ].join('\n');
    const first = parseExposition(text(0));
    const previous = new Map(first.samples.map((s) => [s.key, s.value]));
    const points = deriveSeries(parseExposition(text(1)), previous, 2);
    const status = Object.fromEntries(points.filter((p) => p.meta.chart === 'status').map((p) => [p.meta.label, p.value]));
    // Per second over 2 s: 2xx (4 + 2) / 2, 4xx 1 / 2, 5xx 3 / 2.
    expect(status).toEqual({ '2xx': 3, '4xx': 0.5, '5xx': 1.5 });
    // The first round has no previous values: no rate yet.
    expect(deriveSeries(first, undefined, 1).filter((p) => p.meta.chart === 'status')).toEqual([]);
  });
});

describe('the 1-minute load average', () => {
  test('is sampled with the runtime figures', () => {
    const sampler = new RuntimeSampler();
    const out = new Map<string, { meta: SeriesMeta; value: number }>();
    try {
      sampler.sample(out);
    } finally {
      sampler.stop();
    }
    const load = out.get('load|1m');
    expect(load?.meta).toEqual({ key: 'load|1m', chart: 'load', label: '1 min', unit: '' });
    expect(load!.value).toBeGreaterThanOrEqual(0);
    expect(Math.abs(load!.value - loadavg()[0]!)).toBeLessThan(5);
  });
});

describe('StatusEngine lists the charts the service has', () => {
  const engineOver = (metrics: MetricsCollector) => new StatusEngine(resolveStatusOptions({ metrics }, 'test'));
  const ids = (engine: StatusEngine) => engine.charts().map((c) => c.id);

  test('an HTTP-only prometheus(): HTTP, status-class and runtime charts, no messages chart', async () => {
    const p = prometheus({ collectDefaultMetrics: false });
    const http = httpMetrics(p.collector);
    const engine = engineOver(p.collector);
    expect(ids(engine)).toEqual(['eventloop', 'memory', 'gc', 'cpu', 'load']);
    // Defined but not yet recorded into: nothing to chart.
    await engine.tick();
    expect(ids(engine)).toEqual(['eventloop', 'memory', 'gc', 'cpu', 'load']);
    http.observe('GET', '/a', 200, 0.01);
    await engine.tick();
    http.observe('GET', '/a', 404, 0.01);
    await engine.tick();
    http.observe('GET', '/a', 404, 0.01);
    await engine.tick();
    expect(ids(engine)).toEqual(['requests', 'errors', 'status', 'latency', 'eventloop', 'memory', 'gc', 'cpu', 'load']);
    expect(engine.store.metas().some((m) => m.chart === 'messages')).toBe(false);
    expect(
      engine.store
        .metas()
        .filter((m) => m.chart === 'status')
        .map((m) => m.label),
    ).toEqual(['2xx', '4xx']);
  });

  test('the messages chart appears with the first message, and queues with a queue metric set', async () => {
    const p = prometheus({ collectDefaultMetrics: false });
    const engine = engineOver(p.collector);
    await engine.tick();
    expect(ids(engine)).not.toContain('messages');
    p.sensor.onMessageIn('orders/0', 0, null);
    await engine.tick();
    expect(ids(engine)).toContain('messages');
    queueMetrics(p.collector).queue('emails').setDepth(3);
    await engine.tick();
    expect(ids(engine)).toContain('queue');
    expect(ids(engine)).not.toContain('lag');
  });
});
