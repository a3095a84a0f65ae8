// The health server as a core Plugin: serves every plugin's metrics and health checks once setup
// starts it. Knows only core's Plugin contract, never another Sightline package.
import { getLogger, type HealthCheck, type Lifecycle, type Plugin, type PluginContext } from '@sightline/core';
import { combineMetricsSources, withOptionsShape } from '@sightline/core/internal';
import { HealthConfigError } from './errors.js';
import { startHealthServer, type HealthServer, type RunningHealthServer, type ShutdownHandler } from './health-server.js';
import { HEALTH_SERVER_SHAPE, resolveServerConfig, type HealthConfig, type HealthServerOptions } from './options.js';

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

class HealthPluginImpl implements HealthPlugin {
  readonly name = 'health' as const;
  readonly #options: HealthServerOptions;
  /** The options resolved at construction: a bad one fails where it was written rather than at start. */
  readonly #config: HealthConfig;
  #server: RunningHealthServer | undefined;
  #unsubscribe: (() => void) | undefined;
  #readyRequested: boolean;
  readonly #pendingChecks: HealthCheck[] = [];
  readonly #pendingShutdownHandlers: ShutdownHandler[] = [];

  constructor(options: HealthPluginOptions) {
    this.#options = { signals: [], exitProcess: false, ...options };
    this.#config = resolveServerConfig(this.#options, 'health()');
    this.#readyRequested = this.#config.ready;
  }

  get server(): HealthServer | undefined {
    return this.#server;
  }

  markReady(): void {
    this.#readyRequested = true;
    this.#server?.markReady();
  }

  markNotReady(): void {
    this.#readyRequested = false;
    this.#server?.markNotReady();
  }

  addCheck(check: HealthCheck): void {
    if (this.#server) this.#server.addCheck(check);
    else this.#pendingChecks.push(check);
  }

  onShutdown(handler: ShutdownHandler): void {
    if (this.#server) this.#server.onShutdown(handler);
    else this.#pendingShutdownHandlers.push(handler);
  }

  async start(context: PluginContext): Promise<void> {
    if (this.#server) throw new HealthConfigError('the health plugin was started twice: call close() first');
    const started = await startHealthServer(this.#configFor(context));
    if (context.lifecycle) this.#follow(context.lifecycle, started);
    for (const h of this.#pendingShutdownHandlers) started.onShutdown(h);
    this.#pendingChecks.length = 0;
    this.#pendingShutdownHandlers.length = 0;
    this.#server = started;
    log.info('health plugin serving', { service: context.service, url: started.url });
  }

  async close(): Promise<void> {
    const current = this.#server;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (!current) return;
    await current.close();
    this.#server = undefined;
  }

  /** The plugin's options with what setup's context brings: metrics, checks, snapshot, routes. */
  #configFor(context: PluginContext): HealthConfig {
    const { metricsSources, lifecycle } = context;
    const metrics = this.#config.metrics ?? (metricsSources.length > 0 ? combineMetricsSources(...metricsSources) : undefined);
    return resolveServerConfig(
      {
        ...this.#options,
        ...(metrics ? { metrics } : {}),
        // setup waited shutdownDelayMs before closing the plugins: no second wait.
        ...(lifecycle && this.#options.shutdownDelayMs === undefined ? { shutdownDelayMs: 0 } : {}),
        checks: [...this.#config.checks, ...context.healthChecks, ...this.#pendingChecks],
        snapshot: this.#config.snapshot ?? (() => context.snapshot()),
        ready: this.#readyRequested || lifecycle?.phase === 'ready',
        routes: [...this.#config.routes, ...(context.routes ?? [])],
      },
      'health()',
    );
  }

  /** Readiness follows setup's phase: 200 on `ready`, 503 on `not_ready` and from `stopping` on. */
  #follow(lifecycle: Lifecycle, server: RunningHealthServer): void {
    this.#unsubscribe = lifecycle.onPhase((phase) => {
      if (phase === 'ready') server.markReady();
      else if (phase === 'not_ready') server.markNotReady();
      else if (phase === 'stopping') server.beginShutdown();
    });
    if (lifecycle.phase === 'stopping') server.beginShutdown();
  }
}

/**
 * `health(options)`: a plugin for `setup()`. On start it serves `/metrics` from every plugin's
 * `metrics` (combined, in plugin order; the JSON fallback from `snapshot()` when there are none) and
 * readiness from every plugin's `healthChecks` plus `options.checks`.
 *
 * Under setup, readiness follows setup's lifecycle: 503 `starting` until setup's `start()` resolves
 * (or `markReady()` with `readiness: 'manual'`), 503 `shutting_down` from the first signal on. Setup
 * owns the signals, the shutdown delay and the exit, so the plugin handles no signals, never exits
 * (`signals: []`, `exitProcess: false`) and its `close()` adds no delay of its own unless
 * `shutdownDelayMs` is given.
 */
function healthPlugin(options: HealthPluginOptions = {}): HealthPlugin {
  return new HealthPluginImpl(options);
}

/**
 * A plugin for `setup()` that serves /health, /health/live, /health/ready, /health/startup and /metrics on
 * their own port; readiness follows setup's lifecycle, and setup (not the plugin) handles the signals.
 */
export const health = withOptionsShape(healthPlugin, HEALTH_SERVER_SHAPE);
