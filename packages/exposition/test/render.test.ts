import fc from 'fast-check';
import {
  formatValue,
  renderExposition,
  renderExpositionBytes,
  renderExpositionSliced,
  type MetricSnapshot,
  type SampleSnapshot,
} from '../src/index.js';

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

/** A counter of `series` series and a histogram of `histograms` series with two bounds, as snapshots. */
function largeSnapshots(series: number, histograms: number): MetricSnapshot[] {
  const counter: MetricSnapshot = {
    name: 'jobs_total',
    help: 'Jobs',
    type: 'counter',
    values: Array.from({ length: series }, (_, i) => ({ value: i, labels: { queue: `q${i}` } })),
  };
  const histogramValues: SampleSnapshot[] = [];
  for (let i = 0; i < histograms; i++) {
    const shared = { queue: `q${i}` };
    const counts = [i % 3 < 1 ? 1 : 0, i % 3 < 2 ? 1 : 0, 1];
    ['1', '2', '+Inf'].forEach((le, b) =>
      histogramValues.push({ value: counts[b]!, labels: { le }, sharedLabels: shared, metricName: 'job_seconds_bucket' }),
    );
    histogramValues.push({ value: i % 3, labels: {}, sharedLabels: shared, metricName: 'job_seconds_sum' });
    histogramValues.push({ value: 1, labels: {}, sharedLabels: shared, metricName: 'job_seconds_count' });
  }
  return [counter, { name: 'job_seconds', help: 'Job time', type: 'histogram', values: histogramValues }];
}

describe('renderExpositionSliced', () => {
  it('renders the same bytes as renderExpositionBytes, giving the event loop back between slices', async () => {
    const snapshots = largeSnapshots(3000, 300);
    const defaultLabels = { zone: 'a' };
    for (const format of ['prometheus', 'openmetrics'] as const) {
      let ticks = 0;
      let ticking = true;
      const tick = (): void => {
        ticks++;
        if (ticking) setImmediate(tick);
      };
      setImmediate(tick);
      // A zero budget pauses after every step of 256 samples: other work runs in between.
      const sliced = await renderExpositionSliced(snapshots, { format, defaultLabels }, 0);
      ticking = false;
      expect(sliced.equals(renderExpositionBytes(snapshots, { format, defaultLabels }))).toBe(true);
      // 3,000 counter samples and 300 series of 5 histogram samples: a pause every 256.
      expect(ticks).toBeGreaterThanOrEqual(Math.floor((3000 + 300 * 5) / 256));
    }
  });
});

describe('sizeHint', () => {
  it('renders the same bytes whatever the hint, smaller or larger than the exposition', () => {
    const snapshots = largeSnapshots(2000, 100);
    const plain = renderExpositionBytes(snapshots);
    expect(plain.length).toBeGreaterThan(64 * 1024);
    for (const sizeHint of [1, 100, plain.length, plain.length * 4, Number.NaN, -5]) {
      expect(renderExpositionBytes(snapshots, { sizeHint }).equals(plain)).toBe(true);
    }
  });

  it('keeps nothing between calls: one large render leaves the next small one as it was', () => {
    const small: MetricSnapshot[] = [{ name: 'up', help: 'Up', type: 'gauge', values: [{ value: 1 }] }];
    const before = renderExpositionBytes(small);
    renderExpositionBytes(largeSnapshots(20_000, 0));
    const after = renderExpositionBytes(small);
    expect(after.equals(before)).toBe(true);
    // The output is a view of a buffer sized for this render alone, not for the largest one so far.
    expect(after.buffer.byteLength).toBeLessThanOrEqual(64 * 1024 + 8192);
  });
});
