// The plugin factory @sightline/setup composes: hooks, a sensor and a /metrics source in one.
import { SightlineConfigError, type MetricsHooks, type Plugin } from '@sightline/core';
import { opt, validateOptions, withOptionsShape, type Shape } from '@sightline/core/internal';
import { Monitor, type MonitorOptions } from '@sightline/sensors';
import { MetricsCollector, type DefaultMetricsOptions, type MetricsCollectorOptions } from './metrics-collector.js';
import { PROMETHEUS_PLUGIN_SHAPE_BASE } from './options-shapes.js';
import { prometheusHooks } from './prometheus-hooks.js';
import { PrometheusMonitor } from './prometheus-monitor.js';

/** Options of the `prometheus()` plugin: a collector's options plus the hooks' and monitor's. */
export interface PrometheusPluginOptions extends MetricsCollectorOptions {
  /** Use this collector instead of creating one (then leave the collector options out). */
  readonly collector?: MetricsCollector;
  /** Prefix of the hook and monitor metrics. Default `sightline`. */
  readonly namespace?: string;
  /** Buckets of `<namespace>_request_duration_seconds`. */
  readonly buckets?: readonly number[];
  /** Options of the PrometheusMonitor sensor (history sizes, sampling). */
  readonly monitor?: MonitorOptions;
  /**
   * prom-client's process and Node.js metrics (CPU, memory, heap spaces, GC durations, event-loop
   * delay, active handles). Default **true** under the plugin; `false` turns them off.
   */
  readonly collectDefaultMetrics?: boolean | DefaultMetricsOptions;
}

/** The plugin, with the collector to define your own metrics and metric sets in. */
export interface PrometheusPlugin extends Plugin {
  /** Always `prometheus`. */
  readonly name: 'prometheus';
  /** Metrics hooks recording requests and WebSocket traffic. */
  readonly hooks: Readonly<MetricsHooks>;
  /** The stream sensor recording into the collector. */
  readonly sensor: PrometheusMonitor;
  /** The collector, as the service's metrics source. */
  readonly metrics: MetricsCollector;
  /** The collector: define the service's own metrics here. */
  readonly collector: MetricsCollector;
}

const COLLECTOR_OPTIONS = ['instanceId', 'enabled', 'registry', 'prefix', 'defaultLabels', 'collectDefaultMetrics'] as const;
const PROMETHEUS_PLUGIN_SHAPE: Shape = Object.freeze({ ...PROMETHEUS_PLUGIN_SHAPE_BASE, monitor: opt.object(Monitor.optionsShape) });

/**
 * `prometheus()` for `setup({ plugins: [prometheus()] })`: `prometheusHooks` as the hooks, a
 * `PrometheusMonitor` as the sensor, and the collector as the `/metrics` source. Define the metric
 * sets you use in `plugin.collector` (`httpMetrics(plugin.collector)`), and they are served too.
 */
function prometheusPlugin(options: PrometheusPluginOptions = {}): PrometheusPlugin {
  // setupFromEnv() passes options from SIGHTLINE_PROMETHEUS_* variables: a misspelt one must not vanish.
  validateOptions(PROMETHEUS_PLUGIN_SHAPE, options, { source: 'prometheus()' });
  if (options.collector !== undefined) {
    const clash = COLLECTOR_OPTIONS.filter((k) => options[k] !== undefined);
    if (clash.length > 0) {
      throw new SightlineConfigError(`prometheus(): pass either collector or collector options (${clash.join(', ')}), not both`);
    }
  }
  const { collector: given, namespace, buckets, monitor: monitorOptions, ...collectorOptions } = options;
  // A service wired through setup() wants its runtime figures without asking; a bare collector does not.
  const collector =
    given ?? new MetricsCollector({ ...collectorOptions, collectDefaultMetrics: collectorOptions.collectDefaultMetrics ?? true });
  const hooks = prometheusHooks(collector, {
    ...(namespace !== undefined ? { namespace } : {}),
    ...(buckets !== undefined ? { buckets } : {}),
  });
  const sensor = new PrometheusMonitor({
    ...monitorOptions,
    collector,
    ...(namespace !== undefined ? { namespace } : {}),
  });
  return {
    name: 'prometheus',
    hooks,
    sensor,
    metrics: collector,
    collector,
    start: () => sensor.start(),
    close: () => sensor.close(),
  };
}

/** `prometheus(options)`; carries its options shape for setupFromEnv(). */
export const prometheus = withOptionsShape(prometheusPlugin, PROMETHEUS_PLUGIN_SHAPE);
