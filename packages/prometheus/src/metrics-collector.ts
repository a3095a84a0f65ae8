// MetricsCollector: defines prom-client metrics with validated names, and exposes them as a source.
import {
  SightlineConfigError,
  type ChunkWriter,
  type ExpositionFormat,
  type MetricsExposition,
  type RenderChunksControl,
} from '@sightline/core';
import { resolveOptions, type ResolvedOf } from '@sightline/core/internal';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, Summary, type Aggregator } from 'prom-client';
import { DuplicateMetricError } from './errors.js';
import {
  EXPOSITION_FORMATS,
  PROMETHEUS_CONTENT_TYPE,
  snapshotSource,
  type ExpositionBytes,
  type MetricSnapshot,
  type NegotiatingMetricsSource,
} from '@sightline/exposition';
import { snapshotRegistries } from './exposition/registry-source.js';
import { activeTraceExemplar, type ExemplarLabels } from './exemplars/active-trace.js';
import { ExemplarStore } from './exemplars/exemplar-store.js';
import { NoopCounter, NoopGauge, NoopHistogram, NoopSummary } from './noop-metrics.js';
import { DEFAULT_BUCKETS, METRICS_COLLECTOR_SHAPE, type MetricsCollectorOptions } from './options.js';
import {
  validateBuckets,
  validateDefaultLabels,
  validateHelp,
  validateLabelNames,
  validateMetricName,
  validatePercentiles,
  type MetricKind,
} from './validation.js';

interface CommonMetricOptions<L extends string, M> {
  readonly labels?: readonly L[];
  /** How a node:cluster primary combines this metric across workers. Default `sum`. */
  readonly aggregator?: Aggregator;
  /**
   * Called at each scrape before the metric is read: set values here to export them lazily. The
   * metric is both `this` (as in prom-client) and the argument, so arrow functions work too.
   */
  readonly collect?: (this: M, metric: M) => void | Promise<void>;
}

/** Options of `collector.counter()`. */
export type CounterOptions<L extends string> = CommonMetricOptions<L, Counter<L>>;
/** Options of `collector.gauge()`. */
export type GaugeOptions<L extends string> = CommonMetricOptions<L, Gauge<L>>;
/** Options of `collector.histogram()`. */
export interface HistogramOptions<L extends string> extends CommonMetricOptions<L, Histogram<L>> {
  /** Upper bounds, strictly increasing; `+Inf` is implicit. Default: prom-client's, in seconds. */
  readonly buckets?: readonly number[];
  /**
   * Keep the latest exemplar of each bucket, recorded with `collector.observeWithExemplar()`, and
   * show it in the OpenMetrics exposition. Default false.
   */
  readonly exemplars?: boolean;
}
/** Options of `collector.summary()`. */
export interface SummaryOptions<L extends string> extends CommonMetricOptions<L, Summary<L>> {
  /** Quantiles to report, each in (0, 1). Default prom-client's (0.01 to 0.999). */
  readonly percentiles?: readonly number[];
  /** Sliding window of the quantiles, in milliseconds. Default none (since start). */
  readonly maxAgeMs?: number;
  /** Buckets of the sliding window, with `maxAgeMs`. Default prom-client's (5). */
  readonly ageBuckets?: number;
}

/** One sample of a `custom()` metric: its name is the metric's plus `suffix` (`_sum`, `_count`...). */
export interface CustomSample {
  /** Appended to the metric's name, e.g. `_sum`. Default none. */
  readonly suffix?: string;
  /** The sample's labels. Default none. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The sample's value. */
  readonly value: number;
}

/** Options of `collector.custom()`: a metric whose samples a function reads at each scrape. */
export interface CustomMetricOptions {
  /** The metric's type, as the exposition declares it. */
  readonly type: 'counter' | 'gauge' | 'summary';
  /** How a node:cluster primary combines it across workers. Default `sum`. */
  readonly aggregator?: Aggregator;
  /** Called at each scrape. */
  readonly read: () => readonly CustomSample[];
}

/** What a prom-client registry needs of a metric; `get()` is what both it and our renderer read. */
interface CustomMetric {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly aggregator: Aggregator;
  get(): MetricSnapshot & { readonly aggregator: Aggregator };
  reset(): void;
}

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string> | Summary<string>;

