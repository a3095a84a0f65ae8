// setup()'s options, their defaults, and the one place they are checked.
import type { Logger, Plugin } from '@sightline/core';
import { describeValue } from './describe-value.js';
import { SetupConfigError } from './errors.js';

export const DEFAULT_STOP_TIMEOUT_MS = 5_000;

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
  /** Where setup logs; each plugin gets `logger.child(pluginName)`. Default `getLogger('sightline.setup')`. */
  readonly logger?: Logger;
}

const PLUGIN_FUNCTIONS = ['start', 'stop'] as const;
const PLUGIN_OBJECTS = ['hooks', 'sensor', 'metrics', 'spanSink'] as const;

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
  const sink = p['spanSink'] as Record<string, unknown> | undefined;
  if (sink && typeof sink['onSpanEnd'] !== 'function') {
    throw new SetupConfigError(`setup(): ${named}.spanSink must be a SpanSink ({ onSpanEnd(span) })`);
  }
  const routes = p['routes'];
  if (routes !== undefined) {
    const bad = !Array.isArray(routes) || routes.some((r: unknown) => {
      const route = r as Record<string, unknown> | null;
      return route === null || typeof route !== 'object' || typeof route['path'] !== 'string' || !route['path'].startsWith('/') || typeof route['handle'] !== 'function';
    });
    if (bad) {
      throw new SetupConfigError(`setup(): ${named}.routes must be an array of routes ({ path: '/x', auth, handle(req, res) }), got ${describeValue(routes)}`);
    }
  }
  if (p['healthChecks'] !== undefined && !Array.isArray(p['healthChecks'])) {
    throw new SetupConfigError(
      `setup(): ${named}.healthChecks must be an array of health checks when given, got ${describeValue(p['healthChecks'])}`,
    );
  }
}

/** Checks everything once, so that start() and the hot paths need not. */
export function validateSetupOptions(options: SetupOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new SetupConfigError(`setup(): options must be an object ({ service, plugins, ... }), got ${describeValue(options)}`);
  }
  const { service, version, environment, plugins, stopTimeoutMs } = options;
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
