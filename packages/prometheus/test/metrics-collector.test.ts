import { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from '@sightline/exposition';
import { Registry } from 'prom-client';
import {
  DuplicateMetricError,
  InvalidLabelNameError,
  InvalidMetricNameError,
  InvalidMetricOptionError,
  MetricsCollector,
} from '../src/index.js';
import type { MetricDefinitionError } from '../src/index.js';
import { fakeDateOnly } from './helpers.js';

describe('MetricsCollector', () => {
  it('returns prom-client metrics that record and render as Prometheus text', async () => {
    const collector = new MetricsCollector();
    const ops = collector.counter('my_operations_total', 'Total operations performed', { labels: ['operation_type'] });
    ops.labels({ operation_type: 'upload' }).inc();
    ops.inc({ operation_type: 'upload' }, 2);
    const conns = collector.gauge('my_active_connections', 'Number of active connections');
    conns.set(42);
    const timing = collector.histogram('my_processing_time_seconds', 'Processing time in seconds', {
      buckets: [0.1, 0.5, 1.0, 5.0, 10.0],
    });
    timing.observe(2.5);

    expect(await collector.render()).toBe(
      [
        '# HELP my_operations_total Total operations performed',
        '# TYPE my_operations_total counter',
        'my_operations_total{operation_type="upload"} 3',
        '# HELP my_active_connections Number of active connections',
        '# TYPE my_active_connections gauge',
        'my_active_connections 42',
        '# HELP my_processing_time_seconds Processing time in seconds',
        '# TYPE my_processing_time_seconds histogram',
        'my_processing_time_seconds_bucket{le="0.1"} 0',
        'my_processing_time_seconds_bucket{le="0.5"} 0',
        'my_processing_time_seconds_bucket{le="1"} 0',
        'my_processing_time_seconds_bucket{le="5"} 1',
        'my_processing_time_seconds_bucket{le="10"} 1',
        'my_processing_time_seconds_bucket{le="+Inf"} 1',
        'my_processing_time_seconds_sum 2.5',
        'my_processing_time_seconds_count 1',
        '',
      ].join('\n'),
    );
    expect(collector.contentType).toBe(PROMETHEUS_CONTENT_TYPE);
  });

  it('renders summaries with their quantiles', async () => {
    const collector = new MetricsCollector();
    const s = collector.summary('rpc_seconds', 'RPC time', { percentiles: [0.5, 0.9], labels: ['op'] });
    for (const v of [1, 2, 3, 4]) s.observe({ op: 'get' }, v);
    expect(await collector.render()).toBe(
      [
        '# HELP rpc_seconds RPC time',
        '# TYPE rpc_seconds summary',
        'rpc_seconds{quantile="0.5",op="get"} 2.5',
        'rpc_seconds{quantile="0.9",op="get"} 4',
        'rpc_seconds_sum{op="get"} 10',
        'rpc_seconds_count{op="get"} 4',
        '',
      ].join('\n'),
    );
  });

  it('keeps quantiles over a sliding window of maxAgeMs milliseconds', async () => {
    fakeDateOnly(1_700_000_000_000);
    try {
      const collector = new MetricsCollector();
      const s = collector.summary('job_seconds', 'Job time', { percentiles: [0.5], maxAgeMs: 10_000, ageBuckets: 1 });
      s.observe(5);
      expect(await collector.render()).toContain('job_seconds{quantile="0.5"} 5\n');
      jest.setSystemTime(1_700_000_009_000); // within the window
      expect(await collector.render()).toContain('job_seconds{quantile="0.5"} 5\n');
      jest.setSystemTime(1_700_000_010_001); // past it: the window is empty (prom-client reports 0), the totals stay
      const text = await collector.render();
      expect(text).toContain('job_seconds{quantile="0.5"} 0\n');
      expect(text).toContain('job_seconds_count 1\n');
    } finally {
      jest.useRealTimers();
    }
  });

  it('prefixes names and adds instance_id and default labels to every sample', async () => {
    const collector = new MetricsCollector({ prefix: 'app_', instanceId: 'station-7', defaultLabels: { env: 'prod' } });
    collector.counter('jobs_total', 'Jobs', { labels: ['kind'] }).inc({ kind: 'a' });
    collector.gauge('up', 'Up').set(1);
    expect(collector.get('jobs_total')).toBeDefined();
    expect(await collector.render()).toBe(
      [
        '# HELP app_jobs_total Jobs',
        '# TYPE app_jobs_total counter',
        'app_jobs_total{kind="a",instance_id="station-7",env="prod"} 1',
        '# HELP app_up Up',
        '# TYPE app_up gauge',
        'app_up{instance_id="station-7",env="prod"} 1',
        '',
      ].join('\n'),
    );
  });

  it('registers into a registry the caller passes', async () => {
    const registry = new Registry();
    const collector = new MetricsCollector({ registry });
    collector.counter('shared_total', 'Shared').inc(5);
    expect(await registry.getSingleMetricAsString('shared_total')).toBe(
      '# HELP shared_total Shared\n# TYPE shared_total counter\nshared_total 5',
    );
  });

  it('negotiates OpenMetrics from the Accept header', async () => {
    const collector = new MetricsCollector();
    collector.counter('http_requests_total', 'Total HTTP requests', { labels: ['method'] }).inc({ method: 'GET' }, 7);
    collector.gauge('temperature_celsius', 'Temperature "inside"').set(-3.5);

    const om = await collector.negotiate('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1');
    expect(om).toEqual({
      contentType: OPENMETRICS_CONTENT_TYPE,
      body: [
        '# HELP http_requests Total HTTP requests',
        '# TYPE http_requests counter',
        'http_requests_total{method="GET"} 7',
        '# HELP temperature_celsius Temperature \\"inside\\"',
        '# TYPE temperature_celsius gauge',
        'temperature_celsius -3.5',
        '# EOF',
        '',
      ].join('\n'),
    });

    const text = await collector.negotiate('text/plain');
    expect(text.contentType).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(text.body).toContain('# TYPE http_requests_total counter\nhttp_requests_total{method="GET"} 7\n');
    expect(text.body).toContain('# HELP temperature_celsius Temperature "inside"\n');
    // Rendering OpenMetrics must not rename the prom-client counter (prom-client's own renderer does).
    expect(collector.registry.getSingleMetric('http_requests_total')).toBeDefined();
  });

  it('collects the default process metrics when asked', async () => {
    const collector = new MetricsCollector({ collectDefaultMetrics: true });
    const body = await collector.render();
    expect(body).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(body).toMatch(/^nodejs_heap_size_total_bytes \d/m);
  });

  describe('disabled', () => {
    it('hands out metrics with the same API that record nothing and render nothing', async () => {
      const collector = new MetricsCollector({ enabled: false });
      const c = collector.counter('a_total', 'A', { labels: ['x'] });
      c.inc();
      c.inc({ x: '1' }, 3);
      c.labels({ x: '1' }).inc();
      c.labels('1').inc(2);
      const g = collector.gauge('b', 'B', { labels: ['x'] });
      g.set(1);
      g.inc();
      g.dec({ x: '1' });
      g.labels({ x: '2' }).set(4);
      g.setToCurrentTime();
      expect(g.startTimer()()).toBe(0);
      const h = collector.histogram('c_seconds', 'C');
      h.observe(1);
      h.labels('z').observe(2);
      expect(h.startTimer()()).toBe(0);
      h.zero({});
      const s = collector.summary('d_seconds', 'D');
      s.observe(1);
      expect(s.startTimer()()).toBe(0);
      for (const m of [c, g, h, s]) {
        m.reset();
        m.remove({});
      }

      expect(collector.enabled).toBe(false);
      expect(await collector.render()).toBe('');
      expect(await collector.negotiate('application/openmetrics-text')).toEqual({
        contentType: OPENMETRICS_CONTENT_TYPE,
        body: '# EOF\n',
      });
      expect(await c.get()).toEqual({ name: 'a_total', help: 'A', type: 'counter', values: [], aggregator: 'sum' });
      expect(collector.registry.getMetricsAsArray()).toHaveLength(0);
    });

    it('still refuses invalid and duplicate definitions', () => {
      const collector = new MetricsCollector({ enabled: false });
      collector.counter('a_total', 'A');
      expect(() => collector.counter('a_total', 'A')).toThrow(DuplicateMetricError);
      expect(() => collector.gauge('bad-name', 'B')).toThrow(InvalidMetricNameError);
    });
  });

  describe('invalid definitions', () => {
    const collector = new MetricsCollector();
    const cases: Array<[string, () => unknown, new (...args: never[]) => MetricDefinitionError, string]> = [
      [
        'a name with a dash',
        () => collector.counter('http-requests', 'x'),
        InvalidMetricNameError,
        'metric "http-requests": invalid metric name (rule: metric names match [a-zA-Z_:][a-zA-Z0-9_:]*)',
      ],
      ['a name starting with a digit', () => collector.gauge('1st', 'x'), InvalidMetricNameError, 'metric "1st": invalid metric name'],
      ['an empty name', () => collector.gauge('', 'x'), InvalidMetricNameError, 'metric "": invalid metric name'],
      [
        'a histogram named like its series',
        () => collector.histogram('latency_bucket', 'x'),
        InvalidMetricNameError,
        'metric "latency_bucket": the histogram\'s generated series would collide with _bucket (rule: a histogram name must not end in _bucket, _count or _sum)',
      ],
      [
        'a label with a dash',
        () => collector.counter('a_total', 'x', { labels: ['cache-name'] }),
        InvalidLabelNameError,
        'metric "a_total": invalid label name "cache-name" (rule: label names match [a-zA-Z_][a-zA-Z0-9_]*)',
      ],
      [
        'a reserved __ label',
        () => collector.counter('b_total', 'x', { labels: ['__meta'] }),
        InvalidLabelNameError,
        'metric "b_total": reserved label name "__meta" (rule: label names starting with __ are reserved for Prometheus)',
      ],
      [
        'le on a histogram',
        () => collector.histogram('c_seconds', 'x', { labels: ['le'] }),
        InvalidLabelNameError,
        'metric "c_seconds": reserved label name "le" (rule: le is reserved on histograms for bucket bounds)',
      ],
      [
        'quantile on a summary',
        () => collector.summary('d_seconds', 'x', { labels: ['quantile'] }),
        InvalidLabelNameError,
        'metric "d_seconds": reserved label name "quantile" (rule: quantile is reserved on summaries for quantile values)',
      ],
      [
        'a repeated label',
        () => collector.gauge('e', 'x', { labels: ['op', 'op'] }),
        InvalidLabelNameError,
        'metric "e": label "op" is repeated (rule: each label name appears once)',
      ],
      [
        'missing help',
        () => collector.gauge('f', ''),
        InvalidMetricOptionError,
        'metric "f": missing help text (rule: help is a non-empty string)',
      ],
      [
        'unsorted buckets',
        () => collector.histogram('g_seconds', 'x', { buckets: [1, 0.5] }),
        InvalidMetricOptionError,
        'metric "g_seconds": bucket 0.5 does not exceed the one before it (1) (rule: bucket bounds increase strictly)',
      ],
      [
        'an infinite bucket',
        () => collector.histogram('h_seconds', 'x', { buckets: [1, Infinity] }),
        InvalidMetricOptionError,
        'metric "h_seconds": bucket Infinity is not a finite number',
      ],
      [
        'a percentile above 1',
        () => collector.summary('i_seconds', 'x', { percentiles: [0.5, 99] }),
        InvalidMetricOptionError,
        'metric "i_seconds": percentile 99 is out of range (rule: percentiles are numbers in [0, 1])',
      ],
    ];
    it.each(cases)('refuses %s, naming the metric and the rule', (_what, define, type, message) => {
      let thrown: unknown;
      try {
        define();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(type);
      expect((thrown as Error).message).toContain(message);
      expect(collector.registry.getMetricsAsArray()).toHaveLength(0);
    });

    it('allows le on a counter and quantile on a gauge', () => {
      const c = new MetricsCollector();
      expect(() => c.counter('ok_total', 'x', { labels: ['le'] })).not.toThrow();
      expect(() => c.gauge('ok', 'x', { labels: ['quantile'] })).not.toThrow();
    });

    it('refuses a duplicate registration, also of a metric registered in the registry by someone else', () => {
      const registry = new Registry();
      registry.registerMetric(new MetricsCollector().counter('external_total', 'x'));
      const c = new MetricsCollector({ registry, prefix: 'p_' });
      c.counter('jobs_total', 'x');
      expect(() => c.gauge('jobs_total', 'y')).toThrow(
        new DuplicateMetricError('p_jobs_total', 'a metric name is registered once per registry', 'already registered'),
      );
      const plain = new MetricsCollector({ registry });
      let thrown: unknown;
      try {
        plain.counter('external_total', 'x');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(DuplicateMetricError);
      expect((thrown as DuplicateMetricError).metric).toBe('external_total');
      expect((thrown as DuplicateMetricError).rule).toBe('a metric name is registered once per registry');
    });

    it('lets a removed metric be defined again', () => {
      const c = new MetricsCollector();
      c.counter('again_total', 'x');
      expect(c.remove('again_total')).toBe(true);
      expect(c.remove('again_total')).toBe(false);
      expect(() => c.counter('again_total', 'x')).not.toThrow();
    });

    it('refuses bad collector options', () => {
      expect(() => new MetricsCollector({ prefix: 'my-app_' })).toThrow(
        'MetricsCollector option prefix "my-app_" is invalid: expected [a-zA-Z_:][a-zA-Z0-9_:]*, e.g. "myapp_"',
      );
      expect(() => new MetricsCollector({ instanceId: '' })).toThrow(
        'invalid option `instanceId` in new MetricsCollector(): expected a non-empty string or a finite number, got ""',
      );
      expect(() => new MetricsCollector({ defaultLabels: { 'bad-label': 'x' } })).toThrow(InvalidLabelNameError);
    });
  });
});
