import fc from 'fast-check';
import { formatValue, renderExposition, renderExpositionBytes, type MetricSnapshot } from '../../src/index.js';

describe('renderExposition', () => {
  it('escapes label values and help text as each format requires', () => {
    const metric: MetricSnapshot = {
      name: 'odd',
      help: 'back\\slash\nnew "quoted"',
      type: 'gauge',
      values: [{ value: 1, labels: { path: 'C:\\dir\n"x"' } }],
    };
    expect(renderExposition([metric])).toBe(
      '# HELP odd back\\\\slash\\nnew "quoted"\n# TYPE odd gauge\nodd{path="C:\\\\dir\\n\\"x\\""} 1\n',
    );
    expect(renderExposition([metric], { format: 'openmetrics' })).toBe(
      '# HELP odd back\\\\slash\\nnew \\"quoted\\"\n# TYPE odd gauge\nodd{path="C:\\\\dir\\n\\"x\\""} 1\n# EOF\n',
    );
  });

  it('writes non-ASCII label values and help as UTF-8 bytes', () => {
    const metric: MetricSnapshot = {
      name: 'temp',
      help: 'Température ✓',
      type: 'gauge',
      values: [
        { value: 1, labels: { city: 'Zürich', note: 'ok' } },
        { value: 2, labels: { city: '東京' } },
      ],
    };
    const text = '# HELP temp Température ✓\n# TYPE temp gauge\ntemp{city="Zürich",note="ok"} 1\ntemp{city="東京"} 2\n';
    expect(renderExposition([metric])).toBe(text);
    expect(renderExpositionBytes([metric]).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it('writes NaN and infinities the way Prometheus parses them', () => {
    expect([NaN, Infinity, -Infinity, 0, -0, 1e21, 0.1].map(formatValue)).toEqual(['NaN', '+Inf', '-Inf', '0', '0', '1e+21', '0.1']);
  });

  it('puts shared series labels before le and adds default labels a sample does not set', () => {
    const shared = { method: 'GET', env: 'test' };
    const metric: MetricSnapshot = {
      name: 'lat',
      help: 'Latency',
      type: 'histogram',
      values: [
        { value: 1, labels: { le: 0.5 }, sharedLabels: shared, metricName: 'lat_bucket' },
        { value: 2, labels: { le: '+Inf' }, sharedLabels: shared, metricName: 'lat_bucket' },
        { value: 0.7, labels: {}, sharedLabels: shared, metricName: 'lat_sum' },
      ],
    };
    expect(renderExposition([metric], { defaultLabels: { env: 'prod', region: 'eu' } })).toBe(
      [
        '# HELP lat Latency',
        '# TYPE lat histogram',
        'lat_bucket{method="GET",env="test",le="0.5",region="eu"} 1',
        'lat_bucket{method="GET",env="test",le="+Inf",region="eu"} 2',
        'lat_sum{method="GET",env="test",region="eu"} 0.7',
        '',
      ].join('\n'),
    );
  });

  it('names OpenMetrics counter families without _total and their samples with it', () => {
    const counters: MetricSnapshot[] = [
      { name: 'jobs_total', help: 'Jobs', type: 'counter', values: [{ value: 3, labels: {} }] },
      { name: 'retries', help: 'Retries', type: 'counter', values: [{ value: 1, labels: {} }] },
      { name: 'raw', help: 'Raw', type: 'weird', values: [] },
    ];
    expect(renderExposition(counters, { format: 'openmetrics' })).toBe(
      '# HELP jobs Jobs\n# TYPE jobs counter\njobs_total 3\n# HELP retries Retries\n# TYPE retries counter\nretries_total 1\n# HELP raw Raw\n# TYPE raw unknown\n# EOF\n',
    );
    expect(renderExposition(counters)).toBe(
      '# HELP jobs_total Jobs\n# TYPE jobs_total counter\njobs_total 3\n# HELP retries Retries\n# TYPE retries counter\nretries 1\n# HELP raw Raw\n# TYPE raw untyped\n',
    );
  });

  it('round-trips any label value through escaping (property)', () => {
    const unescape = (s: string): string => s.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const line = renderExposition([{ name: 'm', help: 'h', type: 'gauge', values: [{ value: 1, labels: { l: value } }] }]).split(
          '\n',
        )[2]!;
        const match = /^m\{l="((?:[^"\\]|\\.)*)"\} 1$/s.exec(line);
        expect(match).not.toBeNull();
        expect(unescape(match![1]!)).toBe(value);
      }),
    );
  });
});

describe('renderExpositionSliced', () => {
  it('renders the same bytes as renderExpositionBytes, giving the event loop back between slices', async () => {
    const { MetricsCollector } = await import('../../src/index.js');
    const { renderExpositionBytes, renderExpositionSliced } = await import('../../src/exposition/render.js');
    const collector = new MetricsCollector({ defaultLabels: { zone: 'a' } });
    const counter = collector.counter('jobs_total', 'Jobs', { labels: ['queue'] });
    for (let i = 0; i < 3000; i++) counter.inc({ queue: `q${i}` }, i);
    const histogram = collector.histogram('job_seconds', 'Job time', { labels: ['queue'], buckets: [1, 2] });
    for (let i = 0; i < 300; i++) histogram.observe({ queue: `q${i}` }, i % 3);
    const snapshots = await collector.snapshot();
    for (const format of ['prometheus', 'openmetrics'] as const) {
      let ticks = 0;
      let ticking = true;
      const tick = (): void => {
        ticks++;
        if (ticking) setImmediate(tick);
      };
      setImmediate(tick);
      // A zero budget pauses after every step of 256 samples: other work runs in between.
      const sliced = await renderExpositionSliced(snapshots, { format, defaultLabels: collector.defaultLabels }, 0);
      ticking = false;
      expect(sliced.equals(renderExpositionBytes(snapshots, { format, defaultLabels: collector.defaultLabels }))).toBe(true);
      // 3,000 counter samples and 300 series of 5 histogram samples: a pause every 256.
      expect(ticks).toBeGreaterThanOrEqual(Math.floor((3000 + 300 * 5) / 256));
    }
  });
});
