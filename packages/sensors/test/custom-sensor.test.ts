import { CustomSensor, InvalidMetricValueError, SensorConfigError } from '../src/index.js';
import { fakeClock } from './helpers.js';

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
    const before = Date.now();
    const s = new CustomSensor('x');
    s.recordMetric('k', 1);
    const t = s.getMetrics().metrics['k']?.timestamp ?? 0;
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
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
    expect(s.asDict()).toEqual({ name: 'c', metrics: {}, counters: { n: 1 }, gauges: {}, histograms: {} });
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
    expect(() => new CustomSensor('x', { maxHistogramSamples: 0 })).toThrow('invalid option `maxHistogramSamples` in new CustomSensor(): expected an integer >= 1, got 0');
    expect(s.getMetrics().counters).toEqual({});
  });
});