function bindCollect<M>(collect: (this: M, metric: M) => void | Promise<void>) {
  return function (this: M) {
    return collect.call(this, this);
  };
}

const PREFIX = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?$/;

/** The labels every sample carries: `instance_id` when given, then the default labels, as text. */
function sampleLabels(
  instanceId: string | undefined,
  defaultLabels: ResolvedOf<typeof METRICS_COLLECTOR_SHAPE>['defaultLabels'],
): Readonly<Record<string, string>> {
  const labels: Record<string, string> = {};
  if (instanceId !== undefined) labels.instance_id = instanceId;
  for (const [name, value] of Object.entries(defaultLabels)) labels[name] = String(value);
  validateDefaultLabels(labels);
  return Object.freeze(labels);
}

type RuntimeMetricsSettings = Exclude<ResolvedOf<typeof METRICS_COLLECTOR_SHAPE>['collectDefaultMetrics'], boolean>;

/** prom-client's process and Node.js metrics, in `registry`. */
function registerRuntimeMetrics(registry: Registry, collectorPrefix: string, settings: true | RuntimeMetricsSettings): void {
  const extra: Partial<RuntimeMetricsSettings> = settings === true ? {} : settings;
  const prefix = extra.prefix ?? collectorPrefix;
  collectDefaultMetrics({
    register: registry,
    prefix,
    ...(extra.eventLoopMonitoringPrecisionMs !== undefined ? { eventLoopMonitoringPrecision: extra.eventLoopMonitoringPrecisionMs } : {}),
    ...(extra.gcDurationBuckets !== undefined ? { gcDurationBuckets: [...extra.gcDurationBuckets] } : {}),
  });
  // Gauges named like counters, which `promtool check metrics` refuses; each is the sum of the
  // by-type gauge kept beside it (`nodejs_active_handles{type}`...).
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(prefix + name);
  }
}

/**
 * Defines prom-client metrics in one registry, checking every name and label once, and serves them
 * as a `MetricsSource` (Prometheus text, or OpenMetrics when the scraper asks).
 */
export class MetricsCollector implements NegotiatingMetricsSource {
  /** False when the collector records nothing (option `enabled`). */
  readonly enabled: boolean;
  /** The `instance_id` label on every sample, if any. */
  readonly instanceId: string | undefined;
  /** The prom-client registry the metrics are registered in. */
  readonly registry: Registry;
  /** Prepended to every metric name; empty for none. */
  readonly prefix: string;
  /** Labels added to every sample that does not set them itself. */
  readonly defaultLabels: Readonly<Record<string, string>>;
  /** The content type of `render()` without a format: Prometheus text. */
  readonly contentType = PROMETHEUS_CONTENT_TYPE;
  /** The formats this collector can render: Prometheus text and OpenMetrics. */
  readonly formats = EXPOSITION_FORMATS;
  readonly #metrics = new Map<string, AnyMetric>();
  readonly #custom = new Map<string, CustomMetric>();
  readonly #exemplars = new Map<Histogram<string>, ExemplarStore>();
  readonly #exemplarsByName = new Map<string, ExemplarStore>();
  readonly #source: NegotiatingMetricsSource;

  constructor(options: MetricsCollectorOptions = {}) {
    const resolved = resolveOptions(METRICS_COLLECTOR_SHAPE, options, { source: 'new MetricsCollector()' });
    if (!PREFIX.test(resolved.prefix)) {
      throw new SightlineConfigError(
        `MetricsCollector option prefix ${JSON.stringify(resolved.prefix)} is invalid: expected [a-zA-Z_:][a-zA-Z0-9_:]*, e.g. "myapp_"`,
      );
    }
    this.enabled = resolved.enabled;
    this.prefix = resolved.prefix;
    // Numbers are accepted as text: options may come from environment variables (setupFromEnv).
    this.instanceId = resolved.instanceId === undefined ? undefined : String(resolved.instanceId);
    this.defaultLabels = sampleLabels(this.instanceId, resolved.defaultLabels);
    this.registry = resolved.registry ?? new Registry();
    this.#source = snapshotSource((wanted) => this.snapshot(wanted), { defaultLabels: this.defaultLabels });
    if (!this.enabled) return;
    if (Object.keys(this.defaultLabels).length > 0) {
      // Our renderer applies them itself; prom-client needs them for getMetricsAsJSON (cluster).
      this.registry.setDefaultLabels({ ...this.defaultLabels });
    }
    if (resolved.collectDefaultMetrics !== false) registerRuntimeMetrics(this.registry, this.prefix, resolved.collectDefaultMetrics);
  }

