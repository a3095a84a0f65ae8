// setup(): the plugins a user installed, composed into one hooks fan-out, one sensor and one
// lifecycle: start, readiness, the process signals, beacons and the graceful close.
import { setTimeout as sleep } from 'node:timers/promises';
import type { HealthCheck, HookDispatcher, LifecyclePhase, Logger, MetricsSource, ServiceInfo } from '@sightline/core';
import { handleShutdownSignals } from '@sightline/core/internal';
import { Beacons, type Beacon } from './beacons.js';
import { Composition } from './composition.js';
import { drain } from './drain.js';
import { SetupStateError } from './errors.js';
import { LifecycleState } from './lifecycle-state.js';
import { PluginRunner, type StopReport } from './plugin-runner.js';
import type { CombinedSensor, SensorFailures } from './sensor-fan-out.js';
import { resolveSetupOptions, type SetupConfig, type SetupOptions } from './setup-options.js';

export type { StopReport } from './plugin-runner.js';

/**
 * What `setup()` returns: the plugins composed into one set of hooks, one sensor, one metrics source and one
 * list of health checks, with `start()` and `close()` for the lot.
 */
export interface Observability extends ServiceInfo {
  /** Every plugin's hooks as one, safe to call: every hook present, none throws. Pass it to transports. */
  readonly hooks: HookDispatcher;
  /** Every plugin's sensor as one: each call isolated, failures logged once and counted. */
  readonly sensor: CombinedSensor;
  /**
   * The logger setup uses (`options.logger`, or core's `sightline.setup` logger); plugins log through its
   * children.
   */
  readonly logger: Logger;
  /** The plugins' metrics sources as one exposition, or `undefined` when no plugin brings one. */
  readonly metrics: MetricsSource | undefined;
  /** Every plugin's health checks, in plugin order. */
  readonly healthChecks: readonly HealthCheck[];
  /** The plugin names, in start order. */
  readonly plugins: readonly string[];
  /** Where the service is: `starting`, `ready`, `not_ready`, `stopping`, `stopped`. */
  readonly phase: LifecyclePhase;
  /**
   * What closing the plugins did, plugin by plugin: `undefined` until `close()` has closed them.
   * Also logged at info; each failure or timeout is logged at warn as it happens.
   */
  readonly stopReport: StopReport | undefined;
  /** Each plugin's sensor `asDict()`, by plugin name. */
  snapshot(): Record<string, unknown>;
  /** How many times each plugin's sensor callbacks threw, by plugin and callback. */
  sensorFailures(): SensorFailures;
  /**
   * Starts the plugins in order, each within `startTimeoutMs`, and installs the signal handlers.
   * Once it resolves the service is ready (readiness 200), unless `readiness: 'manual'`. Calling it
   * again returns the same promise; after `close()` it rejects with `SetupStateError`. When a plugin
   * fails or times out, the ones already started are closed in reverse order and the promise
   * rejects with `PluginStartError` naming it; `close()` during it makes it reject with
   * `SetupStateError` once the plugin being started has settled (or `stopTimeoutMs` passed).
   */
  start(): Promise<void>;
  /** Readiness 200 from now on (with `readiness: 'manual'`, or after `markNotReady()`). Ignored once stopping. */
  markReady(): void;
  /** Readiness 503 until `markReady()`; liveness unaffected. */
  markNotReady(): void;
  /** Holds the graceful close until `done()` is called (within `shutdownTimeoutMs`). */
  beacon(context?: Readonly<Record<string, unknown>>): Beacon;
  /**
   * What a signal does, without exiting: readiness 503 at once, `shutdownDelayMs` (0 outside
   * Kubernetes), then `beforeShutdown` and the beacons (within `shutdownTimeoutMs`), then the
   * started plugins closed in reverse order, each within `stopTimeoutMs` (see `stopReport`). Never
   * rejects; calling it again returns the same promise. During `start()`, it starts no more plugins,
   * waits for the one being started (up to `stopTimeoutMs`) and closes those started.
   */
  close(): Promise<void>;
  /** `close()`, so `await using obs = setup(...)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
}

// Node 20.0 to 20.3 predate Symbol.asyncDispose; TypeScript's `await using` falls back to this one.
const asyncDispose = Symbol.asyncDispose ?? (Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);

/** The lifecycle behind an `Observability`: start, readiness, close, and the signals that close it. */
class SetupLifecycle {
  readonly phase: LifecycleState;
  readonly beacons = new Beacons();
  readonly #config: SetupConfig;
  readonly #runner: PluginRunner;
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #stopReport: StopReport | undefined;
  #removeSignalListeners: (() => void) | undefined;
  #signalled = false;

  constructor(config: SetupConfig, phase: LifecycleState, runner: PluginRunner) {
    this.#config = config;
    this.phase = phase;
    this.#runner = runner;
  }

  get stopReport(): StopReport | undefined {
    return this.#stopReport;
  }

  start(): Promise<void> {
    if (this.#closing) {
      return Promise.reject(new SetupStateError('start() after close(): a closed setup cannot start again; create a new one'));
    }
    if (!this.#starting) {
      this.#installSignalHandlers();
      this.#starting = this.#runStart();
    }
    return this.#starting;
  }

