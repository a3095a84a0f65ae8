// The `stats()` plugin for @sightline/setup: a client with its hooks and StatsDMonitor, flushed
// on start and closed with the app.
import { type Plugin } from '@sightline/core';
import { resolveOptions, withOptionsShape } from '@sightline/core/internal';
import { SETTING_NAMES, STATS_PLUGIN_SHAPE, statsOptionsError, type StatsClientOptions, type StatsPluginOptions } from './options.js';
import { StatsClientSettings } from './settings.js';
import { StatsClient } from './stats-client.js';
import { statsHooks } from './stats-hooks.js';
import { StatsDMonitor } from './statsd-monitor.js';

/** The `stats()` plugin for `setup()`: its client, the StatsDMonitor sensor and the stats hooks. */
export interface StatsPlugin extends Plugin {
  /** Always `stats`. */
  readonly name: 'stats';
  /** The client the plugin flushes on start and closes with the app. */
  readonly client: StatsClient;
}

const CALLER = 'stats()';
const CLIENT_KEYS: ReadonlySet<string> = new Set([...SETTING_NAMES, 'onError', 'transport', 'tlsOptions', 'mock']);

/**
 * The client options as given: the client applies its own defaults and rules (port 443 means TLS
 * unless `tls` is given), so defaults filled in here would hide what was left unset.
 */
function clientOptionsOf(options: StatsPluginOptions): StatsClientOptions {
  return Object.fromEntries(Object.entries(options).filter(([key]) => CLIENT_KEYS.has(key)));
}

/**
 * The stats plugin. `stats()` loads `StatsClientSettings` (argv, env, config file);
 * `stats({ protocol, destHost, ... })` builds a client from options; `stats({ client })` uses yours.
 */
function statsPlugin(options: StatsPluginOptions = {}): StatsPlugin {
  const resolved = resolveOptions(STATS_PLUGIN_SHAPE, options, { source: CALLER, error: statsOptionsError(CALLER) });
  const clientOptions = clientOptionsOf(options);
  const client =
    resolved.client ??
    (Object.keys(clientOptions).length === 0 ? StatsClientSettings.load().createClient() : new StatsClient(clientOptions));
  const hooks = resolved.hooks === false ? undefined : statsHooks(client, resolved.hooks);
  const sensor = resolved.monitor === false ? undefined : new StatsDMonitor(client, resolved.monitor);
  return {
    name: 'stats',
    client,
    ...(hooks ? { hooks } : {}),
    ...(sensor ? { sensor } : {}),
    // The monitor samples its rates on a timer, as every Monitor under setup does.
    start: async () => {
      await sensor?.start();
      await client.flush();
    },
    close: async () => {
      // The client first: its last flush collects the monitor's last figures.
      await client.close();
      await sensor?.close();
    },
  };
}

/**
 * A plugin for `setup()` that sends the service's metrics to a stats server or StatsD daemon: builds a
 * `StatsClient` from the options (or uses `options.client`), adds a StatsDMonitor sensor and stats hooks, and
 * closes the client with the app.
 */
export const stats = withOptionsShape(statsPlugin, STATS_PLUGIN_SHAPE);
