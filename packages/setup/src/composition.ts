// What the plugins bring, composed once: one hooks dispatcher, one sensor, one metrics source, the
// health checks, routes and span sinks in plugin order, and the context each plugin starts with.
import {
  combineHooks,
  toDispatcher,
  type HealthCheck,
  type HookDispatcher,
  type HttpRoute,
  type Lifecycle,
  type Logger,
  type MetricsSource,
  type Plugin,
  type PluginContext,
  type ServiceInfo,
  type SpanSink,
} from '@sightline/core';
import { combineMetricsSources } from '@sightline/core/internal';
import { fanOutSensors, type CombinedSensor, type SensorFailures } from './sensor-fan-out.js';

export class Composition {
  readonly hooks: HookDispatcher;
  readonly sensor: CombinedSensor;
  readonly metricsSources: readonly MetricsSource[];
  readonly metrics: MetricsSource | undefined;
  readonly healthChecks: readonly HealthCheck[];
  readonly routes: readonly HttpRoute[];
  readonly spanSinks: readonly SpanSink[];
  readonly #failures: () => SensorFailures;
  readonly #info: ServiceInfo;
  readonly #logger: Logger;
  readonly #lifecycle: Lifecycle;

  constructor(plugins: readonly Plugin[], info: ServiceInfo, logger: Logger, lifecycle: Lifecycle) {
    this.#info = info;
    this.#logger = logger;
    this.#lifecycle = lifecycle;
    this.hooks = toDispatcher(combineHooks(...plugins.map((p) => p.hooks)));
    const fanOut = fanOutSensors(
      plugins.flatMap((p) => (p.sensor ? [{ plugin: p.name, sensor: p.sensor }] : [])),
      logger,
    );
    this.sensor = fanOut.sensor;
    this.#failures = () => fanOut.failures();
    this.metricsSources = Object.freeze(plugins.flatMap((p) => (p.metrics ? [p.metrics] : [])));
    this.metrics = this.metricsSources.length > 0 ? combineMetricsSources(...this.metricsSources) : undefined;
    this.healthChecks = Object.freeze(plugins.flatMap((p) => p.healthChecks ?? []));
    this.routes = Object.freeze(plugins.flatMap((p) => p.routes ?? []));
    this.spanSinks = Object.freeze(plugins.flatMap((p) => (p.spanSink ? [p.spanSink] : [])));
  }

  /** Each plugin's sensor `asDict()`, by plugin name. */
  snapshot(): Record<string, unknown> {
    return this.sensor.asDict();
  }

  sensorFailures(): SensorFailures {
    return this.#failures();
  }

  /** What `plugin` starts with: the service, its own logger, and everything the plugins brought. */
  contextFor(plugin: Plugin): PluginContext {
    return {
      ...this.#info,
      logger: this.#logger.child(plugin.name),
      hooks: this.hooks,
      sensor: this.sensor,
      metricsSources: this.metricsSources,
      healthChecks: this.healthChecks,
      routes: this.routes,
      spanSinks: this.spanSinks,
      snapshot: () => this.snapshot(),
      lifecycle: this.#lifecycle,
    };
  }
}
