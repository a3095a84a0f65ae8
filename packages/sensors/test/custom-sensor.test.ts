import { CustomSensor, InvalidMetricValueError, SensorConfigError } from '../src/index.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { captureLogs, fakeClock } from './helpers.js';

describe('CustomSensor', () => {
  it('records values with a timestamp, default now on its clock', () => {
    const clock = fakeClock(1_700_000_000_000);
    const s = new CustomSensor('business', { clock });
    s.recordMetric('last_order', 'o-17');
    s.recordMetric('region', 'eu', { timestamp: 42 });
    s.recordMetric('open', true);
    expect(s.getMetrics().metrics).toEqual({
      last_order: { value: 'o-17', timestamp: 1_700_000_000_000 },
      region: { value: 'eu', timestamp: 42 },
      open: { value: true, timestamp: 1_700_000_000_000 },
    });
  });

  it('uses the wall clock by default', () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_700_000_000_123);
    try {
      const s = new CustomSensor('x');
      s.recordMetric('k', 1);
      expect(s.getMetrics().metrics['k']).toEqual({ value: 1, timestamp: 1_700_000_000_123 });
    } finally {
      now.mockRestore();
    }
  });

  it('increments counters by 1 or by a delta, and keeps the last gauge value', () => {
    const s = new CustomSensor('business');
    s.incrementCounter('orders');
    s.incrementCounter('orders');
    s.incrementCounter('revenue_cents', 1250);
    s.incrementCounter('revenue_cents', 750);
    s.setGauge('queue_depth', 12);
    s.setGauge('queue_depth', 3);
    const m = s.getMetrics();
    expect(m.counters).toEqual({ orders: 2, revenue_cents: 2000 });
    expect(m.gauges).toEqual({ queue_depth: 3 });
    expect(m.name).toBe('business');
    expect(s.name).toBe('business');
  });

  it('summarises a histogram: count, sum, min, max and nearest-rank percentiles', () => {
    const s = new CustomSensor('h');
    // 1..100 shuffled: p50 = 50, p95 = 95, p99 = 99.
    const values = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    for (const v of values) s.recordHistogram('latency_ms', v);
    expect(s.getMetrics().histograms['latency_ms']).toEqual({ count: 100, sum: 5050, min: 1, max: 100, p50: 50, p95: 95, p99: 99 });
    s.recordHistogram('one', 7);
    expect(s.getMetrics().histograms['one']).toEqual({ count: 1, sum: 7, min: 7, max: 7, p50: 7, p95: 7, p99: 7 });
  });

  it('computes percentiles over the last maxHistogramSamples; count, sum, min and max over all', () => {
    const s = new CustomSensor('h', { maxHistogramSamples: 10 });
    for (let v = 1; v <= 20; v++) s.recordHistogram('x', v);
    expect(s.histogramWindowSize('x')).toBe(10);
    // The window holds 11..20.
    expect(s.getMetrics().histograms['x']).toEqual({ count: 20, sum: 210, min: 1, max: 20, p50: 15, p95: 20, p99: 20 });
  });

  it('is its own asDict and ignores stream events', () => {
    const s = new CustomSensor('c');
    s.onMessageIn('a/0', 1, null);
    s.incrementCounter('n');
    expect(s.asDict()).toEqual({
      name: 'c',
      metrics: {},
      counters: { n: 1 },
      gauges: {},
      histograms: {},
      dropped: { metrics: 0, counters: 0, gauges: 0, histograms: 0 },
    });
  });

  it('rejects bad keys and values with a clear error', () => {
    const s = new CustomSensor('c');
    expect(() => s.incrementCounter('', 1)).toThrow(new InvalidMetricValueError('Invalid metric key "": expected a non-empty string'));
    expect(() => s.incrementCounter('n', Number.NaN)).toThrow('Invalid counter delta NaN for "n": expected a finite number');
    expect(() => s.setGauge('g', Infinity)).toThrow('Invalid gauge value Infinity for "g": expected a finite number');
    expect(() => s.recordHistogram('h', '3' as never)).toThrow('Invalid histogram value "3" for "h": expected a finite number');
    expect(() => s.recordMetric('m', Number.NaN)).toThrow('Invalid value NaN for "m"');
    expect(() => s.recordMetric('m', 1, { timestamp: Number.NaN })).toThrow('Invalid timestamp NaN for "m"');
    expect(() => new CustomSensor('')).toThrow(SensorConfigError);
    expect(() => new CustomSensor('x', { maxHistogramSamples: 0 })).toThrow(
      'invalid option `maxHistogramSamples` in new CustomSensor(): expected an integer >= 1, got 0',
    );
    expect(s.getMetrics().counters).toEqual({});
  });
});

