// Plugin factories for @sightline/setup: each brings one sensor (and, for health, a HealthCheck).
import { type Plugin } from '@sightline/core';
import { withOptionsShape } from '@sightline/core/internal';
import { Monitor, type MonitorOptions } from '../monitor.js';
import { checkSensorOptions, MONITOR_PLUGIN_SHAPE } from '../options-shapes.js';

/** The `monitor()` plugin for `setup()`: a Monitor sensor. */
export interface MonitorPlugin extends Plugin {
  /** The Monitor, fed by the service's stream events. */
  readonly sensor: Monitor;
}

/** Options of the `monitor()` plugin: a Monitor's options plus the plugin's name. */
export interface MonitorPluginOptions extends MonitorOptions {
  /** Plugin name, the key of its figures in setup's snapshot. Default `monitor`. */
  readonly name?: string;
}

/** A Monitor as a plugin: it samples rates from `start()` to `stop()`. */
function monitorPlugin(options: MonitorPluginOptions = {}): MonitorPlugin {
  const { name, ...monitorOptions } = checkSensorOptions(MONITOR_PLUGIN_SHAPE, options, 'monitor()') ?? {};
  const sensor = new Monitor(monitorOptions);
  return {
    name: name ?? 'monitor',
    sensor,
    start: () => sensor.start(),
    close: () => sensor.stop(),
  };
}

/**
 * A plugin for `setup()` that counts the service's stream events with a Monitor: throughput, latencies and
 * per-partition figures, in `asDict()`.
 */
export const monitor = withOptionsShape(monitorPlugin, MONITOR_PLUGIN_SHAPE);
