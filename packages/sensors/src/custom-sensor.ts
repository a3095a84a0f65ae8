// CustomSensor: a named sensor for the figures of your own domain (orders, revenue, queue depth):
// timestamped values, counters, gauges and histograms with percentiles over a bounded window.
import { getLogger } from '@sightline/core';
import { describeValue, opt, validateField } from '@sightline/core/internal';
import { type Clock } from './clock.js';
import { InvalidMetricValueError, SensorConfigError } from './errors.js';
import { CUSTOM_SENSOR_SHAPE, resolveSensorOptions, type CustomSensorOptions } from './options.js';
import { RingBuffer } from './ring-buffer.js';
import { BaseSensor } from './base-sensor.js';

const log = getLogger('sightline.sensors.custom');

/** Samples a new histogram has room for; it doubles as samples arrive, up to `maxHistogramSamples`. */
const INITIAL_HISTOGRAM_SAMPLES = 8;

/** A value `recordMetric` keeps: a number, text, a boolean or null. */
export type MetricValue = number | string | boolean | null;

/** The last value recorded under a key, with its time. */
export interface RecordedMetric {
  /** The value. */
  readonly value: MetricValue;
  /** Milliseconds since the epoch, unless `timestamp` said otherwise. */
  readonly timestamp: number;
}

/** Count, sum, min and max over every sample; p50 / p95 / p99 over the last `maxHistogramSamples`. */
export interface HistogramSummary {
  /** Samples recorded, since start. */
  readonly count: number;
  /** Their sum. */
  readonly sum: number;
  /** The smallest sample. */
  readonly min: number;
  /** The largest sample. */
  readonly max: number;
  /** The median of the samples kept. */
  readonly p50: number;
  /** The 95th percentile of the samples kept. */
  readonly p95: number;
  /** The 99th percentile of the samples kept. */
  readonly p99: number;
}

/** The four kinds of figure a CustomSensor keeps, each in its own map of at most `maxKeys` keys. */
export type CustomSensorKind = 'metrics' | 'counters' | 'gauges' | 'histograms';

/** Recordings dropped because their key was new and its kind already held `maxKeys` keys. */
export type DroppedRecordings = Readonly<Record<CustomSensorKind, number>>;

/** What `getMetrics()` returns: every figure of a CustomSensor, by key. */
export interface CustomSensorMetrics {
  /** The sensor's name. */
  readonly name: string;
  /** Values recorded with `recordMetric`, by key. */
  readonly metrics: Record<string, RecordedMetric>;
  /** Counters, by key. */
  readonly counters: Record<string, number>;
  /** Gauges, by key. */
  readonly gauges: Record<string, number>;
  /** Histograms summed up, by key. */
  readonly histograms: Record<string, HistogramSummary>;
  /** Recordings dropped per kind, because the key was new past `maxKeys`. */
  readonly dropped: DroppedRecordings;
}

class Histogram {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  readonly window: RingBuffer;

  constructor(capacity: number) {
    this.window = new RingBuffer(capacity, INITIAL_HISTOGRAM_SAMPLES);
  }

  observe(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.window.push(value);
  }

  summary(): HistogramSummary {
    const sorted = this.window.toArray().sort((a, b) => a - b);
    // Nearest rank: the smallest sample with at least q of the samples at or below it.
    const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;
    return {
      count: this.count,
      sum: this.sum,
      min: this.count ? this.min : 0,
      max: this.count ? this.max : 0,
      p50: rank(0.5),
      p95: rank(0.95),
      p99: rank(0.99),
    };
  }
}

function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidMetricValueError(`Invalid metric key ${describeValue(key)}: expected a non-empty string`);
  }
}

function checkNumber(what: string, key: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidMetricValueError(`Invalid ${what} ${describeValue(value)} for ${JSON.stringify(key)}: expected a finite number`);
  }
}

/**
 * A sensor you feed yourself. It ignores the stream events (override them to count what you need)
 * and reports everything it recorded through `getMetrics()` / `asDict()`. Recording methods throw
 * `InvalidMetricValueError` for an empty key or a value that is not a finite number.
 */
export class CustomSensor extends BaseSensor {
  private readonly metrics = new Map<string, RecordedMetric>();
  private readonly counters = new Map<string, number>();
  private readonly gauges = new Map<string, number>();
  private readonly histograms = new Map<string, Histogram>();
  private readonly maxHistogramSamples: number;
  private readonly maxKeys: number;
  private readonly dropped: Record<CustomSensorKind, number> = { metrics: 0, counters: 0, gauges: 0, histograms: 0 };
  private readonly clock: Clock;

