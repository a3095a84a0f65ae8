// The `stats()` plugin for @sightline/setup: the client's hooks and StatsDMonitor, flushed on start
// and closed on stop.
import { type Plugin } from '@sightline/core';
import { opt, validateOptions, withOptionsShape, type Shape } from '@sightline/core/internal';
import { STATS_CLIENT_SHAPE, STATS_HOOKS_SHAPE, STATSD_MONITOR_SHAPE, statsOptionsError } from './options.js';
import { StatsClientSettings } from './settings.js';
import { StatsClient, type StatsClientOptions } from './stats-client.js';
import { statsHooks, type StatsHooksOptions } from './stats-hooks.js';
import { StatsDMonitor, type StatsDMonitorOptions } from './statsd-monitor.js';

/** Options of the `stats()` plugin: a client's options, plus the parts the plugin adds. */
export interface StatsPluginOptions extends StatsClientOptions {
  /** Use this client instead of building one (the plugin then owns its lifecycle: stop closes it). */
  readonly client?: StatsClient;
  /** Options of the StatsDMonitor sensor, or false for none. */
  readonly monitor?: StatsDMonitorOptions | false;
  /** Options of `statsHooks`, or false for none. */
  readonly hooks?: StatsHooksOptions | false;
}

/** The `stats()` plugin for `setup()`: its client, the StatsDMonitor sensor and the stats hooks. */
export interface StatsPlugin extends Plugin {
  /** Always `stats`. */
  readonly name: 'stats';
  /** The client the plugin flushes on start and closes on stop. */
  readonly client: StatsClient;
}

const PLUGIN_KEYS = new Set(['client', 'monitor', 'hooks']);

const STATS_PLUGIN_SHAPE: Shape = Object.freeze({
  ...STATS_CLIENT_SHAPE,
  client: opt.any({ env: false }),
  monitor: opt.oneOf([opt.enum([false]), opt.object(STATSD_MONITOR_SHAPE)]),
  hooks: opt.oneOf([opt.enum([false]), opt.object(STATS_HOOKS_SHAPE)]),
});

/**
 * The stats plugin. `stats()` loads `StatsClientSettings` (argv, env, config file);
 * `stats({ protocol, destHost, ... })` builds a client from options; `stats({ client })` uses yours.
 */
function statsPlugin(options: StatsPluginOptions = {}): StatsPlugin {
  validateOptions(STATS_PLUGIN_SHAPE, options, {
    source: 'stats()',
    error: statsOptionsError('stats()'),
  });
  const clientOptions = Object.fromEntries(Object.entries(options).filter(([k]) => !PLUGIN_KEYS.has(k))) as StatsClientOptions;
  const client =
    options.client ??
    (Object.keys(clientOptions).length === 0 ? StatsClientSettings.load().createClient() : new StatsClient(clientOptions));
  const hooks = options.hooks === false ? undefined : statsHooks(client, options.hooks);
  const sensor = options.monitor === false ? undefined : new StatsDMonitor(client, options.monitor);
  return {
    name: 'stats',
    client,
    ...(hooks ? { hooks } : {}),
    ...(sensor ? { sensor } : {}),
    start: async () => {
      await client.flush();
    },
    close: async () => {
      sensor?.dispose();
      await client.close();
    },
  };
}

/**
 * A plugin for `setup()` that sends the service's metrics to a stats server or StatsD daemon: builds a
 * `StatsClient` from the options (or uses `options.client`), adds a StatsDMonitor sensor and stats hooks, and
 * closes the client on stop.
 */
export const stats = withOptionsShape(statsPlugin, STATS_PLUGIN_SHAPE);
