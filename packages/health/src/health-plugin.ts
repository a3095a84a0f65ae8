// The health server as a core Plugin: serves every plugin's metrics and health checks once setup
// starts it. Knows only core's Plugin contract, never another Sightline package.
import { combineMetricsSources, getLogger, withOptionsShape, type HealthCheck, type Plugin, type PluginContext } from '@sightline/core';
import { HEALTH_SERVER_SHAPE, resolveServerConfig, type HealthServerOptions } from './config.js';
import { HealthConfigError } from './errors.js';
import { createHealthServer, type HealthServer, type ShutdownHandler } from './health-server.js';

const log = getLogger('sightline.health.plugin');

export type HealthPluginOptions = HealthServerOptions;

export interface HealthPlugin extends Plugin {
  readonly name: 'health';
  /** The running server, once started. */
  readonly server: HealthServer | undefined;
  markReady(): void;
  markNotReady(): void;
  addCheck(check: HealthCheck): void;
  onShutdown(handler: ShutdownHandler): void;
  start(context: PluginContext): Promise<void>;
  /** Graceful: readiness 503, `shutdownDelayMs`, shutdown handlers, close. */
  stop(): Promise<void>;
}

/**
 * `health(options)`: a plugin for `setup()`. On start it serves `/metrics` from every plugin's
 * `metrics` (combined, in plugin order; the JSON fallback from `snapshot()` when there are none) and
 * readiness from every plugin's `healthChecks` plus `options.checks`.
 *
 * Under setup the process lifecycle belongs to the application, so by default the plugin handles no
 * signals and never exits the process (`signals: []`, `exitProcess: false`): call `stop()` on
 * shutdown. Pass `signals` to have it start the graceful sequence itself.
 */
function healthPlugin(options: HealthPluginOptions = {}): HealthPlugin {
  const pluginOptions: HealthServerOptions = { signals: [], exitProcess: false, ...options };
  // Validate now, so a bad option fails where it was written rather than at start.
  resolveServerConfig(pluginOptions, 'health()');

  let server: HealthServer | undefined;
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
      if (server) throw new HealthConfigError('the health plugin was started twice: call stop() first');
      const sources = context.metricsSources;
      const metrics = pluginOptions.metrics ?? (sources.length > 0 ? combineMetricsSources(...sources) : undefined);
      const checks = [...(pluginOptions.checks ?? []), ...context.healthChecks, ...pendingChecks];
      const snapshot = pluginOptions.snapshot ?? (() => context.snapshot());
      const started = await createHealthServer({
        ...pluginOptions,
        ...(metrics ? { metrics } : {}),
        checks,
        snapshot,
        ready: readyRequested,
      });
      for (const h of pendingShutdownHandlers) started.onShutdown(h);
      pendingChecks.length = 0;
      pendingShutdownHandlers.length = 0;
      server = started;
      log.info('health plugin serving', { service: context.service, url: started.url });
    },
    async stop() {
      const current = server;
      if (!current) return;
      await current.shutdown();
      server = undefined;
    },
  };
}

export const health = withOptionsShape(healthPlugin, HEALTH_SERVER_SHAPE);