// Live heap plus the typed arrays' backing stores (off the heap) after a full collection.
// (`external` lags behind freed backing stores; `arrayBuffers` is what the allocator holds.)
function liveBytes(): number {
  collectGarbage();
  collectGarbage();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

describe('CustomSensor bounds', () => {
  it('holds at most maxKeys keys of each kind; recordings for new keys past it are dropped, counted and logged once per kind', () => {
    const logs = captureLogs();
    try {
      const s = new CustomSensor('bounded', { maxKeys: 2 });
      for (const key of ['a', 'b', 'c', 'd']) {
        s.incrementCounter(key);
        s.setGauge(key, 1);
        s.recordHistogram(key, 1);
        s.recordMetric(key, 'v');
      }
      // Keys already held keep updating past the limit.
      s.incrementCounter('a', 5);
      s.recordHistogram('b', 3);
      s.incrementCounter('c');
      const m = s.getMetrics();
      expect(m.counters).toEqual({ a: 6, b: 1 });
      expect(Object.keys(m.gauges)).toEqual(['a', 'b']);
      expect(Object.keys(m.metrics)).toEqual(['a', 'b']);
      expect(m.histograms['b']).toMatchObject({ count: 2, sum: 4 });
      expect(Object.keys(m.histograms)).toEqual(['a', 'b']);
      expect(m.dropped).toEqual({ metrics: 2, counters: 3, gauges: 2, histograms: 2 });
      expect(s.droppedTotal()).toBe(9);
      expect(s.asDict()['dropped']).toEqual(m.dropped);
      const warnings = logs.records.filter((r) => r.level === 'warn');
      expect(warnings.map((r) => r.message)).toEqual([
        'CustomSensor bounded holds 2 counters keys, its maxKeys; recordings for new keys are dropped and counted (logged once)',
        'CustomSensor bounded holds 2 gauges keys, its maxKeys; recordings for new keys are dropped and counted (logged once)',
        'CustomSensor bounded holds 2 histograms keys, its maxKeys; recordings for new keys are dropped and counted (logged once)',
        'CustomSensor bounded holds 2 metrics keys, its maxKeys; recordings for new keys are dropped and counted (logged once)',
      ]);
      expect(warnings[0]?.fields).toMatchObject({ sensor: 'bounded', kind: 'counters', maxKeys: 2, key: 'c' });
    } finally {
      logs.restore();
    }
  });

  it('keeps 100,000 distinct keys of each kind within 4 MB at the defaults, and counts every drop', () => {
    const s = new CustomSensor('cardinality');
    const before = liveBytes();
    for (let i = 0; i < 100_000; i++) {
      const key = `user_${i}`;
      s.incrementCounter(key);
      s.setGauge(key, i);
      s.recordHistogram(key, i);
      s.recordMetric(key, i);
    }
    const grown = liveBytes() - before;
    expect(grown).toBeLessThan(4 * 1024 * 1024);
    const m = s.getMetrics();
    expect(Object.keys(m.histograms)).toHaveLength(1000);
    expect(Object.keys(m.counters)).toHaveLength(1000);
    expect(m.dropped).toEqual({ metrics: 99_000, counters: 99_000, gauges: 99_000, histograms: 99_000 });
    expect(m.histograms['user_999']).toEqual({ count: 1, sum: 999, min: 999, max: 999, p50: 999, p95: 999, p99: 999 });
  });

  it('keeps maxKeys full histograms within 8 bytes a sample (8 MB at the defaults) plus under 4 MB', () => {
    const s = new CustomSensor('full');
    const before = liveBytes();
    for (let k = 0; k < 1000; k++) {
      const key = `h${k}`;
      for (let v = 0; v < 1500; v++) s.recordHistogram(key, v);
    }
    const grown = liveBytes() - before;
    expect(grown).toBeLessThan(1000 * 1000 * 8 + 4 * 1024 * 1024);
    expect(s.histogramWindowSize('h0')).toBe(1000);
  });

  it('grows a histogram window as samples arrive, then keeps the last maxHistogramSamples', () => {
    const s = new CustomSensor('grow', { maxHistogramSamples: 1000 });
    for (let v = 1; v <= 2500; v++) s.recordHistogram('x', v);
    expect(s.histogramWindowSize('x')).toBe(1000);
    // The window holds 1501..2500: nearest-rank p50 is the 500th, p95 the 950th, p99 the 990th.
    expect(s.getMetrics().histograms['x']).toEqual({ count: 2500, sum: 3_126_250, min: 1, max: 2500, p50: 2000, p95: 2450, p99: 2490 });
    const odd = new CustomSensor('odd', { maxHistogramSamples: 13 });
    for (let v = 1; v <= 30; v++) odd.recordHistogram('x', v);
    expect(odd.histogramWindowSize('x')).toBe(13);
    expect(odd.getMetrics().histograms['x']).toMatchObject({ p50: 24, p99: 30 });
  });

  it('rejects a bad maxKeys', () => {
    expect(() => new CustomSensor('x', { maxKeys: 0 })).toThrow(
      new SensorConfigError('invalid option `maxKeys` in new CustomSensor(): expected an integer >= 1, got 0'),
    );
    expect(() => new CustomSensor('x', { maxKey: 10 } as never)).toThrow('did you mean `maxKeys`');
  });
});
