// The plugin factory @sightline/setup composes: hooks, a sensor and a /metrics source in one.
import { SightlineConfigError, type MetricsHooks, type Plugin } from '@sightline/core';
import { resolveOptions, withOptionsShape, type ResolvedOf } from '@sightline/core/internal';
import { createMetricsServer, type MetricsServer } from './exposition/metrics-server.js';
import { HttpServerRecorder } from './http-server-metrics.js';
import { MetricsCollector } from './metrics-collector.js';
import { PROMETHEUS_PLUGIN_SHAPE, type PrometheusPluginOptions } from './options.js';
import { prometheusHooks } from './prometheus-hooks.js';
import { PrometheusMonitor } from './prometheus-monitor.js';

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
  /** With `metricsPort`, the listener serving only `/metrics`, once `start()` has opened it; else undefined. */
  readonly metricsServer: MetricsServer | undefined;
}

const COLLECTOR_OPTIONS = ['instanceId', 'enabled', 'registry', 'prefix', 'defaultLabels', 'collectDefaultMetrics'] as const;

/** The collector given, or one built from the collector options (runtime metrics on by default here). */
function collectorOf(given: PrometheusPluginOptions, resolved: ResolvedOf<typeof PROMETHEUS_PLUGIN_SHAPE>): MetricsCollector {
  if (resolved.collector === undefined) {
    const {
      collector: _collector,
      namespace: _namespace,
      buckets: _buckets,
      eagerSeries: _eagerSeries,
      monitor: _monitor,
      metricsPort: _metricsPort,
      metricsHost: _metricsHost,
      httpServerMetrics: _httpServerMetrics,
      httpMaxRoutes: _httpMaxRoutes,
      collectDefaultMetrics,
      ...collectorOptions
    } = given;
    // A service wired through setup() wants its runtime figures without asking: the plugin's default
    // is on. Settings in an object can only have come from the options given.
    const runtime = typeof resolved.collectDefaultMetrics === 'boolean' ? resolved.collectDefaultMetrics : collectDefaultMetrics;
    return new MetricsCollector({ ...collectorOptions, ...(runtime !== undefined ? { collectDefaultMetrics: runtime } : {}) });
  }
  const clash = COLLECTOR_OPTIONS.filter((k) => given[k] !== undefined);
  if (clash.length > 0) {
    throw new SightlineConfigError(`prometheus(): pass either collector or collector options (${clash.join(', ')}), not both`);
  }
  return resolved.collector;
}

/**
 * `prometheus()` for `setup({ plugins: [prometheus()] })`: `prometheusHooks` as the hooks, a
 * `PrometheusMonitor` as the sensor, and the collector as the `/metrics` source. Define the metric
 * sets you use in `plugin.collector` (`httpMetrics(plugin.collector)`), and they are served too.
 * Once started it records OpenTelemetry's HTTP server metrics from Node's diagnostics channels,
 * unless `@sightline/otel` records them in this process (`httpServerMetrics`).
 */
function prometheusPlugin(options: PrometheusPluginOptions = {}): PrometheusPlugin {
  // setupFromEnv() passes options from SIGHTLINE_PROMETHEUS_* variables: a misspelt one must not vanish.
  const resolved = resolveOptions(PROMETHEUS_PLUGIN_SHAPE, options, { source: 'prometheus()' });
  const collector = collectorOf(options, resolved);
  const { namespace, buckets, eagerSeries } = resolved;
  const hooks = prometheusHooks(collector, { namespace, buckets, eagerSeries });
  const sensor = new PrometheusMonitor({ ...resolved.monitor, collector, namespace, eagerSeries });
  const http =
    resolved.httpServerMetrics === false
      ? undefined
      : new HttpServerRecorder(collector, {
          mode: resolved.httpServerMetrics,
          maxRoutes: resolved.httpMaxRoutes,
          namespace,
          eager: eagerSeries,
        });
  const { metricsPort, metricsHost } = resolved;
  let server: MetricsServer | undefined;
  let opening: Promise<void> | undefined;
  return {
    name: 'prometheus',
    hooks,
    sensor,
    metrics: collector,
    collector,
    get metricsServer() {
      return server;
    },
    start: async () => {
      await sensor.start();
      http?.enable();
      // A second start() reuses the listener: the port is bound once.
      if (metricsPort !== undefined) {
        opening ??= createMetricsServer(collector, { port: metricsPort, host: metricsHost }).then((s) => {
          server = s;
        });
        await opening;
      }
    },
    close: async () => {
      http?.disable();
      if (opening) await opening.catch(() => undefined);
      await server?.close();
      await sensor.close();
    },
  };
}

/** `prometheus(options)`; carries its options shape for setupFromEnv(). */
export const prometheus = withOptionsShape(prometheusPlugin, PROMETHEUS_PLUGIN_SHAPE);
