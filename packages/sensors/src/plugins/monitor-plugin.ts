// Plugin factories for @sightline/setup: each brings one sensor (and, for health, a HealthCheck).
import { type Plugin } from '@sightline/core';
import { withOptionsShape } from '@sightline/core/internal';
import { Monitor } from '../monitor.js';
import { MONITOR_PLUGIN_SHAPE, resolveSensorOptions, type MonitorPluginOptions } from '../options.js';

/** The `monitor()` plugin for `setup()`: a Monitor sensor. */
export interface MonitorPlugin extends Plugin {
  /** The Monitor, fed by the service's stream events. */
  readonly sensor: Monitor;
}

/** A Monitor as a plugin: it samples rates from `start()` to `close()`. */
function monitorPlugin(options: MonitorPluginOptions = {}): MonitorPlugin {
  const { name } = resolveSensorOptions(MONITOR_PLUGIN_SHAPE, options, 'monitor()');
  const { name: _name, ...monitorOptions } = options;
  const sensor = new Monitor(monitorOptions);
  return {
    name,
    sensor,
    start: () => sensor.start(),
    close: () => sensor.close(),
  };
}

/**
 * A plugin for `setup()` that counts the service's stream events with a Monitor: throughput, latencies and
 * per-partition figures, in `asDict()`.
 */
export const monitor = withOptionsShape(monitorPlugin, MONITOR_PLUGIN_SHAPE);