  close(): Promise<void> {
    this.#closing ??= this.#runClose();
    return this.#closing;
  }

  markReady(): void {
    const phase = this.phase.phase;
    if (phase === 'stopping' || phase === 'stopped') {
      this.#config.logger.warn(`markReady() ignored: the service is ${phase}`);
      return;
    }
    this.phase.set('ready');
  }

  markNotReady(): void {
    const phase = this.phase.phase;
    if (phase === 'ready' || phase === 'starting') this.phase.set('not_ready');
  }

  async #runStart(): Promise<void> {
    const { logger, service, plugins, readiness } = this.#config;
    const names = plugins.map((p) => p.name).join(',');
    logger.debug('starting plugins', { service, plugins: names });
    await this.#runner.startAll();
    logger.info(`started ${plugins.length} plugin(s) for ${service}`, { plugins: names });
    if (readiness === 'start' && this.phase.phase === 'starting') this.phase.set('ready');
  }

  async #runClose(): Promise<void> {
    const { logger, shutdownDelayMs, beforeShutdown, shutdownTimeoutMs } = this.#config;
    this.phase.set('stopping');
    // An ongoing start starts nothing further, and gives up on a hanging plugin.
    this.#runner.requestClose();
    if (shutdownDelayMs > 0) {
      logger.info(`readiness 503; waiting shutdownDelayMs (${shutdownDelayMs} ms) so load balancers stop sending traffic`);
      await sleep(shutdownDelayMs);
    }
    if (this.#starting) await this.#starting.catch(() => undefined);
    await drain({ beforeShutdown, beacons: this.beacons, shutdownTimeoutMs, logger });
    const report = await this.#runner.closeStarted();
    this.#stopReport = report;
    // Each failure was logged at warn as it happened; this is the whole picture.
    logger.info(`closed ${report.stopped.length} of ${report.stopped.length + report.failed.length + report.timedOut.length} plugin(s)`, {
      ...report,
    });
    this.phase.set('stopped');
    // A programmatic close gives the signals back; after a signal the process is about to exit.
    if (!this.#signalled) {
      this.#removeSignalListeners?.();
      this.#removeSignalListeners = undefined;
    }
  }

  /** Each signal closes, then exits: 0 when every plugin closed cleanly, else 1; 1 past shutdownTimeoutMs. */
  #installSignalHandlers(): void {
    const { signals, logger, shutdownTimeoutMs } = this.#config;
    if (signals.length === 0 || this.#removeSignalListeners) return;
    this.#removeSignalListeners = handleShutdownSignals({
      signals,
      logger,
      onSignal: (signal) => {
        this.#signalled = true;
        const deadline = setTimeout(() => {
          logger.error(`the graceful stop did not finish within shutdownTimeoutMs (${shutdownTimeoutMs} ms) of ${signal}; exiting with 1`, {
            phase: this.phase.phase,
            beacons: this.beacons.size,
          });
          process.exit(1);
        }, shutdownTimeoutMs);
        deadline.unref();
        void this.close().then(() => {
          const report = this.#stopReport;
          const code = report && report.failed.length + report.timedOut.length === 0 ? 0 : 1;
          logger.info(`stopped after ${signal}; exiting with ${code}`, { ...report });
          process.exit(code);
        });
      },
    });
  }
}

/**
 * Composes plugins (prometheus, health, otel, stats, ...) into one {@link Observability}: validates the
 * options once (a {@link SetupConfigError} names a bad value), starts nothing until `start()` is called,
 * drives the lifecycle (readiness 200 once started, 503 on a signal or `close()`, then
 * `shutdownDelayMs` before closing), and closes the plugins in reverse order, each within `stopTimeoutMs`.
 */
export function setup(options: SetupOptions): Observability {
  const config = resolveSetupOptions(options);
  const { plugins, logger } = config;
  const info: ServiceInfo = {
    service: config.service,
    ...(config.version !== undefined && { version: config.version }),
    ...(config.environment !== undefined && { environment: config.environment }),
  };
  const phase = new LifecycleState(logger);
  const parts = new Composition(plugins, info, logger, phase);
  const runner = new PluginRunner({ ...config, contextFor: (plugin) => parts.contextFor(plugin) });
  const lifecycle = new SetupLifecycle(config, phase, runner);
  const close = (): Promise<void> => lifecycle.close();

  const obs = {
    ...info,
    hooks: parts.hooks,
    sensor: parts.sensor,
    logger,
    metrics: parts.metrics,
    healthChecks: parts.healthChecks,
    plugins: Object.freeze(plugins.map((p) => p.name)),
    snapshot: () => parts.snapshot(),
    sensorFailures: () => parts.sensorFailures(),
    start: () => lifecycle.start(),
    markReady: () => lifecycle.markReady(),
    markNotReady: () => lifecycle.markNotReady(),
    beacon: (context?: Readonly<Record<string, unknown>>) => lifecycle.beacons.create(context),
    close,
  };
  Object.defineProperties(obs, {
    phase: { get: () => phase.phase, enumerable: true },
    stopReport: { get: () => lifecycle.stopReport, enumerable: true },
    // Keyed by a variable that may be the fallback symbol, hence defined rather than written literally.
    [asyncDispose]: { value: close },
  });
  return Object.freeze(obs) as Observability;
}
