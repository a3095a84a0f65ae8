// setup(): the plugins a user installed, composed into one hooks fan-out, one sensor and one
// lifecycle: start, readiness, the process signals, beacons and the graceful stop.
import {
  combineHooks,
  getLogger,
  type HealthCheck,
  type HookDispatcher,
  type LifecyclePhase,
  type Logger,
  type MetricsSource,
  type Plugin,
  type PluginContext,
  type ServiceInfo,
  toDispatcher,
} from '@sightline/core';
import { combineMetricsSources, errorText, handleShutdownSignals } from '@sightline/core/internal';
import { Beacons, type Beacon } from './beacons.js';
import { PluginStartError, SetupStateError } from './errors.js';
import { LifecycleState } from './lifecycle-state.js';
import { fanOutSensors, type CombinedSensor, type SensorFailures } from './sensor-fan-out.js';
import {
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_SIGNALS,
  DEFAULT_START_TIMEOUT_MS,
  DEFAULT_STOP_TIMEOUT_MS,
  defaultShutdownDelayMs,
  validateSetupOptions,
  type SetupOptions,
} from './setup-options.js';

/** What `stop()` did, plugin by plugin (names in the order they were stopped). */
export interface StopReport {
  /** Plugins whose `stop()` settled in time, in the order they were stopped (reverse start order). */
  readonly stopped: readonly string[];
  /** Plugins whose `stop()` threw or rejected; logged at warn. */
  readonly failed: readonly string[];
  /** Plugins whose `stop()` did not settle within `stopTimeoutMs`; abandoned, logged at warn. */
  readonly timedOut: readonly string[];
}