  /**
   * Defines a counter (name ending `_total` by convention); throws `MetricDefinitionError` on a bad name,
   * label or duplicate.
   */
  counter<L extends string = string>(name: string, help: string, options: CounterOptions<L> = {}): Counter<L> {
    const full = this.#define(name, help, 'counter', options.labels);
    if (!this.enabled) return this.#keep(full, new NoopCounter<L>(full, help));
    return this.#keep(full, new Counter<L>({ ...this.#common(full, help, options) }));
  }

  /** Defines a gauge; throws `MetricDefinitionError` on a bad name, label or duplicate. */
  gauge<L extends string = string>(name: string, help: string, options: GaugeOptions<L> = {}): Gauge<L> {
    const full = this.#define(name, help, 'gauge', options.labels);
    if (!this.enabled) return this.#keep(full, new NoopGauge<L>(full, help));
    return this.#keep(full, new Gauge<L>({ ...this.#common(full, help, options) }));
  }

  /** Defines a histogram; throws `MetricDefinitionError` on a bad name, label, buckets or duplicate. */
  histogram<L extends string = string>(name: string, help: string, options: HistogramOptions<L> = {}): Histogram<L> {
    const full = this.#define(name, help, 'histogram', options.labels);
    const buckets = options.buckets ?? DEFAULT_BUCKETS;
    validateBuckets(full, buckets);
    if (!this.enabled) return this.#keep(full, new NoopHistogram<L>(full, help));
    const histogram = this.#keep(full, new Histogram<L>({ ...this.#common(full, help, options), buckets: [...buckets] }));
    if (options.exemplars === true) {
      const store = new ExemplarStore(options.labels ?? [], buckets);
      this.#exemplars.set(histogram, store);
      this.#exemplarsByName.set(full, store);
    }
    return histogram;
  }

  /**
   * `histogram.observe(labels, value)`, and for a histogram defined with `exemplars: true` the
   * exemplar of that observation: by default the active OpenTelemetry span's `trace_id` and
   * `span_id` when a sampled trace is active (nothing when OpenTelemetry is not in use).
   */
  observeWithExemplar<L extends string>(
    histogram: Histogram<L>,
    labels: Partial<Record<L, string>>,
    value: number,
    exemplar: ExemplarLabels | undefined = activeTraceExemplar(),
  ): void {
    histogram.observe(labels as Partial<Record<L, string | number>>, value);
    if (exemplar !== undefined) this.#exemplars.get(histogram)?.record(labels as Record<string, string>, value, exemplar);
  }

