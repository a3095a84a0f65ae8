import fc from 'fast-check';
import {
  formatValue,
  renderExposition,
  renderExpositionBytes,
  renderExpositionChunks,
  renderExpositionSliced,
  type MetricSnapshot,
  type SampleSnapshot,
  type StreamedMetricSnapshot,
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

describe('renderExpositionChunks', () => {
  interface Received {
    readonly chunks: Buffer[];
    readonly lasts: boolean[];
    /** The distinct memory chunks were cut from: an ArrayBuffer and the offset in it (Node 24 pools buffers up to 32 KiB). */
    readonly buffers: Set<string>;
  }
  const bufferIds = new WeakMap<ArrayBufferLike, number>();
  let nextBufferId = 0;
  const regionOf = (chunk: Buffer): string => {
    let id = bufferIds.get(chunk.buffer);
    if (id === undefined) bufferIds.set(chunk.buffer, (id = nextBufferId++));
    return `${id}@${chunk.byteOffset}`;
  };
  /** A writer that copies each chunk, as a socket would take it, and settles a tick later. */
  function collector(): { received: Received; write: (chunk: Buffer, last: boolean) => Promise<void> } {
    const received: Received = { chunks: [], lasts: [], buffers: new Set() };
    return {
      received,
      write: (chunk, last) => {
        received.chunks.push(Buffer.from(chunk));
        received.lasts.push(last);
        received.buffers.add(regionOf(chunk));
        return new Promise((resolve) => setImmediate(resolve));
      },
    };
  }

  it('hands out the same bytes as renderExpositionBytes in chunks of about chunkBytes, the last one flagged', async () => {
    const snapshots = largeSnapshots(3000, 300);
    for (const format of ['prometheus', 'openmetrics'] as const) {
      const whole = renderExpositionBytes(snapshots, { format, defaultLabels: { zone: 'a' } });
      const { received, write } = collector();
      await renderExpositionChunks(snapshots, write, { format, defaultLabels: { zone: 'a' }, chunkBytes: 4096 });
      expect(Buffer.concat(received.chunks).equals(whole)).toBe(true);
      expect(received.chunks.length).toBeGreaterThan(whole.length / (4096 + 200));
      // Cut at a sample line past chunkBytes: no chunk is longer than that plus one line of this exposition.
      expect(Math.max(...received.chunks.map((c) => c.length))).toBeLessThan(4096 + 200);
      expect(received.lasts.filter((last) => last)).toEqual([true]);
      expect(received.lasts.at(-1)).toBe(true);
    }
  });

  it('gives the event loop back while a socket takes every chunk at once (a write settled on the next tick)', async () => {
    // A socket with room settles each write without the event loop turning: the renderer must still yield.
    let turns = 0;
    let rendering = true;
    const count = (): void => {
      if (!rendering) return;
      turns++;
      setImmediate(count);
    };
    setImmediate(count);
    let chunks = 0;
    await renderExpositionChunks(
      largeSnapshots(200_000, 1000),
      () => {
        chunks++;
        return Promise.resolve();
      },
      { chunkBytes: 1024, sliceMs: 2 },
    );
    rendering = false;
    expect(chunks).toBeGreaterThan(100);
    // The old renderer started a new slice after every settled write and yielded here only when one chunk alone ran 2 ms.
    expect(turns).toBeGreaterThanOrEqual(10);
  });

  it('writes into two buffers in turn, whatever the size of the exposition', async () => {
    const { received, write } = collector();
    await renderExpositionChunks(largeSnapshots(20_000, 1000), write, { chunkBytes: 8192 });
    expect(received.chunks.length).toBeGreaterThan(100);
    expect(received.buffers.size).toBe(2);
  });

  it('reads families and samples from any iterable, produced while it renders', async () => {
    const produced: number[] = [];
    function* values(): Generator<SampleSnapshot> {
      for (let i = 0; i < 1000; i++) {
        produced.push(i);
        yield { value: i, labels: { i: String(i) } };
      }
    }
    function* families(): Generator<StreamedMetricSnapshot> {
      yield { name: 'lazy', help: 'Produced on demand', type: 'gauge', values: values() };
    }
    const { received, write } = collector();
    let producedAtFirstWrite = -1;
    await renderExpositionChunks(
      families(),
      (chunk, last) => {
        if (producedAtFirstWrite < 0) producedAtFirstWrite = produced.length;
        return write(chunk, last);
      },
      { chunkBytes: 1024 },
    );
    const array: MetricSnapshot[] = [
      {
        name: 'lazy',
        help: 'Produced on demand',
        type: 'gauge',
        values: Array.from({ length: 1000 }, (_, i) => ({ value: i, labels: { i: String(i) } })),
      },
    ];
    expect(Buffer.concat(received.chunks).equals(renderExpositionBytes(array))).toBe(true);
    // The first chunk went out long before the last sample was asked for.
    expect(producedAtFirstWrite).toBeLessThan(200);
  });

  it('hands a small exposition out in one last chunk', async () => {
    const { received, write } = collector();
    await renderExpositionChunks([{ name: 'up', help: 'Up', type: 'gauge', values: [{ value: 1 }] }], write);
    expect(received.chunks.map((c) => c.toString())).toEqual(['# HELP up Up\n# TYPE up gauge\nup 1\n']);
    expect(received.lasts).toEqual([true]);
  });

  it('stops, writing nothing more, once its signal is aborted', async () => {
    const gone = new AbortController();
    const { received, write } = collector();
    await renderExpositionChunks(
      largeSnapshots(20_000, 0),
      (chunk, last) => {
        if (received.chunks.length === 2) gone.abort();
        return write(chunk, last);
      },
      { chunkBytes: 4096, signal: gone.signal },
    );
    expect(received.chunks.length).toBe(3);
    expect(received.lasts).toEqual([false, false, false]);
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
