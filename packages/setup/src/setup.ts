// setup(): the plugins a user installed, composed into one hooks fan-out, one sensor and one
// start/stop lifecycle.
import { combineHooks, combineMetricsSources, errorText, getLogger, type HealthCheck, type HookDispatcher, type Logger, type MetricsSource, type Plugin, type PluginContext, type ServiceInfo, toDispatcher } from '@sightline/core';
import { PluginStartError, SetupStateError } from './errors.js';
import { fanOutSensors, type CombinedSensor, type SensorFailures } from './sensor-fan-out.js';
import { DEFAULT_STOP_TIMEOUT_MS, validateSetupOptions, type SetupOptions } from './setup-options.js';

/** What `stop()` did, plugin by plugin (names in the order they were stopped). */
export interface StopReport {
  readonly stopped: readonly string[];
  /** Plugins whose `stop()` threw or rejected; logged at warn. */
  readonly failed: readonly string[];
  /** Plugins whose `stop()` did not settle within `stopTimeoutMs`; abandoned, logged at warn. */
  readonly timedOut: readonly string[];
}

export interface Observability extends ServiceInfo {
  /** Every plugin's hooks as one, safe to call: every hook present, none throws. Pass it to transports. */
  readonly hooks: HookDispatcher;
  /** Every plugin's sensor as one: each call isolated, failures logged once and counted. */
  readonly sensor: CombinedSensor;
  readonly logger: Logger;
  /** The plugins' metrics sources as one exposition, or `undefined` when no plugin brings one. */
  readonly metrics: MetricsSource | undefined;
  /** Every plugin's health checks, in plugin order. */
  readonly healthChecks: readonly HealthCheck[];
  /** The plugin names, in start order. */
  readonly plugins: readonly string[];
  /** Each plugin's sensor `asDict()`, by plugin name. */
  snapshot(): Record<string, unknown>;
  /** How many times each plugin's sensor callbacks threw, by plugin and callback. */
  sensorFailures(): SensorFailures;
  /**
   * Starts the plugins in order. Calling it again returns the same promise (a no-op); after `stop()`
   * it rejects with `SetupStateError`. When a plugin fails, the ones already started are stopped in
   * reverse order and the promise rejects with `PluginStartError` naming it.
   */
  start(): Promise<void>;
  /**
   * Stops the started plugins in reverse order, each within `stopTimeoutMs`. Never rejects; calling
   * it again returns the same promise. Called during `start()`, it waits for the plugin being
   * started (up to `stopTimeoutMs`), starts no more, and stops those started.
   */
  stop(): Promise<StopReport>;
  /** `await using obs = setup(...)` stops it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
}

// Node 20.0 to 20.3 predate Symbol.asyncDispose; TypeScript's `await using` falls back to this one.
const asyncDispose = (Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose')) as typeof Symbol.asyncDispose;

type StopOutcome = 'stopped' | 'failed' | 'timedOut';

export function setup(options: SetupOptions): Observability {
  validateSetupOptions(options);
  const plugins: readonly Plugin[] = Object.freeze([...options.plugins]);
  const stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
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
  const snapshot = (): Record<string, unknown> => sensor.asDict();

  const contextFor = (plugin: Plugin): PluginContext => ({
    ...info,
    logger: logger.child(plugin.name),
    hooks,
    sensor,
    metricsSources,
    healthChecks,
    snapshot,
  });

  const started: Plugin[] = [];
  let starting: Plugin | undefined;
  let startPromise: Promise<void> | undefined;
  let stopPromise: Promise<StopReport> | undefined;
  /** stop() has begun stopping: a start that finishes later must undo itself. */
  let stopBegun = false;

  /** `'settled'` when `promise` settles within stopTimeoutMs (rethrowing its rejection), else `'timedOut'`. */
  async function within(promise: Promise<unknown>): Promise<'settled' | 'timedOut'> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timedOut'>((resolve) => {
      timer = setTimeout(() => resolve('timedOut'), stopTimeoutMs);
    });
    try {
      return await Promise.race([promise.then(() => 'settled' as const), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function stopOne(plugin: Plugin): Promise<StopOutcome> {
    if (!plugin.stop) return 'stopped';
    const stopping = new Promise<void>((resolve) => resolve(plugin.stop!()));
    try {
      if ((await within(stopping)) === 'settled') return 'stopped';
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

  async function runStart(): Promise<void> {
    logger.debug('starting plugins', { service: info.service, plugins: plugins.map((p) => p.name).join(',') });
    for (let i = 0; i <= plugins.length; i++) {
      if (stopPromise) {
        // A plugin whose start outlived stop()'s wait is stopped here, once it has started.
        if (stopBegun) await stopStarted();
        const skipped = plugins.slice(i).map((p) => `"${p.name}"`);
        throw new SetupStateError(`stop() was called while starting${skipped.length ? `; not started: ${skipped.join(', ')}` : ''}`);
      }
      const plugin = plugins[i];
      if (!plugin) break;
      starting = plugin;
      try {
        await plugin.start?.(contextFor(plugin));
      } catch (cause) {
        const error = new PluginStartError(plugin.name, i + 1, plugins.length, cause);
        logger.error(error.message, { plugin: plugin.name });
        const rollback = await stopStarted();
        if (rollback.failed.length + rollback.timedOut.length > 0) {
          logger.warn('some plugins did not stop cleanly after a failed start', { ...rollback });
        }
        throw error;
      } finally {
        starting = undefined;
      }
      started.push(plugin);
    }
    logger.info(`started ${plugins.length} plugin(s) for ${info.service}`, { plugins: plugins.map((p) => p.name).join(',') });
  }

  function start(): Promise<void> {
    if (stopPromise) {
      return Promise.reject(new SetupStateError('start() after stop(): a stopped setup cannot start again; create a new one'));
    }
    return (startPromise ??= runStart());
  }

  function stop(): Promise<StopReport> {
    return (stopPromise ??= (async () => {
      // Let an ongoing start settle (it starts nothing further once stopPromise is set), but not forever.
      if (startPromise) {
        const outcome = await within(startPromise.catch(() => undefined));
        if (outcome === 'timedOut') {
          logger.warn(
            `plugin "${starting?.name ?? '?'}" did not finish starting within ${stopTimeoutMs} ms; stopping the plugins already started`,
            { plugin: starting?.name },
          );
        }
      }
      stopBegun = true;
      return stopStarted();
    })());
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
    stop,
  };
  // Keyed by a variable that may be the fallback symbol, hence defined rather than written literally.
  Object.defineProperty(obs, asyncDispose, {
    value: async (): Promise<void> => {
      await stop();
    },
  });
  return Object.freeze(obs) as Observability;
}