/**
 * What `setup()` returns: the plugins composed into one set of hooks, one sensor, one metrics source and one
 * list of health checks, with `start()` and `stop()` for the lot.
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
  /** Each plugin's sensor `asDict()`, by plugin name. */
  snapshot(): Record<string, unknown>;
  /** How many times each plugin's sensor callbacks threw, by plugin and callback. */
  sensorFailures(): SensorFailures;
  /**
   * Starts the plugins in order, each within `startTimeoutMs`, and installs the signal handlers.
   * Once it resolves the service is ready (readiness 200), unless `readiness: 'manual'`. Calling it
   * again returns the same promise; after `stop()` it rejects with `SetupStateError`. When a plugin
   * fails or times out, the ones already started are stopped in reverse order and the promise
   * rejects with `PluginStartError` naming it; `stop()` during it makes it reject with
   * `SetupStateError` once the plugin being started has settled (or `stopTimeoutMs` passed).
   */
  start(): Promise<void>;
  /** Readiness 200 from now on (with `readiness: 'manual'`, or after `markNotReady()`). Ignored once stopping. */
  markReady(): void;
  /** Readiness 503 until `markReady()`; liveness unaffected. */
  markNotReady(): void;
  /** Holds the graceful stop until `done()` is called (within `shutdownTimeoutMs`). */
  beacon(context?: Readonly<Record<string, unknown>>): Beacon;
  /**
   * What a signal does, without exiting: readiness 503 at once, `shutdownDelayMs`, then `stop()`.
   * Calling it again returns the same promise.
   */
  shutdown(): Promise<StopReport>;
  /**
   * Stops now: readiness 503, `beforeShutdown` and the beacons (within `shutdownTimeoutMs`), then
   * the started plugins in reverse order, each within `stopTimeoutMs`. Never rejects; calling it
   * again returns the same promise. During `start()`, it waits for the plugin being started (up to
   * `stopTimeoutMs`), starts no more, and stops those started.
   */
  stop(): Promise<StopReport>;
  /** `await using obs = setup(...)` stops it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
}

// Node 20.0 to 20.3 predate Symbol.asyncDispose; TypeScript's `await using` falls back to this one.
const asyncDispose = (Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose')) as typeof Symbol.asyncDispose;

type StopOutcome = 'stopped' | 'failed' | 'timedOut';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `'settled'` when `promise` settles within `ms` (rethrowing its rejection), else `'timedOut'`. */
async function within(promise: Promise<unknown>, ms: number): Promise<'settled' | 'timedOut'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timedOut'>((resolve) => {
    timer = setTimeout(() => resolve('timedOut'), ms);
  });
  try {
    return await Promise.race([promise.then(() => 'settled' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Composes plugins (prometheus, health, otel, stats, ...) into one {@link Observability}: validates the
 * options once (a {@link SetupConfigError} names a bad value), starts nothing until `start()` is called,
 * drives the lifecycle (readiness 200 once started, 503 on a signal or `shutdown()`, then
 * `shutdownDelayMs` before stopping), and stops the plugins in reverse order, each within `stopTimeoutMs`.
 */
export function setup(options: SetupOptions): Observability {
  validateSetupOptions(options);
  const plugins: readonly Plugin[] = Object.freeze([...options.plugins]);
  const stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const shutdownDelayMs = options.shutdownDelayMs ?? defaultShutdownDelayMs();
  const signals = options.signals === false ? [] : (options.signals ?? DEFAULT_SIGNALS);
  const manualReadiness = options.readiness === 'manual';
  const logger = options.logger ?? getLogger('sightline.setup');
  const info: ServiceInfo = {
    service: options.service,
    ...(options.version !== undefined && { version: options.version }),
    ...(options.environment !== undefined && { environment: options.environment }),
  };

  const hooks = toDispatcher(combineHooks(...plugins.map((p) => p.hooks)));
  const fanOut = fanOutSensors(
    plugins.flatMap((p) => (p.sensor ? [{ plugin: p.name, sensor: p.sensor }] : [])),
    logger,
  );
  const sensor = fanOut.sensor;
  const metricsSources = Object.freeze(plugins.flatMap((p) => (p.metrics ? [p.metrics] : [])));
  const metrics = metricsSources.length > 0 ? combineMetricsSources(...metricsSources) : undefined;
  const healthChecks = Object.freeze(plugins.flatMap((p) => p.healthChecks ?? []));
  const routes = Object.freeze(plugins.flatMap((p) => p.routes ?? []));
  const spanSinks = Object.freeze(plugins.flatMap((p) => (p.spanSink ? [p.spanSink] : [])));
  const snapshot = (): Record<string, unknown> => sensor.asDict();
  const lifecycle = new LifecycleState(logger);
  const beacons = new Beacons();

  const contextFor = (plugin: Plugin): PluginContext => ({
    ...info,
    logger: logger.child(plugin.name),
    hooks,
    sensor,
    metricsSources,
    healthChecks,
    routes,
    spanSinks,
    snapshot,
    lifecycle,
  });

  const started: Plugin[] = [];
  let startPromise: Promise<void> | undefined;
  let stopPromise: Promise<StopReport> | undefined;
  let shutdownPromise: Promise<StopReport> | undefined;
  let removeSignalListeners: (() => void) | undefined;
  let signalled = false;
  let stopRequested: () => void = () => undefined;
  const stopRequest = new Promise<void>((resolve) => (stopRequested = resolve));

  async function stopOne(plugin: Plugin): Promise<StopOutcome> {
    if (!plugin.close) return 'stopped';
    const stopping = new Promise<void>((resolve) => resolve(plugin.close!()));
    try {
      if ((await within(stopping, stopTimeoutMs)) === 'settled') return 'stopped';
      logger.warn(`plugin "${plugin.name}" did not stop within ${stopTimeoutMs} ms; abandoned`, { plugin: plugin.name });
      // Whatever it does later must not become an unhandled rejection.
      stopping.catch((error: unknown) =>
        logger.debug(`plugin "${plugin.name}" failed to stop after it was abandoned`, { error: errorText(error) }),
      );
      return 'timedOut';
    } catch (error) {
      logger.warn(`plugin "${plugin.name}" failed to stop`, { plugin: plugin.name, error: errorText(error) });
      return 'failed';
    }
  }

  /** Stops and forgets everything started so far, last first. */
  async function stopStarted(): Promise<StopReport> {
    const report = { stopped: [] as string[], failed: [] as string[], timedOut: [] as string[] };
    while (started.length > 0) {
      const plugin = started.pop()!;
      report[await stopOne(plugin)].push(plugin.name);
    }
    return report;
  }

  /**
   * A plugin's start, bounded: by `startTimeoutMs`, and once stop() is called by `stopTimeoutMs`
   * more. Rethrows what the start threw.
   */
  async function startWithin(starting: Promise<void>): Promise<'settled' | 'timedOut' | 'stopped'> {
    let startTimer: ReturnType<typeof setTimeout> | undefined;
    let stopTimer: ReturnType<typeof setTimeout> | undefined;
    let raced = false;
    const timeout = new Promise<'timedOut'>((resolve) => {
      startTimer = setTimeout(resolve, startTimeoutMs, 'timedOut');
    });
    const stopped = stopRequest.then(
      () =>
        new Promise<'stopped'>((resolve) => {
          if (!raced) stopTimer = setTimeout(resolve, stopTimeoutMs, 'stopped');
        }),
    );
    try {
      return await Promise.race([starting.then(() => 'settled' as const), timeout, stopped]);
    } finally {
      raced = true;
      clearTimeout(startTimer);
      clearTimeout(stopTimer);
    }
  }

  /** A start given up on: if it still succeeds later, the plugin is stopped then; a late failure is logged. */
  function abandon(plugin: Plugin, starting: Promise<void>): void {
    starting.then(
      () => {
        logger.warn(`plugin "${plugin.name}" started after it was given up on; stopping it`, { plugin: plugin.name });
        void stopOne(plugin);
      },
      (error: unknown) => logger.debug(`plugin "${plugin.name}" failed to start after it was given up on`, { error: errorText(error) }),
    );
  }

  async function rollBack(error: PluginStartError): Promise<never> {
    logger.error(error.message, { plugin: error.plugin });
    const rollback = await stopStarted();
    if (rollback.failed.length + rollback.timedOut.length > 0) {
      logger.warn('some plugins did not stop cleanly after a failed start', { ...rollback });
    }
    throw error;
  }

  async function runStart(): Promise<void> {
    logger.debug('starting plugins', { service: info.service, plugins: plugins.map((p) => p.name).join(',') });
    for (let i = 0; i <= plugins.length; i++) {
      if (stopPromise) {
        // stop() stops what started, once this promise has settled.
        const skipped = plugins.slice(i).map((p) => `"${p.name}"`);
        throw new SetupStateError(`stop() was called while starting${skipped.length ? `; not started: ${skipped.join(', ')}` : ''}`);
      }
      const plugin = plugins[i];
      if (!plugin) break;
      const starting = new Promise<void>((resolve) => resolve(plugin.start?.(contextFor(plugin))));
      let outcome: 'settled' | 'timedOut' | 'stopped';
      try {
        outcome = await startWithin(starting);
      } catch (cause) {
        return rollBack(new PluginStartError(plugin.name, i + 1, plugins.length, cause));
      }
      if (outcome === 'settled') {
        started.push(plugin);
        continue;
      }
      abandon(plugin, starting);
      if (outcome === 'timedOut') {
        const cause = new Error(`start() did not settle within startTimeoutMs (${startTimeoutMs} ms)`);
        return rollBack(new PluginStartError(plugin.name, i + 1, plugins.length, cause));
      }
      logger.warn(
        `plugin "${plugin.name}" did not finish starting within ${stopTimeoutMs} ms of stop(); stopping the plugins already started`,
        {
          plugin: plugin.name,
        },
      );
      i++;
      const skipped = plugins.slice(i).map((p) => `"${p.name}"`);
      throw new SetupStateError(
        `stop() was called while starting "${plugin.name}"${skipped.length ? `; not started: ${skipped.join(', ')}` : ''}`,
      );
    }
    logger.info(`started ${plugins.length} plugin(s) for ${info.service}`, { plugins: plugins.map((p) => p.name).join(',') });
    if (!manualReadiness && lifecycle.phase === 'starting') lifecycle.set('ready');
  }

  function installSignalHandlers(): void {
    if (signals.length === 0 || removeSignalListeners) return;
    removeSignalListeners = handleShutdownSignals({
      signals,
      logger,
      onSignal(signal) {
        signalled = true;
        const deadline = setTimeout(() => {
          logger.error(`the graceful stop did not finish within shutdownTimeoutMs (${shutdownTimeoutMs} ms) of ${signal}; exiting with 1`, {
            phase: lifecycle.phase,
            beacons: beacons.size,
          });
          process.exit(1);
        }, shutdownTimeoutMs);
        deadline.unref();
        void shutdown().then((report) => {
          const code = report.failed.length + report.timedOut.length === 0 ? 0 : 1;
          logger.info(`stopped after ${signal}; exiting with ${code}`, { ...report });
          process.exit(code);
        });
      },
    });
  }

  function start(): Promise<void> {
    if (stopPromise) {
      return Promise.reject(new SetupStateError('start() after stop(): a stopped setup cannot start again; create a new one'));
    }
    if (!startPromise) {
      installSignalHandlers();
      startPromise = runStart();
    }
    return startPromise;
  }

  /** `beforeShutdown` and the beacons, together, within `shutdownTimeoutMs`. */
  async function drain(): Promise<void> {
    const before = options.beforeShutdown;
    const work = Promise.all([
      before
        ? new Promise<void>((resolve) => resolve(before())).catch((error: unknown) =>
            logger.warn('beforeShutdown failed; stopping the plugins anyway', { error: errorText(error) }),
          )
        : undefined,
      beacons.size > 0
        ? (logger.info(`waiting for ${beacons.size} beacon(s) before stopping`, { beacons: JSON.stringify(beacons.describe()) }),
          beacons.drained())
        : undefined,
    ]);
    if ((await within(work, shutdownTimeoutMs)) === 'timedOut') {
      logger.warn(
        `beforeShutdown and beacons did not finish within shutdownTimeoutMs (${shutdownTimeoutMs} ms); stopping the plugins anyway`,
        {
          beacons: beacons.size,
        },
      );
    }
  }

  function stop(): Promise<StopReport> {
    return (stopPromise ??= (async () => {
      lifecycle.set('stopping');
      stopRequested();
      // An ongoing start settles (it starts nothing further, and gives up on a hanging plugin).
      if (startPromise) await startPromise.catch(() => undefined);
      await drain();
      const report = await stopStarted();
      lifecycle.set('stopped');
      // A programmatic stop gives the signals back; after a signal the process is about to exit.
      if (!signalled) {
        removeSignalListeners?.();
        removeSignalListeners = undefined;
      }
      return report;
    })());
  }

  function shutdown(): Promise<StopReport> {
    if (stopPromise) return stopPromise;
    return (shutdownPromise ??= (async () => {
      lifecycle.set('stopping');
      if (shutdownDelayMs > 0) {
        logger.info(`readiness 503; waiting shutdownDelayMs (${shutdownDelayMs} ms) so load balancers stop sending traffic`);
        await sleep(shutdownDelayMs);
      }
      return stop();
    })());
  }

  function markReady(): void {
    const phase = lifecycle.phase;
    if (phase === 'stopping' || phase === 'stopped') {
      logger.warn(`markReady() ignored: the service is ${phase}`);
      return;
    }
    lifecycle.set('ready');
  }

  function markNotReady(): void {
    const phase = lifecycle.phase;
    if (phase === 'ready' || phase === 'starting') lifecycle.set('not_ready');
  }

  const obs = {
    ...info,
    hooks,
    sensor,
    logger,
    metrics,
    healthChecks,
    plugins: Object.freeze(plugins.map((p) => p.name)),
    snapshot,
    sensorFailures: () => fanOut.failures(),
    start,
    markReady,
    markNotReady,
    beacon: (context?: Readonly<Record<string, unknown>>) => beacons.create(context),
    shutdown,
    stop,
  };
  Object.defineProperty(obs, 'phase', { get: () => lifecycle.phase, enumerable: true });
  // Keyed by a variable that may be the fallback symbol, hence defined rather than written literally.
  Object.defineProperty(obs, asyncDispose, {
    value: async (): Promise<void> => {
      await stop();
    },
  });
  return Object.freeze(obs) as Observability;
}
