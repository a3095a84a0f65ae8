// OpenTelemetry instruments read by the exposition's pull reader, rendered in both formats with the
// names the OpenTelemetry Prometheus exporter gives them.
import { AggregationType, MeterProvider } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { setLogSink, type LogRecord } from '@sightline/core';
import { OtelExposition } from '../../src/metrics/metrics-exposition.js';
import { prometheusName, sanitizeName, unitSuffix } from '../../src/metrics/prometheus-names.js';

function build(options: ConstructorParameters<typeof OtelExposition>[0] = {}): { exposition: OtelExposition; provider: MeterProvider } {
  const exposition = new OtelExposition(options);
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'orders', 'service.version': '1.2.3' }),
    readers: [exposition.newReader()],
  });
  return { exposition, provider };
}

const TARGET_INFO = ['# HELP target_info Target metadata', '# TYPE target_info gauge'];

describe('OtelExposition', () => {
  let provider: MeterProvider | undefined;
  afterEach(async () => {
    await provider?.shutdown();
    provider = undefined;
  });

  it('renders a counter, an up-down counter, a gauge and a histogram in Prometheus text', async () => {
    const built = build();
    provider = built.provider;
    const meter = provider.getMeter('shop', '2.0.0');
    meter.createCounter('orders.placed', { description: 'Orders placed', unit: '{order}' }).add(3, { 'payment.method': 'card' });
    meter.createUpDownCounter('queue.depth', { description: 'Jobs waiting' }).add(5);
    meter.createGauge('cpu.utilization', { description: 'CPU in use', unit: '1' }).record(0.25);
    const latency = meter.createHistogram('job.duration', {
      description: 'Job time',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.1, 1] },
    });
    latency.record(0.05, { 'job.kind': 'email' });
    latency.record(0.5, { 'job.kind': 'email' });
    latency.record(3, { 'job.kind': 'email' });

    const body = await built.exposition.source.render('prometheus');
    const lines = body.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual([...TARGET_INFO, 'target_info{service_name="orders",service_version="1.2.3"} 1']);
    const scope = 'otel_scope_name="shop",otel_scope_version="2.0.0"';
    expect(lines.slice(3)).toEqual([
      '# HELP orders_placed_total Orders placed',
      '# TYPE orders_placed_total counter',
      `orders_placed_total{payment_method="card",${scope}} 3`,
      '# HELP queue_depth Jobs waiting',
      '# TYPE queue_depth gauge',
      `queue_depth{${scope}} 5`,
      '# HELP cpu_utilization_ratio CPU in use',
      '# TYPE cpu_utilization_ratio gauge',
      `cpu_utilization_ratio{${scope}} 0.25`,
      '# HELP job_duration_seconds Job time',
      '# TYPE job_duration_seconds histogram',
      `job_duration_seconds_bucket{job_kind="email",${scope},le="0.1"} 1`,
      `job_duration_seconds_bucket{job_kind="email",${scope},le="1"} 2`,
      `job_duration_seconds_bucket{job_kind="email",${scope},le="+Inf"} 3`,
      `job_duration_seconds_sum{job_kind="email",${scope}} 3.55`,
      `job_duration_seconds_count{job_kind="email",${scope}} 3`,
    ]);
  });

  it('renders the same families in OpenMetrics: counters without _total in the family, one # EOF', async () => {
    const built = build();
    provider = built.provider;
    const meter = provider.getMeter('shop');
    meter.createCounter('orders.placed', { description: 'Orders placed' }).add(2);
    meter.createUpDownCounter('queue.depth', { description: 'Jobs waiting' }).add(-1);
    meter.createGauge('temperature', { description: 'Room', unit: 'Cel' }).record(21.5);
    meter.createHistogram('payload', { description: 'Sizes', unit: 'By', advice: { explicitBucketBoundaries: [100] } }).record(42);

    const body = await built.exposition.source.render('openmetrics');
    const lines = body.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(TARGET_INFO);
    expect(lines.slice(3)).toEqual([
      '# HELP orders_placed Orders placed',
      '# TYPE orders_placed counter',
      'orders_placed_total{otel_scope_name="shop"} 2',
      '# HELP queue_depth Jobs waiting',
      '# TYPE queue_depth gauge',
      'queue_depth{otel_scope_name="shop"} -1',
      '# HELP temperature_celsius Room',
      '# TYPE temperature_celsius gauge',
      'temperature_celsius{otel_scope_name="shop"} 21.5',
      '# HELP payload_bytes Sizes',
      '# TYPE payload_bytes histogram',
      'payload_bytes_bucket{otel_scope_name="shop",le="100"} 1',
      'payload_bytes_bucket{otel_scope_name="shop",le="+Inf"} 1',
      'payload_bytes_sum{otel_scope_name="shop"} 42',
      'payload_bytes_count{otel_scope_name="shop"} 1',
      '# EOF',
    ]);
  });

  it('collect(wanted) reads only the wanted families, as data', async () => {
    const built = build();
    provider = built.provider;
    const meter = provider.getMeter('shop');
    meter.createCounter('orders.placed').add(4);
    meter.createCounter('orders.failed').add(1);
    const asked = new Set<string>();
    const families = await built.exposition.source.collect((family) => {
      asked.add(family);
      return family === 'orders_placed_total';
    });
    expect(families).toEqual([
      {
        name: 'orders_placed_total',
        help: 'description missing',
        type: 'counter',
        values: [{ labels: { otel_scope_name: 'shop' }, value: 4 }],
      },
    ]);
    expect([...asked].sort()).toEqual(['orders_failed_total', 'orders_placed_total', 'target_info']);
  });

  it('sanitises names and label keys, and renders non-string attributes as JSON', async () => {
    const built = build();
    provider = built.provider;
    const meter = provider.getMeter('my-lib');
    meter
      .createCounter('http.server-hits__total', { description: 'a "quoted"\\ help' })
      .add(1, { 'http.response.status_code': 200, 'a-b.c': true, tags: ['x', 'y'], note: 'say "hi"\n' });
    const body = await built.exposition.source.render('prometheus');
    expect(body).toContain('# HELP http_server_hits_total a "quoted"\\\\ help\n# TYPE http_server_hits_total counter\n');
    expect(body).toContain(
      'http_server_hits_total{http_response_status_code="200",a_b_c="true",tags="[\\"x\\",\\"y\\"]",note="say \\"hi\\"\\n",otel_scope_name="my-lib"} 1\n',
    );
  });

  it('names as the exporter does: unit suffixes once, _total last, annotations dropped, leading digits guarded', () => {
    expect(sanitizeName('a.b-c/d__e')).toBe('a_b_c_d_e');
    expect(sanitizeName('1st')).toBe('_1st');
    expect(prometheusName('http.server.request.duration', 's', 'histogram')).toBe('http_server_request_duration_seconds');
    expect(prometheusName('http.server.request.body.size', 'By', 'histogram')).toBe('http_server_request_body_size_bytes');
    expect(prometheusName('http.server.active_requests', '{request}', 'gauge')).toBe('http_server_active_requests');
    expect(prometheusName('process.cpu.time', 's', 'counter')).toBe('process_cpu_time_seconds_total');
    expect(prometheusName('bytes_total', 'By', 'counter')).toBe('bytes_total');
    expect(prometheusName('sent_total', 'By', 'counter')).toBe('sent_bytes_total');
    expect(prometheusName('wait_seconds', 's', 'gauge')).toBe('wait_seconds');
    expect(prometheusName('hits', '1', 'counter')).toBe('hits_total');
    expect(prometheusName('...', '', 'gauge')).toBeUndefined();
    expect(unitSuffix('By/s', 'gauge')).toBe('bytes_per_second');
    expect(unitSuffix('{packet}/s', 'counter')).toBe('per_second');
    expect(unitSuffix('ms', 'histogram')).toBe('milliseconds');
  });

  it('merges one name recorded by two meters into one family, told apart by otel_scope_name', async () => {
    const built = build();
    provider = built.provider;
    provider.getMeter('a').createCounter('jobs').add(1);
    provider.getMeter('b').createCounter('jobs').add(2);
    const families = await built.exposition.source.collect((f) => f === 'jobs_total');
    expect(families).toHaveLength(1);
    expect(families[0]!.values.map((v) => [v.labels?.otel_scope_name, v.value])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('leaves out the excluded meters', async () => {
    const built = build({ excludeScopes: ['@sightline/otel/hooks'] });
    provider = built.provider;
    provider.getMeter('@sightline/otel/hooks').createCounter('sightline.request.errors').add(1);
    provider.getMeter('app').createCounter('kept').add(1);
    const names = (await built.exposition.source.collect()).map((f) => f.name);
    expect(names).toEqual(['target_info', 'kept_total']);
  });

  it('skips exponential histograms, counted and logged once per metric', async () => {
    const records: LogRecord[] = [];
    const previous = setLogSink((r) => records.push(r));
    try {
      const exposition = new OtelExposition();
      provider = new MeterProvider({
        readers: [exposition.newReader()],
        views: [{ instrumentName: 'spread', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
      });
      provider.getMeter('app').createHistogram('spread').record(3);
      await exposition.source.render('prometheus');
      const body = await exposition.source.render('prometheus');
      expect(body).not.toContain('spread');
      expect(exposition.skipped).toBe(2);
      expect(records.filter((r) => r.message.includes('spread'))).toHaveLength(1);
    } finally {
      setLogSink(previous);
    }
  });

  it('has nothing to show before a provider reads through it, or after it shut down', async () => {
    const exposition = new OtelExposition();
    expect(await exposition.source.render('prometheus')).toBe('');
    const reader = exposition.newReader();
    expect(await exposition.source.collect()).toEqual([]);
    const shutDown = new MeterProvider({ readers: [reader] });
    shutDown.getMeter('app').createCounter('c').add(1);
    await shutDown.shutdown();
    expect(await exposition.source.collect()).toEqual([]);
  });
});
