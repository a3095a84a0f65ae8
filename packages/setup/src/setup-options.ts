// setup()'s options, their defaults, and the one place they are checked.
import type { Logger, Plugin } from '@sightline/core';
import { describeValue } from './describe-value.js';
import { SetupConfigError } from './errors.js';

export const DEFAULT_STOP_TIMEOUT_MS = 5_000;
export const DEFAULT_START_TIMEOUT_MS = 30_000;
/** From the signal to the forced exit: below Kubernetes' default 30 s grace period. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;
/** Inside Kubernetes, long enough for the endpoints controller and kube-proxy to drop the pod. */
export const KUBERNETES_SHUTDOWN_DELAY_MS = 5_000;
export const DEFAULT_SIGNALS: readonly NodeJS.Signals[] = Object.freeze(['SIGTERM', 'SIGINT']);

/** `shutdownDelayMs` when not given: 5000 when `KUBERNETES_SERVICE_HOST` is set, else 0. */
export function defaultShutdownDelayMs(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const host = env['KUBERNETES_SERVICE_HOST'];
  return typeof host === 'string' && host.trim() !== '' ? KUBERNETES_SHUTDOWN_DELAY_MS : 0;
}

export interface SetupOptions {
  /** The service's name, e.g. `orders`; given to every plugin (metric labels, span resources). */
  readonly service: string;
  readonly version?: string;
  /** e.g. `production`, `staging`. */
  readonly environment?: string;
  /** The plugins to compose, in start order; they stop in reverse. Names must be unique. */
  readonly plugins: readonly Plugin[];
  /** How long one plugin's `stop()` may take before it is abandoned with a warning. Default 5000. */
  readonly stopTimeoutMs?: number;
  /**
   * How long one plugin's `start()` may take; past it `start()` rejects with `PluginStartError`
   * and the plugins already started are stopped. Default 30000.
   */
  readonly startTimeoutMs?: number;
  /**
   * When the service counts as ready (readiness 200): `'start'` (default) once `start()` resolves;
   * `'manual'` once you call `markReady()`.
   */
  readonly readiness?: 'start' | 'manual';
  /**
   * Signals that start the graceful stop and then exit the process (0 when everything stopped
   * cleanly, else 1). Default `['SIGTERM', 'SIGINT']`; `false` handles none (you call `shutdown()`).
   */
  readonly signals?: readonly NodeJS.Signals[] | false;
  /**
   * After a signal (or `shutdown()`), how long readiness answers 503 before anything closes, so
   * load balancers stop sending traffic. Default 5000 when `KUBERNETES_SERVICE_HOST` is set, else 0.
   */
  readonly shutdownDelayMs?: number;
  /**
   * Bound on the whole stop after a signal: past it the process exits with 1. Also bounds how long
   * `stop()` waits for `beforeShutdown` and beacons. Default 25000.
   */
  readonly shutdownTimeoutMs?: number;
  /**
   * Runs when the stop begins in earnest (after the delay, before any plugin stops), beside the
   * wait for beacons: close your own servers here so in-flight requests complete.
   */
  readonly beforeShutdown?: () => void | Promise<void>;
  /** Where setup logs; each plugin gets `logger.child(pluginName)`. Default `getLogger('sightline.setup')`. */
  readonly logger?: Logger;
}

const PLUGIN_FUNCTIONS = ['start', 'stop'] as const;
const PLUGIN_OBJECTS = ['hooks', 'sensor', 'metrics'] as const;

function checkOptionalString(value: unknown, what: string): void {
  if (value !== undefined && typeof value !== 'string') {
    throw new SetupConfigError(`setup(): ${what} must be a string when given, got ${describeValue(value)}`);
  }
}

