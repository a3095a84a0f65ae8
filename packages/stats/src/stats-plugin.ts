// The `stats()` plugin for @sightline/setup: the client's hooks and StatsDMonitor, flushed on start
// and closed on stop.
import type { Plugin } from '@sightline/core';
import { StatsClientSettings } from './settings.js';
import { StatsClient, type StatsClientOptions } from './stats-client.js';
import { statsHooks, type StatsHooksOptions } from './stats-hooks.js';
import { StatsDMonitor, type StatsDMonitorOptions } from './statsd-monitor.js';

export interface StatsPluginOptions extends StatsClientOptions {
  /** Use this client instead of building one (the plugin then owns its lifecycle: stop closes it). */
  readonly client?: StatsClient;
  /** Options of the StatsDMonitor sensor, or false for none. */
  readonly monitor?: StatsDMonitorOptions | false;
  /** Options of `statsHooks`, or false for none. */
  readonly hooks?: StatsHooksOptions | false;
}

export interface StatsPlugin extends Plugin {
  readonly name: 'stats';
  readonly client: StatsClient;
}

const PLUGIN_KEYS = new Set(['client', 'monitor', 'hooks']);

/**
 * The stats plugin. `stats()` loads `StatsClientSettings` (argv, env, config file);
 * `stats({ protocol, destHost, ... })` builds a client from options; `stats({ client })` uses yours.
 */
export function stats(options: StatsPluginOptions = {}): StatsPlugin {
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
    stop: async () => {
      sensor?.dispose();
      await client.close();
    },
  };
}
