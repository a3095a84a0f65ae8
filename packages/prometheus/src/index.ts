export {
  DuplicateMetricError,
  InvalidLabelNameError,
  InvalidMetricNameError,
  InvalidMetricOptionError,
  MetricDefinitionError,
} from './errors.js';
export { DEFAULT_BUCKETS, MetricsCollector } from './metrics-collector.js';
export type {
  CounterOptions,
  DefaultMetricsOptions,
  GaugeOptions,
  HistogramOptions,
  MetricsCollectorOptions,
  SummaryOptions,
} from './metrics-collector.js';
export {
  contentTypeOf,
  negotiateFormat,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
} from './exposition/formats.js';
export type { ExpositionFormat } from './exposition/formats.js';
export { formatValue, renderExposition } from './exposition/render.js';
export type { LabelSet, MetricSnapshot, RenderOptions, SampleSnapshot } from './exposition/render.js';
export { registrySource, snapshotRegistries, snapshotSource } from './exposition/registry-source.js';
export type { NegotiatingMetricsSource, RegistrySourceOptions } from './exposition/registry-source.js';
