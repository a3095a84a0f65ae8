// Plugin factories for @sightline/setup: each brings one sensor (and, for health, a HealthCheck).
import { withOptionsShape, type Plugin } from '@sightline/core';
import { Monitor, type MonitorOptions } from '../monitor.js';
import { checkSensorOptions, MONITOR_PLUGIN_SHAPE } from '../options-shapes.js';

export interface MonitorPlugin extends Plugin {
  readonly sensor: Monitor;
}

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
    stop: () => sensor.stop(),
  };
}

export const monitor = withOptionsShape(monitorPlugin, MONITOR_PLUGIN_SHAPE);
