// The Plugin contract: how @sightline/setup composes whichever backends a user installed.
import type { MetricsHooks } from '../hooks/metrics-hooks.js';
import type { Logger } from '../logging/logger.js';
import type { HealthCheck } from './health-check.js';
import type { HttpRoute } from './http-route.js';
import type { Lifecycle } from './lifecycle.js';
import type { MetricsSource } from './metrics-source.js';
import type { Sensor } from './sensor.js';
import type { SpanSink } from './span-sink.js';

/** The service the plugins observe. */
export interface ServiceInfo {
  /** The service's name, e.g. `orders`. */
  readonly service: string;
  /** The service's version, e.g. `1.4.2`. */
  readonly version?: string;
  /** The deployment environment, e.g. `production`. */
  readonly environment?: string;
}

/** What a plugin sees when it starts: the service and everything the other plugins brought. */
export interface PluginContext extends ServiceInfo {
  /** The plugin's logger: setup's, with the plugin's name appended. */
  readonly logger: Logger;
  /** All plugins' hooks, combined. */
  readonly hooks: MetricsHooks;
  /** All plugins' sensors, as one. */
  readonly sensor: Sensor;
  /** Every plugin's `metrics`, in plugin order. */
  readonly metricsSources: readonly MetricsSource[];
  /** Every plugin's `healthChecks`, in plugin order. */
  readonly healthChecks: readonly HealthCheck[];
  /** Every plugin's `routes`, in plugin order: the health server serves them. */
  readonly routes?: readonly HttpRoute[];
  /** Every plugin's `spanSink`, in plugin order: the tracing plugin feeds them finished spans. */
  readonly spanSinks?: readonly SpanSink[];
  /** Each plugin's sensor snapshot (`asDict()`), by plugin name: the JSON /metrics fallback. */
  snapshot(): Record<string, unknown>;
  /**
   * The service's phase, from setup: a health plugin turns readiness 200 on `ready` and 503 on
   * `stopping`. Absent when the plugin is started by hand.
   */
  readonly lifecycle?: Lifecycle;
}

/**
 * One part of the observability a service composes with `setup()`: any of hooks, a sensor, health checks and
 * metrics, with an optional start and stop.
 */
export interface Plugin {
  /** The plugin's name, unique in one `setup()`, e.g. `prometheus`. */
  readonly name: string;
  /** Metrics hooks, combined with the other plugins' into `Observability.hooks`. */
  readonly hooks?: MetricsHooks;
  /** A stream sensor, combined with the other plugins' into `Observability.sensor`. */
  readonly sensor?: Sensor;
  /** Health checks the health plugin serves on /health/ready. */
  readonly healthChecks?: readonly HealthCheck[];
  /** Metrics the health or prometheus plugin serves on /metrics. */
  readonly metrics?: MetricsSource;
  /** Pages to serve next to /health and /metrics (e.g. the status page). */
  readonly routes?: readonly HttpRoute[];
  /** Where finished spans go when a tracing plugin is present. */
  readonly spanSink?: SpanSink;
  /** Called by `start()`, in plugin order, with what the other plugins brought. */
  start?(context: PluginContext): void | Promise<void>;
  /** Called by setup's `close()`, in reverse order, within setup's `stopTimeoutMs`. */
  close?(): void | Promise<void>;
}