  /** Defines a summary; throws `MetricDefinitionError` on a bad name, label, percentiles or duplicate. */
  summary<L extends string = string>(name: string, help: string, options: SummaryOptions<L> = {}): Summary<L> {
    const full = this.#define(name, help, 'summary', options.labels);
    if (options.percentiles !== undefined) validatePercentiles(full, options.percentiles);
    if (!this.enabled) return this.#keep(full, new NoopSummary<L>(full, help));
    return this.#keep(
      full,
      new Summary<L>({
        ...this.#common(full, help, options),
        ...(options.percentiles !== undefined ? { percentiles: [...options.percentiles] } : {}),
        ...(options.maxAgeMs !== undefined ? { maxAgeSeconds: options.maxAgeMs / 1000 } : {}),
        ...(options.ageBuckets !== undefined ? { ageBuckets: options.ageBuckets } : {}),
      }),
    );
  }

  /**
   * A metric whose samples are computed at each scrape, e.g. a summary's `_sum` and `_count` from
   * running totals kept elsewhere (a summary without quantiles aggregates across instances).
   */
  custom(name: string, help: string, options: CustomMetricOptions): void {
    const full = this.#define(name, help, options.type, []);
    const aggregator = options.aggregator ?? 'sum';
    const read = options.read;
    const metric: CustomMetric = {
      name: full,
      help,
      type: options.type,
      aggregator,
      get: () => ({
        name: full,
        help,
        type: options.type,
        aggregator,
        values: read().map((sample) => ({ metricName: full + (sample.suffix ?? ''), labels: { ...sample.labels }, value: sample.value })),
      }),
      reset: () => undefined,
    };
    this.#custom.set(full, metric);
    if (this.enabled) this.registry.registerMetric(metric as unknown as Counter<string>);
  }

  /** The metric defined under `name` (without the prefix), if any. */
  get(name: string): AnyMetric | undefined {
    return this.#metrics.get(this.prefix + name);
  }

  /** Unregisters a metric defined here, so its name can be defined again. */
  remove(name: string): boolean {
    const full = this.prefix + name;
    if (this.#custom.delete(full)) {
      if (this.enabled) this.registry.removeSingleMetric(full);
      return true;
    }
    const metric = this.#metrics.get(full);
    if (!this.#metrics.delete(full)) return false;
    this.#exemplars.delete(metric as Histogram<string>);
    this.#exemplarsByName.delete(full);
    if (this.enabled) this.registry.removeSingleMetric(full);
    return true;
  }

  /** The registry's metrics at this instant, or those `wanted` accepts (runs their `collect()` callbacks). Empty when disabled. */
  async snapshot(wanted?: (family: string) => boolean): Promise<MetricSnapshot[]> {
    if (!this.enabled) return [];
    const snapshots = await snapshotRegistries([this.registry], wanted);
    if (this.#exemplarsByName.size > 0) {
      for (const snapshot of snapshots) this.#exemplarsByName.get(snapshot.name)?.attach(snapshot);
    }
    return snapshots;
  }

  /** Prometheus text format 0.0.4, or the format asked for. */
  render(format: ExpositionFormat = 'prometheus'): Promise<string> {
    return this.#source.render(format);
  }

  /** The exposition in `format`. */
  renderFormat(format: ExpositionFormat): Promise<string> {
    return this.#source.renderFormat(format);
  }

  /** The exposition in `format`, as bytes. */
  renderBytes(format: ExpositionFormat): Promise<Buffer> {
    return this.#source.renderBytes(format);
  }

  /** The families as data, with the default labels; only those `wanted` accepts when it is given. */
  collect(wanted?: (family: string) => boolean): Promise<readonly MetricSnapshot[]> {
    return this.#source.collect(wanted);
  }

  /** OpenMetrics when `accept` asks for it, else Prometheus text. */
  negotiate(accept: string | undefined): Promise<MetricsExposition> {
    return this.#source.negotiate(accept);
  }

  /** `negotiate()` as bytes. */
  negotiateBytes(accept: string | undefined): Promise<ExpositionBytes> {
    return this.#source.negotiateBytes(accept);
  }

  /** The exposition in `format`, handed to `write` in chunks as it renders: what `metricsHandler` serves. */
  renderChunks(format: ExpositionFormat, write: ChunkWriter, control?: RenderChunksControl): Promise<void> {
    return this.#source.renderChunks(format, write, control);
  }

  #define(name: string, help: string, kind: MetricKind, labels: readonly string[] | undefined): string {
    const full = this.prefix + name;
    validateMetricName(full, kind);
    validateHelp(full, help);
    validateLabelNames(full, kind, labels ?? []);
    if (this.#metrics.has(full) || this.#custom.has(full) || (this.enabled && this.registry.getSingleMetric(full) !== undefined)) {
      throw new DuplicateMetricError(full, 'a metric name is registered once per registry', 'already registered');
    }
    return full;
  }

  #keep<M extends AnyMetric>(full: string, metric: M): M {
    this.#metrics.set(full, metric);
    return metric;
  }

  #common<L extends string, M>(full: string, help: string, options: CommonMetricOptions<L, M>) {
    return {
      name: full,
      help,
      labelNames: [...(options.labels ?? [])] as L[],
      registers: [this.registry],
      ...(options.aggregator !== undefined ? { aggregator: options.aggregator } : {}),
      ...(options.collect !== undefined ? { collect: bindCollect(options.collect) } : {}),
    };
  }
}
