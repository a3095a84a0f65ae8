// Rates and quantiles computed from what the real prometheus plugin renders.
import { prometheus } from '@sightline/prometheus';
import { toDispatcher } from '@sightline/core';
import { deriveSeries, histogramQuantile, isCumulative } from '../src/derive.js';
import { parseExposition } from '../src/exposition-parser.js';

describe('histogramQuantile', () => {
  test('interpolates inside the bucket holding the rank, as PromQL does', () => {
    const buckets: [number, number][] = [
      [0.1, 10],
      [0.2, 30],
      [0.5, 40],
      [Infinity, 40],
    ];
    expect(histogramQuantile(0.25, buckets)).toBeCloseTo(0.1); // rank 10: top of the first bucket
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.15); // rank 20: halfway through (0.1, 0.2]
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(0.2 + 0.3 * (8 / 10));
  });

  test('no observations: no value (a gap on the chart)', () => {
    expect(
      histogramQuantile(0.5, [
        [1, 0],
        [Infinity, 0],
      ]),
    ).toBeNaN();
    expect(histogramQuantile(0.5, [])).toBeNaN();
  });

  test('a rank in the +Inf bucket answers the highest finite bound', () => {
    expect(
      histogramQuantile(0.99, [
        [1, 1],
        [Infinity, 100],
      ]),
    ).toBe(1);
  });
});

describe('deriveSeries over the prometheus plugin', () => {
  test('request and error rates per op, latency quantiles, message rates', async () => {
    const plugin = prometheus({ buckets: [0.005, 0.01, 0.025, 0.05, 0.1] });
    const hooks = toDispatcher(plugin.hooks);
    // A series appears with its first observation; rates need it in both samples.
    hooks.onRequest('order.create', 0.007);
    hooks.onRequest('order.get', 0.001);
    hooks.onError('order.create', 'InvalidOrderError');
    plugin.sensor?.onMessageIn?.('orders', 0, null);
    const before = parseExposition(await plugin.metrics.render());
    for (let i = 0; i < 40; i++) hooks.onRequest('order.create', 0.007);
    for (let i = 0; i < 10; i++) hooks.onRequest('order.create', 0.04);
    for (let i = 0; i < 6; i++) hooks.onError('order.create', 'InvalidOrderError');
    hooks.onRequest('order.get', 0.001);
    plugin.sensor?.onMessageIn?.('orders', 0, null);
    const after = parseExposition(await plugin.metrics.render());
    const previous = new Map(before.samples.map((s) => [s.key, s.value]));
    const points = new Map(deriveSeries(after, previous, 2).map((p) => [p.meta.key, p]));

    const rate = points.get('requests|sightline_request_duration_seconds|order.create');
    expect(rate?.value).toBe(25); // 50 requests over 2 s
    expect(rate?.meta.chart).toBe('requests');
    expect(points.get('requests|sightline_request_duration_seconds|order.get')?.value).toBe(0.5);
    expect(points.get('errors|sightline_request_errors_total|order.create')?.value).toBe(3);
    const p50 = points.get('latency|sightline_request_duration_seconds|order.create|p50')!.value;
    const p99 = points.get('latency|sightline_request_duration_seconds|order.create|p99')!.value;
    expect(p50).toBeGreaterThan(5);
    expect(p50).toBeLessThanOrEqual(10); // ms: 40 of 50 in (5 ms, 10 ms]
    expect(p99).toBeGreaterThan(25);
    expect(p99).toBeLessThanOrEqual(50);
    expect(points.get('messages|sightline_messages_received_total')?.value).toBe(0.5);
  });

  test('the first sample has nothing to compare with: gauges only, no rates', () => {
    const text =
      '# TYPE queue_depth gauge\nqueue_depth{queue_name="orders"} 7\n# TYPE x_request_errors_total counter\nx_request_errors_total{op="a"} 5\n';
    const points = deriveSeries(parseExposition(text), undefined, 1);
    expect(points.map((p) => [p.meta.chart, p.meta.label, p.value])).toEqual([['queue', 'orders', 7]]);
  });

  test('a counter that went down (a restart) counts from zero', () => {
    const text = '# TYPE a_request_errors_total counter\na_request_errors_total{op="x"} 2\n';
    const points = deriveSeries(parseExposition(text), new Map([['a_request_errors_total{op="x"}', 10]]), 1);
    expect(points[0]?.value).toBe(2);
    expect(points[0]?.meta.label).toBe('x (a)'); // the backend is named when it is not the toolkit's own
  });

  test('consumer lag per partition, HTTP 5xx as errors, stats-server received', () => {
    const previous = new Map([
      ['http_requests_total{endpoint="/x",method="GET",status="500"}', 1],
      ['sightline_stats_server_metrics_total{outcome="accepted"}', 100],
    ]);
    const text = [
      '# TYPE sightline_consumer_lag gauge',
      'sightline_consumer_lag{topic="orders",partition="3"} 42',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="GET",endpoint="/x",status="500"} 4',
      'http_requests_total{method="GET",endpoint="/x",status="200"} 400',
      '# TYPE sightline_stats_server_metrics_total counter',
      'sightline_stats_server_metrics_total{outcome="accepted"} 160',
      '# TYPE sightline_stats_server_series gauge',
      'sightline_stats_server_series 12',
    ].join('\n');
    const points = new Map(deriveSeries(parseExposition(text), previous, 1).map((p) => [p.meta.key, p]));
    expect(points.get('lag|sightline_consumer_lag{partition="3",topic="orders"}')?.meta.label).toBe('orders/3');
    expect(points.get('errors|http|GET /x')?.value).toBe(3);
    expect(points.get('stats|sightline_stats_server_metrics_total{outcome="accepted"}')?.value).toBe(60);
    expect(points.get('stats|series')?.value).toBe(12);
  });

  test('a pinned counter or histogram part is charted as a rate, a gauge as it is', () => {
    const parsed = parseExposition(
      '# TYPE h histogram\nh_count 1\n# TYPE g gauge\ng 1\nthings_total 3\n# TYPE s summary\ns{quantile="0.5"} 1\n',
    );
    const [h, g, things, s] = parsed.samples;
    expect(isCumulative(h!, parsed.types)).toBe(true);
    expect(isCumulative(g!, parsed.types)).toBe(false);
    expect(isCumulative(things!, parsed.types)).toBe(true);
    expect(isCumulative(s!, parsed.types)).toBe(false);
  });
});

