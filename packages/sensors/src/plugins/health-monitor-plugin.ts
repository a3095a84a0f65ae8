import type { HealthCheck, Plugin } from '@sightline/core';
import { HealthMonitor, type HealthMonitorOptions } from '../health-monitor.js';

export interface HealthMonitorPlugin extends Plugin {
  readonly sensor: HealthMonitor;
  readonly healthChecks: readonly HealthCheck[];
}

export interface HealthMonitorPluginOptions extends HealthMonitorOptions {
  /** Plugin name. Default `health-monitor`. (`name` names the HealthCheck.) */
  readonly pluginName?: string;
}

/** A HealthMonitor as a plugin: its HealthCheck joins the health server's readiness; checks run from `start()`. */
export function healthMonitor(options: HealthMonitorPluginOptions = {}): HealthMonitorPlugin {
  const sensor = new HealthMonitor(options);
  return {
    name: options.pluginName ?? 'health-monitor',
    sensor,
    healthChecks: [sensor.healthCheck],
    start: () => sensor.start(),
    stop: () => sensor.stop(),
  };
}
