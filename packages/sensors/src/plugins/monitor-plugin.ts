// Plugin factories for @sightline/setup: each brings one sensor (and, for health, a HealthCheck).
import type { Plugin } from '@sightline/core';
import { Monitor, type MonitorOptions } from '../monitor.js';

export interface MonitorPlugin extends Plugin {
  readonly sensor: Monitor;
}

export interface MonitorPluginOptions extends MonitorOptions {
  /** Plugin name, the key of its figures in setup's snapshot. Default `monitor`. */
  readonly name?: string;
}

/** A Monitor as a plugin: it samples rates from `start()` to `stop()`. */
export function monitor(options: MonitorPluginOptions = {}): MonitorPlugin {
  const sensor = new Monitor(options);
  return {
    name: options.name ?? 'monitor',
    sensor,
    start: () => sensor.start(),
    stop: () => sensor.stop(),
  };
}
