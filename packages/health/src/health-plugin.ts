// The health server as a core Plugin: serves every plugin's metrics and health checks once setup
// starts it. Knows only core's Plugin contract, never another Sightline package.
import { getLogger, type HealthCheck, type Plugin, type PluginContext } from '@sightline/core';
import { combineMetricsSources, withOptionsShape } from '@sightline/core/internal';
import { HEALTH_SERVER_SHAPE, resolveServerConfig, type HealthServerOptions } from './config.js';
import { HealthConfigError } from './errors.js';
import { createHealthServer, type HealthServer, type ShutdownHandler } from './health-server.js';

const log = getLogger('sightline.health.plugin');

/** Options of the `health()` plugin: those of `createHealthServer()`. */
export type HealthPluginOptions = HealthServerOptions;

/**
 * The `health()` plugin for `setup()`: a health server started with the service, serving the service's checks
 * and metrics.
 */
export interface HealthPlugin extends Plugin {
  /** Always `health`. */
  readonly name: 'health';
  /** The running server, once started. */
  readonly server: HealthServer | undefined;
  /** The app has started: readiness may turn 200 once the startup checks pass. */
  markReady(): void;
  /** Readiness 503 until `markReady()` again. */
  markNotReady(): void;
  /** Adds a readiness check (before or after start). */
  addCheck(check: HealthCheck): void;
  /** Runs `handler` during the graceful shutdown, after the delay. */
  onShutdown(handler: ShutdownHandler): void;
  /** Starts the server with setup's health checks, metrics and sensors. */
  start(context: PluginContext): Promise<void>;
  /** Graceful: readiness 503, `shutdownDelayMs`, shutdown handlers, close. */
  close(): Promise<void>;
}

/**
 * `health(options)`: a plugin for `setup()`. On start it serves `/metrics` from every plugin's
 * `metrics` (combined, in plugin order; the JSON fallback from `snapshot()` when there are none) and
 * readiness from every plugin's `healthChecks` plus `options.checks`.
 *
 * Under setup, readiness follows setup's lifecycle: 503 `starting` until setup's `start()` resolves
 * (or `markReady()` with `readiness: 'manual'`), 503 `shutting_down` from the first signal on. Setup
 * owns the signals, the shutdown delay and the exit, so the plugin handles no signals, never exits
 * (`signals: []`, `exitProcess: false`) and its `stop()` adds no delay of its own unless
 * `shutdownDelayMs` is given.
 */
function healthPlugin(options: HealthPluginOptions = {}): HealthPlugin {
  const pluginOptions: HealthServerOptions = { signals: [], exitProcess: false, ...options };
  // Validate now, so a bad option fails where it was written rather than at start.
  resolveServerConfig(pluginOptions, 'health()');

  let server: HealthServer | undefined;
  let unsubscribe: (() => void) | undefined;
  let readyRequested = pluginOptions.ready === true;
  const pendingChecks: HealthCheck[] = [];
  const pendingShutdownHandlers: ShutdownHandler[] = [];

  return {
    name: 'health',
    get server() {
      return server;
    },
    markReady() {
      readyRequested = true;
      server?.markReady();
    },
    markNotReady() {
      readyRequested = false;
      server?.markNotReady();
    },
    addCheck(check) {
      if (server) server.addCheck(check);
      else pendingChecks.push(check);
    },
    onShutdown(handler) {
      if (server) server.onShutdown(handler);
      else pendingShutdownHandlers.push(handler);
    },
    async start(context) {
      if (server) throw new HealthConfigError('the health plugin was started twice: call close() first');
      const sources = context.metricsSources;
      const metrics = pluginOptions.metrics ?? (sources.length > 0 ? combineMetricsSources(...sources) : undefined);
      const checks = [...(pluginOptions.checks ?? []), ...context.healthChecks, ...pendingChecks];
      const snapshot = pluginOptions.snapshot ?? (() => context.snapshot());
      const lifecycle = context.lifecycle;
      const started = await createHealthServer({
        ...pluginOptions,
        ...(metrics ? { metrics } : {}),
        // setup waited shutdownDelayMs before stopping the plugins: no second wait.
        ...(lifecycle && options.shutdownDelayMs === undefined ? { shutdownDelayMs: 0 } : {}),
        checks,
        snapshot,
        ready: readyRequested || lifecycle?.phase === 'ready',
        routes: [...(pluginOptions.routes ?? []), ...(context.routes ?? [])],
      });
      if (lifecycle) {
        unsubscribe = lifecycle.onPhase((phase) => {
          if (phase === 'ready') started.markReady();
          else if (phase === 'not_ready') started.markNotReady();
          else if (phase === 'stopping') started.handler.beginShutdown();
        });
        if (lifecycle.phase === 'stopping') started.handler.beginShutdown();
      }
      for (const h of pendingShutdownHandlers) started.onShutdown(h);
      pendingChecks.length = 0;
      pendingShutdownHandlers.length = 0;
      server = started;
      log.info('health plugin serving', { service: context.service, url: started.url });
    },
    async close() {
      const current = server;
      unsubscribe?.();
      unsubscribe = undefined;
      if (!current) return;
      await current.shutdown();
      server = undefined;
    },
  };
}

/**
 * A plugin for `setup()` that serves /health, /health/live, /health/ready, /health/startup and /metrics on
 * their own port; readiness follows setup's lifecycle, and setup (not the plugin) handles the signals.
 */
export const health = withOptionsShape(healthPlugin, HEALTH_SERVER_SHAPE);