  constructor(
    /** The sensor's name, shown in `asDict()` and by a fan-out. */
    readonly name: string,
    options: CustomSensorOptions = {},
  ) {
    super();
    const resolved = resolveSensorOptions(CUSTOM_SENSOR_SHAPE, options, 'new CustomSensor()');
    validateField(opt.string({ nonEmpty: true }), name, 'name', {
      source: 'new CustomSensor()',
      error: (message, details) => new SensorConfigError(message, details),
    });
    this.maxHistogramSamples = resolved.maxHistogramSamples;
    this.maxKeys = resolved.maxKeys;
    this.clock = resolved.clock;
  }

  /** Records the latest value of `key`, stamped `timestamp` (default: now, epoch ms). */
  recordMetric(key: string, value: MetricValue, options: { readonly timestamp?: number } = {}): void {
    checkKey(key);
    if (typeof value === 'number' && !Number.isFinite(value)) checkNumber('value', key, value);
    if (options.timestamp !== undefined) checkNumber('timestamp', key, options.timestamp);
    if (!this.metrics.has(key) && this.full(this.metrics, 'metrics', key)) return;
    this.metrics.set(key, { value, timestamp: options.timestamp ?? this.clock.now() });
  }

  /**
   * Adds `delta` (default 1) to counter `key`; a value that is not a finite number throws
   * `InvalidMetricValueError`.
   */
  incrementCounter(key: string, delta = 1): void {
    checkKey(key);
    checkNumber('counter delta', key, delta);
    const held = this.counters.get(key);
    if (held === undefined && this.full(this.counters, 'counters', key)) return;
    this.counters.set(key, (held ?? 0) + delta);
  }

  /**
   * Records a sample of histogram `key`; a value that is not a finite number throws
   * `InvalidMetricValueError`.
   */
  recordHistogram(key: string, value: number): void {
    checkKey(key);
    checkNumber('histogram value', key, value);
    let h = this.histograms.get(key);
    if (h === undefined) {
      if (this.full(this.histograms, 'histograms', key)) return;
      h = new Histogram(this.maxHistogramSamples);
      this.histograms.set(key, h);
    }
    h.observe(value);
  }

  /** Sets gauge `key`; a value that is not a finite number throws `InvalidMetricValueError`. */
  setGauge(key: string, value: number): void {
    checkKey(key);
    checkNumber('gauge value', key, value);
    if (!this.gauges.has(key) && this.full(this.gauges, 'gauges', key)) return;
    this.gauges.set(key, value);
  }

  /** Whether `map` has no room for the new `key`; if so the recording is counted as dropped. */
  private full(map: ReadonlyMap<string, unknown>, kind: CustomSensorKind, key: string): boolean {
    if (map.size < this.maxKeys) return false;
    if (this.dropped[kind]++ === 0) {
      log.warn(
        `CustomSensor ${this.name} holds ${this.maxKeys} ${kind} keys, its maxKeys; recordings for new keys are dropped and counted (logged once)`,
        { sensor: this.name, kind, maxKeys: this.maxKeys, key },
      );
    }
    return true;
  }

  /** Recordings dropped so far, all kinds together (per kind in `getMetrics().dropped`). */
  droppedTotal(): number {
    const d = this.dropped;
    return d.metrics + d.counters + d.gauges + d.histograms;
  }

  /** Everything recorded, as plain data. */
  getMetrics(): CustomSensorMetrics {
    const histograms: Record<string, HistogramSummary> = {};
    for (const [key, h] of this.histograms) histograms[key] = h.summary();
    return {
      name: this.name,
      metrics: Object.fromEntries(this.metrics),
      counters: Object.fromEntries(this.counters),
      gauges: Object.fromEntries(this.gauges),
      histograms,
      dropped: { ...this.dropped },
    };
  }

  /** The figures as plain data: `getMetrics()`. */
  override asDict(): Record<string, unknown> {
    return { ...this.getMetrics() };
  }

  /** Samples a histogram holds now: at most `maxHistogramSamples`. */
  histogramWindowSize(key: string): number {
    return this.histograms.get(key)?.window.size ?? 0;
  }
}