function checkPlugin(plugin: unknown, index: number): asserts plugin is Plugin {
  const at = `plugins[${index}]`;
  if (plugin === null || typeof plugin !== 'object' || Array.isArray(plugin)) {
    throw new SetupConfigError(`setup(): ${at} must be a plugin object ({ name, hooks?, sensor?, ... }), got ${describeValue(plugin)}`);
  }
  const p = plugin as Record<string, unknown>;
  if (typeof p['name'] !== 'string' || p['name'].trim() === '') {
    throw new SetupConfigError(`setup(): ${at}.name must be a non-empty string, got ${describeValue(p['name'])}`);
  }
  const named = `${at} ("${p['name']}")`;
  for (const key of PLUGIN_FUNCTIONS) {
    if (p[key] !== undefined && typeof p[key] !== 'function') {
      throw new SetupConfigError(`setup(): ${named}.${key} must be a function when given, got ${describeValue(p[key])}`);
    }
  }
  for (const key of PLUGIN_OBJECTS) {
    if (p[key] !== undefined && (p[key] === null || typeof p[key] !== 'object')) {
      throw new SetupConfigError(`setup(): ${named}.${key} must be an object when given, got ${describeValue(p[key])}`);
    }
  }
  const metrics = p['metrics'] as Record<string, unknown> | undefined;
  if (metrics && (typeof metrics['render'] !== 'function' || typeof metrics['contentType'] !== 'string')) {
    throw new SetupConfigError(`setup(): ${named}.metrics must be a MetricsSource ({ contentType: string, render() })`);
  }
  if (p['healthChecks'] !== undefined && !Array.isArray(p['healthChecks'])) {
    throw new SetupConfigError(
      `setup(): ${named}.healthChecks must be an array of health checks when given, got ${describeValue(p['healthChecks'])}`,
    );
  }
}

function checkMillis(value: unknown, what: string, zeroAllowed: boolean): void {
  if (value === undefined) return;
  if (!(typeof value === 'number' && Number.isFinite(value) && (zeroAllowed ? value >= 0 : value > 0))) {
    throw new SetupConfigError(`setup(): ${what} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number of milliseconds, got ${describeValue(value)}`);
  }
}

/** Checks everything once, so that start() and the hot paths need not. */
export function validateSetupOptions(options: SetupOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new SetupConfigError(`setup(): options must be an object ({ service, plugins, ... }), got ${describeValue(options)}`);
  }
  const { service, version, environment, plugins, stopTimeoutMs } = options;
  checkMillis(options.startTimeoutMs, 'startTimeoutMs', false);
  checkMillis(options.shutdownDelayMs, 'shutdownDelayMs', true);
  checkMillis(options.shutdownTimeoutMs, 'shutdownTimeoutMs', false);
  if (options.readiness !== undefined && options.readiness !== 'start' && options.readiness !== 'manual') {
    throw new SetupConfigError(`setup(): readiness must be "start" or "manual", got ${describeValue(options.readiness)}`);
  }
  const { signals } = options;
  if (signals !== undefined && signals !== false && !(Array.isArray(signals) && signals.every((x) => typeof x === 'string' && /^SIG[A-Z0-9]+$/.test(x)))) {
    throw new SetupConfigError(`setup(): signals must be false or an array of signal names such as ["SIGTERM", "SIGINT"], got ${describeValue(signals)}`);
  }
  if (options.beforeShutdown !== undefined && typeof options.beforeShutdown !== 'function') {
    throw new SetupConfigError(`setup(): beforeShutdown must be a function when given, got ${describeValue(options.beforeShutdown)}`);
  }
  if (typeof service !== 'string' || service.trim() === '') {
    throw new SetupConfigError(`setup(): service must be a non-empty string naming the service, e.g. "orders"; got ${describeValue(service)}`);
  }
  checkOptionalString(version, 'version');
  checkOptionalString(environment, 'environment');
  if (stopTimeoutMs !== undefined && !(typeof stopTimeoutMs === 'number' && Number.isFinite(stopTimeoutMs) && stopTimeoutMs > 0)) {
    throw new SetupConfigError(`setup(): stopTimeoutMs must be a positive number of milliseconds, got ${describeValue(stopTimeoutMs)}`);
  }
  if (!Array.isArray(plugins)) {
    throw new SetupConfigError(`setup(): plugins must be an array of plugins, e.g. [prometheus(), health()]; got ${describeValue(plugins)}`);
  }
  const seen = new Map<string, number>();
  plugins.forEach((plugin: unknown, index) => {
    checkPlugin(plugin, index);
    const first = seen.get(plugin.name);
    if (first !== undefined) {
      throw new SetupConfigError(
        `setup(): duplicate plugin name "${plugin.name}" at plugins[${first}] and plugins[${index}]; each plugin may be given once`,
      );
    }
    seen.set(plugin.name, index);
  });
}