describe('latency when two backends report the same requests', () => {
  test("the toolkit's own histogram is charted; a stats-server's copy only in requests/s", () => {
    const text = (n: number) =>
      [
        '# TYPE sightline_request_duration_seconds histogram',
        `sightline_request_duration_seconds_bucket{op="a",le="0.01"} ${n}`,
        `sightline_request_duration_seconds_bucket{op="a",le="+Inf"} ${n}`,
        `sightline_request_duration_seconds_count{op="a"} ${n}`,
        '# TYPE demo_request_duration_seconds histogram',
        `demo_request_duration_seconds_bucket{op="a",le="0.01"} ${n}`,
        `demo_request_duration_seconds_bucket{op="a",le="+Inf"} ${n}`,
        `demo_request_duration_seconds_count{op="a"} ${n}`,
      ].join('\n');
    const before = parseExposition(text(1));
    const points = deriveSeries(parseExposition(text(5)), new Map(before.samples.map((s) => [s.key, s.value])), 1);
    const labels = (chart: string) => points.filter((p) => p.meta.chart === chart).map((p) => p.meta.label);
    expect(labels('requests')).toEqual(['a', 'a (demo)']);
    expect(labels('latency')).toEqual(['a p50', 'a p95', 'a p99']);
  });
});

describe('deriveSeries over OpenTelemetry-named HTTP metrics', () => {
  // What the OpenTelemetry Prometheus exporter (and Sightline's automatic HTTP metrics) writes.
  const body = (ok: number, notFound: number, failed: number, client: number): string =>
    [
      '# TYPE http_server_request_duration_seconds histogram',
      ...[
        ['200', ok],
        ['404', notFound],
        ['500', failed],
      ].flatMap(([code, n]) => {
        const labels = `http_request_method="GET",http_route="/orders/:id",http_response_status_code="${code}"`;
        return [
          `http_server_request_duration_seconds_bucket{${labels},le="0.005"} 0`,
          `http_server_request_duration_seconds_bucket{${labels},le="0.01"} ${n}`,
          `http_server_request_duration_seconds_bucket{${labels},le="+Inf"} ${n}`,
          `http_server_request_duration_seconds_sum{${labels}} ${Number(n) * 0.008}`,
          `http_server_request_duration_seconds_count{${labels}} ${n}`,
        ];
      }),
      '# TYPE http_client_request_duration_seconds histogram',
      `http_client_request_duration_seconds_bucket{http_request_method="POST",le="+Inf"} ${client}`,
      `http_client_request_duration_seconds_count{http_request_method="POST"} ${client}`,
      '',
    ].join('\n');

  test('requests, 5xx errors, latency and status classes by method and route; outgoing requests left out', () => {
    const before = parseExposition(body(10, 2, 1, 5));
    const after = parseExposition(body(30, 6, 5, 50));
    const previous = new Map(before.samples.map((s) => [s.key, s.value]));
    const points = deriveSeries(after, previous, 2);
    const byChart = (chart: string) => Object.fromEntries(points.filter((p) => p.meta.chart === chart).map((p) => [p.meta.label, p.value]));
    // (20 + 4 + 4) requests over 2 s, all under one op.
    expect(byChart('requests')).toEqual({ 'GET /orders/:id': 14 });
    expect(byChart('errors')).toEqual({ 'GET /orders/:id': 2 });
    expect(byChart('status')).toEqual({ '2xx': 10, '4xx': 2, '5xx': 2 });
    const latency = byChart('latency');
    expect(Object.keys(latency).sort()).toEqual(['GET /orders/:id p50', 'GET /orders/:id p95', 'GET /orders/:id p99']);
    expect(latency['GET /orders/:id p50']).toBeGreaterThan(5);
    expect(latency['GET /orders/:id p50']).toBeLessThanOrEqual(10);
    expect(points.some((p) => p.meta.label.includes('POST'))).toBe(false);
  });
});
