export {
  DuplicateMetricError,
  InvalidLabelNameError,
  InvalidMetricNameError,
  InvalidMetricOptionError,
  MetricDefinitionError,
} from './errors.js';
export { MetricsCollector } from './metrics-collector.js';
export type {
  CounterOptions,
  CustomMetricOptions,
  CustomSample,
  GaugeOptions,
  HistogramOptions,
  SummaryOptions,
} from './metrics-collector.js';
export { DEFAULT_BUCKETS } from './options.js';
export type {
  ClusterMetricsOptions,
  ConverterMetricsOptions,
  DefaultMetricsOptions,
  HttpMetricsOptions,
  MetricsCollectorOptions,
  MetricsServerOptions,
  PrometheusHooksOptions,
  PrometheusMonitorOptions,
  PrometheusPluginOptions,
  PushgatewayOptions,
  QueueMetricsOptions,
} from './options.js';
export { registrySource, snapshotRegistries } from './exposition/registry-source.js';
export type { AnyRegistry } from './exposition/registry-source.js';
export { metricsHandler } from './exposition/metrics-handler.js';
export type { MetricsRequestHandler } from './exposition/metrics-handler.js';
export { createMetricsServer } from './exposition/metrics-server.js';
export type { MetricsServer } from './exposition/metrics-server.js';

export { normalizePath } from '@sightline/core/internal';
export { CLIENT_CLOSED_STATUS, httpMetrics, OTHER_ENDPOINT } from './metric-sets/http-metrics.js';
export type {
  FastifyLike,
  FastifyPlugin,
  FastifyRequestLike,
  HttpMetrics,
  KoaContextLike,
  KoaMiddleware,
  TrackOptions,
} from './metric-sets/http-metrics.js';
export { cacheMetrics } from './metric-sets/cache-metrics.js';
export type { CacheMetrics, CacheRecorder, CacheStats } from './metric-sets/cache-metrics.js';
export { queueMetrics } from './metric-sets/queue-metrics.js';
export type { QueueMetrics, QueueRecorder, QueueStats } from './metric-sets/queue-metrics.js';
export { converterMetrics } from './metric-sets/converter-metrics.js';
export type { ConversionStatus, ConverterMetrics, ConverterRecorder } from './metric-sets/converter-metrics.js';

export { hookMetricNames, prometheusHooks } from './prometheus-hooks.js';

export { clusterMetricsSource } from './cluster/cluster-metrics-source.js';
export type { ClusterMetricsSource } from './cluster/cluster-metrics-source.js';
export { exposeToClusterPrimary } from './cluster/cluster-worker.js';

export { Pushgateway, PushgatewayError } from './pushgateway.js';
export type { GroupingLabels, PushParams } from './pushgateway.js';

export { monitorMetricNames, PrometheusMonitor } from './prometheus-monitor.js';
export { prometheus } from './prometheus-plugin.js';
export type { PrometheusPlugin } from './prometheus-plugin.js';
